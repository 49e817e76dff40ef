/**
 * Routed latency: what a cascade, a classifier and a confidence route wait
 * for per item, and the exact (nearest-rank) p50 / p95 over items — figures
 * computed by hand below; the sweep's running p95 against the direct one.
 */
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/calibrate/apply.js';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { curveCsv } from '../../src/calibrate/render.js';
import { holdoutReport } from '../../src/calibrate/calibrateRun.js';
import { baselinesOf } from '../../src/calibrate/baselines.js';
import { routeLatency, routedLatencies } from '../../src/calibrate/latency.js';
import { PATTERNS } from '../../src/calibrate/patterns/index.js';
import { RoutedP95, nearestRank } from '../../src/calibrate/routedP95.js';
import type { ResultsTable } from '../../src/calibrate/results.js';
import { argsortFloat64, type OutcomeMatrix } from '../../src/calibrate/sweep.js';
import { seededRandom } from '../../src/stats/random.js';
import { routing } from '../gate/builders.js';
import { table } from './helpers.js';

/** n items × 3 tiers with the given per-tier latencies (ms) for each item. */
function withLatency(lat: number[][]): OutcomeMatrix {
  const n = lat.length;
  const k = lat[0]!.length;
  return { n, k, pass: new Uint8Array(n * k), cost: new Float64Array(n * k), latency: Float64Array.from(lat.flat()) };
}

// Ten items, tiers cheap / mid / frontier.
const LAT = [
  [100, 400, 1000],
  [120, 380, 900],
  [90, 500, 1100],
  [110, 450, 950],
  [130, 420, 1200],
  [80, 390, 1000],
  [150, 410, 1300],
  [100, 430, 1050],
  [95, 470, 980],
  [105, 440, 1020],
];
// Where each item ends: six stay on cheap, two go to mid, two to frontier.
const ROUTE = Uint8Array.from([0, 0, 1, 0, 2, 0, 0, 1, 2, 0]);

describe('nearest-rank quantiles', () => {
  it('is the ⌈q·n⌉-th smallest value', () => {
    expect(nearestRank(0.5, 10)).toBe(5);
    expect(nearestRank(0.95, 10)).toBe(10);
    expect(nearestRank(0.95, 20)).toBe(19);
    expect(nearestRank(0.5, 4)).toBe(2);
    expect(nearestRank(0.95, 60)).toBe(57);
    expect(nearestRank(0.5, 1)).toBe(1);
  });
});

