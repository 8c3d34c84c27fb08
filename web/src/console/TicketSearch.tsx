// The console header's search box: a ticket number (GD...) opens the ticket, a customer's email lists their tickets,
// anything else searches what tickets say (GET /api/search/tickets, Chinese-aware).
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { typingTarget } from '../shared/keyboard';

/** The ticket search page (./SearchResultsPage, lazy): its path is here so the header does not load the page. */
export function searchPath(q: string): string {
  return `/console/search?${new URLSearchParams({ q: q.trim() }).toString()}`;
}

export type SearchTarget =
  | { kind: 'ticket'; number: string }
  | { kind: 'customer'; email: string }
  | { kind: 'text'; q: string }
  | { kind: 'empty' };

const TICKET_NUMBER = /^GD\d+$/i;
/** One @, something before it, and a dot with something on both sides after it. The server checks the rest. */
const EMAIL = /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$/;

export function classifySearch(raw: string): SearchTarget {
  const q = raw.trim();
  if (TICKET_NUMBER.test(q)) return { kind: 'ticket', number: q.toUpperCase() };
  if (EMAIL.test(q)) return { kind: 'customer', email: q.toLowerCase() };
  return q ? { kind: 'text', q } : { kind: 'empty' };
}

/** The console page listing the tickets a customer opened. */
export function customerPath(email: string): string {
  return `/console/customers/${encodeURIComponent(email.trim().toLowerCase())}`;
}

/** A magnifier drawn inline: the icon package's SearchOutlined is shared with the sign-in chunks and splits them. */
function SearchIcon() {
  return (
    <svg
      className="hd-search-icon"
      viewBox="0 0 16 16"
      width="14"
      height="14"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
    >
      <circle cx="7" cy="7" r="5" />
      <path d="m11 11 3.5 3.5" />
    </svg>
  );
}

/**
 * A plain input styled like antd's (styles.css `.hd-search-box`): antd's Input would add ~24 KB gzip to the console's
 * first load for one box.
 */
export function TicketSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const inputRef = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');

  // "/" jumps to the box from anywhere but a form control (the queue's j/k/Enter stay as they are).
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key !== '/' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (typingTarget(e.target, false)) return;
      const el = e.target as HTMLElement | null;
      if (el && typeof el.closest === 'function' && el.closest('[role="dialog"]')) return;
      e.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function submit() {
    const target = classifySearch(value);
    if (target.kind === 'empty') return;
    // Kept in the box (a misheard digit is one edit away); "/" selects it all for the next search.
    inputRef.current?.blur();
    if (target.kind === 'ticket') navigate(`/console/tickets/${encodeURIComponent(target.number)}`);
    else if (target.kind === 'customer') navigate(customerPath(target.email));
    else navigate(searchPath(target.q));
  }

  function onKeyDown(e: ReactKeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      inputRef.current?.blur();
    }
  }

  return (
    <div className="hd-search" role="search">
      <span className="hd-search-box">
        <SearchIcon />
        <input
          ref={inputRef}
          type="text"
          role="searchbox"
          data-testid="console-search"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={t('search.placeholder')}
          aria-label={t('search.label')}
          enterKeyHint="search"
          autoComplete="off"
          spellCheck={false}
        />
        <kbd className="hd-search-key" aria-hidden>
          /
        </kbd>
      </span>
    </div>
  );
}
