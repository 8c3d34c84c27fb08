import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Article, ArticleHit } from '../api/types';
import { json } from '../test/fakeFetch';
import { AGENT, CUSTOMER, makeTicket, renderApp, staffRoutes } from '../test/renderApp';

const HIT: ArticleHit = {
  id: 'reset-password',
  title: '如何重置登录密码',
  snippet: '忘记密码或密码过期时，可以自己重置登录密码',
  score: 7.4,
  summary: '忘记密码或密码过期时，可以自己重置登录密码，无需等待客服处理。',
  category: '账号与登录',
  status: 'published',
  url: '/help/articles/reset-password',
};

const ARTICLE: Article = {
  ...HIT,
  body: '1. 打开登录页',
  html: '<ol><li>打开登录页</li></ol>',
  tags: ['密码'],
  version: 1,
  language: 'zh-CN',
  author: 'admin@demo.local',
  created_at: '2026-11-23T10:00:00+08:00',
  updated_at: '2026-11-23T10:00:00+08:00',
  views: 3,
  helpful: 1,
  not_helpful: 0,
  deflections: 0,
  linked_tickets: 0,
};

describe('portal: deflection', () => {
  it('suggests articles for the subject; "这解决了我的问题" records a deflection and submits nothing', async () => {
    const user = userEvent.setup();
    const { server } = renderApp('/portal/new', {
      'GET /api/me': () => ({ json: CUSTOMER }),
      'GET /api/kb/search': () => ({ json: { items: [HIT] } }),
      'GET /api/kb/articles/reset-password': () => ({ json: ARTICLE }),
      'POST /api/kb/articles/reset-password/feedback': () => ({ json: { id: 'reset-password', helpful: 2, not_helpful: 0, deflections: 1 } }),
    });
    await user.type(await screen.findByTestId('portal-subject'), '密码忘了怎么办');
    fireEvent.click(await screen.findByTestId('suggestion-reset-password', {}, { timeout: 3000 }));
    const searched = server.requests.filter((r) => r.path === '/api/kb/search');
    expect(searched.at(-1)!.query.get('q')).toBe('密码忘了怎么办');
    expect(searched.length).toBeLessThan(4); // debounced, not a request per key
    await screen.findByTestId('article-html');
    fireEvent.click(screen.getByTestId('suggestion-solved'));

    await screen.findByTestId('portal-deflected');
    const vote = server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/feedback'))!;
    expect(vote.body).toEqual({ helpful: true, deflected: true });
    expect(vote.headers.get('Authorization')).toBe('Bearer tok');
    expect(server.requests.some((r) => r.method === 'POST' && r.path === '/api/tickets')).toBe(false);
  });
});

describe('help centre', () => {
  it('needs no sign-in: an anonymous reader searches and votes, and no token is sent', async () => {
    const { server } = renderApp(
      '/help?q=重置密码',
      {
        'GET /api/kb/categories': () => ({ json: { items: [{ category: '账号与登录', articles: 5, published: 5 }] } }),
        'GET /api/kb/search': () => ({ json: { items: [HIT] } }),
        'GET /api/kb/articles/reset-password': () => ({ json: ARTICLE }),
        'POST /api/kb/articles/reset-password/feedback': () => ({ json: {} }),
      },
      null,
    );
    fireEvent.click(await screen.findByText('如何重置登录密码'));
    await screen.findByTestId('help-article');
    fireEvent.click(screen.getByTestId('article-helpful'));
    await screen.findByTestId('article-feedback-thanks');
    expect(server.requests.every((r) => !r.headers.get('Authorization'))).toBe(true);
    expect(window.location.pathname).toBe('/help/articles/reset-password');
  });

  it('a stale token is dropped for the knowledge base instead of sending the reader to sign in', async () => {
    let calls = 0;
    renderApp('/help/articles/reset-password', {
      'GET /api/me': () => json(401, { error: { code: 'unauthenticated', message: 'expired' } }),
      'GET /api/kb/categories': () => ({ json: { items: [] } }),
      'GET /api/kb/articles/reset-password': (req) => {
        calls += 1;
        return req.headers.get('Authorization')
          ? json(401, { error: { code: 'unauthenticated', message: 'expired' } })
          : { json: ARTICLE };
      },
    });
    expect((await screen.findByTestId('article-title')).textContent).toBe('如何重置登录密码');
    expect(calls).toBe(2);
    expect(window.location.pathname).toBe('/help/articles/reset-password');
  });
});

describe('console: the ticket page knowledge panel', () => {
  it('inserts an article reference into the reply and links the article', async () => {
    const ticket = makeTicket({ id: 't1', subject: '忘记密码' });
    const { server } = renderApp('/console/tickets/t1', {
      ...staffRoutes(AGENT),
      'GET /api/tickets/t1': () => ({ json: ticket }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/article-suggestions': () => ({ json: { items: [HIT] } }),
      'GET /api/kb/articles/reset-password': () => ({ json: ARTICLE }),
      'POST /api/tickets/t1/articles': () => ({ json: { ...ticket, version: 2, articles: ['reset-password'] } }),
    });
    fireEvent.click(await screen.findByTestId('kb-insert-reset-password'));
    const reply = screen.getByTestId('reply-input') as HTMLTextAreaElement;
    expect(reply.value).toContain('如何重置登录密码');
    expect(reply.value).toContain(HIT.summary);
    expect(reply.value).toContain(`${window.location.origin}/help/articles/reset-password`);

    fireEvent.click(screen.getByTestId('kb-link-reset-password'));
    await waitFor(() => expect(screen.getByTestId('kb-linked').getAttribute('data-count')).toBe('1'));
    const link = server.requests.find((r) => r.method === 'POST' && r.path === '/api/tickets/t1/articles')!;
    expect(link.body).toEqual({ article_id: 'reset-password' });
    expect(await screen.findByTestId('kb-unlink-reset-password')).toBeTruthy();
  });
});

describe('console: the search dictionary (admins)', () => {
  it('saves product words and synonym groups, one a line, with If-Match', async () => {
    const admin = { ...AGENT, email: 'admin@demo.local', role: 'admin' as const, permissions: ['search.terms'] };
    const { server } = renderApp('/console/admin/search-terms', {
      ...staffRoutes(admin),
      'GET /api/admin/search-terms': () => ({ json: { terms: ['云打印'], synonyms: [], version: 3 } }),
      'PUT /api/admin/search-terms': (req) => ({ json: { ...(req.body as object), version: 4 } }),
    });
    const terms = (await screen.findByTestId('search-terms-terms')) as HTMLTextAreaElement;
    expect(terms.value).toBe('云打印');
    fireEvent.change(terms, { target: { value: '云打印 智能柜\n扫码枪' } });
    fireEvent.change(screen.getByTestId('search-terms-synonyms'), { target: { value: '云打印，远程打印\n' } });
    fireEvent.click(screen.getByTestId('search-terms-save'));
    await waitFor(() => expect(server.requests.some((r) => r.method === 'PUT')).toBe(true));
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toEqual({ terms: ['云打印', '智能柜', '扫码枪'], synonyms: [['云打印', '远程打印']] });
    expect(put.headers.get('If-Match')).toBe('"3"');
  });
});
