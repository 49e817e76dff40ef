/**
 * The sample `tokor label` measures (issue #14): traffic grouped into task
 * clusters (the template signature of each request — src/classify/signature.ts
 * — with its app/team tags), a stratified sample over the clusters
 * (src/classify/estimate.ts `allocateSample`: proportional, at least two per
 * cluster where it can), drawn the same way on every run of the same traffic
 * (the first requests of each cluster by a hash of their ID), so `--resume`
 * continues the very same sample. Pure.
 */
import { allocateSample } from '../classify/estimate.js';
import { fnv1a } from '../classify/features.js';
import { taskSignature } from '../classify/signature.js';
import { costOf } from '../pricing/cost.js';
import type { ModelPrice, Money } from '../pricing/types.js';
import type { TokenCounts, TrafficRecord } from '../types.js';
import { JUDGE_PROMPT } from './graders/llmJudge.js';
import { requestKey } from './label.js';

/** A request that could be labeled, with its cluster. */
export interface SampleUnit {
  /** requestKey: the ID its label is joined on. */
  key: string;
  /** The cluster: its signature key (8 hex digits) and a readable rendering. */
  cluster: string;
  clusterText: string;
}

/** One task cluster of the traffic and its share of the sample. */
export interface ClusterSample {
  /** The signature key (what a label's `cluster` holds). */
  signature: string;
  /** A readable rendering: "app/team · system#abcd · first words …". */
  text: string;
  /** Labelable requests of the cluster in the traffic read. */
  requests: number;
  /** How many of them are measured. */
  sample: number;
  /** requests ÷ sample: how many requests each measured label stands for (0 when none is measured). */
  weight: number;
}

/** A request as a sample unit: its key and its cluster (system prompt, prompt skeleton, app/team tags). */
export function sampleUnit(r: Pick<TrafficRecord, 'requestId' | 'source' | 'prompt' | 'system' | 'tags'>): SampleUnit {
  const sig = taskSignature({ ...(r.prompt !== undefined ? { prompt: r.prompt } : {}), ...(r.system !== undefined ? { system: r.system } : {}), tags: r.tags });
  return { key: requestKey(r), cluster: sig.key, clusterText: sig.text };
}

/** The clusters of the units, largest first (ties by signature), each with `sizes`' sample size. */
export function clustersOf(units: readonly SampleUnit[], sizes?: ReadonlyMap<string, number>): ClusterSample[] {
  const by = new Map<string, { text: string; requests: number }>();
  for (const u of units) {
    const c = by.get(u.cluster);
    if (c) c.requests++;
    else by.set(u.cluster, { text: u.clusterText, requests: 1 });
  }
  return [...by]
    .map(([signature, c]) => {
      const sample = Math.min(c.requests, sizes?.get(signature) ?? c.requests);
      return { signature, text: c.text, requests: c.requests, sample, weight: sample > 0 ? c.requests / sample : 0 };
    })
    .sort((a, b) => b.requests - a.requests || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
}

/** How many to measure per cluster for a sample of `n` (allocateSample over the clusters' sizes). */
export function allocate(units: readonly SampleUnit[], n: number): Map<string, number> {
  return allocateSample(
    clustersOf(units).map((c) => ({ key: c.signature, size: c.requests })),
    n,
  );
}

/**
 * The sampled requests: in each cluster, the `sizes` first by a hash of the
 * request key — the same on every run of the same traffic. Keys of the
 * chosen units.
 */
export function drawSample(units: readonly SampleUnit[], sizes: ReadonlyMap<string, number>): Set<string> {
  const byCluster = new Map<string, { key: string; rank: number }[]>();
  for (const u of units) {
    let list = byCluster.get(u.cluster);
    if (!list) byCluster.set(u.cluster, (list = []));
    list.push({ key: u.key, rank: fnv1a(u.key) });
  }
  const chosen = new Set<string>();
  for (const [cluster, list] of byCluster) {
    list.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key } of list.slice(0, sizes.get(cluster) ?? 0)) chosen.add(key);
  }
  return chosen;
}

/**
 * The largest sample whose expected measurement cost stays within `budget`:
 * `costOf(sizes)` is the expected cost of measuring an allocation. Binary
 * search over the sample size (the cost of an allocation grows with it).
 */
