import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { configureApi } from '../api/client';
import { resetTokenCacheForTests } from '../auth/token';
import i18n from '../i18n';

// The first render of a lazy route transforms its chunk: give findBy* more than 1 s.
configure({ asyncUtilTimeout: 8000 });

// jsdom lacks these; antd and the virtualizer look for them.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as unknown as MediaQueryList;
}
if (!('ResizeObserver' in window)) {
  class RO {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = RO;
  (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = RO;
}
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = function scrollIntoView() {};
if (!Element.prototype.scrollTo) Element.prototype.scrollTo = function scrollTo() {};

beforeEach(async () => {
  await i18n.changeLanguage('zh-CN');
});

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
  resetTokenCacheForTests();
  configureApi({ fetch: null, onUnauthenticated: null });
});
