// Query keys and the shared server-state hooks (TanStack Query). Everything goes through src/api.
import { useQuery } from '@tanstack/react-query';
import {
  fetchAllPages,
  getTicket,
  listAgents,
  listEvents,
  listMessages,
  listTeams,
  type Agent,
  type Team,
} from '../api';

export const qk = {
  me: ['me'] as const,
  authConfig: ['authConfig'] as const,
  tickets: ['tickets'] as const,
  ticket: (id: string) => ['ticket', id] as const,
  messages: (id: string) => ['messages', id] as const,
  events: (id: string) => ['events', id] as const,
  agents: ['agents'] as const,
  roles: ['roles'] as const,
  teams: ['teams'] as const,
  notifications: ['notifications'] as const,
  rules: ['admin', 'rules'] as const,
  slaPolicies: ['admin', 'slaPolicies'] as const,
  automations: ['admin', 'automations'] as const,
  reviewPolicy: ['admin', 'reviewPolicy'] as const,
  /** The reply box's picker. */
  cannedReplies: ['cannedReplies'] as const,
  /** The management page's copy: loaded fresh on opening it, never swapped under the editor's hands. */
  cannedRepliesAdmin: ['admin', 'cannedReplies'] as const,
};

export function useTicket(idOrNumber: string) {
  return useQuery({
    queryKey: qk.ticket(idOrNumber),
    queryFn: ({ signal }) => getTicket(idOrNumber, { signal }),
    // The ticket view edits with If-Match on the version it loaded: never swap the data under the user's hands.
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    staleTime: Infinity,
  });
}

export function useMessages(ticketId: string | undefined, refetchInterval?: number) {
  return useQuery({
    queryKey: qk.messages(ticketId ?? ''),
    queryFn: ({ signal }) => fetchAllPages((cursor) => listMessages(ticketId!, { limit: 200, cursor }, { signal })),
    enabled: !!ticketId,
    refetchInterval,
  });
}

export function useEvents(ticketId: string | undefined) {
  return useQuery({
    queryKey: qk.events(ticketId ?? ''),
    queryFn: ({ signal }) => fetchAllPages((cursor) => listEvents(ticketId!, { limit: 200, cursor }, { signal })),
    enabled: !!ticketId,
  });
}

export function useAgents(enabled = true) {
  return useQuery({
    queryKey: qk.agents,
    queryFn: ({ signal }) => listAgents({ signal }),
    staleTime: 5 * 60_000,
    enabled,
  });
}

export function useTeams(enabled = true) {
  return useQuery({
    queryKey: qk.teams,
    queryFn: ({ signal }) => listTeams({ signal }),
    staleTime: 5 * 60_000,
    enabled,
  });
}

export function agentName(agents: Agent[] | undefined, email: string | null | undefined): string | null {
  if (!email) return null;
  return agents?.find((a) => a.email === email)?.name ?? email;
}

export function teamName(teams: Team[] | undefined, id: string | null | undefined): string | null {
  if (!id) return null;
  return teams?.find((tm) => tm.id === id)?.name ?? id;
}
