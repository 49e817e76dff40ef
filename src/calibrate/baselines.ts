/**
 * What a pick is compared with: every item on the frontier, every item on the
 * cheapest tier, random routing with the pick's tier shares (expected value),
 * and the oracle — perfect routing that knows each item's outcome — held to
 * the same bar (point estimate). Pure.
 */
import { mixtureLatency, routeLatency, type LatencySummary } from './latency.js';
import type { OutcomeMatrix } from './sweep.js';
import { argsortFloat64 } from './sweep.js';

export interface Baseline {
  quality: number;
  costUsd: number;
  savingsPct: number;
  tierShares: Record<string, number>;
  /**
   * p50 / p95 of the simulated latency when every item waits for the tier this baseline sends it to (random:
   * the quantiles of the expected mix, each tier's latencies weighted by its share); null when some result has
   * none.
   */
  latency: LatencySummary | null;
}

export interface Baselines {
  frontier: Baseline;
  cheapest: Baseline;
  /** Random routing at the pick's tier shares (expected quality and cost); absent without a pick. */
  random?: Baseline;
  /** The cheapest perfect routing whose quality meets the bar's point target (bar × frontier quality, or the absolute bar). */
  oracle: Baseline & { meetsTarget: boolean };
  /** Perfect routing with no quality given up: the cheapest tier that passes, else the cheapest tier. */
  oracleMaxQuality: Baseline;
}

function shares(names: readonly string[], counts: number[], n: number): Record<string, number> {
  return Object.fromEntries(names.map((t, j) => [t, counts[j]! / n]));
}

/** All items on one tier. */
function allOnTier(m: OutcomeMatrix, t: number, names: readonly string[]): { passes: number; costUsd: number; tierShares: Record<string, number> } {
  let passes = 0;
  let cost = 0;
  for (let i = 0; i < m.n; i++) {
    passes += m.pass[i * m.k + t]!;
    cost += m.cost[i * m.k + t]!;
  }
  const counts = names.map((_, j) => (j === t ? m.n : 0));
  return { passes, costUsd: cost, tierShares: shares(names, counts, m.n) };
}

/**
 * Baselines for a matrix. `targetQuality` is the bar's point target;
 * `pickShares` the pick's tier shares (for the random baseline).
 */
export function baselinesOf(m: OutcomeMatrix, names: readonly string[], targetQuality: number, pickShares?: Record<string, number>): Baselines {
  const { n, k, pass, cost } = m;
  const front = allOnTier(m, k - 1, names);
  const cheap = allOnTier(m, 0, names);
  const savings = (c: number): number => (front.costUsd > 0 ? (1 - c / front.costUsd) * 100 : 0);
  const perTier = names.map((_, t) => allOnTier(m, t, names));

  // Perfect routing: each item on its cheapest passing tier (none passes → cheapest tier).
  const counts = new Array<number>(k).fill(0);
  const demoteSaving = new Float64Array(n);
  const demoteTier = new Int32Array(n);
  let passes = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    let t = 0;
    while (t < k && !pass[i * k + t]) t++;
    const ok = t < k;
    const tier = ok ? t : 0;
    demoteTier[i] = tier;
    counts[tier]!++;
    passes += ok ? 1 : 0;
    c += cost[i * k + tier]!;
    // Giving up this item's pass (sending it to the cheapest tier) saves this much.
    demoteSaving[i] = ok && tier > 0 ? cost[i * k + tier]! - cost[i * k]! : -Infinity;
  }
  const latencyOf = (route: Uint8Array | Int32Array) => ({ latency: routeLatency(route, m.latency, k) });
  const maxQuality: Baseline = { quality: passes / n, costUsd: c, savingsPct: savings(c), tierShares: shares(names, counts, n), ...latencyOf(demoteTier) };

  // Held to the bar: give up the passes that save the most until quality would fall below the target.
  const spare = Math.floor(passes - targetQuality * n + 1e-9);
  let oracle: Baseline & { meetsTarget: boolean } = { ...maxQuality, meetsTarget: passes >= targetQuality * n - 1e-9 };
  if (spare > 0) {
    const neg = demoteSaving.map((s) => -s);
    const order = argsortFloat64(neg);
    const oc = [...counts];
    const route = demoteTier.slice();
    let op = passes;
    let ocost = c;
    for (let j = 0; j < spare && j < n; j++) {
      const i = order[j]!;
      if (!(demoteSaving[i]! > 0)) break;
      ocost -= demoteSaving[i]!;
      op--;
      oc[demoteTier[i]!]!--;
      oc[0]!++;
      route[i] = 0;
    }
    oracle = { quality: op / n, costUsd: ocost, savingsPct: savings(ocost), tierShares: shares(names, oc, n), meetsTarget: true, ...latencyOf(route) };
  }

  const out: Baselines = {
    frontier: { quality: front.passes / n, costUsd: front.costUsd, savingsPct: 0, tierShares: front.tierShares, ...latencyOf(new Uint8Array(n).fill(k - 1)) },
    cheapest: { quality: cheap.passes / n, costUsd: cheap.costUsd, savingsPct: savings(cheap.costUsd), tierShares: cheap.tierShares, ...latencyOf(new Uint8Array(n)) },
    oracle,
    oracleMaxQuality: maxQuality,
  };
  if (pickShares) {
    let q = 0;
    let rc = 0;
    names.forEach((t, j) => {
      const s = pickShares[t] ?? 0;
      q += (s * perTier[j]!.passes) / n;
      rc += s * perTier[j]!.costUsd;
    });
    out.random = { quality: q, costUsd: rc, savingsPct: savings(rc), tierShares: { ...pickShares }, latency: m.latency ? mixtureLatency(m.latency, n, names.map((t) => pickShares[t] ?? 0)) : null };
  }
  return out;
}
