// 知识库 on the ticket page: articles suggested for the ticket's subject and description, and the ones linked to
// it. An agent inserts an article's title, summary and link into the reply, links or unlinks it, and turns a
// resolved ticket's answer into a draft article.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Skeleton from 'antd/es/skeleton';
import Tag from 'antd/es/tag';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import {
  draftArticleFromTicket,
  getArticle,
  linkArticle,
  suggestArticles,
  unlinkArticle,
  type ArticleHit,
  type Ticket,
} from '../api';
import { kbKeys, useArticleSearch } from '../kb/queries';
import { useToast } from '../shared/toast';
import { Muted } from '../shared/ui';

/** What goes into the reply: the article's title, its summary and the help centre's link to it. */
export function articleReference(
  t: (key: string, values: Record<string, string>) => string,
  article: Pick<ArticleHit, 'title' | 'summary' | 'url'>,
  origin: string,
): string {
  return t('kb.insertTemplate', { title: article.title, summary: article.summary, url: `${origin}${article.url}` });
}

export function KnowledgePanel({
  ticket,
  onInsert,
  onTicket,
  disabled,
  ready = true,
}: {
  ticket: Ticket;
  onInsert: (text: string) => void;
  onTicket: (ticket: Ticket) => void;
  disabled: boolean;
  /** Suggestions are asked for once the page's own data is in: the conversation comes first. */
  ready?: boolean;
}) {
  const { t } = useTranslation();
  const message = useToast();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const suggested = useQuery({
    queryKey: kbKeys.suggestions(ticket.id),
    queryFn: ({ signal }) => suggestArticles(ticket.id, 5, { signal }),
    enabled: ready,
  });
  const searched = useArticleSearch(q, 5);
  const linkedIds = ticket.articles ?? [];
  const linked = useQuery({
    queryKey: ['kb', 'linked', ...linkedIds],
    queryFn: ({ signal }) =>
      Promise.all(linkedIds.map((id) => getArticle(id, { signal }).catch(() => null))).then((found) =>
        linkedIds.map((id, i) => found[i] ?? { id, title: id, summary: '', url: `/help/articles/${id}`, missing: true }),
      ),
    enabled: linkedIds.length > 0,
  });

  const relink = useMutation({
    mutationFn: ({ id, link }: { id: string; link: boolean }) =>
      link ? linkArticle(ticket.id, id) : unlinkArticle(ticket.id, id),
    onSuccess: (updated, { link }) => {
      onTicket(updated);
      if (link) message.success(t('kb.linkedOk'));
    },
    onError: (e) => message.error(e.message),
  });

  const draft = useMutation({
    mutationFn: () => draftArticleFromTicket(ticket.id),
    onSuccess: (article) => {
      message.success(t('kb.draftCreated'));
      void qc.invalidateQueries({ queryKey: kbKeys.all });
      navigate(`/console/kb/${encodeURIComponent(article.id)}`);
    },
    onError: (e) => message.error(e.message),
  });

  const origin = typeof window !== 'undefined' ? window.location.origin : '';
  const hits = q.trim() ? searched.data : suggested.data;
  const resolved = ticket.status === 'resolved' || ticket.status === 'closed';

  function row(article: Pick<ArticleHit, 'id' | 'title' | 'summary' | 'url'>, isLinked: boolean, missing = false) {
    return (
      <li key={article.id} data-testid={`kb-item-${article.id}`} style={{ padding: '6px 0', borderBottom: '1px solid #f5f5f5' }}>
        <a href={article.url} target="_blank" rel="noopener noreferrer" title={t('kb.openArticle')}>
          {article.title}
        </a>
        {missing ? <Tag style={{ marginLeft: 4 }}>{t('kb.notFound')}</Tag> : null}
        <div style={{ display: 'flex', gap: 4, marginTop: 2 }}>
          {!missing ? (
            <Button
              size="small"
              disabled={disabled}
              onClick={() => onInsert(articleReference(t, article, origin))}
              data-testid={`kb-insert-${article.id}`}
            >
              {t('kb.insert')}
            </Button>
          ) : null}
          <Button
            size="small"
            disabled={disabled || relink.isPending}
            onClick={() => relink.mutate({ id: article.id, link: !isLinked })}
            data-testid={`kb-${isLinked ? 'unlink' : 'link'}-${article.id}`}
          >
            {isLinked ? t('kb.unlink') : t('kb.link')}
          </Button>
        </div>
      </li>
    );
  }

  return (
    <div data-testid="kb-panel">
      {linkedIds.length > 0 ? (
        <div data-testid="kb-linked" data-count={linkedIds.length} style={{ marginBottom: 12 }}>
          <Muted>{t('kb.linkedArticles')}</Muted>
          <ul style={{ margin: 0, padding: 0, listStyle: 'none' }}>
            {(linked.data ?? []).map((a) => row(a, true, 'missing' in a))}
          </ul>
        </div>
      ) : null}
      <Input.Search
        size="small"
        allowClear
        placeholder={t('kb.searchKb')}
        onSearch={(value) => setQ(value)}
        data-testid="kb-search"
        style={{ marginBottom: 8 }}
      />
      <Muted>{q.trim() ? t('kb.search') : t('kb.suggested')}</Muted>
      {(q.trim() ? searched.isPending : suggested.isPending || !ready) ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (hits ?? []).length === 0 ? (
        <div>
          <Muted testId="kb-none">{t('kb.noSuggestions')}</Muted>
        </div>
      ) : (
        <ul style={{ margin: 0, padding: 0, listStyle: 'none' }} data-testid="kb-suggested">
          {(hits ?? []).filter((a) => !linkedIds.includes(a.id)).map((a) => row(a, false))}
        </ul>
      )}
      {resolved ? (
        <Button
          block
          style={{ marginTop: 12 }}
          onClick={() => draft.mutate()}
          loading={draft.isPending}
          data-testid="kb-draft-from-ticket"
        >
          {t('kb.draftFromTicket')}
        </Button>
      ) : null}
    </div>
  );
}
