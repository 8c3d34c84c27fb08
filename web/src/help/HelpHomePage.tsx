// The help centre's front page: a search box, the categories, and the articles of the chosen category or the search.
import { useQuery } from '@tanstack/react-query';
import Input from 'antd/es/input';
import Skeleton from 'antd/es/skeleton';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { listArticles, type ArticleHit, type ArticleSummary } from '../api';
import { kbKeys, useArticleSearch, useCategories } from '../kb/queries';
import { Muted, Panel, ToggleChip } from '../shared/ui';

export function articlePath(id: string): string {
  return `/help/articles/${encodeURIComponent(id)}`;
}

function ArticleRow({ article, testId }: { article: ArticleSummary | ArticleHit; testId: string }) {
  const text = 'snippet' in article ? article.snippet : article.summary;
  return (
    <li data-testid={testId} style={{ padding: '10px 0', borderBottom: '1px solid #f0f0f0', listStyle: 'none' }}>
      <Link to={articlePath(article.id)} style={{ fontSize: 15, fontWeight: 500 }}>
        {article.title}
      </Link>
      <div>
        <Muted>{text}</Muted>
      </div>
    </li>
  );
}

export default function HelpHomePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? undefined;
  const categories = useCategories();
  const results = useArticleSearch(q, 20);
  const listing = useQuery({
    queryKey: kbKeys.list({ category, public: 'yes' }),
    queryFn: ({ signal }) => listArticles({ category, status: 'published', limit: 100 }, { signal }),
    enabled: !q,
  });

  function go(next: { q?: string; category?: string }) {
    const p = new URLSearchParams();
    if (next.q) p.set('q', next.q);
    if (next.category) p.set('category', next.category);
    setParams(p);
  }

  const items: (ArticleSummary | ArticleHit)[] = q ? (results.data ?? []) : (listing.data?.items ?? []);
  const loading = q ? results.isPending : listing.isPending;
  return (
    <div data-testid="help-home">
      <Panel style={{ marginBottom: 16 }}>
        <h2 style={{ marginTop: 0 }}>{t('kb.help')}</h2>
        <Muted>{t('kb.helpIntro')}</Muted>
        <Input.Search
          key={q}
          defaultValue={q}
          allowClear
          enterButton={t('kb.search')}
          placeholder={t('kb.searchPlaceholder')}
          onSearch={(value) => go({ q: value.trim() })}
          style={{ marginTop: 12 }}
          data-testid="help-search"
          size="large"
        />
      </Panel>
      <div className="hd-filters" data-testid="help-categories" style={{ marginBottom: 12 }}>
        <ToggleChip checked={!q && !category} onChange={() => go({})} testId="help-category-all" radio>
          {t('kb.allArticles')}
        </ToggleChip>
        {(categories.data ?? []).map((c) => (
          <ToggleChip
            key={c.category}
            checked={!q && category === c.category}
            onChange={() => go({ category: c.category })}
            testId={`help-category-${c.category}`}
            radio
          >
            {c.category} <Muted>({c.published})</Muted>
          </ToggleChip>
        ))}
      </div>
      <Panel title={q ? `${t('kb.search')}: ${q}` : (category ?? t('kb.allArticles'))}>
        {loading ? (
          <Skeleton active />
        ) : items.length === 0 ? (
          <Muted testId="help-empty">{t('kb.noResults')}</Muted>
        ) : (
          <ul style={{ margin: 0, padding: 0 }} data-testid="help-results" data-count={items.length}>
            {items.map((a) => (
              <ArticleRow key={a.id} article={a} testId={`help-article-${a.id}`} />
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}
