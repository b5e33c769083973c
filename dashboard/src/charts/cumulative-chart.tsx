import { useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { Experiment, ResultsDocument } from '../api-types.ts';
import { formatInterval, formatPercent, formatShortDay } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { variantColor, variantColorIndex, variantDashes, withAlpha } from '../palette.ts';
import { axisStyle, UplotChart, type ChartOptions } from './uplot-chart.tsx';

const DAY = 86_400;

/**
 * Cumulative conversion rate per variant by exposure day, with its interval as a band.
 * Days are cohorts (docs/architecture.md), so each point is "everyone who arrived by then".
 */
export function CumulativeChart({ results, experiment }: { results: ResultsDocument; experiment: Experiment | undefined }) {
  const { t, locale } = useI18n();
  const [hover, setHover] = useState<number | null>(null);
  const variants = results.variants;
  const days = useMemo(() => [...new Set(results.cumulative.map((point) => point.day))].sort(), [results]);
  const colorOf = (key: string, position: number) => variantColorIndex(experiment, key, position);

  const { options, data, label } = useMemo(() => {
    const xs = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    const points = new Map(results.cumulative.map((candidate) => [`${candidate.day}|${candidate.variant}`, candidate]));
    const point = (day: string, variant: string) => points.get(`${day}|${variant}`);
    const series: uPlot.Series[] = [{}];
    const columns: (number | null)[][] = [];
    const bands: uPlot.Band[] = [];
    const all: number[] = [];
    variants.forEach((variant, position) => {
      const color = variantColor(colorOf(variant.key, position));
      const rates = days.map((day) => point(day, variant.key)?.conversionRate ?? null);
      const lower = days.map((day) => point(day, variant.key)?.conversionRateCI?.[0] ?? null);
      const upper = days.map((day) => point(day, variant.key)?.conversionRateCI?.[1] ?? null);
      for (const value of [...rates, ...lower, ...upper]) if (value !== null) all.push(value);
      const base = series.length;
      series.push(
        { label: variant.key, stroke: color, width: 2.5, dash: variantDashes[colorOf(variant.key, position)] ?? [], points: { show: days.length > 1 && days.length <= 20, size: 7, fill: color, stroke: color } },
        { label: `${variant.key}-upper`, stroke: 'transparent', width: 0, points: { show: false } },
        { label: `${variant.key}-lower`, stroke: 'transparent', width: 0, points: { show: false } },
      );
      columns.push(rates, upper, lower);
      bands.push({ series: [base + 1, base + 2], fill: withAlpha(color, 0.14) });
    });
    const high = all.length ? Math.max(...all) : 0.1;
    const single = xs.length === 1;
    const splits = xs.filter((_, index) => index % Math.max(1, Math.ceil(xs.length / 10)) === 0);

    const options: ChartOptions = {
      height: 280,
      legend: { show: false },
      cursor: { y: false, points: { size: 8 } },
      scales: {
        x: { time: false, range: single ? [xs[0]! - DAY, xs[0]! + DAY] : (_u, min, max) => [min - DAY * 0.2, max + DAY * 0.2] },
        y: { range: [0, high * 1.15 || 0.01] },
      },
      axes: [
        { ...axisStyle, grid: { show: false }, splits: () => splits, values: (_u, ticks) => ticks.map((tick) => formatShortDay(new Date(tick * 1000).toISOString().slice(0, 10), locale)) },
        { ...axisStyle, size: 64, values: (_u, ticks) => ticks.map((tick) => formatPercent(tick, locale, high < 0.1 ? 1 : 0)) },
      ],
      series,
      bands,
      hooks: {
        setCursor: [(u: uPlot) => setHover(u.cursor.idx ?? null)],
        // With a single day there is no band to fill: draw each interval as a whisker instead.
        draw: single
          ? [
              (u: uPlot) => {
                const { ctx } = u;
                const ratio = uPlot.pxRatio;
                const x = u.valToPos(xs[0]!, 'x', true);
                variants.forEach((variant, position) => {
                  const interval = point(days[0]!, variant.key)?.conversionRateCI;
                  if (!interval) return;
                  const offset = (position - (variants.length - 1) / 2) * 14 * ratio;
                  ctx.save();
                  ctx.strokeStyle = variantColor(colorOf(variant.key, position));
                  ctx.lineWidth = 2.5 * ratio;
                  ctx.beginPath();
                  ctx.moveTo(x + offset, u.valToPos(interval[0], 'y', true));
                  ctx.lineTo(x + offset, u.valToPos(interval[1], 'y', true));
                  ctx.stroke();
                  const rate = point(days[0]!, variant.key)?.conversionRate;
                  if (rate != null) {
                    ctx.fillStyle = variantColor(colorOf(variant.key, position));
                    ctx.beginPath();
                    ctx.arc(x + offset, u.valToPos(rate, 'y', true), 4.5 * ratio, 0, 2 * Math.PI);
                    ctx.fill();
                  }
                  ctx.restore();
                });
              },
            ]
          : [],
      },
    };
    const last = days[days.length - 1];
    const label = t('charts.cumulativeLabel', {
      days: days.length,
      rows: variants
        .map((variant) => {
          const latest = last ? point(last, variant.key) : undefined;
          return `${variant.key}: ${formatPercent(latest?.conversionRate, locale, 2)}`;
        })
        .join('; '),
    });
    return { options, data: [xs, ...columns] as uPlot.AlignedData, label };
  }, [results, experiment, locale, days]);

  const hoverDay = hover === null ? days[days.length - 1] : days[hover];
  return (
    <figure class="card chart-card">
      <figcaption>
        <h2 class="card-title">{t('charts.cumulativeTitle')}</h2>
        <p class="muted small">{t('charts.cumulativeCaption')}</p>
      </figcaption>
      {days.length === 0 ? (
        <p class="muted">{t('charts.noDataYet')}</p>
      ) : (
        <>
          <Legend results={results} colorOf={colorOf} />
          <UplotChart options={options} data={data} label={label} testId="cumulative-chart" />
          {hoverDay && (
            <p class="chart-readout small" aria-live="off">
              <strong>{formatShortDay(hoverDay, locale)}</strong>
              {variants.map((variant) => {
                const point = results.cumulative.find((candidate) => candidate.day === hoverDay && candidate.variant === variant.key);
                return (
                  <span>
                    {variant.key}: {formatPercent(point?.conversionRate, locale, 2)}{' '}
                    <span class="muted">({formatInterval(point?.conversionRateCI, (value) => formatPercent(value, locale, 2))})</span>
                  </span>
                );
              })}
            </p>
          )}
          {days.length === 1 && <p class="muted small">{t('charts.oneDay')}</p>}
        </>
      )}
    </figure>
  );
}

export function Legend({ results, colorOf, shape = 'line' }: { results: ResultsDocument; colorOf: (key: string, position: number) => number; shape?: 'line' | 'square' }) {
  const { t } = useI18n();
  return (
    <ul class="legend" aria-hidden="true">
      {results.variants.map((variant, position) => {
        const index = colorOf(variant.key, position);
        const dash = variantDashes[index] ?? [];
        return (
          <li>
            {shape === 'square' ? (
              <span class="swatch" style={{ background: variantColor(index) }} />
            ) : (
              <svg width="28" height="10">
                <line x1="1" y1="5" x2="27" y2="5" stroke={variantColor(index)} stroke-width="3" stroke-dasharray={dash.join(' ')} />
              </svg>
            )}
            {variant.key}
            {variant.control && <span class="muted"> ({t('results.control')})</span>}
          </li>
        );
      })}
    </ul>
  );
}
