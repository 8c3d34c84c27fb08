// The console's live view of one chat: the staff WebSocket (`chat_url`, the sign-in token as `?token=`) watching
// the ticket. Visitor lines and typing arrive at once (before the ticket's messages have them); the agent's typing
// goes to the visitor. Reconnects with a growing pause and watches again.
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { getChatUrl, openChatSocket, type StaffChatFrame } from '../../api';
import { qk } from '../../shared/queries';
import type { LiveLine } from './chatLines';


export type WatchState = 'connecting' | 'watching' | 'closed' | 'unavailable';

const TYPING_SHOWN_MS = 4000;
const TYPING_EVERY_MS = 3000;

export function useChatUrl() {
  return useQuery({
    queryKey: [...qk.authConfig, 'chat_url'],
    queryFn: ({ signal }) => getChatUrl({ signal }),
    staleTime: Infinity,
  });
}

export function useChatWatch(ticketId: string | undefined) {
  const chatUrl = useChatUrl();
  const url = chatUrl.data ?? null;
  const [lines, setLines] = useState<LiveLine[]>([]);
  const [state, setState] = useState<WatchState>('connecting');
  const [visitorTyping, setVisitorTyping] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const lastTyping = useRef(0);

  useEffect(() => {
    if (!ticketId || !url) return;
    let stopped = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let typingTimer: ReturnType<typeof setTimeout> | null = null;

    function open() {
      setState('connecting');
      const ws = openChatSocket(url as string);
      socket.current = ws;
      ws.onopen = () => ws.send(JSON.stringify({ action: 'watch', ticket: ticketId }));
      ws.onmessage = (ev) => {
        let frame: StaffChatFrame;
        try {
          frame = JSON.parse(String(ev.data)) as StaffChatFrame;
        } catch {
          return;
        }
        if (frame.type === 'watching') {
          attempt = 0;
          setError(null);
          setState('watching');
        } else if (frame.type === 'message') {
          if (frame.ticket_id && frame.ticket_id !== ticketId) return;
          const line: LiveLine = {
            id: frame.id ?? `${frame.at}:${frame.text}`,
            from: frame.from === 'agent' ? 'agent' : 'visitor',
            name: frame.name,
            text: frame.text,
            at: frame.at,
          };
          setLines((prev) => (prev.some((l) => l.id === line.id) ? prev : [...prev, line]));
          setVisitorTyping(false);
        } else if (frame.type === 'typing') {
          if (frame.ticket_id && frame.ticket_id !== ticketId) return;
          setVisitorTyping(true);
          if (typingTimer) clearTimeout(typingTimer);
          typingTimer = setTimeout(() => setVisitorTyping(false), TYPING_SHOWN_MS);
        } else if (frame.type === 'error') {
          setError(frame.message || frame.code);
        }
      };
      ws.onclose = () => {
        if (socket.current === ws) socket.current = null;
        if (stopped) return;
        setState('closed');
        retry = setTimeout(open, Math.min(1000 * 2 ** attempt++, 15000));
      };
    }
    open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (typingTimer) clearTimeout(typingTimer);
      socket.current?.close();
      socket.current = null;
    };
  }, [ticketId, url]);

  const typing = useCallback(() => {
    const now = Date.now();
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(JSON.stringify({ action: 'typing' }));
  }, []);

  const effectiveState: WatchState = chatUrl.isSuccess && !url ? 'unavailable' : state;
  return { lines, state: effectiveState, visitorTyping, error, typing };
}