export function sampleSizeForBudget(units: readonly SampleUnit[], budget: Money, costOf: (sizes: ReadonlyMap<string, number>) => Money): number {
  let lo = 0;
  let hi = units.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (costOf(allocate(units, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ------------------------------------------------ what measuring would cost

/** A tier the measurement pays for: a cheaper tier replaying requests, or the judge grading each answer. */
export interface CostedTier {
  tier: string;
  model: string;
  role: 'replay' | 'judge';
  /** undefined when the catalog has no price for it. */
  price: ModelPrice | undefined;
}

/** Tokens of the judge's own prompt around the request and answers, and of its verdict: an estimate (4 characters a token). */
export const JUDGE_PROMPT_TOKENS = Math.ceil(JUDGE_PROMPT.length / 4);
export const JUDGE_VERDICT_TOKENS = 60;

/**
 * measurementCost summed over `requests` requests with these token totals (what `tokor analyze` suggests a label run
 * would cost): each part is linear in the tokens, so the sum is the same formula over the totals. `replay`: the
 * replayed tiers' prices; `judge`: the judge's. Prompts keep their class (`promptOver`) on every tier.
 */
export function bucketMeasurementCost(requests: number, tokens: { input: bigint; output: bigint; cacheRead: bigint; cacheWrite: bigint }, replay: readonly ModelPrice[], judge: ModelPrice, promptOver: number): Money {
  const input = tokens.input + tokens.cacheRead + tokens.cacheWrite;
  let m = 0n;
  for (const p of replay) m += costOf({ input, output: tokens.output, cacheRead: 0n, cacheWrite: 0n }, p, { promptOver });
  const judged = input + 2n * tokens.output + BigInt(requests) * BigInt(JUDGE_PROMPT_TOKENS);
  const verdicts = BigInt(requests) * BigInt(JUDGE_VERDICT_TOKENS);
  return m + BigInt(replay.length) * costOf({ input: judged, output: verdicts, cacheRead: 0n, cacheWrite: 0n }, judge, { promptOver });
}

/**
 * The expected cost of measuring one request on one tier, priced from the
 * request's logged tokens: a replay sends its whole logged input uncached and
 * gets about the logged answer's length back; the judge reads the request,
 * the logged answer and the tier's answer (and its prompt) and writes a short
 * verdict — once per replayed tier.
 */
export function measurementCost(tokens: TokenCounts, t: CostedTier, replayedTiers: number): Money {
  if (!t.price) return 0n;
  const input = tokens.input + tokens.cacheRead + tokens.cacheWrite;
  if (t.role === 'replay') return costOf({ input, output: tokens.output, cacheRead: 0, cacheWrite: 0 }, t.price, { promptTokens: input });
  const judged = input + 2 * tokens.output + JUDGE_PROMPT_TOKENS;
  return BigInt(replayedTiers) * costOf({ input: judged, output: JUDGE_VERDICT_TOKENS, cacheRead: 0, cacheWrite: 0 }, t.price, { promptTokens: judged });
}

/** Per cluster, the summed measurement cost of its requests on each tier. */
export type ClusterCosts = Map<string, { requests: number; byTier: Money[] }>;

export function clusterCosts(units: readonly (SampleUnit & { tokens: TokenCounts })[], tiers: readonly CostedTier[]): ClusterCosts {
  const replayed = tiers.filter((t) => t.role === 'replay').length;
  const out: ClusterCosts = new Map();
  for (const u of units) {
    let c = out.get(u.cluster);
    if (!c) out.set(u.cluster, (c = { requests: 0, byTier: tiers.map(() => 0n) }));
    c.requests++;
    for (const [i, t] of tiers.entries()) c.byTier[i]! += measurementCost(u.tokens, t, replayed);
  }
  return out;
}

/** The expected cost of measuring `sizes` requests per cluster (each at its cluster's mean), per tier and in all. */
export function expectedCost(costs: ClusterCosts, sizes: ReadonlyMap<string, number>, tiers: number): { byTier: Money[]; total: Money } {
  const byTier: Money[] = Array.from({ length: tiers }, () => 0n);
  for (const [cluster, c] of costs) {
    const n = BigInt(Math.min(c.requests, sizes.get(cluster) ?? 0));
    if (n === 0n) continue;
    // n × (sum ÷ requests), rounded up: a budget is never exceeded by rounding.
    for (const [i, sum] of c.byTier.entries()) byTier[i]! += (sum * n + BigInt(c.requests) - 1n) / BigInt(c.requests);
  }
  return { byTier, total: byTier.reduce((a, b) => a + b, 0n) };
}
