import { fireEvent, screen } from '@testing-library/react';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../test/renderApp';
import i18n, { adoptProfileLanguage } from '.';
import en from './en';
import zhCN from './zh-CN';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'i18n' || name === 'test' ? [] : sourceFiles(p);
    // The widget's own words (src/widget/i18n.ts): /widget.js is a bundle of its own, without i18next.
    if (p.endsWith(join('widget', 'i18n.ts'))) return [];
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('i18n', () => {
  it('zh-CN and en carry the same keys, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    for (const k of keys(en)) {
      const v = k.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], en);
      expect(v, k).not.toBe('');
    }
  });

  it('no user-visible Chinese is hard-coded outside src/i18n (everything goes through t())', () => {
    const offenders: string[] = [];
    const files = sourceFiles(join(__dirname, '..'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:])\/\/.*$/gm, '$1');
      code.split('\n').forEach((line, i) => {
        if (/[\u4e00-\u9fff]/.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('defaults to Chinese and switches the whole page to English', async () => {
    renderApp(
      '/signin',
      {
        'GET /config.json': () => ({ json: { auth: 'local' } }),
        'GET /api/dev/accounts': () => ({ json: { items: [] } }),
      },
      null,
    );
    expect(await screen.findByText('登录工单系统')).toBeTruthy();
    // The frame's title shows while the sign-in config still loads; the form follows it.
    expect((await screen.findByTestId('signin-submit')).textContent?.replace(/\s/g, '')).toBe('登录');
    expect(document.documentElement.lang).toBe('zh-CN');
    fireEvent.click(screen.getByTestId('lang-switch'));
    expect(await screen.findByText('Sign in to Helpdesk')).toBeTruthy();
    expect((await screen.findByTestId('signin-submit')).textContent).toContain('Sign in');
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('helpdesk.lang')).toBe('en');
  });

  it("starts in a staff member's profile language unless this browser chose one with the switch", () => {
    adoptProfileLanguage('en');
    expect(i18n.language).toBe('en');
    expect(localStorage.getItem('helpdesk.lang')).toBeNull(); // not saved: the next person's profile decides
    adoptProfileLanguage('zh-CN');
    expect(i18n.language).toBe('zh-CN');
    adoptProfileLanguage('fr'); // not one we have
    expect(i18n.language).toBe('zh-CN');
    localStorage.setItem('helpdesk.lang', 'zh-CN');
    adoptProfileLanguage('en');
    expect(i18n.language).toBe('zh-CN');
  });
});
