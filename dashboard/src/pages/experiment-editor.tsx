import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import type { Experiment, ValidationIssue } from '../api-types.ts';
import { ErrorAlert, Loading } from '../components/error-alert.tsx';
import { Planner } from '../components/planner.tsx';
import { PreviewCard } from '../components/preview-card.tsx';
import { emptyCosts, emptyDraft, evenWeights, fieldId, fromExperiment, newVariant, payloadOf, toRequest, weightTotal, type Draft, type VariantDraft } from '../editor-draft.ts';
import { formatNumber } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { offerFields, type OfferField } from '../offer.ts';
import { variantColor } from '../palette.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { operatorKeys } from './setup-view.tsx';

const fieldLabels: Record<OfferField, MessageKey> = {
  headline: 'offer.headline',
  subline: 'offer.subline',
  priceText: 'offer.priceText',
  badge: 'offer.badge',
  cta: 'offer.cta',
  imageUrl: 'offer.imageUrl',
};
const attributes = ['url', 'device', 'country', 'language', 'utm_source', 'utm_medium', 'utm_campaign'];
const currencies = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'DKK', 'NOK', 'PLN', 'CZK', 'JPY', 'AUD', 'CAD'];

/** Create a draft, or edit one: every field the API knows, its messages next to the fields, a preview and a planner. */
export function ExperimentEditor({ experimentKey }: { experimentKey?: string }) {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [draft, setDraft] = useState<Draft | null>(experimentKey ? null : emptyDraft());
  const [loaded, setLoaded] = useState<Experiment | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [keyTouched, setKeyTouched] = useState(Boolean(experimentKey));
  const summary = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = `${experimentKey ? t('editor.editTitle') : t('editor.newTitle')} · Upshot`;
    if (!experimentKey) return;
    api.get<Experiment>(`/v1/experiments/${encodeURIComponent(experimentKey)}`).then(
      (experiment) => {
        setLoaded(experiment);
        setDraft(fromExperiment(experiment));
      },
      setLoadError,
    );
  }, [experimentKey]);

  if (!draft) return loadError ? <ErrorAlert error={loadError} /> : <Loading />;
  if (loaded && loaded.status !== 'draft') {
    return (
      <section>
        <h1>{t('editor.editTitle')}</h1>
        <p class="alert alert-warning">{t('editor.notDraft')}</p>
        <Link href={`/experiments/${encodeURIComponent(loaded.key)}`} class="button">
          {t('app.back')}
        </Link>
      </section>
    );
  }

  const update = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  /** Changes one item of a list in the draft. */
  const updateAt = <K extends 'variants' | 'targeting' | 'goals'>(list: K, index: number, change: Partial<Draft[K][number]>) =>
    update({ [list]: draft[list].map((item, at) => (at === index ? { ...item, ...change } : item)) } as Partial<Draft>);
  const updateVariant = (index: number, change: Partial<VariantDraft>) => updateAt('variants', index, change);

  const submit = async (event: Event) => {
    event.preventDefault();
    const { body, issues: local } = toRequest(draft, t('editor.invalidJson'));
    setError(null);
    if (local.length) {
      setIssues(local);
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setBusy(true);
    try {
      if (experimentKey) {
        const { key: _key, ...patch } = body;
        await api.patch<Experiment>(`/v1/experiments/${encodeURIComponent(experimentKey)}`, patch);
      } else {
        await api.post<Experiment>('/v1/experiments', body);
      }
      navigate(`/experiments/${encodeURIComponent(experimentKey ?? body.key)}/setup`);
    } catch (caught) {
      if (caught instanceof ApiError && caught.issues.length) setIssues(caught.issues);
      else setIssues([]);
      setError(caught);
      requestAnimationFrame(() => summary.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  const total = weightTotal(draft);
  const controlIndex = Math.max(0, draft.variants.findIndex((variant) => variant.control));
  return (
    <section>
      <p class="breadcrumb">
        <Link href={experimentKey ? `/experiments/${encodeURIComponent(experimentKey)}/setup` : '/'}>← {experimentKey ? draft.name || experimentKey : t('nav.experiments')}</Link>
      </p>
      <div class="page-header">
        <div>
          <h1>{experimentKey ? t('editor.editTitle') : t('editor.newTitle')}</h1>
          <p class="muted">{t('editor.intro')}</p>
        </div>
      </div>

      <div class="editor-layout">
        <form class="editor" onSubmit={submit} noValidate data-testid="editor">
          <div ref={summary} tabIndex={-1} class="error-summary-anchor">
            {issues.length > 0 ? <ErrorSummary issues={issues} /> : error ? <ErrorAlert error={error} /> : null}
          </div>

          <Section title={t('editor.basics')} id="basics">
            <div class="field-row">
              <TextField path="name" label={t('editor.name')} value={draft.name} issues={issues} required
                onInput={(name) => update(keyTouched ? { name } : { name, key: slug(name) })} />
              <TextField path="key" label={t('editor.key')} hint={t('editor.keyHint')} value={draft.key} issues={issues} mono required disabled={Boolean(experimentKey)}
                onInput={(key) => {
                  setKeyTouched(true);
                  update({ key });
                }} />
            </div>
            <TextArea path="hypothesis" label={t('editor.hypothesis')} hint={t('editor.hypothesisHint')} value={draft.hypothesis} issues={issues} onInput={(hypothesis) => update({ hypothesis })} />
          </Section>

          <Section title={t('editor.variants')} id="variants" issues={issues} path="variants">
            {draft.variants.map((variant, index) => {
              const preview = payloadOf(variant);
              return (
                <div class="variant-editor" data-variant-index={index}>
                  <div class="variant-editor-head">
                    <span class="swatch swatch-large" style={{ background: variantColor(index) }} aria-hidden="true" />
                    <h3>{t('editor.variantHeading', { n: index + 1 })}</h3>
                    <label class="radio">
                      <input type="radio" name="control" checked={index === controlIndex}
                        onChange={() => update({ variants: draft.variants.map((candidate, at) => ({ ...candidate, control: at === index })) })} />
                      {t('editor.control')}
                    </label>
                    {draft.variants.length > 2 && (
                      <button type="button" class="button button-small button-danger-quiet"
                        onClick={() => update({ variants: draft.variants.filter((_, at) => at !== index), costs: draft.costs.filter((_, at) => at !== index) })}>
                        {t('editor.removeVariant', { key: variant.key })}
                      </button>
                    )}
                  </div>
                  <div class="variant-editor-body">
                    <div class="variant-fields">
                      <div class="field-row field-row-3">
                        <TextField path={`variants.${index}.key`} label={t('editor.variantKey')} value={variant.key} issues={issues} mono required onInput={(key) => updateVariant(index, { key })} />
                        <TextField path={`variants.${index}.name`} label={t('editor.variantName')} value={variant.name} issues={issues} onInput={(name) => updateVariant(index, { name })} />
                        <TextField path={`variants.${index}.weight`} label={t('editor.weight')} value={variant.weight} issues={issues} suffix="%" inputMode="decimal" required onInput={(weight) => updateVariant(index, { weight })} />
                      </div>
                      <div class="mode-switch" role="group" aria-label={t('editor.payloadMode')}>
                        <button type="button" aria-pressed={variant.mode === 'fields'}
                          onClick={() => {
                            if (variant.mode === 'fields') return;
                            const parsed = payloadOf(variant);
                            if ('error' in parsed) return setIssues([{ path: `variants.${index}.payload`, message: t('editor.invalidJson') }]);
                            const fields = { ...variant.fields };
                            for (const field of offerFields) fields[field] = typeof parsed.payload[field] === 'string' ? (parsed.payload[field] as string) : '';
                            updateVariant(index, { mode: 'fields', fields });
                          }}>
                          {t('editor.modeFields')}
                        </button>
                        <button type="button" aria-pressed={variant.mode === 'json'}
                          onClick={() => {
                            if (variant.mode === 'json') return;
                            const parsed = payloadOf(variant);
                            updateVariant(index, { mode: 'json', json: JSON.stringify('payload' in parsed ? parsed.payload : {}, null, 2) });
                          }}>
                          {t('editor.modeJson')}
                        </button>
                      </div>
                      {variant.mode === 'fields' ? (
                        <div class="field-grid">
                          {offerFields.map((field) => (
                            <TextField path={`variants.${index}.payload.${field}`} label={t(fieldLabels[field])} value={variant.fields[field]} issues={issues}
                              onInput={(value) => updateVariant(index, { fields: { ...variant.fields, [field]: value } })} />
                          ))}
                        </div>
                      ) : (
                        <TextArea path={`variants.${index}.payload`} label={t('editor.payloadJson')} value={variant.json} issues={issues} mono rows={8}
                          onInput={(json) => updateVariant(index, { json })} />
                      )}
                      {variant.mode === 'fields' && <FieldError path={`variants.${index}.payload`} issues={issues} />}
                    </div>
                    <div class="variant-preview">
                      {'payload' in preview ? (
                        <PreviewCard payload={preview.payload} variantKey={variant.key || '?'} name={variant.name} color={variantColor(index)} />
                      ) : (
                        <p class="muted small">{t('editor.invalidJson')}</p>
                      )}
                    </div>
                  </div>
                </div>
              );
            })}
            <div class="section-footer">
              <button type="button" class="button" disabled={draft.variants.length >= 10}
                onClick={() => update({ variants: [...draft.variants, newVariant(draft.variants.length, '0')], costs: [...draft.costs, emptyCosts()] })}>
                + {t('editor.addVariant')}
              </button>
              <button type="button" class="button" onClick={() => {
                const weights = evenWeights(draft.variants.length);
                update({ variants: draft.variants.map((variant, at) => ({ ...variant, weight: weights[at]! })) });
              }}>
                {t('editor.splitEvenly')}
              </button>
              <span class={`weight-total ${Math.abs(total - 100) > 0.0001 ? 'bad' : 'good'}`} aria-live="polite">
                {t('editor.weightTotal', { total: formatNumber(total, locale, 4) })}
              </span>
            </div>
          </Section>

          <Section title={t('editor.audience')} id="audience">
            <TextField path="coverage" label={t('editor.coverage')} hint={t('editor.coverageHint')} value={draft.coverage} issues={issues} suffix="%" inputMode="decimal" narrow
              onInput={(coverage) => update({ coverage })} />
            <fieldset class="subfieldset" id={fieldId('targeting')}>
              <legend>{t('editor.targeting')}</legend>
              <p class="hint">{t('editor.targetingHint')}</p>
              <FieldError path="targeting" issues={issues} />
              <datalist id="targeting-attributes">
                {attributes.map((attribute) => (
                  <option value={attribute} />
                ))}
              </datalist>
              {draft.targeting.map((rule, index) => (
                <div class="rule-row" data-rule={index}>
                  <TextField path={`targeting.${index}.attribute`} label={t('editor.attribute')} value={rule.attribute} issues={issues} list="targeting-attributes" mono
                    onInput={(attribute) => updateAt('targeting', index, { attribute })} />
                  <div class="field">
                    <label for={fieldId(`targeting.${index}.operator`)}>{t('editor.operator')}</label>
                    <select id={fieldId(`targeting.${index}.operator`)} value={rule.operator}
                      onChange={(event) => updateAt('targeting', index, { operator: (event.target as HTMLSelectElement).value })}>
                      {Object.entries(operatorKeys).map(([operator, key]) => (
                        <option value={operator}>{t(key)}</option>
                      ))}
                    </select>
                  </div>
                  <TextField path={`targeting.${index}.values`} label={t('editor.values')} hint={t('editor.valuesHint')} value={rule.values} issues={issues}
                    onInput={(values) => updateAt('targeting', index, { values })} />
                  <button type="button" class="button button-small button-danger-quiet rule-remove" aria-label={t('editor.removeRule', { n: index + 1 })}
                    onClick={() => update({ targeting: draft.targeting.filter((_, at) => at !== index) })}>
                    ✕
                  </button>
                </div>
              ))}
              <button type="button" class="button button-small" onClick={() => update({ targeting: [...draft.targeting, { attribute: 'device', operator: 'equals', values: '' }] })}>
                + {t('editor.addRule')}
              </button>
            </fieldset>
          </Section>

          <Section title={t('editor.goalsAndStages')} id="goals">
            <fieldset class="subfieldset" id={fieldId('goals')}>
              <legend>{t('editor.goals')}</legend>
              <FieldError path="goals" issues={issues} />
              {draft.goals.map((goal, index) => (
                <div class="rule-row goal-row">
                  <TextField path={`goals.${index}.key`} label={t('editor.goalKey')} value={goal.key} issues={issues} mono required
                    onInput={(key) => updateAt('goals', index, { key })} />
                  <TextField path={`goals.${index}.name`} label={t('editor.goalName')} value={goal.name} issues={issues}
                    onInput={(name) => updateAt('goals', index, { name })} />
                  <label class="radio">
                    <input type="radio" name="primary-goal" checked={goal.primary}
                      onChange={() => update({ goals: draft.goals.map((candidate, at) => ({ ...candidate, primary: at === index })) })} />
                    {t('results.primary')}
                  </label>
                  <label class="checkbox">
                    <input type="checkbox" checked={goal.revenue}
                      onChange={(event) => updateAt('goals', index, { revenue: (event.target as HTMLInputElement).checked })} />
                    {t('editor.goalRevenue')}
                  </label>
                  {draft.goals.length > 1 && (
                    <button type="button" class="button button-small button-danger-quiet rule-remove" aria-label={t('editor.removeGoal', { key: goal.key })}
                      onClick={() => update({ goals: draft.goals.filter((_, at) => at !== index) })}>
                      ✕
                    </button>
                  )}
                </div>
              ))}
              <button type="button" class="button button-small" disabled={draft.goals.length >= 10}
                onClick={() => update({ goals: [...draft.goals, { key: '', name: '', primary: false, revenue: false }] })}>
                + {t('editor.addGoal')}
              </button>
            </fieldset>
            <TextField path="stages" label={t('editor.stages')} hint={t('editor.stagesHint')} value={draft.stages} issues={issues} mono prefixMatch
              onInput={(stages) => update({ stages })} />
          </Section>

          <Section title={t('editor.costs')} id="costs" issues={issues} path="costs">
            <p class="hint">{t('editor.costsHint')}</p>
            <div class="table-scroll">
              <table class="data-table compact costs-table">
                <thead>
                  <tr>
                    <th scope="col">{t('results.colVariant')}</th>
                    <th scope="col">{t('editor.costFixed')}</th>
                    <th scope="col">{t('editor.costPerVisitor')}</th>
                    <th scope="col">{t('editor.costPerConversion')}</th>
                    <th scope="col">{t('editor.costRevenueShare')}</th>
                  </tr>
                </thead>
                <tbody>
                  {draft.variants.map((variant, index) => {
                    const costs = draft.costs[index] ?? emptyCosts();
                    const set = (field: keyof typeof costs, value: string) => update({ costs: draft.variants.map((_, at) => (at === index ? { ...costs, [field]: value } : (draft.costs[at] ?? emptyCosts()))) });
                    const cell = (field: keyof typeof costs, suffix: string) => {
                      const path = `costs.${variant.key.trim()}.${field}`;
                      return (
                        <td>
                          <CompactInput path={path} label={t('editor.costLabel', { field: t(costLabels[field]), key: variant.key })} value={costs[field]} suffix={suffix} issues={issues} onInput={(value) => set(field, value)} />
                        </td>
                      );
                    };
                    return (
                      <tr data-variant={variant.key}>
                        <th scope="row">{variant.key || '?'}</th>
                        {cell('fixed', draft.currency)}
                        {cell('perVisitor', draft.currency)}
                        {cell('perConversion', draft.currency)}
                        {cell('revenueShare', '%')}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div class="field-row">
              <TextField path="margin" label={t('editor.margin')} hint={t('editor.marginHint')} value={draft.margin} issues={issues} suffix="%" inputMode="decimal" narrow
                onInput={(margin) => update({ margin })} />
              <div class="field narrow">
                <label for={fieldId('currency')}>{t('editor.currency')}</label>
                <select id={fieldId('currency')} value={draft.currency} onChange={(event) => update({ currency: (event.target as HTMLSelectElement).value })}>
                  {[...new Set([draft.currency, ...currencies])].map((currency) => (
                    <option value={currency}>{currency}</option>
                  ))}
                </select>
                <FieldError path="currency" issues={issues} />
              </div>
            </div>
          </Section>

          <div class="submit-bar">
            <Link href={experimentKey ? `/experiments/${encodeURIComponent(experimentKey)}/setup` : '/'} class="button">
              {t('action.cancel')}
            </Link>
            <button type="submit" class="button button-primary" disabled={busy} data-testid="save-experiment">
              {busy ? t('editor.saving') : t('editor.save')}
            </button>
          </div>
        </form>

        <aside class="editor-aside">
          <Planner variants={draft.variants.length} coverage={Number(draft.coverage.replace(',', '.')) / 100} />
        </aside>
      </div>
    </section>
  );
}

const costLabels: Record<keyof ReturnType<typeof emptyCosts>, MessageKey> = {
  fixed: 'editor.costFixed',
  perVisitor: 'editor.costPerVisitor',
  perConversion: 'editor.costPerConversion',
  revenueShare: 'editor.costRevenueShare',
};

function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

function Section({ title, id, children, issues = [], path }: { title: string; id: string; children: ComponentChildren; issues?: ValidationIssue[]; path?: string }) {
  return (
    <section class="card editor-section" aria-labelledby={`${id}-title`} id={path ? fieldId(path) : undefined} tabIndex={path ? -1 : undefined}>
      <h2 id={`${id}-title`} class="card-title">
        {title}
      </h2>
      {path && <FieldError path={path} issues={issues} />}
      {children}
    </section>
  );
}

/** The API's messages for exactly this path (or, with `prefixMatch`, for its items too). */
function issuesFor(path: string, issues: ValidationIssue[], prefixMatch = false): ValidationIssue[] {
  return issues.filter((issue) => issue.path === path || (prefixMatch && issue.path.startsWith(`${path}.`)));
}

function FieldError({ path, issues, prefixMatch }: { path: string; issues: ValidationIssue[]; prefixMatch?: boolean }) {
  const mine = issuesFor(path, issues, prefixMatch);
  if (!mine.length) return null;
  return (
    <p class="field-error" id={`${fieldId(path)}-error`} data-path={path}>
      {mine.map((issue) => issue.message).join(' ')}
    </p>
  );
}

interface TextFieldProps {
  path: string;
  label: string;
  value: string;
  issues: ValidationIssue[];
  onInput: (value: string) => void;
  hint?: string;
  suffix?: string;
  mono?: boolean;
  required?: boolean;
  disabled?: boolean;
  narrow?: boolean;
  prefixMatch?: boolean;
  list?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
}

function TextField({ path, label, value, issues, onInput, hint, suffix, mono, required, disabled, narrow, prefixMatch, list, inputMode }: TextFieldProps) {
  const id = fieldId(path);
  const invalid = issuesFor(path, issues, prefixMatch).length > 0;
  const describedBy = [invalid ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field ${narrow ? 'narrow' : ''}`}>
      <label for={id}>
        {label}
        {required && <span class="required" aria-hidden="true"> *</span>}
      </label>
      <div class={suffix ? 'input-suffix' : undefined}>
        <input id={id} class={mono ? 'mono' : undefined} value={value} disabled={disabled} required={required} list={list} inputMode={inputMode}
          aria-invalid={invalid || undefined} aria-describedby={describedBy} spellcheck={!mono}
          onInput={(event) => onInput((event.target as HTMLInputElement).value)} />
        {suffix && <span aria-hidden="true">{suffix}</span>}
      </div>
      <FieldError path={path} issues={issues} prefixMatch={prefixMatch} />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

function CompactInput({ path, label, value, suffix, issues, onInput }: { path: string; label: string; value: string; suffix: string; issues: ValidationIssue[]; onInput: (value: string) => void }) {
  const id = fieldId(path);
  const invalid = issuesFor(path, issues).length > 0;
  return (
    <>
      <div class="input-suffix compact">
        <input id={id} value={value} inputMode="decimal" aria-label={label} aria-invalid={invalid || undefined} aria-describedby={invalid ? `${id}-error` : undefined}
          onInput={(event) => onInput((event.target as HTMLInputElement).value)} />
        <span aria-hidden="true">{suffix}</span>
      </div>
      <FieldError path={path} issues={issues} />
    </>
  );
}

function TextArea({ path, label, value, issues, onInput, hint, mono, rows = 3 }: { path: string; label: string; value: string; issues: ValidationIssue[]; onInput: (value: string) => void; hint?: string; mono?: boolean; rows?: number }) {
  const id = fieldId(path);
  const invalid = issuesFor(path, issues).length > 0;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={rows} class={mono ? 'mono' : undefined} value={value} aria-invalid={invalid || undefined}
        aria-describedby={[invalid ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined}
        onInput={(event) => onInput((event.target as HTMLTextAreaElement).value)} />
      <FieldError path={path} issues={issues} />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Every problem at the top, each linking to its field (focus moves here after a failed save). */
function ErrorSummary({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useI18n();
  return (
    <div class="error-summary" role="alert" data-testid="error-summary">
      <h2>{t('editor.problems')}</h2>
      <ul>
        {issues.map((issue) => {
          const target = nearestField(issue.path);
          return (
            <li>
              {target ? (
                <a
                  href={`#${target}`}
                  onClick={(event) => {
                    event.preventDefault();
                    document.getElementById(target)?.focus();
                  }}
                >
                  {issue.path && <span class="mono">{issue.path}: </span>}
                  {issue.message}
                </a>
              ) : (
                <>
                  {issue.path && <span class="mono">{issue.path}: </span>}
                  {issue.message}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The input for a path, or its closest ancestor that has one (`stages.1` → the stages field). */
function nearestField(path: string): string | null {
  const parts = path.split('.');
  while (parts.length) {
    const id = fieldId(parts.join('.'));
    if (document.getElementById(id)) return id;
    parts.pop();
  }
  return null;
}
