/**
 * The building blocks routing patterns are made of: reading a route from
 * per-item signals (scores per boundary, or a value per tier tried in
 * sequence), what a route costs, and the signals in a results table (gate
 * grader scores, confidences, a router's scores). Pure.
 */
import type { TrainedRouterLabeler } from '../classify/trained.js';
import type { ResultsTable } from './results.js';
import type { OutcomeMatrix } from './sweep.js';

/** Boundary scores (n × (k−1)): escalate past boundary b while P(needs a tier above b) ≥ thresholds[b]. */
export function routeByScores(thresholds: readonly number[], scores: Float64Array, n: number, k: number): Uint8Array {
  const tiers = new Uint8Array(n);
  const B = k - 1;
  for (let i = 0; i < n; i++) {
    let t = 0;
    // Scores are probabilities kept inside (0, 1), as the sweep keeps them.
    while (t < B && Math.min(1 - 1e-9, Math.max(1e-9, scores[i * B + t]!)) >= thresholds[t]!) t++;
    tiers[i] = t;
  }
  return tiers;
}

/** A value per tier (n × k), tried cheapest first: escalate from tier b while its value < thresholds[b]. */
export function routeSequential(thresholds: readonly number[], values: Float64Array, n: number, k: number): Uint8Array {
  const tiers = new Uint8Array(n);
  const B = k - 1;
  for (let i = 0; i < n; i++) {
    let t = 0;
    while (t < B && values[i * k + t]! < thresholds[t]!) t++;
    tiers[i] = t;
  }
  return tiers;
}

/** Cost of item i ending on tier t when one call is made: the tier's cost plus a per-request router cost. */
export function directCosts(m: OutcomeMatrix, routerCostUsd = 0): Float64Array {
  return routerCostUsd ? m.cost.map((c) => c + routerCostUsd) : m.cost;
}

/** Cost of item i ending on tier t when every tier up to t was tried: the sum of their costs. */
export function cumulativeCosts(m: OutcomeMatrix): Float64Array {
  const { n, k, cost } = m;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let t = 0; t < k; t++) {
      acc += cost[i * k + t]!;
      out[i * k + t] = acc;
    }
  }
  return out;
}

/** The gate grader's score per (item, tier); items without that grader count as passing it (nothing to check). */
export function gateSignal(table: ResultsTable, tiers: readonly string[], gate: string): { values: Float64Array; coverage: number } {
  const n = table.items.length;
  const k = tiers.length;
  const values = new Float64Array(n * k);
  let found = 0;
  table.items.forEach((item, i) => {
    let any = false;
    tiers.forEach((t, j) => {
      const g = item.byTier[t]?.graders.find((x) => x.grader === gate);
      if (g) any = true;
      values[i * k + j] = g ? (Number.isFinite(g.score) ? g.score : g.pass ? 1 : 0) : 1;
    });
    if (any) found++;
  });
  return { values, coverage: n ? found / n : 0 };
}

/** The confidence signal per (item, tier); a missing value counts as 0 (not confident: escalate at any threshold > 0). */
export function confidenceSignal(table: ResultsTable, tiers: readonly string[]): { values: Float64Array; coverage: number } {
  const n = table.items.length;
  const k = tiers.length;
  const values = new Float64Array(n * k);
  let found = 0;
  table.items.forEach((item, i) => {
    let any = false;
    tiers.forEach((t, j) => {
      const c = item.byTier[t]?.confidence;
      if (c !== undefined && j < k - 1) any = true;
      values[i * k + j] = c ?? 0;
    });
    if (any) found++;
  });
  return { values, coverage: n ? found / n : 0 };
}

/** Boundary scores of every item from a router (n × (k−1)). */
export function routerSignal(router: TrainedRouterLabeler, table: ResultsTable): Float64Array {
  const B = router.model.classes.length - 1;
  const out = new Float64Array(table.items.length * B);
  table.items.forEach((item, i) => {
    const input: Parameters<TrainedRouterLabeler['boundaryScores']>[0] = {};
    if (item.prompt !== undefined) input.prompt = item.prompt;
    if (item.system !== undefined) input.system = item.system;
    if (item.turns !== undefined) input.turns = item.turns;
    if (item.task !== undefined) input.task = item.task;
    if (item.category !== undefined) input.category = item.category;
    out.set(router.boundaryScores(input), i * B);
  });
  return out;
}
