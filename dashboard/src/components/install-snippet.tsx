import { useEffect, useState } from 'preact/hooks';
import type { Experiment } from '../api-types.ts';
import { useI18n } from '../i18n.tsx';
import { primaryGoalKey } from '../summaries.ts';

const SDK_KEY_STORAGE = 'upshot.sdkKey';

/** Read once per page load: a deployment's SDK endpoint does not change while the dashboard is open. */
let sdkEndpoint: Promise<string | undefined> | undefined;

/**
 * Where pages should send the SDK's requests: the deployment's SDK endpoint (a Lambda function URL,
 * no per-request charge beyond Lambda's), published in /deployment.json by the deployment and by
 * `npm start`; this origin when there is none.
 */
function useSdkEndpoint(): string | undefined {
  const [endpoint, setEndpoint] = useState<string>();
  useEffect(() => {
    let current = true;
    sdkEndpoint ??= fetch('/deployment.json', { cache: 'no-cache' })
      .then((response) => (response.ok ? (response.json() as Promise<{ sdkEndpointUrl?: unknown }>) : {}))
      .then((deployment: { sdkEndpointUrl?: unknown }) =>
        typeof deployment.sdkEndpointUrl === 'string' && /^https?:\/\//.test(deployment.sdkEndpointUrl) ? deployment.sdkEndpointUrl.replace(/\/$/, '') : undefined,
      )
      .catch(() => undefined);
    void sdkEndpoint.then((url) => current && setEndpoint(url));
    return () => {
      current = false;
    };
  }, []);
  return endpoint;
}

/**
 * The code a page needs for this experiment, with the SDK key and experiment key filled in.
 * The API returns an SDK key only when it is created, so the key is pasted once and kept
 * in this browser (it is public: it sits in every page that uses it).
 */
export function InstallSnippet({ experiment }: { experiment: Experiment }) {
  const { t } = useI18n();
  const [sdkKey, setSdkKey] = useState(() => {
    try {
      return localStorage.getItem(SDK_KEY_STORAGE) ?? '';
    } catch {
      return '';
    }
  });
  const [copied, setCopied] = useState(false);
  const origin = location.origin;
  const sdkEndpoint = useSdkEndpoint();
  const goal = experiment.goals.find((candidate) => candidate.key === primaryGoalKey(experiment));
  const stage = experiment.stages[0];
  const key = sdkKey.trim() || '<your SDK key>';
  const code = [
    `<script src="${origin}/sdk/upshot.js"></script>`,
    '<script>',
    `  const upshot = Upshot.createUpshot({ apiUrl: '${sdkEndpoint ?? origin}', sdkKey: '${key}' });`,
    '  upshot.ready().then(() => {',
    `    const offer = upshot.variant('${experiment.key}'); // { key, payload } or null`,
    '    if (offer) showOffer(offer.payload); // your code: headline, price, badge, call to action',
    '  });',
    ...(stage ? [`  // when the visitor reaches a stage: upshot.startStage('${stage}');`] : []),
    goal?.revenue
      ? `  // on ${goal.key}: upshot.convert('${goal.key}', { revenue: 2490, currency: '${experiment.currency}' }); // revenue in minor units`
      : `  // on ${goal?.key ?? 'conversion'}: upshot.convert('${goal?.key ?? 'goal'}');`,
    '</script>',
  ].join('\n');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };

  return (
    <section class="card" aria-labelledby="install-title" data-testid="install-snippet">
      <h2 id="install-title" class="card-title">
        {t('install.title')}
      </h2>
      <p class="muted small">{t('install.intro')}</p>
      {sdkEndpoint && (
        <p class="muted small" data-testid="install-endpoint">
          {t('install.endpoint')}
        </p>
      )}
      <div class="field">
        <label for="sdk-key">{t('install.sdkKey')}</label>
        <input
          id="sdk-key"
          class="mono"
          placeholder="ups_…"
          value={sdkKey}
          spellcheck={false}
          onInput={(event) => {
            const value = (event.target as HTMLInputElement).value;
            setSdkKey(value);
            try {
              localStorage.setItem(SDK_KEY_STORAGE, value.trim());
            } catch {
              // storage disabled: keep it for this page only
            }
          }}
          aria-describedby="sdk-key-hint"
        />
        <p class="hint" id="sdk-key-hint">
          {t('install.sdkKeyHint')}
        </p>
      </div>
      <div class="code-block">
        <pre>
          <code>{code}</code>
        </pre>
        <button type="button" class="button button-small copy-button" onClick={() => void copy()}>
          {copied ? t('install.copied') : t('install.copy')}
        </button>
      </div>
      <span class="visually-hidden" aria-live="polite">
        {copied ? t('install.copied') : ''}
      </span>
    </section>
  );
}
