/**
 * Threshold sweeps over a one-parameter family of routes, in O(n log n):
 * every item's tier only moves up as the parameter grows, at most once per
 * tier boundary, so the route at every parameter value is the previous one
 * plus a few moves. Events are sorted once (radix argsort) and applied in
 * order while running sums (passes, paired passes, cost, tier counts) give
 * each candidate's quality, cost and confidence bound in O(1).
 *
 * Families (all start with every item on the cheapest tier):
 * - classifier: boundary scores s_b = P(needs a tier above b) from the router.
 *   Parameter λ (value of one pass, in USD); thresholds θ_b = Δc_b / λ where
 *   Δc_b is the mean cost step from tier b to b+1: escalate past boundary b
 *   while s_b ≥ θ_b. Cost-aware: a dear step needs a likelier failure.
 * - cascade / confidence: a signal per (item, tier) — the gate grader's score,
 *   or the confidence field. One threshold θ for every boundary: accept the
 *   first tier whose signal is ≥ θ, else escalate (the top tier always accepts).
 *   Cost = every tier touched.
 */
import { margin, type Criterion } from './bounds.js';
import { RoutedP95 } from './routedP95.js';

/** Outcomes of n items × k tiers, row-major (i*k + t). */
export interface OutcomeMatrix {
  n: number;
  k: number;
  pass: Uint8Array;
  cost: Float64Array;
  /** Each tier's latency on each item (ms; NaN when unknown), when the results carry it (latency.ts). */
  latency?: Float64Array;
}

export interface RouteFamily {
  pattern: string;
  /** Cost of item i when it ends on tier t (n × k): router cost added, or every tier touched. */
  routedCost: Float64Array;
  /** Event e: when the parameter passes keys[e], item items[e] moves to tier toTier[e]. Per item, keys never decrease. */
  keys: Float64Array;
  items: Uint32Array;
  toTier: Uint8Array;
  /** Thresholds (one per boundary) of a parameter value. */
  thresholdsAt(param: number): number[];
  /** A parameter value before every key, between two consecutive distinct keys, after every key. */
  before(first: number): number;
  between(a: number, b: number): number;
  after(last: number): number;
  /** Human description of the parameter, for output. */
  describe: string;
}

/** One candidate route of a sweep. */
export interface SweepPoint {
  param: number;
  thresholds: number[];
  /** Passes under the route (quality = passes / n). */
  passes: number;
  /** Σ routed pass × frontier pass (for the paired bound). */
  pairedPasses: number;
  costUsd: number;
  /** Items per tier. */
  tierCounts: number[];
  /** Bound margin: ≥ 0 when the bar holds at the asked confidence. */
  margin: number;
  /** p50 / p95 of the routed latency (curve points, with SweepOptions.curveLatency). */
  latency?: { p50Ms: number; p95Ms: number };
}

export interface SweepResult {
  pattern: string;
  /** Candidates evaluated (distinct parameter groups + 1). */
  candidates: number;
  /**
   * The cheapest candidate whose bound meets the bar among those after the
   * last candidate that fails it, in the order of the family (ties: more passes).
   */
  best?: SweepPoint;
  /** With a latency limit: the candidate `best` would be without it, when the limit excluded it (its routed p95 is above). */
  bestOverLatency?: SweepPoint;
  /** The cheapest candidate whose point estimate meets the bar (for "more items would unlock …"). */
  bestPoint?: SweepPoint;
  /** The candidate with the largest margin (for "the best achievable" when nothing meets the bar). */
  bestMargin: SweepPoint;
  /** Down-sampled cost–quality curve in parameter order (always includes the first and last candidates). */
  curve: SweepPoint[];
  /** RouteLLM's APGR of the curve (null when cheapest and frontier quality are equal). */
  apgr: number | null;
}

export interface SweepOptions {
  /** Most curve points kept (default 400). */
  maxCurve?: number;
  /** Quality target of the point estimate (bar × frontier quality, or the absolute bar). */
  target: number;
  /** A constraint on the pick: a candidate whose routed p95 latency (routed: n × k ms, latency.ts) exceeds maxP95Ms is not eligible for `best`. */
  latency?: { routed: Float64Array; maxP95Ms: number };
  /** Routed latency (n × k ms, every value known) to give each curve point its p50 / p95. */
  curveLatency?: Float64Array;
}

