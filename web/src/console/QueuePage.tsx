import { useInfiniteQuery } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  listTickets,
  PRIORITIES,
  STATUSES,
  type Priority,
  type Ticket,
  type TicketListParams,
  type TicketStatus,
} from '../api';
import { useAuth } from '../auth/AuthProvider';
import { typingTarget } from '../shared/keyboard';
import { qk, useTeams } from '../shared/queries';
import { Muted, ToggleChip } from '../shared/ui';
import { BulkBar, NarrowingFilters, SaveViewButton, SavedViewTabs, useFieldColumns } from './desk/QueueDesk';
import { QueueFooter, TicketTable } from './queue/TicketTable';

export const QUEUE_VIEWS = ['mine', 'team', 'unassigned', 'all', 'subtasks', 'collaborating'] as const;

/** The list's filters without the saved view they came from (a queue tab is not that view). */
function withoutSaved(search: URLSearchParams): string {
  const next = new URLSearchParams(search);
  next.delete('saved');
  return next.toString();
}
export type QueueView = (typeof QUEUE_VIEWS)[number];
const PAGE_SIZE = 50;

function parseList<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  if (!raw) return [];
  return raw.split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));
}

/** The status/priority (and other) filters of a ticket list, kept in the page's query string. */
export function useListFilters() {
  const [search, setSearch] = useSearchParams();
  const status = parseList<TicketStatus>(search.get('status'), STATUSES);
  const priority = parseList<Priority>(search.get('priority'), PRIORITIES);

  function setFilter(key: string, values: string[] | string | undefined) {
    const next = new URLSearchParams(search);
    const v = Array.isArray(values) ? values.join(',') : values;
    if (v) next.set(key, v);
    else next.delete(key);
    next.delete('saved'); // changed filters are no longer the saved view
    setSearch(next, { replace: true });
  }

  function toggle<T extends string>(key: string, list: T[], value: T) {
    setFilter(key, list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  }

  return { search, status, priority, setFilter, toggle };
}

/** One paged ticket list (a view of GET /api/tickets, "load more" by cursor), newest first, and how to open a row. */
export function useTicketPages(params: TicketListParams, opts: { enabled: boolean; refetchInterval?: number }) {
  const navigate = useNavigate();
  const query = useInfiniteQuery({
    queryKey: [...qk.tickets, params],
    queryFn: ({ pageParam, signal }) => listTickets({ ...params, limit: PAGE_SIZE, cursor: pageParam }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: opts.enabled,
    refetchInterval: opts.refetchInterval,
  });
  const tickets = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const open = useCallback(
    (ticket: Ticket) => navigate(`/console/tickets/${encodeURIComponent(ticket.id)}`),
    [navigate],
  );
  const openAt = useCallback(
    (i: number) => {
      const ticket = tickets[i];
      if (ticket) open(ticket);
    },
    [tickets, open],
  );
  return { query, tickets, open, openAt };
}

export default function QueuePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { user } = useAuth();
  const params = useParams();
  const { search, status, priority, setFilter, toggle } = useListFilters();
  const view = params.view as QueueView;
  const team = search.get('team') ?? undefined;

  const teams = useTeams();
  const fieldColumns = useFieldColumns();

  const narrowing = {
    tag: search.get('tag') ?? undefined,
    category: search.get('category') ?? undefined,
    channel: search.get('channel') ?? undefined,
    assignee: search.get('assignee') ?? undefined,
  };
  const filterKey = { view, status, priority, team: view === 'team' ? team : undefined, ...narrowing };
  const { query, tickets, open } = useTicketPages(filterKey, {
    enabled: (QUEUE_VIEWS as readonly string[]).includes(view),
  });
  const [selected, setSelected] = useState(-1);
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const filterSig = JSON.stringify(filterKey);
  // 批量处理: the tickets ticked in this list (cleared when the list changes).
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    setSelected(-1);
    setChecked(new Set());
  }, [filterSig]);
  const onCheck = useCallback((id: string) => {
    setChecked((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const onCheckAll = useCallback(
    (all: boolean) => setChecked(all ? new Set(tickets.map((tk) => tk.id)) : new Set()),
    [tickets],
  );

  // Stable between selections, so moving with j/k re-renders two rows, not the whole queue.
  const openAt = useCallback(
    (i: number) => {
      setSelected(i);
      const ticket = tickets[i];
      if (ticket) open(ticket);
    },
    [tickets, open],
  );

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'k') {
        if (typingTarget(e.target, false) || tickets.length === 0) return;
        e.preventDefault();
        setSelected((i) => (e.key === 'j' ? Math.min(i + 1, tickets.length - 1) : Math.max(i - 1, 0)));
      } else if (e.key === 'Enter') {
        if (typingTarget(e.target, true)) return;
        const ticket = tickets[selected];
        if (ticket) {
          e.preventDefault();
          open(ticket);
        }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tickets, selected, open]);

  useEffect(() => {
    const ticket = tickets[selected];
    if (!ticket) return;
    tbodyRef.current?.rows[selected]?.scrollIntoView?.({ block: 'nearest' });
  }, [selected, tickets]);

  if (!(QUEUE_VIEWS as readonly string[]).includes(view)) return <Navigate to="/console/queue/mine" replace />;

  const myTeams = user?.teams ?? [];
  const activeTeam = team ?? myTeams[0];
  return (
    <div data-testid="queue-page" data-view={view}>
      <div role="tablist" className="hd-tabs" aria-label={t('console.nav.queue')}>
        {QUEUE_VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={v === view && !search.get('saved')}
            data-testid={`view-tab-${v}`}
            className={v === view && !search.get('saved') ? 'hd-tab hd-tab-active' : 'hd-tab'}
            onClick={() => navigate({ pathname: `/console/queue/${v}`, search: withoutSaved(search) })}
          >
            {t(`console.views.${v}`)}
          </button>
        ))}
        <SavedViewTabs search={search} />
      </div>
      <div className="hd-filters">
        <StatusPriorityFilters
          status={status}
          priority={priority}
          onToggleStatus={(st) => toggle('status', status, st)}
          onTogglePriority={(p) => toggle('priority', priority, p)}
        />
        {view === 'team' ? (
          <div data-testid="filter-team" className="hd-filter-group" role="radiogroup" aria-label={t('console.filters.team')}>
            <Muted>{t('console.filters.team')}:</Muted>
            {(teams.data ?? []).map((tm) => (
              <ToggleChip
                key={tm.id}
                radio
                testId={`filter-team-${tm.id}`}
                checked={tm.id === activeTeam}
                onChange={() => setFilter('team', tm.id)}
              >
                {tm.name}
              </ToggleChip>
            ))}
          </div>
        ) : null}
        <NarrowingFilters search={search} setFilter={setFilter} />
        <SaveViewButton view={view} search={search} teams={teams.data ?? []} />
        {fieldColumns.picker}
        <Muted style={{ marginLeft: 'auto' }}>{t('console.shortcuts')}</Muted>
      </div>
      {checked.size > 0 ? (
        <BulkBar ids={[...checked]} teams={teams.data ?? []} onDone={() => setChecked(new Set())} />
      ) : null}
      {query.isError ? (
        <Alert type="error" showIcon title={query.error.message} style={{ marginBottom: 12 }} data-testid="queue-error" />
      ) : null}
      <TicketTable
        tickets={tickets}
        query={query}
        testId="queue-table"
        emptyTestId="queue-empty"
        emptyText={t('console.empty')}
        selected={selected}
        tbodyRef={tbodyRef}
        onOpen={openAt}
        checked={checked}
        onCheck={onCheck}
        onCheckAll={onCheckAll}
        fieldColumns={fieldColumns.columns}
      />
      <QueueFooter count={tickets.length} countTestId="queue-count" query={query} />
    </div>
  );
}

