/**
 * Task clusters for `analyze --labels`: per cluster (template signature,
 * src/classify/signature.ts) the requests and the tokens of each predicted
 * label, and every measured request with its measured and predicted label.
 * What the stratified estimate of the distribution and the ceiling needs
 * (src/classify/estimate.ts), kept only when labels are given. Plain data and
 * Maps: crosses worker threads by structured clone.
 */
import type { Difficulty, ServiceLevel } from '../types.js';
import { addTokens, bucketKey, structuredKey, ttlParts, type PriceKey, type TokenBucket, type TtlTokens } from './tokens.js';

/** The tokens of one cluster's requests with one model, region, predicted label, batch flag and TTL. */
interface PredictedBucket extends TokenBucket, PriceKey {
  /** The labeler's label (the prior), whether or not the request was measured. */
  label: Difficulty;
  windowOver: number;
}

/** Unmeasured requests of one cluster that share a report row's coordinates (model, region, batch, service tier, group values). */
interface UnmeasuredCell {
  modelId: string;
  region: string;
  batch: boolean;
  service: ServiceLevel;
  groups: readonly string[];
  requests: number;
}

interface ClusterAcc {
  key: string;
  /** A readable rendering of the signature. */
  text: string;
  requests: number;
  measured: number;
  /** Requests per predicted label. */
  predicted: Record<Difficulty, number>;
  buckets: Map<string, PredictedBucket>;
  /**
   * The unmeasured requests by report row: what carries the cluster's
   * measured correction into the per-model and per-group rows
   * (estimateMeasured.ts rowCorrections).
   */
  unmeasured: Map<string, UnmeasuredCell>;
}

/** A measured request: what the estimate compares (measured vs predicted label) and what prices it. */
export interface MeasuredRequest extends TtlTokens {
  cluster: string;
  measured: Difficulty;
  predicted: Difficulty;
  modelId: string;
  region: string;
  batch: boolean;
}

export interface StrataAcc {
  clusters: Map<string, ClusterAcc>;
  measured: MeasuredRequest[];
}

/** What a record contributes (from recordFacts, labels mode only). */
export interface StratumFacts extends TtlTokens {
  cluster: { key: string; text: string };
  /** The labeler's label; `measured` when a label was measured. */
  predicted: Difficulty;
  measured?: Difficulty;
  modelId: string;
  region: string;
  batch: boolean;
  /** The record's --group-by values, in the accumulator's order. */
  groups: readonly string[];
}

export function newStrata(): StrataAcc {
  return { clusters: new Map(), measured: [] };
}

export function addToStrata(s: StrataAcc, f: StratumFacts): void {
  let c = s.clusters.get(f.cluster.key);
  if (!c) {
    c = { key: f.cluster.key, text: f.cluster.text, requests: 0, measured: 0, predicted: { easy: 0, moderate: 0, hard: 0 }, buckets: new Map(), unmeasured: new Map() };
    s.clusters.set(f.cluster.key, c);
  }
  c.requests++;
  c.predicted[f.predicted]++;
  for (const p of ttlParts(f)) {
    const key = bucketKey(f.modelId, f.region, f.predicted, f.batch, p.ttl, f.over, f.service, f.windowOver);
    let b = c.buckets.get(key);
    if (!b) {
      b = { modelId: f.modelId, region: f.region, label: f.predicted, batch: f.batch, ttl: p.ttl, over: f.over, service: f.service, windowOver: f.windowOver, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
      c.buckets.set(key, b);
    }
    addTokens(b, p.requests, p.input, p.output, p.cacheRead, p.cacheWrite);
  }
  if (f.measured !== undefined) {
    c.measured++;
    const { cluster, measured, groups: _groups, ...rest } = f;
    s.measured.push({ ...rest, cluster: cluster.key, measured });
  } else addCell(c.unmeasured, { modelId: f.modelId, region: f.region, batch: f.batch, service: f.service, groups: f.groups, requests: 1 });
}

function addCell(into: Map<string, UnmeasuredCell>, cell: UnmeasuredCell): void {
  const key = structuredKey(cell.modelId, cell.region, cell.batch ? 'b' : '', cell.service, ...cell.groups);
  const t = into.get(key);
  if (t) t.requests += cell.requests;
  else into.set(key, { ...cell });
}

export function mergeStrata(into: StrataAcc, from: StrataAcc): void {
  for (const [k, c] of from.clusters) {
    const t = into.clusters.get(k);
    if (!t) {
      into.clusters.set(k, c);
      continue;
    }
    t.requests += c.requests;
    t.measured += c.measured;
    for (const d of ['easy', 'moderate', 'hard'] as const) t.predicted[d] += c.predicted[d];
    for (const cell of c.unmeasured.values()) addCell(t.unmeasured, cell);
    for (const [bk, b] of c.buckets) {
      const tb = t.buckets.get(bk);
      if (!tb) t.buckets.set(bk, b);
      else {
        addTokens(tb, b.requests, b.input, b.output, b.cacheRead, b.cacheWrite);
        if (b.big) {
          tb.big ??= { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n };
          for (const kind of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) tb.big[kind] += b.big[kind];
        }
      }
    }
  }
  for (const m of from.measured) into.measured.push(m);
}
