/**
 * Distribution functions for the engine: the only module that imports jstat. jstat's
 * own quantiles (Numerical Recipes, ~1e-8) are used as starting points and polished by
 * Newton/Halley steps against the full-precision functions of `special-functions.ts`;
 * tails are computed directly, never as 1 − (a number close to 1).
 */
import jStat from 'jstat';
import { erfc, logBeta, regularizedIncompleteBeta, regularizedUpperGamma } from './special-functions.ts';

const SQRT_TWO = Math.SQRT2;
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);

/** Standard normal CDF Φ(x) = ½ erfc(−x/√2). Reference: DLMF 7.2.2, 7.18.2. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT_TWO);
}

/** Standard normal upper tail 1 − Φ(x) = ½ erfc(x/√2), accurate far into the tail. */
export function normalSurvival(x: number): number {
  return 0.5 * erfc(x / SQRT_TWO);
}

/** Standard normal density φ(x) = e^(−x²/2)/√(2π). */
export function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_TWO_PI;
}

/**
 * Standard normal quantile Φ⁻¹(p) for 0 < p < 1: jstat's estimate refined by Halley's
 * method on Φ(x) − p, which converges cubically to full precision.
 * Reference: Press et al., Numerical Recipes 3rd ed. §6.14 (`Normaldist::invcdf`).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = jStat.normal.inv(p, 0, 1);
  if (!Number.isFinite(x)) x = -Math.sqrt(-2 * Math.log(p));
  for (let i = 0; i < 4; i++) {
    const error = normalCdf(x) - p;
    const step = error / normalDensity(x);
    if (!Number.isFinite(step)) break;
    x -= step / (1 + (x * step) / 2);
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/**
 * Upper tail of Student's t with ν degrees of freedom, P(T > t) = ½ I_{ν/(ν+t²)}(ν/2, ½)
 * for t ≥ 0. Reference: Abramowitz & Stegun 26.7.1 with 26.5.27; DLMF 8.17.
 */
export function studentTSurvival(t: number, degreesOfFreedom: number): number {
  if (t < 0) return 1 - studentTSurvival(-t, degreesOfFreedom);
  if (t === 0) return 0.5;
  if (t === Infinity) return 0;
  const squared = t * t;
  const x = degreesOfFreedom / (degreesOfFreedom + squared);
  const complement = squared / (degreesOfFreedom + squared);
  return 0.5 * regularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5, complement);
}

/** Student's t CDF P(T ≤ t). */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  return studentTSurvival(-t, degreesOfFreedom);
}

/** Student's t density. Reference: DLMF 5.12 (Beta form of the normalising constant). */
export function studentTDensity(t: number, degreesOfFreedom: number): number {
  return Math.exp(
    -logBeta(degreesOfFreedom / 2, 0.5) -
      0.5 * Math.log(degreesOfFreedom) -
      ((degreesOfFreedom + 1) / 2) * Math.log1p((t * t) / degreesOfFreedom),
  );
}

/**
 * Student's t quantile for 0 < p < 1 and ν > 0: jstat's estimate (or the normal
 * quantile) polished by Newton steps on the upper tail P(T > t) = 1 − p.
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, degreesOfFreedom);
  const tail = 1 - p;
  if (degreesOfFreedom > 1e12) return -normalQuantile(tail);
  let t = jStat.studentt.inv(p, degreesOfFreedom);
  if (!(Number.isFinite(t) && t > 0)) t = -normalQuantile(tail);
  for (let i = 0; i < 50; i++) {
    const step = (studentTSurvival(t, degreesOfFreedom) - tail) / studentTDensity(t, degreesOfFreedom);
    if (!Number.isFinite(step)) break;
    const next = t + step;
    t = next > 0 ? next : t / 2;
    if (Math.abs(step) <= 1e-15 * t) break;
  }
  return t;
}

/**
 * Upper tail of the chi-square distribution with k degrees of freedom,
 * P(X > x) = Q(k/2, x/2) (regularized upper incomplete gamma).
 * Reference: Abramowitz & Stegun 26.4.19; DLMF 8.2.4.
 */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  if (x <= 0) return 1;
  if (degreesOfFreedom === 1) return erfc(Math.sqrt(x / 2));
  if (degreesOfFreedom === 2) return Math.exp(-x / 2);
  return regularizedUpperGamma(degreesOfFreedom / 2, x / 2);
}
