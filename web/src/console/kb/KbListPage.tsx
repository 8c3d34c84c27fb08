// 知识库 management: every article (drafts and published), by category, with its counts; search; new article.
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useInfiniteQuery } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Tag from 'antd/es/tag';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { listArticles, type ArticleStatus, type ArticleSummary } from '../../api';
import { kbKeys, useArticleSearch, useCategories } from '../../kb/queries';
import { formatTime } from '../../shared/format';
import { Muted, ToggleChip } from '../../shared/ui';

export function editorPath(id: string): string {
  return `/console/kb/${encodeURIComponent(id)}`;
}

export default function KbListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as ArticleStatus | null) ?? undefined;
  const category = params.get('category') ?? undefined;
  const q = params.get('q') ?? '';
  const categories = useCategories();
  const pages = useInfiniteQuery({
    queryKey: kbKeys.list({ status, category, staff: 'yes' }),
    queryFn: ({ pageParam, signal }) => listArticles({ status, category, limit: 50, cursor: pageParam }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: !q,
  });
  const searched = useArticleSearch(q, 50);

  function set(name: string, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  }

  const listed: ArticleSummary[] = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const rows = q
    ? (searched.data ?? []).map((h) => ({ ...h, tags: [], version: 0, updated_at: '', views: 0, helpful: 0, not_helpful: 0, deflections: 0, linked_tickets: 0 }))
    : listed;
  return (
    <div data-testid="kb-list-page">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', marginBottom: 12 }}>
        <h2 style={{ margin: 0, fontSize: 20 }}>{t('kb.title')}</h2>
        <Input.Search
          key={q}
          defaultValue={q}
          allowClear
          placeholder={t('kb.searchKb')}
          onSearch={(value) => set('q', value.trim() || undefined)}
          style={{ maxWidth: 320 }}
          data-testid="kb-list-search"
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          style={{ marginLeft: 'auto' }}
          onClick={() => navigate('/console/kb/new')}
          data-testid="kb-new"
        >
          {t('kb.newArticle')}
        </Button>
      </div>
      <div className="hd-filters">
        <ToggleChip radio checked={!status} onChange={() => set('status', undefined)} testId="kb-status-all">
          {t('kb.filterAll')}
        </ToggleChip>
        {(['draft', 'published'] as const).map((s) => (
          <ToggleChip key={s} radio checked={status === s} onChange={() => set('status', s)} testId={`kb-status-${s}`}>
            {t(`kb.status.${s}`)}
          </ToggleChip>
        ))}
        <span style={{ width: 12 }} />
        <ToggleChip radio checked={!category} onChange={() => set('category', undefined)} testId="kb-category-all">
          {t('kb.filterAll')}
        </ToggleChip>
        {(categories.data ?? []).map((c) => (
          <ToggleChip
            key={c.category}
            radio
            checked={category === c.category}
            onChange={() => set('category', c.category)}
            testId={`kb-category-${c.category}`}
          >
            {c.category} <Muted>({c.articles})</Muted>
          </ToggleChip>
        ))}
      </div>
      <div className="hd-table-wrap">
        <table className="hd-table" data-testid="kb-table" data-count={rows.length}>
          <thead>
            <tr>
              <th>{t('kb.fields.title')}</th>
              <th>{t('kb.fields.category')}</th>
              <th>{t('kb.fields.status')}</th>
              <th>{t('kb.fields.views')}</th>
              <th>{t('kb.fields.helpful')}</th>
              <th>{t('kb.fields.deflections')}</th>
              <th>{t('kb.fields.linked')}</th>
              <th>{t('kb.fields.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid={`kb-row-${a.id}`}>
                <td>
                  <Link to={editorPath(a.id)}>{a.title}</Link>
                </td>
                <td>{a.category}</td>
                <td>
                  <Tag color={a.status === 'published' ? 'green' : 'orange'}>{t(`kb.status.${a.status}`)}</Tag>
                </td>
                <td>{a.views}</td>
                <td>
                  {a.helpful} / {a.not_helpful}
                </td>
                <td>{a.deflections}</td>
                <td>{a.linked_tickets}</td>
                <td>{formatTime(a.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!q && pages.hasNextPage ? (
        <Button onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage} data-testid="kb-load-more">
          {t('common.loadMore')}
        </Button>
      ) : null}
    </div>
  );
}