/**
 * Sweeps a family. `crit` tests each candidate's bound; the frontier column
 * is the matrix's last tier.
 */
export function sweepFamily(m: OutcomeMatrix, fam: RouteFamily, crit: Criterion, opts: SweepOptions): SweepResult {
  const { n, k, pass } = m;
  const rc = fam.routedCost;
  const tier = new Uint8Array(n);
  const counts = new Array<number>(k).fill(0);
  counts[0] = n;
  let sr = 0;
  let srf = 0;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const p = pass[i * k]!;
    sr += p;
    srf += p * pass[i * k + k - 1]!;
    cost += rc[i * k]!;
  }
  const order = argsortFloat64(fam.keys);
  const E = order.length;
  // Events in sorted order, laid out contiguously (sequential reads in the hot loop).
  const keys = new Float64Array(E);
  const evItem = new Uint32Array(E);
  const evTo = new Uint8Array(E);
  for (let e = 0; e < E; e++) {
    const o = order[e]!;
    keys[e] = fam.keys[o]!;
    evItem[e] = fam.items[o]!;
    evTo[e] = fam.toTier[o]!;
  }

  // Group boundaries: candidate j is the route after applying groups 0..j-1.
  let groups = 0;
  for (let e = 0; e < E; e++) if (e === 0 || keys[e] !== keys[e - 1]) groups++;
  const candidates = groups + 1;
  const maxCurve = Math.max(2, opts.maxCurve ?? 400);
  const stride = Math.max(1, Math.ceil(candidates / maxCurve));

  // APGR: x = frontier share (2 tiers, as RouteLLM) or normalized cost, y = performance gap recovered.
  let c0 = 0;
  let cF = 0;
  let p0 = 0;
  let pF = 0;
  for (let i = 0; i < n; i++) {
    c0 += m.cost[i * k]!;
    cF += m.cost[i * k + k - 1]!;
    p0 += pass[i * k]!;
    pF += pass[i * k + k - 1]!;
  }
  const xs = new Float64Array(candidates);
  const ys = new Float64Array(candidates);
  const xOf = (): number => (k === 2 ? counts[1]! / n : cF === c0 ? 0 : (cost - c0) / (cF - c0));

  const snapshot = (param: number, mg: number): SweepPoint => ({
    param,
    thresholds: fam.thresholdsAt(param),
    passes: sr,
    pairedPasses: srf,
    costUsd: cost,
    tierCounts: [...counts],
    margin: mg,
    ...(p95 && opts.curveLatency ? { latency: { p50Ms: p95.p50(), p95Ms: p95.p95() } } : {}),
  });
  // The running bests are kept in preallocated slots (no allocation per candidate) and materialized at the end.
  const slot = (): Slot => ({ set: false, param: 0, passes: 0, paired: 0, cost: 0, counts: new Float64Array(k), margin: 0 });
  const fill = (s: Slot, param: number, mg: number): void => {
    s.set = true;
    s.param = param;
    s.passes = sr;
    s.paired = srf;
    s.cost = cost;
    s.margin = mg;
    for (let t = 0; t < k; t++) s.counts[t] = counts[t]!;
  };
  const materialize = (s: Slot): SweepPoint | undefined =>
    s.set ? { param: s.param, thresholds: fam.thresholdsAt(s.param), passes: s.passes, pairedPasses: s.paired, costUsd: s.cost, tierCounts: Array.from(s.counts), margin: s.margin } : undefined;

  const curve: SweepPoint[] = [];
  const best = slot();
  const bestPoint = slot();
  const bestMargin = slot();
  bestMargin.margin = -Infinity;
  const targetPasses = opts.target * n - 1e-9;
  // The latency limit is a constraint, not a test: a too-slow candidate is skipped, it does not void the sequence.
  const routed = opts.latency?.routed ?? opts.curveLatency;
  const p95 = routed ? new RoutedP95(routed, n, k, argsortFloat64(routed)) : undefined;
  const maxP95 = opts.latency?.maxP95Ms ?? Infinity;
  const unlimited = slot();
  const cheaper = (s: Slot): boolean => !s.set || cost < s.cost || (cost === s.cost && sr > s.passes);

  const consider = (j: number, param: number): void => {
    const mg = margin(crit, sr, srf);
    xs[j] = xOf();
    ys[j] = sr;
    // Fixed-sequence testing from the all-escalated end (Learn-then-Test): a failing
    // candidate voids every cheaper one before it, so the pick is the cheapest
    // candidate after the last failure and the search over thresholds costs no confidence.
    if (mg < 0) best.set = unlimited.set = false;
    else {
      if (cheaper(best) && (!opts.latency || p95!.p95() <= maxP95)) fill(best, param, mg);
      if (opts.latency && cheaper(unlimited)) fill(unlimited, param, mg);
    }
    if (sr >= targetPasses && (!bestPoint.set || cost < bestPoint.cost || (cost === bestPoint.cost && sr > bestPoint.passes))) fill(bestPoint, param, mg);
    if (mg > bestMargin.margin || !bestMargin.set) fill(bestMargin, param, mg);
    if (j % stride === 0 || j === candidates - 1) curve.push(snapshot(param, mg));
  };

  consider(0, fam.before(E ? keys[0]! : 0));
  let j = 0;
  for (let e = 0; e < E; ) {
    const key = keys[e]!;
    // Apply every event with this key.
    for (; e < E && keys[e] === key; e++) {
      const i = evItem[e]!;
      const from = tier[i]!;
      const to = evTo[e]!;
      if (to > from) {
        const pf = pass[i * k + k - 1]!;
        const dp = pass[i * k + to]! - pass[i * k + from]!;
        sr += dp;
        srf += dp * pf;
        cost += rc[i * k + to]! - rc[i * k + from]!;
        counts[from]!--;
        counts[to]!++;
        tier[i] = to;
        p95?.move(i, from, to);
      }
    }
    j++;
    consider(j, e < E ? fam.between(key, keys[e]!) : fam.after(key));
  }
  const pgr = pF === p0 ? null : { xs, ys, p0, pF };
  const b = materialize(best);
  const bp = materialize(bestPoint);
  const over = unlimited.set && (!best.set || unlimited.param !== best.param) ? materialize(unlimited) : undefined;
  return {
    pattern: fam.pattern,
    candidates,
    ...(b ? { best: b } : {}),
    ...(over ? { bestOverLatency: over } : {}),
    ...(bp ? { bestPoint: bp } : {}),
    bestMargin: materialize(bestMargin)!,
    curve,
    apgr: pgr ? apgrOf(pgr.xs, pgr.ys, pgr.p0, pgr.pF) : null,
  };
}

