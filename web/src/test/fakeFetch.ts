import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export type Handler = (req: RecordedRequest) => Response | Promise<Response> | { status?: number; json?: unknown; headers?: Record<string, string> };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * A fake `fetch` that routes "METHOD /path" to handlers and records every request, so tests can assert
 * what the SPA actually sent (URL, headers, body).
 */
export function fakeFetch(routes: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const u = new URL(url, 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    let body: unknown = undefined;
    if (typeof init.body === 'string') {
      try {
        body = JSON.parse(init.body);
      } catch {
        body = init.body;
      }
    }
    const req: RecordedRequest = { method, url, path: u.pathname, query: u.searchParams, headers, body };
    requests.push(req);
    const handler = routes[`${method} ${u.pathname}`];
    if (!handler) return json(404, { error: { code: 'not_found', message: `no fake route ${method} ${u.pathname}` } });
    const out = await handler(req);
    if (out instanceof Response) return out;
    return json(out.status ?? 200, out.json, out.headers);
  });
  return { fetch: fn as unknown as typeof fetch, requests };
}
