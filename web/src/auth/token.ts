// The bearer token lives in memory, mirrored to sessionStorage so a reload of the same tab stays signed in.
// Never localStorage (shared by every tab, kept forever) and never a cookie.

const KEY = 'helpdesk.token';
let memory: string | null = null;
let loaded = false;

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.sessionStorage : null;
  } catch {
    return null; // storage disabled: memory only
  }
}

export function getToken(): string | null {
  if (!loaded) {
    loaded = true;
    memory = storage()?.getItem(KEY) ?? null;
  }
  return memory;
}

export function setToken(token: string): void {
  memory = token;
  loaded = true;
  storage()?.setItem(KEY, token);
}

export function clearToken(): void {
  memory = null;
  loaded = true;
  storage()?.removeItem(KEY);
}

/** For tests: forget the in-memory copy so the next read goes back to sessionStorage. */
export function resetTokenCacheForTests(): void {
  memory = null;
  loaded = false;
}
