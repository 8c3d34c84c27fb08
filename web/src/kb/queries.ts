// The knowledge base's server state (TanStack Query): keys and hooks shared by the help centre, the portal and the
// console. Everything goes through src/api.
import { useQuery } from '@tanstack/react-query';
import { getArticle, listArticleCategories, searchArticles } from '../api';

export const kbKeys = {
  all: ['kb'] as const,
  article: (id: string) => ['kb', 'article', id] as const,
  categories: ['kb', 'categories'] as const,
  list: (filters: Record<string, string | undefined>) => ['kb', 'list', filters] as const,
  search: (q: string, limit: number) => ['kb', 'search', q, limit] as const,
  suggestions: (ticketId: string) => ['kb', 'suggestions', ticketId] as const,
  history: (id: string) => ['kb', 'history', id] as const,
};

export function useArticle(id: string | undefined) {
  return useQuery({
    queryKey: kbKeys.article(id ?? ''),
    queryFn: ({ signal }) => getArticle(id!, { signal }),
    enabled: !!id,
  });
}

export function useCategories() {
  return useQuery({ queryKey: kbKeys.categories, queryFn: ({ signal }) => listArticleCategories({ signal }) });
}

/** Articles for a query, best first; nothing is asked for an empty query. */
export function useArticleSearch(q: string, limit = 5) {
  const query = q.trim();
  return useQuery({
    queryKey: kbKeys.search(query, limit),
    queryFn: ({ signal }) => searchArticles(query, limit, { signal }),
    enabled: query.length > 0,
    staleTime: 60_000,
  });
}
