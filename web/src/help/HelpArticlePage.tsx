// One article in the help centre, with "was it helpful?" under it.
import ArrowLeftOutlined from '@ant-design/icons/ArrowLeftOutlined';
import Skeleton from 'antd/es/skeleton';
import Tag from 'antd/es/tag';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ArticleBody } from '../kb/ArticleBody';
import { ArticleFeedback } from '../kb/ArticleFeedback';
import { useArticle } from '../kb/queries';
import { ErrorBlock } from '../shared/ErrorBlock';
import { formatTime } from '../shared/format';
import { Muted, Panel } from '../shared/ui';

export default function HelpArticlePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const article = useArticle(id);
  const back = (
    <Link to="/help">
      <ArrowLeftOutlined /> {t('kb.backToHelp')}
    </Link>
  );
  if (article.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (article.isError) return <ErrorBlock testId="article-error" title={t('kb.notFound')} action={back} />;
  const a = article.data;
  return (
    <div data-testid="help-article" data-article-id={a.id}>
      <div style={{ marginBottom: 8 }}>{back}</div>
      <Panel>
        <h2 style={{ marginTop: 0 }} data-testid="article-title">
          {a.title}
        </h2>
        <div style={{ marginBottom: 12 }}>
          <Tag>{a.category}</Tag>
          {a.status === 'draft' ? <Tag color="orange">{t('kb.status.draft')}</Tag> : null}
          <Muted>{t('kb.updatedAt', { time: formatTime(a.updated_at) })}</Muted>
        </div>
        <ArticleBody article={a} />
        <div style={{ marginTop: 16, paddingTop: 12, borderTop: '1px solid #f0f0f0' }}>
          <ArticleFeedback articleId={a.id} />
        </div>
      </Panel>
    </div>
  );
}
