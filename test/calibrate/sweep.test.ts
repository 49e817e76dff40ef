import { pairedLower } from '../../src/calibrate/bounds.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateRoute, routeTiers, routedCosts } from '../../src/calibrate/apply.js';
import { margin, oneSidedZ } from '../../src/calibrate/bounds.js';
import { apgrOf, argsortFloat64, classifierFamily, costSteps, sequentialFamily, sweepFamily, type RouteFamily } from '../../src/calibrate/sweep.js';
import type { Criterion } from '../../src/calibrate/bounds.js';
import { matrix } from './helpers.js';

const z95 = oneSidedZ(0.95);

describe('argsortFloat64', () => {
  it('sorts like a stable comparator sort, negatives, zeros and ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constantFrom(0, -0, 1, 1, -1)), { maxLength: 300 }), (xs) => {
        const keys = Float64Array.from(xs);
        const got = Array.from(argsortFloat64(keys));
        const want = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
        expect(got).toEqual(want);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('classifier sweep, hand-computed', () => {
  // Two tiers costing 1 and 10 per item: Δc = 9; event keys λ = 9 / score.
  // items (cheap, frontier): i0 11, i1 01, i2 11, i3 00; scores 0.1, 0.9, 0.4, 0.6
  // → keys 90, 10, 22.5, 15 → escalation order i1, i3, i2, i0.
  const m = matrix(['11', '01', '11', '00'], [1, 10]);
  const scores = Float64Array.from([0.1, 0.9, 0.4, 0.6]);
  const fam = classifierFamily(m, scores, costSteps(m), routedCosts(m, 'classifier'));
  const crit: Criterion = { mode: 'relative', bar: 0.95, z: z95, n: 4, sf: 3 };
  const res = sweepFamily(m, fam, crit, { target: 0.95 * 0.75 });

  it('visits every candidate with the right passes and cost', () => {
    expect(costSteps(m)).toEqual([9]);
    expect(res.candidates).toBe(5);
    expect(res.curve.map((p) => [p.passes, p.costUsd])).toEqual([
      [2, 4],
      [3, 13],
      [3, 22],
      [3, 31],
      [3, 40],
    ]);
  });

  it('certifies nothing from 4 items, and each candidate carries its bound and a threshold that reproduces it', () => {
    // Candidate 1 routes exactly as the frontier passes, but 4 items (+ the pseudo-item of the
    // continuity correction) cannot certify parity: its bound is the hand-checked pairedLower.
    expect(res.best).toBeUndefined();
    // Under the certification rule: the bar plus the margin of a new sample as large (the rule's z is 2·z95).
    expect(res.curve[1]!.margin).toBeCloseTo(pairedLower(4, 3, 3, 3, 0.95, 2 * z95), 10);
    expect(res.curve[1]!.margin).toBeLessThan(0);
    // λ = (10 + 15) / 2 → θ = 9 / 12.5 = 0.72: only i1 (0.9) escalates.
    expect(res.curve[1]!.thresholds[0]).toBeCloseTo(0.72, 12);
    const route = routeTiers('classifier', res.curve[1]!.thresholds, scores, 4, 2);
    expect(Array.from(route)).toEqual([0, 1, 0, 0]);
    expect(res.curve[0]!.margin).toBeLessThan(res.curve[1]!.margin);
  });


  it('computes RouteLLM APGR over the frontier share', () => {
    // PGR = 0 at share 0, then 1 from share 0.25 on: area = 0.125 + 0.75.
    expect(res.apgr).toBeCloseTo(0.875, 12);
  });
});

describe('sequential (cascade) sweep', () => {
  it('charges every tier touched', () => {
    // Three tiers costing 1, 3, 10. Gate scores per tier; escalate while the score < θ.
    const m = matrix(['011', '011', '111'], [1, 3, 10]);
    const gate = Float64Array.from([0, 0, 1, 0, 1, 1, 1, 1, 1]);
    const rc = routedCosts(m, 'cascade');
    expect(Array.from(rc.subarray(0, 3))).toEqual([1, 4, 14]);
    const route = routeTiers('cascade', [0.5, 0.5], gate, 3, 3);
    expect(Array.from(route)).toEqual([2, 1, 0]);
    const ev = evaluateRoute(m, route, rc, ['cheap', 'mid', 'frontier'], { bar: 0.95, barMode: 'relative', confidence: 0.95 });
    expect(ev.costUsd).toBe(14 + 4 + 1);
    expect(ev.frontier.costUsd).toBe(30);
    expect(ev.tierShares).toEqual({ cheap: 1 / 3, mid: 1 / 3, frontier: 1 / 3 });
    expect(ev.escalationRate).toBeCloseTo(2 / 3, 12);
  });
});

/** Every candidate of a family by brute force: route each item, sum. */
function bruteForce(m: ReturnType<typeof matrix>, fam: RouteFamily, signal: Float64Array, crit: Criterion) {
  const keys = [...new Set(Array.from(fam.keys))].sort((a, b) => a - b);
  const params = [fam.before(keys[0] ?? 0), ...keys.slice(0, -1).map((k, i) => fam.between(k, keys[i + 1]!)), ...(keys.length ? [fam.after(keys[keys.length - 1]!)] : [])];
  return params.map((p) => {
    const th = fam.thresholdsAt(p);
    const route = routeTiers(fam.pattern, th, signal, m.n, m.k);
    let passes = 0;
    let paired = 0;
    let cost = 0;
    for (let i = 0; i < m.n; i++) {
      const r = m.pass[i * m.k + route[i]!]!;
      passes += r;
      paired += r * m.pass[i * m.k + m.k - 1]!;
      cost += fam.routedCost[i * m.k + route[i]!]!;
    }
    return { passes, cost, margin: margin(crit, passes, paired) };
  });
}

describe('sweep = brute force (random tables)', () => {
  const arb = fc.record({
    k: fc.integer({ min: 2, max: 4 }),
    n: fc.integer({ min: 2, max: 40 }),
    seed: fc.integer({ min: 1, max: 1e6 }),
    mode: fc.constantFrom('relative' as const, 'absolute' as const),
  });
  const build = ({ k, n, seed }: { k: number; n: number; seed: number }) => {
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows = Array.from({ length: n }, () => Array.from({ length: k }, (_, t) => (rnd() < 0.4 + 0.15 * t ? '1' : '0')).join(''));
    const costs = Array.from({ length: k }, (_, t) => 2 ** (2 * t) + rnd());
    const m = matrix(rows, costs);
    for (let i = 0; i < m.cost.length; i++) m.cost[i] = m.cost[i]! * (0.5 + rnd());
    // Coarse scores (ties on purpose).
    const scores = Float64Array.from({ length: n * (k - 1) }, () => Math.round(rnd() * 8) / 8 || 0.01);
    const signal = Float64Array.from({ length: n * k }, () => Math.round(rnd() * 4) / 4);
    return { m, scores, signal };
  };
  it('classifier and cascade sweeps match routing every candidate by hand', () => {
    fc.assert(
      fc.property(arb, (c) => {
        const { m, scores, signal } = build(c);
        let sf = 0;
        for (let i = 0; i < m.n; i++) sf += m.pass[i * m.k + m.k - 1]!;
        const crit: Criterion = { mode: c.mode, bar: c.mode === 'relative' ? 0.9 : 0.5, z: z95, n: m.n, sf };
        for (const [fam, sig] of [
          [classifierFamily(m, scores, costSteps(m), routedCosts(m, 'classifier', 0.01)), scores],
          [sequentialFamily(m, signal, 'cascade', routedCosts(m, 'cascade')), signal],
        ] as const) {
          const res = sweepFamily(m, fam, crit, { target: 0.5, maxCurve: 10_000 });
          const bf = bruteForce(m, fam, sig, crit);
          expect(res.curve.length).toBe(bf.length);
          res.curve.forEach((p, j) => {
            expect(p.passes).toBe(bf[j]!.passes);
            expect(p.costUsd).toBeCloseTo(bf[j]!.cost, 9);
          });
          // The pick rule: cheapest among the candidates after the last failing one.
          let lastFail = -1;
          bf.forEach((b, j) => {
            if (b.margin < 0) lastFail = j;
          });
          const eligible = bf.slice(lastFail + 1);
          if (eligible.length === 0) expect(res.best).toBeUndefined();
          else expect(res.best?.costUsd).toBeCloseTo(Math.min(...eligible.map((b) => b.cost)), 9);
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});

describe('apgrOf', () => {
  it('is 0.5 for a straight line from cheapest to frontier and holds the curve flat past its end', () => {
    const xs = Float64Array.from([0, 0.5, 1]);
    expect(apgrOf(xs, Float64Array.from([10, 15, 20]), 10, 20)).toBeCloseTo(0.5, 12);
    expect(apgrOf(Float64Array.from([0, 0.5]), Float64Array.from([10, 20]), 10, 20)).toBeCloseTo(0.75, 12);
  });
});
