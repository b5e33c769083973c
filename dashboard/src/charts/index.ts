/** The chart chunk: uPlot and the three charts, loaded when a results page opens. */
export { AbandonmentChart } from './abandonment-chart.tsx';
export { CumulativeChart } from './cumulative-chart.tsx';
export { ForestPlot } from './forest-plot.tsx';