interface Slot {
  set: boolean;
  param: number;
  passes: number;
  paired: number;
  cost: number;
  counts: Float64Array;
  margin: number;
}

/**
 * RouteLLM's APGR: the area under the performance-gap-recovered curve
 * PGR = (passes − cheapest passes)/(frontier passes − cheapest passes) over
 * x ∈ [0, 1] (trapezoids, points sorted by x; the curve is held flat past its ends).
 */
export function apgrOf(xs: Float64Array, ys: Float64Array, p0: number, pF: number): number {
  const order = argsortFloat64(xs);
  const gap = pF - p0;
  let area = 0;
  let px = 0;
  let py = order.length ? (ys[order[0]!]! - p0) / gap : 0;
  for (const o of order) {
    const x = Math.min(1, Math.max(0, xs[o]!));
    const y = (ys[o]! - p0) / gap;
    if (x > px) area += ((x - px) * (py + y)) / 2;
    px = x;
    py = y;
    if (xs[o]! >= 1) break;
  }
  if (px < 1) area += (1 - px) * py;
  return area;
}

/** Shared builders of the families. */

/** Mean cost per tier step, floored at a tiny positive value so thresholds stay finite. */
export function costSteps(m: OutcomeMatrix): number[] {
  const { n, k, cost } = m;
  const means = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) means[t]! += cost[i * k + t]! / n;
  const scale = Math.max(...means.map(Math.abs), 1e-12);
  return means.slice(1).map((c, b) => Math.max(c - means[b]!, scale * 1e-9));
}