describe('routed latency', () => {
  it('a cascade waits for every tier it touches', () => {
    const m = withLatency(LAT);
    const routed = routedLatencies(m, PATTERNS.cascade)!;
    // Item 4 (→ frontier): 130 + 420 + 1200; item 2 (→ mid): 90 + 500.
    expect(routed[4 * 3 + 2]).toBe(1750);
    expect(routed[2 * 3 + 1]).toBe(590);
    // Per item on the route: 100, 120, 590, 110, 1750, 80, 150, 530, 1545, 105.
    // Sorted: 80 100 105 110 120 150 530 590 1545 1750 → p50 = 5th = 120, p95 = 10th = 1750.
    expect(routeLatency(ROUTE, routed, 3)).toEqual({ p50Ms: 120, p95Ms: 1750 });
    // confidence is sequential too: the same sums.
    expect(routeLatency(ROUTE, routedLatencies(m, PATTERNS.confidence)!, 3)).toEqual({ p50Ms: 120, p95Ms: 1750 });
  });

  it('a classifier waits for the router, then for the one tier it picks', () => {
    const m = withLatency(LAT);
    // Per item: 100, 120, 500, 110, 1200, 80, 150, 430, 980, 105, each + 7 ms of router.
    // Sorted: 80 100 105 110 120 150 430 500 980 1200 → p50 = 120 + 7, p95 = 1200 + 7.
    expect(routeLatency(ROUTE, routedLatencies(m, PATTERNS.classifier, 7)!, 3)).toEqual({ p50Ms: 127, p95Ms: 1207 });
    // The default router latency is 1 ms.
    expect(routeLatency(ROUTE, routedLatencies(m, PATTERNS.classifier)!, 3)).toEqual({ p50Ms: 121, p95Ms: 1201 });
  });

  it('every baseline: all-frontier, all-cheapest, the oracles and random routing at the pick’s shares', () => {
    const m = withLatency(LAT);
    // Items 0–5 pass on cheap, 6–7 only on mid, 8 only on frontier, 9 nowhere; costs 1 / 3 / 10.
    for (let i = 0; i < 10; i++) {
      const t = i < 6 ? 0 : i < 8 ? 1 : i === 8 ? 2 : -1;
      if (t >= 0) m.pass[i * 3 + t] = 1;
      m.cost.set([1, 3, 10], i * 3);
    }
    const b = baselinesOf(m, ['cheap', 'mid', 'frontier'], 0.8, { cheap: 0.5, mid: 0.25, frontier: 0.25 });
    // Frontier sorted: 900 950 980 1000 1000 1020 1050 1100 1200 1300.
    expect(b.frontier.latency).toEqual({ p50Ms: 1000, p95Ms: 1300 });
    expect(b.cheapest.latency).toEqual({ p50Ms: 100, p95Ms: 150 });
    // Each item on its cheapest passing tier (9 on cheap): 100 120 90 110 130 80 | 410 430 | 980 | 105
    // → sorted 80 90 100 105 110 120 130 410 430 980: p50 110, p95 980.
    expect(b.oracleMaxQuality.latency).toEqual({ p50Ms: 110, p95Ms: 980 });
    // Held to 80% quality, one pass is given up: item 8 (saves 10 − 1) goes to cheap (95 ms): p50 105, p95 430.
    expect(b.oracle.latency).toEqual({ p50Ms: 105, p95Ms: 430 });
    // Random at 50/25/25: each cheap latency weighs 0.05, each mid or frontier one 0.025. The cheap ten reach
    // 0.5 at their largest (150); 0.95 is the 8th smallest frontier latency (0.75 + 8 × 0.025), 1100.
    expect(b.random?.latency).toEqual({ p50Ms: 150, p95Ms: 1100 });
    // Without latencies every baseline's is unknown, never 0.
    const none = baselinesOf({ ...m, latency: undefined }, ['cheap', 'mid', 'frontier'], 0.8, { cheap: 0.5, mid: 0.25, frontier: 0.25 });
    expect([none.frontier, none.cheapest, none.oracle, none.oracleMaxQuality, none.random].map((x) => x?.latency)).toEqual([null, null, null, null, null]);
  });

  it('an unknown latency on the route makes the route unknown, never 0', () => {
    const lat = LAT.map((r) => [...r]);
    lat[4]![1] = Number.NaN; // item 4's mid result has no latency; item 4 is routed to frontier through mid
    const m = withLatency(lat);
    expect(routeLatency(ROUTE, routedLatencies(m, PATTERNS.cascade)!, 3)).toBeNull();
    // A classifier that sends item 4 straight to frontier never waits for mid.
    expect(routeLatency(ROUTE, routedLatencies(m, PATTERNS.classifier, 0)!, 3)).toEqual({ p50Ms: 120, p95Ms: 1200 });
  });

  it('the sweep’s running p95 equals the p95 of the route, move after move', () => {
    const r = seededRandom(3);
    const n = 57;
    const k = 3;
    const m = withLatency(Array.from({ length: n }, () => [Math.round(r() * 300), Math.round(300 + r() * 700), Math.round(800 + r() * 1500)]));
    const routed = routedLatencies(m, PATTERNS.cascade)!;
    const route = new Uint8Array(n);
    const tracker = new RoutedP95(routed, n, k, argsortFloat64(routed));
    for (let step = 0; step < 2 * n; step++) {
      const i = Math.floor(r() * n);
      if (route[i]! < k - 1) {
        tracker.move(i, route[i]!, route[i]! + 1);
        route[i]!++;
      }
      expect(tracker.p95()).toBe(routeLatency(route, routed, k)!.p95Ms);
      expect(tracker.p50()).toBe(routeLatency(route, routed, k)!.p50Ms);
    }
  });
});

/** Results whose tiers carry latencies (ms). */
function timed(t: ResultsTable, ms: number[]): ResultsTable {
  for (const item of t.items) {
    t.tiers.forEach((tier, j) => {
      item.byTier[tier]!.latencyMs = ms[j]!;
    });
  }
  return t;
}