/** The status and priority chips of a ticket list (the queue, a customer's tickets). */
export function StatusPriorityFilters({
  status,
  priority,
  onToggleStatus,
  onTogglePriority,
}: {
  status: TicketStatus[];
  priority: Priority[];
  onToggleStatus: (status: TicketStatus) => void;
  onTogglePriority: (priority: Priority) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <div data-testid="filter-status" className="hd-filter-group">
        <Muted>{t('console.filters.status')}:</Muted>
        {STATUSES.map((st) => (
          <ToggleChip
            key={st}
            testId={`filter-status-${st}`}
            checked={status.includes(st)}
            onChange={() => onToggleStatus(st)}
          >
            {t(`status.${st}`)}
          </ToggleChip>
        ))}
      </div>
      <div data-testid="filter-priority" className="hd-filter-group">
        <Muted>{t('console.filters.priority')}:</Muted>
        {PRIORITIES.map((p) => (
          <ToggleChip
            key={p}
            testId={`filter-priority-${p}`}
            checked={priority.includes(p)}
            onChange={() => onTogglePriority(p)}
          >
            {t(`priority.${p}`)}
          </ToggleChip>
        ))}
      </div>
    </>
  );
}

export { QueueFooter, QueueRow, QueueTableHead, TicketTable } from './queue/TicketTable';
