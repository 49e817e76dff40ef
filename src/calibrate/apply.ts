/**
 * Evaluates a routing policy on results without re-choosing anything: route
 * every item by the policy's rule, then report quality (with confidence
 * bounds), cost, savings against all-frontier and tier shares. Calibration
 * reports its pick with the same functions, so a policy file re-applied to
 * the same signals reproduces the calibrated figures exactly.
 */
import { InputError } from '../errors.js';
import { Z95, oneSidedZ, parityInterval, wilsonLowerZ, wilsonUpperZ } from './bounds.js';
import type { RoutingPolicyFile } from '../artifacts/policy.js';
import type { ResultsTable } from './results.js';
import type { OutcomeMatrix } from './sweep.js';
import { patternSpec } from './patterns/index.js';
import { routeLatency, routedLatencies, type LatencySummary } from './latency.js';
import { pct } from '../report/format.js';

export interface PolicyEvaluation {
  n: number;
  /** Pass rate of the routed answers. */
  quality: number;
  /** Two-sided 95% Wilson interval of quality. */
  qualityCi95: [number, number];
  /** One-sided Wilson lower bound at the policy's (or the given) confidence. */
  qualityLower: number;
  costUsd: number;
  /** (1 − cost / all-frontier cost) × 100. */
  savingsPct: number;
  /** Share of items ending on each tier. */
  tierShares: Record<string, number>;
  /** Share of items that did not stay on the cheapest tier. */
  escalationRate: number;
  frontier: { quality: number; costUsd: number };
  /** quality / frontier quality. */
  parity: number;
  /** One-sided lower bound of parity at the confidence (Fieller, paired by item). */
  parityLower: number;
  /** Two-sided 95% interval of parity (Fieller, paired by item). */
  parityCi95: [number, number];
  /** Whether the policy's bar holds at the confidence: parityLower ≥ bar (relative) or qualityLower ≥ bar (absolute). */
  meetsBar: boolean;
  /** p50 / p95 of the routed latency (latency.ts); null when some result has no latency. Absent when not simulated. */
  latency?: LatencySummary | null;
  /** `calibrate --apply`: observed tier shares next to the policy's certified ones (when it carries them). */
  shares?: ShareDrift[];
}

/** Pass/fail and cost of a table's items on the named tiers (in that order). */
export function matrixOf(table: ResultsTable, tiers: readonly string[]): OutcomeMatrix {
  const n = table.items.length;
  const k = tiers.length;
  const pass = new Uint8Array(n * k);
  const cost = new Float64Array(n * k);
  const latency = new Float64Array(n * k);
  table.items.forEach((item, i) => {
    tiers.forEach((t, j) => {
      const o = item.byTier[t];
      if (!o) throw new InputError(`item "${item.itemId}" has no result for tier "${t}"`);
      pass[i * k + j] = o.pass ? 1 : 0;
      cost[i * k + j] = o.costUsd;
      latency[i * k + j] = o.latencyMs ?? Number.NaN;
    });
  });
  return { n, k, pass, cost, latency };
}

/** Cost of item i when it ends on tier t under a pattern (n × k): see each pattern's routedCosts. */
export function routedCosts(m: OutcomeMatrix, pattern: string, routerCostUsd = 0): Float64Array {
  return patternSpec(pattern).routedCosts(m, routerCostUsd);
}

/** Each item's final tier under a pattern's thresholds, read from its per-item signal (see each pattern's route). */
export function routeTiers(pattern: string, thresholds: readonly number[], signal: Float64Array, n: number, k: number): Uint8Array {
  return patternSpec(pattern).route(thresholds, signal, n, k);
}

