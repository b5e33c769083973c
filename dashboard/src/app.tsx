import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api.ts';
import { LanguageSelect } from './components/language-select.tsx';
import { I18nProvider, initialLocale, saveLocale, useI18n, type Locale } from './i18n.tsx';
import { ExperimentEditor } from './pages/experiment-editor.tsx';
import { ExperimentPage } from './pages/experiment-page.tsx';
import { ExperimentsList } from './pages/experiments-list.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Link, match, navigate, useLocation } from './router.tsx';
import { loadSession, saveSession, SessionContext, useSession, type Session, type StoredSession } from './session.tsx';

export function App() {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    saveLocale(next);
    setLocaleState(next);
  }, []);
  useEffect(() => void (document.documentElement.lang = locale), [locale]);

  const [stored, setStored] = useState<StoredSession | null>(loadSession);
  const [expired, setExpired] = useState(false);
  const signOut = useCallback((reason?: 'expired') => {
    saveSession(null);
    setStored(null);
    setExpired(reason === 'expired');
  }, []);
  const session = useMemo<Session | null>(
    () => stored && { ...stored, canEdit: stored.role === 'admin', signOut, api: createApi(stored.key, () => signOut('expired')) },
    [stored, signOut],
  );
  const signIn = useCallback((next: StoredSession) => {
    saveSession(next);
    setExpired(false);
    setStored(next);
  }, []);

  return (
    <I18nProvider locale={locale} setLocale={setLocale}>
      {session ? (
        <SessionContext.Provider value={session}>
          <Shell />
        </SessionContext.Provider>
      ) : (
        <SignIn onSignedIn={signIn} expired={expired} />
      )}
    </I18nProvider>
  );
}

function Shell() {
  const { t } = useI18n();
  const session = useSession();
  const { path } = useLocation();
  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <Link href="/" class="brand" aria-label={t('app.home')}>
            <Logo />
            <span>Upshot</span>
          </Link>
          <nav aria-label={t('app.navigation')} class="topnav">
            <Link href="/" aria-current={path === '/' ? 'page' : undefined}>
              {t('nav.experiments')}
            </Link>
          </nav>
          <div class="topbar-tools">
            <span class={`role-badge role-${session.role}`} data-testid="role">
              {session.role === 'admin' ? t('role.admin') : t('role.analyst')}
            </span>
            <LanguageSelect />
            <button type="button" class="button button-quiet" onClick={() => session.signOut()}>
              {t('app.signOut')}
            </button>
          </div>
        </div>
      </header>
      <main id="main" class="page" tabIndex={-1}>
        <Routes path={path} />
      </main>
    </>
  );
}

function Routes({ path }: { path: string }) {
  const { t } = useI18n();
  if (match('/', path)) return <ExperimentsList />;
  if (match('/experiments/new', path)) return <ExperimentEditor />;
  let params = match('/experiments/:key/edit', path);
  if (params) return <ExperimentEditor experimentKey={params['key']} />;
  params = match('/experiments/:key/setup', path);
  if (params) return <ExperimentPage experimentKey={params['key']!} tab="setup" />;
  params = match('/experiments/:key', path);
  if (params) return <ExperimentPage experimentKey={params['key']!} tab="results" />;
  return (
    <section class="empty-state">
      <h1>{t('app.notFound')}</h1>
      <button type="button" class="button" onClick={() => navigate('/')}>
        {t('app.backToList')}
      </button>
    </section>
  );
}

export function Logo() {
  return (
    <svg class="logo" width="28" height="28" viewBox="0 0 28 28" aria-hidden="true">
      <rect width="28" height="28" rx="7" fill="#0b5cad" />
      <path d="M7 18.5l4.5-5 3.5 3 6-7.5" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" />
      <circle cx="21" cy="9" r="1.9" fill="#E69F00" />
    </svg>
  );
}
