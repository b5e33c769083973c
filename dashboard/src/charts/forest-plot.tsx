import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import type { Experiment, ResultsDocument } from '../api-types.ts';
import { formatInterval, formatLift, formatPercent, type Locale } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { variantColor, variantColorIndex } from '../palette.ts';
import { axisStyle, UplotChart, type ChartOptions } from './uplot-chart.tsx';

/**
 * Forest plot: each challenger's relative lift over the control as a dot with its interval,
 * against a zero line. Rotated uPlot (variants down the side, lift along the bottom); the
 * interval whiskers are drawn on uPlot's canvas in its own coordinates.
 */
export function ForestPlot({ results, experiment }: { results: ResultsDocument; experiment: Experiment | undefined }) {
  const { t, locale } = useI18n();
  const rows = results.variants
    .map((variant, position) => ({ variant, index: variantColorIndex(experiment, variant.key, position) }))
    .filter(({ variant }) => !variant.control);
  const level = formatLift(1 - results.settings.alpha, locale, 0).replace('+', '');

  const { options, data, label } = useMemo(() => {
    const positions = rows.map((_, index) => index);
    const lifts = rows.map(({ variant }) => variant.vsControl?.relativeLift ?? null);
    const intervals = rows.map(({ variant }) => variant.vsControl?.relativeLiftCI ?? null);
    const values = [0, ...lifts.filter((value): value is number => value !== null), ...intervals.flatMap((interval) => interval ?? [])];
    const low = Math.min(...values);
    const high = Math.max(...values);
    const pad = Math.max((high - low) * 0.12, 0.01);
    const colors = rows.map(({ index }) => variantColor(index));

    const data: uPlot.AlignedData = [positions, ...rows.map((_, row) => positions.map((position) => (position === row ? lifts[row]! : null)))];
    const options: ChartOptions = {
      height: 64 + rows.length * 46,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, ori: 1, dir: -1, range: [-0.6, rows.length - 0.4] },
        y: { ori: 0, dir: 1, range: [low - pad, high + pad] },
      },
      axes: [
        {
          ...axisStyle,
          scale: 'x',
          side: 3,
          size: 70,
          grid: { show: false },
          ticks: { show: false },
          splits: () => positions,
          values: (_u, splits) => splits.map((split) => rows[split]?.variant.key ?? ''),
          font: `600 ${axisStyle.font}`,
        },
        {
          ...axisStyle,
          scale: 'y',
          side: 2,
          space: 56,
          values: (_u, splits) => splits.map((split) => formatLift(split, locale, Math.abs(high - low) < 0.05 ? 1 : 0)),
        },
      ],
      series: [
        {},
        ...rows.map(({ variant }, row) => ({
          label: variant.key,
          scale: 'y',
          stroke: colors[row],
          paths: () => null,
          points: { show: true, size: 12, width: 2, fill: colors[row], stroke: '#ffffff' },
        })),
      ],
      hooks: {
        drawClear: [
          (u: uPlot) => {
            const { ctx } = u;
            const zero = u.valToPos(0, 'y', true);
            ctx.save();
            ctx.strokeStyle = '#52606d';
            ctx.lineWidth = 1.5 * uPlot.pxRatio;
            ctx.setLineDash([4 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
            ctx.beginPath();
            ctx.moveTo(zero, u.bbox.top);
            ctx.lineTo(zero, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
        draw: [
          (u: uPlot) => {
            const { ctx } = u;
            const ratio = uPlot.pxRatio;
            intervals.forEach((interval, row) => {
              if (!interval) return;
              const y = u.valToPos(row, 'x', true);
              const from = u.valToPos(interval[0], 'y', true);
              const to = u.valToPos(interval[1], 'y', true);
              ctx.save();
              ctx.strokeStyle = colors[row]!;
              ctx.lineWidth = 3 * ratio;
              ctx.lineCap = 'round';
              ctx.beginPath();
              ctx.moveTo(from, y);
              ctx.lineTo(to, y);
              ctx.moveTo(from, y - 7 * ratio);
              ctx.lineTo(from, y + 7 * ratio);
              ctx.moveTo(to, y - 7 * ratio);
              ctx.lineTo(to, y + 7 * ratio);
              ctx.stroke();
              ctx.restore();
            });
          },
        ],
      },
    };
    const label = t('charts.forestLabel', {
      level,
      rows: rows
        .map(({ variant }) => `${variant.key}: ${formatLift(variant.vsControl?.relativeLift, locale)} (${formatInterval(variant.vsControl?.relativeLiftCI, (value) => formatLift(value, locale))})`)
        .join('; '),
    });
    return { options, data, label };
  }, [results, experiment, locale]);

  return (
    <figure class="card chart-card">
      <figcaption>
        <h2 class="card-title">{t('charts.forestTitle')}</h2>
        <p class="muted small">{t('charts.forestCaption', { level })}</p>
      </figcaption>
      {rows.length === 0 ? (
        <p class="muted">{t('charts.nothingToCompare')}</p>
      ) : (
        <>
          <UplotChart options={options} data={data} label={label} testId="forest-plot" />
          {rows.map(({ variant }) => (
            <div class="forest-variant" data-variant={variant.key}>
              {rows.length > 1 && <h3>{t('romi.vsControl', { key: variant.key })}</h3>}
              <div class="stats-grid stats-grid-4">
                <div class="stat">
                  <span class="stat-label">{t('charts.relativeLift')}</span>
                  <span class="stat-value">{formatLift(variant.vsControl?.relativeLift, locale)}</span>
                  <span class="stat-sub">{formatInterval(variant.vsControl?.relativeLiftCI, (value) => formatLift(value, locale))}</span>
                </div>
                <div class="stat">
                  <span class="stat-label">{t('charts.absoluteLift')}</span>
                  <span class="stat-value">{formatPoints(variant.vsControl?.absoluteLift ?? null, locale)}</span>
                  <span class="stat-sub">{t('charts.points')}</span>
                </div>
                <div class="stat">
                  <span class="stat-label">{t('results.colChance')}</span>
                  <span class="stat-value">{formatPercent(variant.vsControl?.chanceToBeatControl, locale, 0)}</span>
                </div>
                <div class="stat">
                  <span class="stat-label">{t('charts.expectedLoss')}</span>
                  <span class="stat-value">{formatPoints(variant.vsControl?.expectedLoss ?? null, locale, false)}</span>
                  <span class="stat-sub">{t('charts.expectedLossHelp')}</span>
                </div>
              </div>
            </div>
          ))}
        </>
      )}
    </figure>
  );
}

/** An absolute difference of rates in percentage points: +1.2 pp / +1,2 Pp. */
function formatPoints(value: number | null, locale: Locale, signed = true): string {
  if (value === null) return '—';
  const points = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value * 100);
  return signed && value > 0 ? `+${points}` : points;
}
