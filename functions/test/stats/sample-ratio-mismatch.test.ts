import { describe, expect, it } from 'vitest';
import { sampleRatioMismatch } from '../../src/stats/sample-ratio-mismatch.ts';
import { expectClose, fixture } from './reference.ts';

describe('sampleRatioMismatch', () => {
  it('computes Pearson chi-square against the weights', () => {
    // [60, 40] against 50/50: χ² = 2·10²/50 = 4, P(χ²₁ > 4) = erfc(√2) = 0.0455002638963584.
    const result = sampleRatioMismatch([60, 40], [1, 1]);
    expectClose(result.chiSquare, 4, 1e-15);
    expectClose(result.pValue, 0.0455002638963584, 1e-13);
    expect(result.mismatch).toBe(false);
  });

  it('matches scipy chisquare for a 50/25/25 split', () => {
    const { input, expected } = fixture('three arms');
    const result = sampleRatioMismatch(
      input.variants.map((variant) => variant.visitors),
      input.variants.map((variant) => variant.weight),
    );
    expectClose(result.pValue, expected.srm.pValue, 1e-12);
    expect(result.degreesOfFreedom).toBe(2);
  });

  it('flags a mismatch below p = 0.001', () => {
    const { input, expected } = fixture('sample ratio mismatch');
    const result = sampleRatioMismatch(
      input.variants.map((variant) => variant.visitors),
      input.variants.map((variant) => variant.weight),
    );
    expect(result.mismatch).toBe(true);
    expectClose(result.pValue, expected.srm.pValue, 1e-12);
  });

  it('treats visitors in a variant of weight 0 as a mismatch', () => {
    expect(sampleRatioMismatch([100, 100, 3], [1, 1, 0])).toMatchObject({ pValue: 0, mismatch: true });
  });

  it('needs visitors and two weighted variants', () => {
    expect(sampleRatioMismatch([0, 0], [1, 1])).toMatchObject({ status: 'insufficient_data', pValue: null, mismatch: false });
    expect(sampleRatioMismatch([40], [1])).toMatchObject({ status: 'insufficient_data', mismatch: false });
  });
});
