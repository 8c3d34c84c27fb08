// The one i18n layer: i18next + react-i18next, zh-CN by default, English as the switch.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import zhCN from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

// The language choice is a preference, not a secret: localStorage is fine for it (unlike the token).
const LANG_KEY = 'helpdesk.lang';

function savedLanguage(): Language {
  try {
    const v = typeof window !== 'undefined' ? window.localStorage.getItem(LANG_KEY) : null;
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: zhCN },
    en: { translation: en },
  },
  lng: savedLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // React escapes
  initAsync: false,
  returnNull: false,
});

export function setLanguage(lang: Language): void {
  try {
    window.localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* ignore */
  }
  void i18n.changeLanguage(lang);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/**
 * A staff member's language from their profile, for the first screen after sign-in: taken unless this browser has
 * a language chosen with the switch (that choice wins, and is the only one saved).
 */
export function adoptProfileLanguage(lang: string | null | undefined): void {
  if (!lang || !(LANGUAGES as readonly string[]).includes(lang) || lang === i18n.language) return;
  try {
    if (window.localStorage.getItem(LANG_KEY)) return;
  } catch {
    /* no storage: the profile decides */
  }
  void i18n.changeLanguage(lang);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export default i18n;
