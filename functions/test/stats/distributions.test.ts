import { describe, expect, it } from 'vitest';
import {
  chiSquareSurvival,
  normalCdf,
  normalQuantile,
  normalSurvival,
  studentTCdf,
  studentTQuantile,
  studentTSurvival,
} from '../../src/stats/distributions.ts';
import { logBeta, logGamma } from '../../src/stats/special-functions.ts';
import { expectClose, reference } from './reference.ts';

const { distributions } = reference;

describe('normalCdf and normalSurvival', () => {
  it('match scipy.stats.norm to 1e-12 relative, far into both tails', () => {
    for (const { x, cdf, sf } of distributions.normal) {
      expectClose(normalCdf(x), cdf, 1e-12, 0, `Φ(${x})`);
      expectClose(normalSurvival(x), sf, 1e-12, 0, `1 − Φ(${x})`);
    }
  });
});

describe('normalQuantile', () => {
  it('matches scipy.stats.norm.ppf to 1e-14 relative', () => {
    for (const { p, x } of distributions.normalQuantile) expectClose(normalQuantile(p), x, 1e-14, 1e-300, `Φ⁻¹(${p})`);
  });

  it('gives 1.959963984540054 for the 97.5th percentile', () => {
    expectClose(normalQuantile(0.975), 1.959963984540054, 1e-15);
  });
});

describe('studentTSurvival', () => {
  it('matches scipy.stats.t.sf to 1e-11 relative from 1 to 3·10⁷ degrees of freedom', () => {
    for (const { t, df, sf } of distributions.studentT) expectClose(studentTSurvival(t, df), sf, 1e-11, 0, `P(T_${df} > ${t})`);
  });

  it('is the complement of studentTCdf', () => {
    expectClose(studentTCdf(-2.5, 12) + studentTSurvival(-2.5, 12), 1, 1e-15);
  });
});

describe('studentTQuantile', () => {
  it('matches scipy.stats.t.ppf to 1e-11 relative', () => {
    for (const { p, df, t } of distributions.studentTQuantile) {
      expectClose(studentTQuantile(p, df), t, 1e-11, 0, `t_${df}(${p})`);
    }
  });

  it('is antisymmetric around the median', () => {
    expect(studentTQuantile(0.025, 7)).toBe(-studentTQuantile(0.975, 7));
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });
});

describe('chiSquareSurvival', () => {
  it('matches scipy.stats.chi2.sf to 1e-12 relative, including tiny tails', () => {
    for (const { x, df, sf } of distributions.chiSquare) expectClose(chiSquareSurvival(x, df), sf, 1e-12, 0, `P(χ²_${df} > ${x})`);
  });
});

describe('logGamma and logBeta', () => {
  it('match mpmath at 40 digits to 1e-14 of their scale', () => {
    for (const { x, value } of distributions.logGamma) expectClose(logGamma(x), value, 1e-14, 1e-14, `logΓ(${x})`);
    for (const { a, b, value } of distributions.logBeta) expectClose(logBeta(a, b), value, 1e-14, 1e-13, `log B(${a}, ${b})`);
  });
});
