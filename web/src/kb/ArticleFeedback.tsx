// "Was it helpful?" under an article (the help centre's; the portal's deflection has its own buttons).
import Button from 'antd/es/button';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendArticleFeedback } from '../api';
import { Muted } from '../shared/ui';

export function ArticleFeedback({ articleId }: { articleId: string }) {
  const { t } = useTranslation();
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  async function vote(helpful: boolean) {
    setBusy(true);
    try {
      await sendArticleFeedback(articleId, { helpful });
      setSent(true);
    } finally {
      setBusy(false);
    }
  }

  if (sent) return <Muted testId="article-feedback-thanks">{t('kb.thanks')}</Muted>;
  return (
    <div data-testid="article-feedback" style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
      <span>{t('kb.wasHelpful')}</span>
      <Button size="small" disabled={busy} onClick={() => void vote(true)} data-testid="article-helpful">
        {t('kb.helpful')}
      </Button>
      <Button size="small" disabled={busy} onClick={() => void vote(false)} data-testid="article-not-helpful">
        {t('kb.notHelpful')}
      </Button>
    </div>
  );
}
