import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import type { Experiment, ResultsDocument } from '../api-types.ts';
import { formatInteger, formatPercent } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { variantColor, variantColorIndex } from '../palette.ts';
import { Legend } from './cumulative-chart.tsx';
import { axisStyle, UplotChart, type ChartOptions } from './uplot-chart.tsx';

/**
 * Where visitors give up: the share of each variant's visitors who abandoned at each stage,
 * as grouped bars (uPlot's bar paths, one series per variant, offset within each stage),
 * with the counts and the recovered share in a table underneath.
 */
export function AbandonmentChart({ results, experiment }: { results: ResultsDocument; experiment: Experiment | undefined }) {
  const { t, locale } = useI18n();
  const variants = results.variants;
  const stages = useMemo(() => {
    const fromResults = [...new Set(variants.flatMap((variant) => Object.keys(variant.abandonment)))];
    const order = experiment?.stages ?? [];
    return [...order.filter((stage) => fromResults.includes(stage)), ...fromResults.filter((stage) => !order.includes(stage))];
  }, [results, experiment]);
  const colorOf = (key: string, position: number) => variantColorIndex(experiment, key, position);

  const { options, data, label } = useMemo(() => {
    const groupWidth = Math.min(0.8, 0.16 * variants.length);
    const step = groupWidth / Math.max(1, variants.length);
    const xs: number[] = [];
    const columns: (number | null)[][] = variants.map(() => []);
    stages.forEach((stage, stageIndex) => {
      variants.forEach((variant, position) => {
        xs.push(stageIndex + (position - (variants.length - 1) / 2) * step);
        columns.forEach((column, columnIndex) => column.push(columnIndex === position ? (variant.abandonment[stage]?.rate ?? 0) : null));
      });
    });
    const high = Math.max(0.01, ...columns.flat().filter((value): value is number => value !== null));
    const bars = uPlot.paths.bars!({ size: [0.9, 72], align: 0, gap: 2 });
    const options: ChartOptions = {
      height: 240,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, stages.length - 0.5] }, y: { range: [0, high * 1.2] } },
      axes: [
        { ...axisStyle, grid: { show: false }, splits: () => stages.map((_, index) => index), values: (_u, ticks) => ticks.map((tick) => stages[Math.round(tick)] ?? '') },
        { ...axisStyle, size: 56, values: (_u, ticks) => ticks.map((tick) => formatPercent(tick, locale, 0)) },
      ],
      series: [
        {},
        ...variants.map((variant, position) => {
          const color = variantColor(colorOf(variant.key, position));
          return { label: variant.key, fill: color, stroke: color, width: 0, paths: bars, points: { show: false } };
        }),
      ],
    };
    const label = t('charts.abandonmentLabel', {
      rows: stages
        .map((stage) => `${stage}: ${variants.map((variant) => `${variant.key} ${formatPercent(variant.abandonment[stage]?.rate, locale, 1)}`).join(', ')}`)
        .join('; '),
    });
    return { options, data: [xs, ...columns] as uPlot.AlignedData, label };
  }, [results, experiment, locale, stages]);

  return (
    <figure class="card chart-card">
      <figcaption>
        <h2 class="card-title">{t('charts.abandonmentTitle')}</h2>
        <p class="muted small">{t('charts.abandonmentCaption')}</p>
      </figcaption>
      {stages.length === 0 ? (
        <p class="muted">{t('charts.noStages')}</p>
      ) : (
        <>
          <Legend results={results} colorOf={colorOf} shape="square" />
          <UplotChart options={options} data={data} label={label} testId="abandonment-chart" />
          <div class="table-scroll">
            <table class="data-table compact" data-testid="abandonment-table">
              <thead>
                <tr>
                  <th scope="col">{t('charts.stage')}</th>
                  {variants.map((variant) => (
                    <th scope="col" class="num">
                      {variant.key}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {stages.map((stage) => (
                  <tr>
                    <th scope="row">{stage}</th>
                    {variants.map((variant) => {
                      const rate = variant.abandonment[stage];
                      return (
                        <td class="num" data-variant={variant.key} data-stage={stage} data-value={rate?.rate ?? ''}>
                          {formatPercent(rate?.rate, locale, 1)}
                          <span class="ci">
                            {t('charts.abandonersRecovered', {
                              abandoners: formatInteger(rate?.abandoners ?? 0, locale),
                              recovered: formatPercent(rate?.recoveredShare, locale, 0),
                            })}
                          </span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </figure>
  );
}
