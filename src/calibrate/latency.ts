/**
 * The simulated latency of a routed path, per item, and its exact quantiles.
 * Pure.
 *
 * An item's routed latency is what its caller waits for:
 * - a sequential pattern (cascade, confidence: `PatternSpec.sequential`)
 *   calls the tiers one after another, so it waits for the sum of every tier
 *   it touches (the gate check or the confidence read adds nothing measurable);
 * - a pattern that runs a router on every request (`PatternSpec.runsRouter`:
 *   classifier) waits for the router's own scoring, then for the tier it picks;
 * - any other route waits for the tier it picks.
 *
 * Quantiles are nearest-rank, over items: the q-quantile is the ⌈q·n⌉-th
 * smallest routed latency (1-based), an observed value — p50 of 4 items is
 * the 2nd smallest, p95 of 20 items the 19th, p95 of 10 items the largest.
 * A result without latency (`latencyMs` missing, or 0 as in recordings that
 * never measured it) is unknown, and so is every route through it: its
 * quantiles are null ("latency unknown"), never a made-up 0.
 */
import { nearestRank } from './routedP95.js';
import type { PatternSpec } from './patterns/types.js';
import { argsortFloat64, type OutcomeMatrix } from './sweep.js';

/**
 * The router's own latency per request when the user sets none (ms): the
 * trained router's in-process scoring of one request (features + k fold
 * models) took 0.24–0.30 ms on the bundled prompts (median 267 characters) and
 * 1.2–1.5 ms on 4,000-character ones (bench/router-latency.mjs; docs/calibrate.md
 * § Latency). A router behind a network hop costs more: set --router-latency /
 * routing.routerLatencyMs.
 */
export const DEFAULT_ROUTER_LATENCY_MS = 1;

/** p50 and p95 of the routed latency over items, in ms (nearest-rank). */
export interface LatencySummary {
  p50Ms: number;
  p95Ms: number;
}

/**
 * Latency of item i when it ends on tier t under a pattern (n × k, ms), from
 * the matrix's per-tier latencies; undefined when the matrix has none.
 * NaN marks an unknown latency (and propagates along a sequential path).
 */
export function routedLatencies(m: OutcomeMatrix, spec: Pick<PatternSpec, 'sequential' | 'runsRouter'>, routerLatencyMs = DEFAULT_ROUTER_LATENCY_MS): Float64Array | undefined {
  const lat = m.latency;
  if (!lat) return undefined;
  const { n, k } = m;
  const out = new Float64Array(n * k);
  const overhead = spec.runsRouter ? routerLatencyMs : 0;
  for (let i = 0; i < n; i++) {
    let acc = overhead;
    for (let t = 0; t < k; t++) {
      const x = lat[i * k + t]!;
      if (spec.sequential) out[i * k + t] = acc += x;
      else out[i * k + t] = overhead + x;
    }
  }
  return out;
}

/** p50 and p95 of a route (each item's final tier), or null when any item's routed latency is unknown. */
export function routeLatency(route: ArrayLike<number>, routed: Float64Array | undefined, k: number): LatencySummary | null {
  if (!routed) return null;
  const n = route.length;
  if (n === 0) return null;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = routed[i * k + route[i]!]!;
    if (!Number.isFinite(x)) return null;
    values[i] = x;
  }
  values.sort();
  return { p50Ms: values[nearestRank(0.5, n) - 1]!, p95Ms: values[nearestRank(0.95, n) - 1]! };
}

/**
 * p50 and p95 of random routing at the given tier shares, in expectation: the
 * quantiles of the mix in which item i's latency on tier t has weight
 * share(t)/n (the q-quantile is the smallest latency whose cumulative weight
 * reaches q). Null when a tier with a share has an unknown latency.
 */
export function mixtureLatency(latency: Float64Array, n: number, tierShares: readonly number[]): LatencySummary | null {
  const k = tierShares.length;
  const values: number[] = [];
  const weights: number[] = [];
  const total = tierShares.reduce((a, b) => a + b, 0);
  if (n === 0 || !(total > 0)) return null;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const w = tierShares[t]!;
      if (!(w > 0)) continue;
      const x = latency[i * k + t]!;
      if (!Number.isFinite(x)) return null;
      values.push(x);
      weights.push(w / (n * total));
    }
  }
  const order = argsortFloat64(Float64Array.from(values));
  const at = (q: number): number => {
    let acc = 0;
    for (const j of order) {
      acc += weights[j]!;
      if (acc >= q - 1e-12) return values[j]!;
    }
    return values[order[order.length - 1]!]!;
  };
  return { p50Ms: at(0.5), p95Ms: at(0.95) };
}

/** How many (item, tier) latencies are unknown. */
export function unknownLatencies(m: OutcomeMatrix): number {
  if (!m.latency) return m.n * m.k;
  let unknown = 0;
  for (const x of m.latency) if (!Number.isFinite(x)) unknown++;
  return unknown;
}
