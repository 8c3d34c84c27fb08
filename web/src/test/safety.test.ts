import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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

  it('only src/api/ calls fetch', () => {
    const bad = sources.filter(({ f, code }) => !f.includes(`${join('src', 'api')}`) && /\bfetch\s*\(/.test(code));
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
