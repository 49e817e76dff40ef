import { describe, expect, it } from 'vitest';
import { chiSquareHomogeneity, chiSquareSurvival, lnGamma, populationStabilityIndex } from '../../src/stats/chiSquare.js';

describe('chi-square', () => {
  it('survival function at textbook critical values', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(chiSquareSurvival(1, 1)).toBeCloseTo(0.3173105078629141, 10);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(18.307038053275146, 10)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(63.69074, 40)).toBeCloseTo(0.01, 6);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });

  it('homogeneity: Pearson on a 2 × k table; identical rows give 0 and p = 1', () => {
    // 2×2: [[10, 20], [20, 10]] → χ² = 6.667, df 1.
    const t = chiSquareHomogeneity([10, 20], [20, 10]);
    expect(t.statistic).toBeCloseTo(20 / 3, 10);
    expect(t.df).toBe(1);
    expect(t.pValue).toBeCloseTo(0.009823, 5);
    expect(chiSquareHomogeneity([5, 10, 15], [10, 20, 30])).toMatchObject({ statistic: 0, df: 2, pValue: 1 });
  });

  it('PSI: zero for equal counts, near zero for equal shares, symmetric, large for a moved mix', () => {
    expect(populationStabilityIndex([10, 20, 30], [10, 20, 30])).toBe(0);
    expect(populationStabilityIndex([10, 20, 30], [20, 40, 60])).toBeLessThan(1e-4); // equal shares; only the half-count smoothing differs
    expect(populationStabilityIndex([50, 50], [80, 20])).toBeCloseTo(populationStabilityIndex([80, 20], [50, 50]), 12);
    expect(populationStabilityIndex([90, 10], [10, 90])).toBeGreaterThan(0.25);
  });
});
