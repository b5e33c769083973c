import { useI18n } from '../i18n.tsx';
import { offerFields } from '../offer.ts';

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

/** What a visitor would see for this variant, roughly: a live preview while editing. */
export function PreviewCard({ payload, variantKey, name, color }: { payload: Record<string, unknown>; variantKey: string; name?: string; color: string }) {
  const { t } = useI18n();
  const headline = text(payload['headline']);
  const subline = text(payload['subline']);
  const price = text(payload['priceText']);
  const badge = text(payload['badge']);
  const cta = text(payload['cta']);
  const image = text(payload['imageUrl']);
  const extra = Object.fromEntries(Object.entries(payload).filter(([field]) => !(offerFields as readonly string[]).includes(field)));
  const empty = !headline && !subline && !price && !badge && !cta && !image;
  return (
    <div class="preview" data-testid="preview" data-variant={variantKey}>
      <div class="preview-label">
        <span class="swatch" style={{ background: color }} aria-hidden="true" />
        {t('preview.label', { key: variantKey })}
        {name && <span class="muted"> · {name}</span>}
      </div>
      <div class="offer">
        {image && <img class="offer-image" src={image} alt="" loading="lazy" referrerpolicy="no-referrer" />}
        {badge && <span class="offer-badge">{badge}</span>}
        {headline ? <p class="offer-headline">{headline}</p> : empty && <p class="offer-empty muted">{t('preview.empty')}</p>}
        {subline && <p class="offer-subline">{subline}</p>}
        {price && <p class="offer-price">{price}</p>}
        {cta && (
          <span class="offer-cta" role="presentation">
            {cta}
          </span>
        )}
        {Object.keys(extra).length > 0 && <pre class="offer-json">{JSON.stringify(extra, null, 2)}</pre>}
      </div>
    </div>
  );
}
