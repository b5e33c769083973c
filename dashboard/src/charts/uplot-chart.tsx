import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export type ChartOptions = Omit<uPlot.Options, 'width'>;

/**
 * uPlot in a Preact component: created on mount and whenever options or data change,
 * resized with its container, destroyed on unmount. The canvas is a picture for sighted
 * readers; `label` describes it for everyone else and every chart sits next to a table.
 */
export function UplotChart({ options, data, label, testId }: { options: ChartOptions; data: uPlot.AlignedData; label: string; testId: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const width = () => Math.max(240, Math.floor(element.clientWidth));
    const chart = new uPlot({ ...options, width: width() }, data, element);
    element.dataset['points'] = String(data[0]?.length ?? 0);
    const observer = new ResizeObserver(() => {
      if (Math.abs(chart.width - width()) > 1) chart.setSize({ width: width(), height: options.height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data]);
  return <div class="chart" ref={host} role="img" aria-label={label} data-testid={testId} />;
}

/** Chart text in the page's font and colours. */
export const axisStyle = {
  stroke: '#52606d',
  font: '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  grid: { stroke: '#e4e7eb', width: 1 },
  ticks: { stroke: '#cbd2d9', width: 1, size: 4 },
};
