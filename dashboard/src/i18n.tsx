import { createContext, type ComponentChildren } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import { formatInteger, type Locale } from './format.ts';
import { de } from './messages/de.ts';
import { en, type MessageKey } from './messages/en.ts';

export type { Locale, MessageKey };
export const locales: Locale[] = ['en', 'de'];
const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, de };
const STORAGE_KEY = 'upshot.locale';

/** The saved choice, else the browser's language, else English. */
export function initialLocale(): Locale {
  const saved = safeStorage(() => localStorage.getItem(STORAGE_KEY));
  if (saved === 'en' || saved === 'de') return saved;
  return navigator.language?.toLowerCase().startsWith('de') ? 'de' : 'en';
}

export function saveLocale(locale: Locale): void {
  safeStorage(() => localStorage.setItem(STORAGE_KEY, locale));
  document.documentElement.lang = locale;
}

function safeStorage<T>(action: () => T): T | null {
  try {
    return action();
  } catch {
    return null;
  }
}

export type Vars = Record<string, string | number>;

/** Fills `{name}` placeholders; numbers are formatted for the locale. */
function fill(template: string, locale: Locale, vars: Vars): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatInteger(value, locale) : value;
  });
}

export function translate(locale: Locale, key: MessageKey, vars: Vars = {}): string {
  return fill(dictionaries[locale][key] ?? en[key] ?? key, locale, vars);
}

/** Picks the "one|other" form of a message by the locale's plural rules; `{count}` is the formatted count. */
export function translatePlural(locale: Locale, key: MessageKey, count: number, vars: Vars = {}): string {
  const forms = (dictionaries[locale][key] ?? en[key]).split('|');
  const form = new Intl.PluralRules(locale).select(count) === 'one' ? forms[0]! : (forms[1] ?? forms[0]!);
  return fill(form, locale, { ...vars, count });
}

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, vars?: Vars) => string;
  tp: (key: MessageKey, count: number, vars?: Vars) => string;
  setLocale: (locale: Locale) => void;
}

const I18nContext = createContext<I18n>({
  locale: 'en',
  t: (key, vars) => translate('en', key, vars),
  tp: (key, count, vars) => translatePlural('en', key, count, vars),
  setLocale: () => undefined,
});

export function I18nProvider({ locale, setLocale, children }: { locale: Locale; setLocale: (locale: Locale) => void; children: ComponentChildren }) {
  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: (key, vars) => translate(locale, key, vars), tp: (key, count, vars) => translatePlural(locale, key, count, vars) }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = () => useContext(I18nContext);
