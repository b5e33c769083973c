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

/** Above this many degrees of freedom the incomplete-beta continued fraction loses digits. */
const LARGE_DEGREES_OF_FREEDOM = 2e4;
/** Above this many (and for tails ≥ 5e-5) the Cornish–Fisher quantile expansion is good to 1e-14. */
const CORNISH_FISHER_DEGREES_OF_FREEDOM = 2000;

/**
 * Upper tail of Student's t with ν degrees of freedom, P(T > t) = ½ I_{ν/(ν+t²)}(ν/2, ½)
 * for t ≥ 0 (Abramowitz & Stegun 26.7.1 with 26.5.27). For ν > 2·10⁴, where the
 * continued fraction is ill-conditioned, the tail integral ∫ₜ^∞ f(s) ds of the density is
 * taken instead by exp-sinh (double-exponential) quadrature, good to ~1e-14
 * (Takahasi & Mori 1974; Bailey, Jeyabalan & Li 2005).
 */
export function studentTSurvival(t: number, degreesOfFreedom: number): number {
  if (t < 0) return 1 - studentTSurvival(-t, degreesOfFreedom);
  if (t === 0) return 0.5;
  if (t === Infinity) return 0;
  if (degreesOfFreedom > LARGE_DEGREES_OF_FREEDOM) return studentTTailByQuadrature(t, degreesOfFreedom);
  const squared = t * t;
  const x = degreesOfFreedom / (degreesOfFreedom + squared);
  const complement = squared / (degreesOfFreedom + squared);
  return 0.5 * regularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5, complement);
}

/** Exp-sinh nodes: step 1/32 over u ∈ [−4.5, 4]; abscissa factor e^(π/2·sinh u) and its derivative. */
const QUADRATURE_STEP = 1 / 32;
const QUADRATURE_NODES = Array.from({ length: Math.floor(8.5 / QUADRATURE_STEP) + 1 }, (_, index) => {
  const u = -4.5 + index * QUADRATURE_STEP;
  const growth = Math.exp((Math.PI / 2) * Math.sinh(u));
  return { growth, weight: growth * (Math.PI / 2) * Math.cosh(u) };
});

/**
 * ∫ₜ^∞ f(s) ds = f(t) ∫₀^∞ (1 + v(2t+v)/(ν+t²))^(−(ν+1)/2) dv with v = c·exp(π/2·sinh u),
 * trapezoid rule in u with step 1/32 (the integrand decays at least like a Gaussian here),
 * stopping once the terms past the peak no longer register.
 */
function studentTTailByQuadrature(t: number, degreesOfFreedom: number): number {
  const exponent = (degreesOfFreedom + 1) / 2;
  const denominator = degreesOfFreedom + t * t;
  const scale = 1 / (1 + t);
  let sum = 0;
  for (const { growth, weight } of QUADRATURE_NODES) {
    const v = scale * growth;
    const term = weight * Math.exp(-exponent * Math.log1p((v * (2 * t + v)) / denominator));
    sum += term;
    if (growth > 1 && term < 1e-18 * sum) break;
  }
  return studentTDensity(t, degreesOfFreedom) * sum * scale * QUADRATURE_STEP;
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
 * Student's t quantile for 0 < p < 1 and ν > 0. For ν > 2000 the Cornish–Fisher
 * expansion in 1/ν through the ν⁻⁴ term (Abramowitz & Stegun 26.7.5), whose remainder is
 * below 1e-14 there for p ≤ 0.99995 (checked against R's `qt`); otherwise jstat's
 * estimate polished by Newton steps on the upper tail P(T > t) = 1 − p.
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, degreesOfFreedom);
  const tail = 1 - p;
  if (degreesOfFreedom > CORNISH_FISHER_DEGREES_OF_FREEDOM && tail >= 5e-5) {
    const z = -normalQuantile(tail);
    const z2 = z * z;
    const g1 = (z * (z2 + 1)) / 4;
    const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
    const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
    const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
    const inverse = 1 / degreesOfFreedom;
    return z + inverse * (g1 + inverse * (g2 + inverse * (g3 + inverse * g4)));
  }
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
