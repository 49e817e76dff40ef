/**
 * Small builders for gate unit tests: results tables, evaluations, and a
 * transparent stand-in for applyPolicy (every item routed to one tier) so the
 * verdict's composition can be checked by hand.
 */
import type { PolicyEvaluation } from '../../src/calibrate/apply.js';
import type { RoutingPolicyFile } from '../../src/artifacts/policy.js';
import type { ItemOutcomes, ResultsTable } from '../../src/calibrate/results.js';
import { wilsonLower } from '../../src/stats/interval.js';
import type { GatePolicy, ScopeRule } from '../../src/gate/types.js';

const TIERS = ['cheap', 'mid', 'frontier'];
const COST: Record<string, number> = { cheap: 0.001, mid: 0.004, frontier: 0.02 };

/** An item from a pass pattern like "011" (cheap fails, mid and frontier pass). */
export function item(itemId: string, pattern: string, extra: Partial<ItemOutcomes> = {}): ItemOutcomes {
  const byTier: ItemOutcomes['byTier'] = {};
  TIERS.forEach((t, i) => {
    const pass = pattern[i] === '1';
    byTier[t] = { pass, score: pass ? 1 : 0, costUsd: COST[t]!, graders: [] };
  });
  return { itemId, byTier, ...extra };
}

export function table(items: ItemOutcomes[], datasetId = 'ds'): ResultsTable {
  return { datasetId, tiers: [...TIERS], items, sha256: ['x'] };
}

export function evaluation(over: Partial<PolicyEvaluation> = {}): PolicyEvaluation {
  return {
    n: 100,
    quality: 0.9,
    qualityCi95: [0.83, 0.95],
    qualityLower: 0.85,
    costUsd: 1,
    savingsPct: 40,
    tierShares: { cheap: 0.5, mid: 0.2, frontier: 0.3 },
    escalationRate: 0.2,
    frontier: { quality: 0.92, costUsd: 2 },
    parity: 0.978,
    parityLower: 0.93,
    parityCi95: [0.92, 1.02],
    meetsBar: false,
    ...over,
  };
}

export function routing(over: Partial<RoutingPolicyFile> = {}): RoutingPolicyFile {
  return {
    schemaVersion: 1,
    kind: 'tokor-policy',
    pattern: 'classifier',
    thresholds: [0.5, 0.5],
    tiers: TIERS.map((name) => ({ name, model: `${name}-model` })),
    bar: 0.95,
    barMode: 'relative',
    confidence: 0.95,
    routerCostUsd: 0,
    provenance: { datasetId: '', resultsSha256: [], catalogVersion: '', createdAt: '' },
    ...over,
  } as RoutingPolicyFile;
}

export function rule(name: string, over: Partial<ScopeRule> = {}): ScopeRule {
  return { name, match: {}, floor: 0.95, barMode: 'relative', confidence: 0.95, floorFrom: 'scope', ...over };
}

export function gatePolicy(over: Partial<GatePolicy> = {}): GatePolicy {
  return {
    source: 'test.yaml',
    routing: routing(),
    tiers: TIERS.map((name) => ({ name, model: `${name}-model`, provider: 'bedrock' as const })),
    global: rule('global', { floorFrom: 'quality' }),
    scopes: [],
    ...over,
  };
}

/**
 * A stand-in simulation: every item is routed to tiers[thresholds[0]] (an
 * index), cost = that tier's cost; bounds are one-sided Wilson. Enough to
 * check what the gate feeds applyPolicy and what it does with the answer.
 */
export function routeAllTo(policy: RoutingPolicyFile, t: ResultsTable, opts?: { confidence?: number }): PolicyEvaluation {
  const tier = t.tiers[policy.thresholds[0] ?? 0]!;
  const frontier = t.tiers[t.tiers.length - 1]!;
  const n = t.items.length;
  const k = t.items.filter((i) => i.byTier[tier]!.pass).length;
  const kf = t.items.filter((i) => i.byTier[frontier]!.pass).length;
  const cost = t.items.reduce((a, i) => a + i.byTier[tier]!.costUsd, 0);
  const fcost = t.items.reduce((a, i) => a + i.byTier[frontier]!.costUsd, 0);
  const conf = opts?.confidence ?? policy.confidence;
  const lower = wilsonLower(k, n, conf);
  const fq = kf / n;
  return {
    n,
    quality: k / n,
    qualityCi95: [lower, 1],
    qualityLower: lower,
    costUsd: cost,
    savingsPct: (1 - cost / fcost) * 100,
    tierShares: Object.fromEntries(t.tiers.map((x) => [x, x === tier ? 1 : 0])),
    escalationRate: 0,
    frontier: { quality: fq, costUsd: fcost },
    parity: fq ? k / n / fq : 0,
    parityLower: fq ? lower / fq : 0,
    parityCi95: [fq ? lower / fq : 0, 1],
    meetsBar: false,
  };
}

/** The per-item route of routeAllTo: every item on slot thresholds[0]. */
export function routeAllToItems(policy: RoutingPolicyFile, t: ResultsTable): Uint8Array {
  return new Uint8Array(t.items.length).fill(policy.thresholds[0] ?? 0);
}
