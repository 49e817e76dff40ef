import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  certificationLevels,
  certifyingZ,
  itemsForPerfectAbsolute,
  itemsForPerfectRelative,
  itemsNeededPaired,
  margin,
  oneSidedZ,
  pairedLower,
  parityInterval,
  wilsonLowerZ,
  wilsonUpperZ,
  type Criterion,
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
    // The rule's z is twice the confidence's (a new sample as large as the calibration set).
    expect(itemsForPerfectRelative(0.5, z)).toBe(Math.ceil(4 * z * z));
    // A route whose bound fails at n but whose mean is positive needs more items; with that many it passes.
    const s = { n: 100, sr: 80, srf: 78, sf: 82 };
    const need = itemsNeededPaired(s, 0.95, z);
    expect(need).toBeGreaterThan(100);
    // The smallest n at which the corrected bound holds with the observed rates.
    const at = (m: number) => pairedLower(m, (s.sr * m) / 100, (s.srf * m) / 100, (s.sf * m) / 100, 0.95, 2 * z);
    expect(at(need)).toBeGreaterThanOrEqual(0);
    expect(at(need - 1)).toBeLessThan(0);
    expect(itemsNeededPaired({ n: 100, sr: 70, srf: 70, sf: 82 }, 0.95, z)).toBe(Infinity);
  });

  it('certifies against the bar plus the sampling margin of a new sample, not the bar alone', () => {
    const z = oneSidedZ(0.95);
    expect(certifyingZ(z, 400)).toBeCloseTo(2 * z, 12);
    expect(certifyingZ(z, 400, 100)).toBeCloseTo(3 * z, 12);
    expect(() => certifyingZ(z, 400, 0)).toThrow(RangeError);
    // 400 items, frontier passes 300; the route passes 292 of them and nothing else (parity 97.3%).
    const crit: Criterion = { mode: 'relative', bar: 0.95, z, n: 400, sf: 300 };
    // Its confidence bound meets 0.95 (the true parity is likely ≥ the bar) ...
    expect(pairedLower(400, 292, 292, 300, 0.95, z)).toBeGreaterThan(0);
    // ... but a new sample of 400 would show a point estimate below the bar too often: not certified.
    expect(margin(crit, 292, 292)).toBeLessThan(0);
    expect(margin(crit, 292, 292)).toBeCloseTo(pairedLower(400, 292, 292, 300, 0.95, 2 * z), 12);
    // 297 of 300 is certified for a new sample as large, not for one of 40.
    expect(margin(crit, 297, 297)).toBeGreaterThanOrEqual(0);
    expect(margin({ ...crit, newItems: 40 }, 297, 297)).toBeLessThan(0);
    // Absolute bar: the Wilson bound less z·sd/√m.
    const abs: Criterion = { mode: 'absolute', bar: 0.8, z, n: 400, sf: 300 };
    const p = 350 / 400;
    expect(margin(abs, 350, 0)).toBeCloseTo(wilsonLowerZ(350, 400, z) - 0.8 - z * Math.sqrt((p * (1 - p)) / 400), 12);
    expect(wilsonLowerZ(350, 400, z) - 0.8).toBeGreaterThan(0);
  });

  it('splits the error budget in half between the true parity and the new sample, the first half over the patterns', () => {
    expect(certificationLevels(0.95, 1)).toEqual({ trueConfidence: 0.975, newConfidence: 0.975 });
    const three = certificationLevels(0.95, 3);
    expect(three.trueConfidence).toBeCloseTo(1 - 0.025 / 3, 12);
    expect(three.newConfidence).toBeCloseTo(0.975, 12);
    const zt = oneSidedZ(0.975);
    expect(certifyingZ(zt, 400, 400, 1)).toBeCloseTo(zt + 1, 12);
    expect(certifyingZ(zt, 400, 100, 1)).toBeCloseTo(zt + 2, 12);
    // 295 of 300 at n = 400: certified when each term takes the whole 5% (the old rule), not when they share it.
    const crit: Criterion = { mode: 'relative', bar: 0.95, z: oneSidedZ(0.95), n: 400, sf: 300 };
    expect(margin(crit, 295, 295)).toBeGreaterThanOrEqual(0);
    expect(margin({ ...crit, z: zt, zNew: zt }, 295, 295)).toBeLessThan(0);
    expect(margin({ ...crit, z: zt, zNew: zt }, 295, 295)).toBeCloseTo(pairedLower(400, 295, 295, 300, 0.95, 2 * zt), 12);
    expect(margin({ ...crit, z: zt, zNew: zt }, 297, 297)).toBeGreaterThanOrEqual(0);
    const abs: Criterion = { mode: 'absolute', bar: 0.8, z: zt, zNew: 1, n: 400, sf: 300 };
    const p = 350 / 400;
    expect(margin(abs, 350, 0)).toBeCloseTo(wilsonLowerZ(350, 400, zt) - 0.8 - Math.sqrt((p * (1 - p)) / 400), 12);
  });
});
