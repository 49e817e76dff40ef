import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  itemsForPerfectAbsolute,
  itemsForPerfectRelative,
  itemsNeededPaired,
  oneSidedZ,
  pairedLower,
  parityInterval,
  wilsonLowerZ,
  wilsonUpperZ,
} from '../../src/calibrate/bounds.js';
import { wilson, wilsonLower } from '../../src/stats/interval.js';

describe('bounds', () => {
  it('one-sided z of 95% is 1.645', () => {
    expect(oneSidedZ(0.95)).toBeCloseTo(1.644854, 5);
    expect(() => oneSidedZ(0.4)).toThrow(RangeError);
  });

  it('Wilson bounds agree with src/stats', () => {
    for (const [k, n] of [
      [0, 10],
      [7, 10],
      [10, 10],
      [412, 500],
    ] as const) {
      expect(wilsonLowerZ(k, n, oneSidedZ(0.95))).toBeCloseTo(wilsonLower(k, n, 0.95), 12);
      const [lo, hi] = wilson(k, n, 0.95);
      expect(wilsonLowerZ(k, n, 1.959964)).toBeCloseTo(lo, 5);
      expect(wilsonUpperZ(k, n, 1.959964)).toBeCloseTo(hi, 5);
    }
  });

  it('paired lower bound by hand', () => {
    // Every paired bound adds one pseudo-item (route fails, frontier passes): d = −0.95.
    const byHand = (d: number[]) => {
      const mean = d.reduce((s, x) => s + x, 0) / d.length;
      const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
      return mean - (1.645 * sd) / Math.sqrt(d.length);
    };
    // r = f = (1,1,1,0), bar 0.95: d = (0.05, 0.05, 0.05, 0) + pseudo −0.95.
    expect(pairedLower(4, 3, 3, 3, 0.95, 1.645)).toBeCloseTo(byHand([0.05, 0.05, 0.05, 0, -0.95]), 12);
    // r = (1,0,1,0), f = (1,1,1,0): d = (0.05, −0.95, 0.05, 0) + pseudo.
    expect(pairedLower(4, 2, 2, 3, 0.95, 1.645)).toBeCloseTo(byHand([0.05, -0.95, 0.05, 0, -0.95]), 12);
    // A route that agrees with the frontier on every item is not certified from a handful of items…
    expect(pairedLower(5, 5, 5, 5, 0.95, 1.645)).toBeLessThan(0);
    // …but is from enough of them.
    expect(pairedLower(400, 400, 400, 400, 0.95, 1.645)).toBeGreaterThan(0);
  });

  it('Fieller parity bound ≥ bar exactly when the paired bound is ≥ 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 2000 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            sf: fc.integer({ min: 1, max: n }),
            a: fc.double({ min: 0, max: 1, noNaN: true }),
            b: fc.double({ min: 0, max: 1, noNaN: true }),
            bar: fc.double({ min: 0.5, max: 0.99, noNaN: true }),
          }),
        ),
        ({ n, sf, a, b, bar }) => {
          // srf ≤ min(sr, sf); sr ≤ n − sf + srf.
          const srf = Math.floor(a * sf);
          const sr = srf + Math.floor(b * (n - sf));
          const z = 1.645;
          const lo = parityInterval({ n, sr, srf, sf }, z)[0];
          const m = pairedLower(n, sr, srf, sf, bar, z);
          if (Math.abs(m) > 1e-9 && Math.abs(lo - bar) > 1e-9) expect(lo >= bar).toBe(m >= 0);
        },
      ),
      { seed: 3, numRuns: 500 },
    );
  });

  it('parity interval brackets the point estimate', () => {
    const [lo, hi] = parityInterval({ n: 1000, sr: 820, srf: 780, sf: 850 }, 1.96);
    expect(lo).toBeLessThan(820 / 850);
    expect(hi).toBeGreaterThan(820 / 850);
  });

  it('items needed: perfect routers and observed routes', () => {
    const z = oneSidedZ(0.95);
    const nAbs = itemsForPerfectAbsolute(0.95, z);
    expect(nAbs / (nAbs + z * z)).toBeGreaterThanOrEqual(0.95);
    expect((nAbs - 1) / (nAbs - 1 + z * z)).toBeLessThan(0.95);
    expect(wilsonLowerZ(nAbs, nAbs, z)).toBeGreaterThanOrEqual(0.95 - 1e-12);
    expect(itemsForPerfectRelative(0.5, z)).toBe(Math.ceil(z * z));
    // A route whose bound fails at n but whose mean is positive needs more items; with that many it passes.
    const s = { n: 100, sr: 80, srf: 78, sf: 82 };
    const need = itemsNeededPaired(s, 0.95, z);
    expect(need).toBeGreaterThan(100);
    // The smallest n at which the corrected bound holds with the observed rates.
    const at = (m: number) => pairedLower(m, (s.sr * m) / 100, (s.srf * m) / 100, (s.sf * m) / 100, 0.95, z);
    expect(at(need)).toBeGreaterThanOrEqual(0);
    expect(at(need - 1)).toBeLessThan(0);
    expect(itemsNeededPaired({ n: 100, sr: 70, srf: 70, sf: 82 }, 0.95, z)).toBe(Infinity);
  });
});