/** Quality, bounds, cost, savings and shares of a route. */
export function evaluateRoute(
  m: OutcomeMatrix,
  route: Uint8Array,
  routedCost: Float64Array,
  tierNames: readonly string[],
  bar: { bar: number; barMode: 'relative' | 'absolute'; confidence: number },
  routedLatency?: Float64Array,
): PolicyEvaluation {
  const { n, k, pass, cost } = m;
  if (n === 0) throw new InputError('no items to evaluate');
  const counts = new Array<number>(k).fill(0);
  let sr = 0;
  let srf = 0;
  let sf = 0;
  let c = 0;
  let cf = 0;
  for (let i = 0; i < n; i++) {
    const t = route[i]!;
    const r = pass[i * k + t]!;
    const f = pass[i * k + k - 1]!;
    sr += r;
    sf += f;
    srf += r * f;
    c += routedCost[i * k + t]!;
    cf += cost[i * k + k - 1]!;
    counts[t]!++;
  }
  const z = oneSidedZ(bar.confidence);
  const sums = { n, sr, srf, sf };
  const parityCi95 = parityInterval(sums, Z95);
  const parityLower = parityInterval(sums, z)[0];
  const qualityLower = wilsonLowerZ(sr, n, z);
  return {
    n,
    quality: sr / n,
    qualityCi95: [wilsonLowerZ(sr, n, Z95), wilsonUpperZ(sr, n, Z95)],
    qualityLower,
    costUsd: c,
    savingsPct: cf > 0 ? (1 - c / cf) * 100 : 0,
    tierShares: Object.fromEntries(tierNames.map((t, j) => [t, counts[j]! / n])),
    escalationRate: 1 - counts[0]! / n,
    frontier: { quality: sf / n, costUsd: cf },
    parity: sf > 0 ? sr / sf : 0,
    parityLower,
    parityCi95,
    meetsBar: bar.barMode === 'relative' ? parityLower >= bar.bar - 1e-12 : qualityLower >= bar.bar - 1e-12,
    ...(routedLatency ? { latency: routeLatency(route, routedLatency, k) } : {}),
  };
}

/**
 * Evaluates a saved policy on a results table: routes each item by the
 * policy (its embedded router for classifier), never re-choosing thresholds.
 */
export function applyPolicy(policy: RoutingPolicyFile, table: ResultsTable, opts: { confidence?: number } = {}): PolicyEvaluation {
  const names = policy.tiers.map((t) => t.name);
  const missing = names.filter((t) => !table.tiers.includes(t));
  if (missing.length) {
    throw new InputError(`the policy routes to tier${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} but the results have none (results tiers: ${table.tiers.join(', ')})`);
  }
  const m = matrixOf(table, names);
  const signal = policySignal(policy, table, names);
  const route = routeTiers(policy.pattern, policy.thresholds, signal, m.n, m.k);
  const bar = { bar: policy.bar, barMode: policy.barMode, confidence: opts.confidence ?? policy.confidence };
  return evaluateRoute(m, route, routedCosts(m, policy.pattern, policy.routerCostUsd), names, bar, routedLatencies(m, patternSpec(policy.pattern), policy.routerLatencyMs));
}

function policySignal(policy: RoutingPolicyFile, table: ResultsTable, names: string[]): Float64Array {
  const s = patternSpec(policy.pattern).policySignal(policy, table, names);
  if (s.missing) throw new InputError(s.missing);
  return s.values;
}

/** One tier's share of traffic when the policy was certified and on the results at hand. */
export interface ShareDrift {
  tier: string;
  /** Fractions (0–1). */
  certified: number;
  observed: number;
  /** The difference is beyond sampling error: two-proportion z-test (pooled), two-sided at 95% (|z| > 1.96). */
  flagged: boolean;
}

/**
 * The observed tier shares next to the certified ones (`provenance.calibration`
 * `tierShares` and `n` of a `tokor calibrate --out` policy), each tier flagged
 * when its share moved beyond sampling error: the pooled two-proportion z-test,
 * z = (p̂₁ − p̂₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), two-sided at 95%. Undefined when
 * the policy carries no certified shares (older policies, configs).
 */
export function shareDrift(policy: RoutingPolicyFile, observed: { n: number; tierShares: Record<string, number> }): ShareDrift[] | undefined {
  const cal = policy.provenance.calibration;
  if (!cal?.tierShares || !(cal.n > 0) || !(observed.n > 0)) return undefined;
  return policy.tiers.map(({ name }) => {
    const certified = cal.tierShares![name] ?? 0;
    const seen = observed.tierShares[name] ?? 0;
    return { tier: name, certified, observed: seen, flagged: twoProportionDiffers(certified, cal.n, seen, observed.n) };
  });
}

/** Two-sided pooled two-proportion z-test at 95%. */
export function twoProportionDiffers(p1: number, n1: number, p2: number, n2: number): boolean {
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return Math.abs(p1 - p2) > 1e-12;
  return Math.abs(p1 - p2) / se > Z95;
}

/** "tier shares certified → observed: cheap 35% → 20% (⚑ beyond sampling error), mid 28% → 28%, …" */
export function sharesNote(shares: ShareDrift[]): string {
  const flagged = shares.filter((s) => s.flagged).length;
  return `tier shares certified → observed: ${shares.map((s) => `${s.tier} ${pct(s.certified)} → ${pct(s.observed)}${s.flagged ? ' (⚑ beyond sampling error)' : ''}`).join(', ')}${flagged ? '' : ' (within sampling error, 95%)'}`;
}
