import { useI18n, type Locale } from '../i18n.tsx';

/** English/Deutsch switch; the choice is kept in localStorage. */
export function LanguageSelect() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label class="language-select">
      <span class="visually-hidden">{t('app.language')}</span>
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.3" />
        <path d="M1.5 8h13M8 1.5c2 2 2 11 0 13M8 1.5c-2 2-2 11 0 13" fill="none" stroke="currentColor" stroke-width="1.1" />
      </svg>
      <select value={locale} onChange={(event) => setLocale((event.target as HTMLSelectElement).value as Locale)} data-testid="language">
        <option value="en">English</option>
        <option value="de">Deutsch</option>
      </select>
    </label>
  );
}
