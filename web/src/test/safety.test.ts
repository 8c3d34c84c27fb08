import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMAIL_FRAME_SANDBOX } from '../shared/EmailHtml';
import { openUrl } from '../shared/openUrl';

const SRC = join(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('rendering and storage safety', () => {
  const sources = files(SRC).map((f) => ({ f, code: readFileSync(f, 'utf8') }));

  it('never injects HTML: no dangerouslySetInnerHTML, innerHTML or insertAdjacentHTML', () => {
    expect(sources.length).toBeGreaterThan(20);
    const bad = sources.filter(({ code }) => /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|document\.write/.test(code));
    expect(bad.map((b) => b.f)).toEqual([]);
  });

  it('renders email HTML only through shared/EmailHtml: one sandboxed iframe, never allowed to run scripts', () => {
    const emailHtml = join('shared', 'EmailHtml.tsx');
    // srcdoc, iframes and DOMParser (the cleaner) appear in that one component only
    const frames = sources.filter(({ code }) => /srcDoc|srcdoc|<iframe|DOMParser/.test(code));
    expect(frames.map((b) => b.f.slice(SRC.length + 1))).toEqual([emailHtml]);
    const code = sources.find(({ f }) => f.endsWith(emailHtml))!.code;
    expect(code).toMatch(/sandbox=\{EMAIL_FRAME_SANDBOX\}/);
    expect(EMAIL_FRAME_SANDBOX).not.toMatch(/allow-scripts|allow-forms|allow-top-navigation|allow-modals/);
    expect(code).toContain('Content-Security-Policy');
    // and only for the API's sanitized HTML: a message's (the conversation) and an article's (kb/ArticleBody)
    const users = sources.filter(({ f, code: c }) => !f.endsWith(emailHtml) && /<EmailHtml\b/.test(c));
    expect(users.map((u) => u.f.slice(SRC.length + 1)).sort()).toEqual([join('kb', 'ArticleBody.tsx'), join('shared', 'Conversation.tsx')]);
  });

  it('opens only http(s) URLs the API returned, without an opener', () => {
    const opened: string[] = [];
    const original = window.open;
    window.open = ((url: string) => {
      opened.push(url);
      return null;
    }) as typeof window.open;
    try {
      openUrl('javascript:alert(1)');
      openUrl('data:text/html,<script>alert(1)</script>');
      openUrl('https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Signature=1');
    } finally {
      window.open = original;
    }
    expect(opened).toEqual(['https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Signature=1']);
    const opens = sources.filter(({ f, code }) => !f.endsWith(join('shared', 'openUrl.ts')) && /window\.open\s*\(/.test(code));
    expect(opens.map((o) => o.f)).toEqual([]);
  });

  it('only src/api/ calls fetch (and /widget.js, a bundle of its own, its one read of config.json)', () => {
    const widget = join('src', 'widget', 'launcher.ts');
    const bad = sources.filter(
      ({ f, code }) => !f.includes(`${join('src', 'api')}`) && !f.endsWith(widget) && /\bfetch\s*\(/.test(code),
    );
    expect(bad.map((b) => b.f)).toEqual([]);
  });

  it('keeps the token out of localStorage and cookies', () => {
    const token = sources.find(({ f }) => f.endsWith(join('auth', 'token.ts')))!.code;
    expect(token).toContain('sessionStorage');
    expect(token).not.toMatch(/localStorage\.|document\.cookie/);
    const cookies = sources.filter(({ code }) => /document\.cookie/.test(code));
    expect(cookies.map((c) => c.f)).toEqual([]);
  });
});