describe('latency in calibration and --apply', () => {
  // 100 items: 30 need the frontier, and the cheap tier's valid-json gate knows which.
  const specs = Array.from({ length: 100 }, (_, i) => (i % 10 < 3 ? { pass: '01', gate: [0, 1] } : { pass: '11', gate: [1, 1] }));
  const opts = { bar: 0.95, barMode: 'relative' as const, confidence: 0.9, patterns: ['cascade' as const] };

  it('reports the cascade pick’s p50 / p95 (30% of items wait for both tiers)', () => {
    const { report } = calibrate(timed(table(specs, ['cheap', 'frontier'], [0.001, 0.01]), [500, 2000]), opts);
    expect(report.pick?.pattern).toBe('cascade');
    expect(report.pick?.latency).toEqual({ p50Ms: 500, p95Ms: 2500 });
    expect(report.patterns[0]!.best?.latency).toEqual({ p50Ms: 500, p95Ms: 2500 });
    expect(report.baselines.frontier.latency).toEqual({ p50Ms: 2000, p95Ms: 2000 });
    expect(report.latency).toEqual({ routerLatencyMs: 1, maxP95Ms: null, unknownResults: 0 });
  });

  it('--max-p95-latency leaves a slower cascade out of the pick, and says so', () => {
    const { report } = calibrate(timed(table(specs, ['cheap', 'frontier'], [0.001, 0.01]), [500, 2000]), { ...opts, maxP95LatencyMs: 2400 });
    // Every saving cascade route sends ≥ 5% of the items through both tiers: none is eligible.
    expect(report.pick).toBeNull();
    expect(report.patterns[0]!.bestOverLatency?.latency).toEqual({ p50Ms: 500, p95Ms: 2500 });
    expect(report.headline).toMatch(/within a routed p95 latency of 2,400 ms/);
    expect(report.notes.join('\n')).toMatch(/--max-p95-latency 2,400 ms: the cheapest certified cascade route \(\d+\.\d% cheaper\) has a routed p95 of 2,500 ms and is not eligible/);
    // At the limit itself the route is eligible.
    expect(calibrate(timed(table(specs, ['cheap', 'frontier'], [0.001, 0.01]), [500, 2000]), { ...opts, maxP95LatencyMs: 2500 }).report.pick?.latency?.p95Ms).toBe(2500);
  });

  it('every curve point carries the p50 / p95 of its own route, and the CSV has them', () => {
    const r = seededRandom(5);
    const gated = specs.map((s) => ({ ...s, gate: [r() < 0.8 ? s.gate[0]! : 1 - s.gate[0]!, 1] }));
    const ms = Array.from({ length: 100 }, () => [Math.round(200 + r() * 600), Math.round(1500 + r() * 1000)]);
    const t = table(gated, ['cheap', 'frontier'], [0.001, 0.01]);
    t.items.forEach((item, i) => {
      item.byTier.cheap!.latencyMs = ms[i]![0]!;
      item.byTier.frontier!.latencyMs = ms[i]![1]!;
    });
    const { report } = calibrate(t, opts);
    const curve = report.patterns[0]!.curve;
    expect(curve.length).toBeGreaterThan(2);
    // Each point's route, simulated on its own: the cheap tier's gate escalates below the threshold.
    for (const p of curve) {
      const route = Uint8Array.from(gated, (s) => (s.gate[0]! < p.thresholds[0]! ? 1 : 0));
      const waits = ms.map(([cheap, frontier], i) => (route[i] ? cheap! + frontier! : cheap!)).sort((a, b) => a - b);
      expect(p.latency).toEqual({ p50Ms: waits[nearestRank(0.5, 100) - 1], p95Ms: waits[nearestRank(0.95, 100) - 1] });
    }
    const rows = curveCsv(report, false).trim().split('\n');
    expect(rows[0]!.split(',').slice(-3)).toEqual(['p50_ms', 'p95_ms', 'sample_data']);
    expect(rows[1]!.split(',').slice(-3)).toEqual([String(curve[0]!.latency!.p50Ms), String(curve[0]!.latency!.p95Ms), 'false']);
    // Without latencies the points say null and the columns stay empty.
    const none = calibrate(table(gated, ['cheap', 'frontier'], [0.001, 0.01]), opts).report;
    expect(none.patterns[0]!.curve.every((p) => p.latency === null)).toBe(true);
    expect(curveCsv(none, true).trim().split('\n')[1]!.split(',').slice(-3)).toEqual(['', '', 'true']);
  });

  it('results without latency: "unknown" (null), and the limit cannot be applied', () => {
    const { report } = calibrate(table(specs, ['cheap', 'frontier'], [0.001, 0.01]), opts);
    expect(report.pick?.latency).toBeNull();
    expect(report.latency?.unknownResults).toBe(200);
    expect(report.notes.join('\n')).toMatch(/latency unknown: 200 of 200 results have no latencyMs/);
    expect(() => calibrate(table(specs, ['cheap', 'frontier'], [0.001, 0.01]), { ...opts, maxP95LatencyMs: 3000 })).toThrow(/--max-p95-latency: latency unknown for 200 of 200 results/);
  });

  it('a saved policy re-applied reports the same latency', () => {
    const t = timed(table(specs, ['cheap', 'frontier'], [0.001, 0.01]), [500, 2000]);
    const tiers = [{ name: 'cheap', model: 'c' }, { name: 'frontier', model: 'f' }];
    expect(applyPolicy(routing({ pattern: 'cascade', gate: 'valid-json', thresholds: [0.5], tiers }), t).latency).toEqual({ p50Ms: 500, p95Ms: 2500 });
    // The held-out report carries it.
    const held = holdoutReport(applyPolicy(routing({ pattern: 'cascade', gate: 'valid-json', thresholds: [0.5], tiers }), t), { bar: 0.95, barMode: 'relative' }, { fraction: 0.3, seed: 1, calibrationItems: 70 });
    expect(held.latency).toEqual({ p50Ms: 500, p95Ms: 2500 });
    // A gate threshold of 0 never escalates: every item waits for the cheap tier only.
    expect(applyPolicy(routing({ pattern: 'cascade', gate: 'valid-json', thresholds: [0], tiers }), t).latency).toEqual({ p50Ms: 500, p95Ms: 500 });
  });
});
