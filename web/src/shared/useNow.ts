import { useCallback, useSyncExternalStore } from 'react';

// One timer per tick interval for the whole page, however many countdowns are on it.
type Ticker = { listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | null; now: number };
const tickers = new Map<number, Ticker>();

function ticker(intervalMs: number): Ticker {
  let tk = tickers.get(intervalMs);
  if (!tk) {
    tk = { listeners: new Set(), timer: null, now: Date.now() };
    tickers.set(intervalMs, tk);
  }
  return tk;
}

function subscribe(intervalMs: number, cb: () => void): () => void {
  const tk = ticker(intervalMs);
  tk.listeners.add(cb);
  if (!tk.timer) {
    tk.timer = setInterval(() => {
      tk.now = Date.now();
      tk.listeners.forEach((l) => l());
    }, intervalMs);
  }
  return () => {
    tk.listeners.delete(cb);
    if (tk.listeners.size === 0 && tk.timer) {
      clearInterval(tk.timer);
      tk.timer = null;
    }
  };
}

function snapshot(intervalMs: number): number {
  const tk = ticker(intervalMs);
  // Not ticking yet (first render): refresh a stale value, but keep it stable between consecutive reads.
  if (!tk.timer && Math.abs(Date.now() - tk.now) >= intervalMs) tk.now = Date.now();
  return tk.now;
}

/** The current time in ms, re-rendering the caller every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const sub = useCallback((cb: () => void) => subscribe(intervalMs, cb), [intervalMs]);
  const get = useCallback(() => snapshot(intervalMs), [intervalMs]);
  return useSyncExternalStore(sub, get, get);
}
