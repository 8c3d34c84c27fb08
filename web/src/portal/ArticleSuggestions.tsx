// While a customer types the subject of a new ticket, up to five articles that may already answer it. Opening one
// shows it in a drawer; "这解决了我的问题" records a deflection (POST .../feedback {helpful, deflected}) and the
// ticket is not submitted.
import Button from 'antd/es/button';
import Drawer from 'antd/es/drawer';
import Skeleton from 'antd/es/skeleton';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendArticleFeedback } from '../api';
import { ArticleBody } from '../kb/ArticleBody';
import { useArticle, useArticleSearch } from '../kb/queries';
import { useDebounced } from '../kb/useDebounced';
import { Muted } from '../shared/ui';

export const MIN_SUGGEST_CHARS = 2;

export function ArticleSuggestions({ subject, onDeflected }: { subject: string; onDeflected: (articleId: string) => void }) {
  const { t } = useTranslation();
  const typed = useDebounced(subject.trim(), 300);
  const search = useArticleSearch(typed.length >= MIN_SUGGEST_CHARS ? typed : '', 5);
  const [open, setOpen] = useState<string | null>(null);
  const hits = search.data ?? [];
  if (hits.length === 0 && !open) return null;
  return (
    <div data-testid="portal-suggestions" data-count={hits.length} className="hd-suggestions">
      <div style={{ marginBottom: 4 }}>
        <Muted>{t('kb.suggestions')}</Muted>
      </div>
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {hits.map((hit) => (
          <li key={hit.id}>
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpen(hit.id)} data-testid={`suggestion-${hit.id}`}>
              {hit.title}
            </Button>
          </li>
        ))}
      </ul>
      <SuggestionDrawer
        articleId={open}
        onClose={() => setOpen(null)}
        onSolved={(id) => {
          setOpen(null);
          onDeflected(id);
        }}
      />
    </div>
  );
}

function SuggestionDrawer({
  articleId,
  onClose,
  onSolved,
}: {
  articleId: string | null;
  onClose: () => void;
  onSolved: (articleId: string) => void;
}) {
  const { t } = useTranslation();
  const article = useArticle(articleId ?? undefined);
  const [busy, setBusy] = useState(false);

  async function answer(solved: boolean) {
    if (!articleId) return;
    setBusy(true);
    try {
      await sendArticleFeedback(articleId, solved ? { helpful: true, deflected: true } : { helpful: false });
    } catch {
      // A vote that did not count (rate limit, network) must not stand between the customer and their answer.
    } finally {
      setBusy(false);
    }
    if (solved) onSolved(articleId);
    else onClose();
  }

  return (
    <Drawer
      open={articleId !== null}
      onClose={onClose}
      size="large"
      title={article.data?.title}
      destroyOnHidden
      data-testid="suggestion-drawer"
      footer={
        <div style={{ display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
          <Button onClick={() => void answer(false)} disabled={busy} data-testid="suggestion-not-solved">
            {t('kb.notSolved')}
          </Button>
          <Button type="primary" onClick={() => void answer(true)} loading={busy} data-testid="suggestion-solved">
            {t('kb.solved')}
          </Button>
        </div>
      }
    >
      {article.data ? <ArticleBody article={article.data} /> : <Skeleton active />}
    </Drawer>
  );
}
