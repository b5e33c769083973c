/**
 * The slice of jstat 1.9.6 that `distributions.ts` uses. jstat ships no types and is a
 * CommonJS module, so it is imported as a default export; only `distributions.ts` may
 * import it.
 */
declare module 'jstat' {
  interface ContinuousDistribution<Parameters extends number[]> {
    cdf(x: number, ...parameters: Parameters): number;
    inv(p: number, ...parameters: Parameters): number;
  }
  const jStat: {
    normal: ContinuousDistribution<[mean: number, standardDeviation: number]>;
    studentt: ContinuousDistribution<[degreesOfFreedom: number]>;
  };
  export default jStat;
}
