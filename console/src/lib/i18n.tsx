import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { Locale } from './format.ts';
import type { MessageKey } from './messages.ts';
import { type Translate, translate } from './translate.ts';

export type { MessageKey, Translate };

const KEY = 'closer.locale';

/** The remembered choice, else the browser's language (French for any fr-*, English otherwise). */
export function initialLocale(): Locale {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'fr') return saved;
  return (navigator.languages ?? [navigator.language]).some((l) => l.toLowerCase().startsWith('fr'))
    ? 'fr'
    : 'en';
}

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
}

const Context = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(KEY, next);
    document.documentElement.lang = next;
    setState(next);
  }, []);
  document.documentElement.lang = locale;
  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: (key, params) => translate(locale, key, params) }),
    [locale, setLocale],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