/**
 * A family's (item, boundary) arrays, n × (k−1): item i's keys at boundaries 0 … k−2 from `fillKeys(i, keys, at)`
 * (which writes them at keys[at …]), the item, and the tier each boundary moves it to (b + 1).
 */
export function boundaryArrays(n: number, k: number, fillKeys: (i: number, keys: Float64Array, at: number) => void): Pick<RouteFamily, 'keys' | 'items' | 'toTier'> {
  const B = k - 1;
  const keys = new Float64Array(n * B);
  const items = new Uint32Array(n * B);
  const toTier = new Uint8Array(n * B);
  for (let i = 0; i < n; i++) {
    fillKeys(i, keys, i * B);
    for (let b = 0; b < B; b++) {
      items[i * B + b] = i;
      toTier[i * B + b] = b + 1;
    }
  }
  return { keys, items, toTier };
}

/**
 * The classifier family from boundary scores (n × (k−1), each in (0,1)).
 * Item i passes boundary b when λ ≥ max_{b' ≤ b} Δc_{b'}/s_{i,b'}.
 * `routedCost`: see routedCosts (apply.ts).
 */
export function classifierFamily(m: OutcomeMatrix, scores: Float64Array, steps: number[], routedCost: Float64Array): RouteFamily {
  const { n, k } = m;
  const B = k - 1;
  const arrays = boundaryArrays(n, k, (i, keys, at) => {
    let run = 0;
    for (let b = 0; b < B; b++) {
      const s = Math.min(1 - 1e-9, Math.max(1e-9, scores[i * B + b]!));
      run = Math.max(run, steps[b]! / s);
      keys[at + b] = run;
    }
  });
  return {
    pattern: 'classifier',
    routedCost,
    ...arrays,
    thresholdsAt: (lambda) => steps.map((d) => (lambda > 0 ? Math.min(1, d / lambda) : 1)),
    before: (first) => first / 2,
    between: (a, b) => (a + b) / 2,
    after: (last) => last * 2,
    describe: 'router score thresholds per boundary (escalate while P(needs a higher tier) ≥ threshold)',
  };
}

/**
 * The cascade / confidence family from a signal per (item, tier) (n × k; the
 * top tier's is unused). Item i passes boundary b when θ > max_{b' ≤ b} signal.
 */
export function sequentialFamily(m: OutcomeMatrix, signal: Float64Array, pattern: string, routedCost: Float64Array, describe = 'signal threshold (escalate while the signal is below it)'): RouteFamily {
  const { n, k } = m;
  const B = k - 1;
  const arrays = boundaryArrays(n, k, (i, keys, at) => {
    let run = -Infinity;
    for (let b = 0; b < B; b++) {
      run = Math.max(run, signal[i * k + b]!);
      keys[at + b] = run;
    }
  });
  return {
    pattern,
    routedCost,
    ...arrays,
    thresholdsAt: (theta) => new Array<number>(B).fill(theta),
    before: (first) => Math.min(0, first),
    between: (a, b) => (a + b) / 2,
    after: (last) => (last < 1 ? 1 : last + 1),
    describe,
  };
}

/**
 * Indexes that sort float keys ascending; stable (equal keys keep index
 * order). LSD radix sort on the IEEE-754 bits: O(n), no comparator calls.
 */
export function argsortFloat64(keys: Float64Array): Uint32Array {
  const n = keys.length;
  if (n === 0) return new Uint32Array(0);
  const bits = new Uint32Array(keys.buffer.slice(keys.byteOffset, keys.byteOffset + n * 8));
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let l = bits[2 * i]!;
    let h = bits[2 * i + 1]!;
    // Order-preserving map: flip all bits of negatives, only the sign bit of positives.
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    if (keys[i] === 0) {
      // -0 and +0 compare equal: give both the +0 code.
      h = 0x80000000;
      l = 0;
    }
    lo[i] = l;
    hi[i] = h;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (const [words, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[idx[i]!]! >>> shift) & 0xffff]!++;
    // Skip a pass where every key has the same digit.
    if (count[(words[idx[0] ?? 0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const id = idx[i]!;
      tmp[count[(words[id]! >>> shift) & 0xffff]!++] = id;
    }
    [idx, tmp] = [tmp, idx];
  }
  return idx;
}
