import { useState } from 'preact/hooks';
import { ApiError, detectRole } from '../api.ts';
import { Logo } from '../app.tsx';
import { LanguageSelect } from '../components/language-select.tsx';
import { useI18n } from '../i18n.tsx';
import type { StoredSession } from '../session.tsx';

export function SignIn({ onSignedIn, expired }: { onSignedIn: (session: StoredSession) => void; expired: boolean }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError(t('signIn.missingKey'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const role = await detectRole(trimmed);
      onSignedIn({ key: trimmed, role });
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? t('signIn.badKey') : t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <div class="sign-in-language">
        <LanguageSelect />
      </div>
      <form class="card sign-in-card" onSubmit={submit} noValidate>
        <div class="brand brand-large">
          <Logo />
          <span>Upshot</span>
        </div>
        <h1>{t('signIn.title')}</h1>
        <p class="muted">{t('signIn.intro')}</p>
        {expired && (
          <p class="alert alert-warning" role="status">
            {t('signIn.expired')}
          </p>
        )}
        <div class="field">
          <label for="api-key">{t('signIn.keyLabel')}</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            placeholder="upk_…"
            value={key}
            onInput={(event) => setKey((event.target as HTMLInputElement).value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-key-error api-key-hint' : 'api-key-hint'}
          />
          {error && (
            <p class="field-error" id="api-key-error" role="alert">
              {error}
            </p>
          )}
          <p class="hint" id="api-key-hint">
            {t('signIn.hint')}
          </p>
        </div>
        <button class="button button-primary button-block" type="submit" disabled={busy}>
          {busy ? t('signIn.checking') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
