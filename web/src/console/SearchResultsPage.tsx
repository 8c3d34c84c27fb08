// Ticket search (GET /api/search/tickets): what the header's search box opens for anything that is not a ticket
// number or an email address. Best match first, with where it matched and a snippet. Lazy-loaded.
import { useInfiniteQuery } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Skeleton from 'antd/es/skeleton';
import Tag from 'antd/es/tag';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { searchTickets } from '../api';
import { formatTime } from '../shared/format';
import { PriorityTag, StatusTag } from '../shared/labels';
import { Muted, Panel } from '../shared/ui';

export default function SearchResultsPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const pages = useInfiniteQuery({
    queryKey: ['ticketSearch', q],
    queryFn: ({ pageParam, signal }) => searchTickets({ q, limit: 25, cursor: pageParam }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled: q.length > 0,
  });
  const hits = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Panel title={t('ticketSearch.title', { q })} testId="search-results">
      {pages.isPending && q ? (
        <Skeleton active />
      ) : pages.isError ? (
        <Muted testId="search-error">{pages.error.message}</Muted>
      ) : hits.length === 0 ? (
        <Muted testId="search-empty">{t('ticketSearch.empty')}</Muted>
      ) : (
        <ul style={{ margin: 0, padding: 0, listStyle: 'none' }} data-testid="search-hits" data-count={hits.length}>
          {hits.map((hit) => (
            <li key={hit.id} data-testid={`search-hit-${hit.number}`} style={{ padding: '10px 0', borderBottom: '1px solid #f0f0f0' }}>
              <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                <Link to={`/console/tickets/${encodeURIComponent(hit.id)}`} style={{ fontWeight: 500 }}>
                  {hit.number} · {hit.subject}
                </Link>
                <StatusTag status={hit.status} />
                <PriorityTag priority={hit.priority} />
                <Tag>{t(`ticketSearch.matched.${hit.matched}`)}</Tag>
                <Muted>{formatTime(hit.updated_at)}</Muted>
              </div>
              <Muted>{hit.snippet}</Muted>
            </li>
          ))}
        </ul>
      )}
      {pages.hasNextPage ? (
        <Button onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage} style={{ marginTop: 8 }}>
          {t('common.loadMore')}
        </Button>
      ) : null}
    </Panel>
  );
}
