/**
 * `analyze --labels`: the difficulty mix and the routed ceiling for the whole
 * traffic, estimated from the measured sample with 95% intervals — stratified
 * over task clusters, with the labeler's prediction on every request as the
 * control variate (prediction-powered inference, src/classify/estimate.ts).
 * Unmeasured requests are never priced as if their predicted label had been
 * measured: the measured sample corrects the prediction's bias per cluster,
 * and the interval says how far that correction can be trusted. Pure.
 */
import { estimateTotal, type MeasuredUnit, type StratumTotal } from '../classify/estimate.js';
import { zFor } from '../stats/interval.js';
import { moneyToUsd, type Money } from '../pricing/index.js';
import { DIFFICULTIES, type Difficulty, type ServiceLevel } from '../types.js';
import type { MeasuredRequest, StrataAcc } from './strata.js';
import { bucketTokens, structuredKey, ttlParts, type TokenKind } from './tokens.js';

/** What a request's routed cost needs: who served it, where, how; null when its model has no price. */
export type RoutedCost = (x: { modelId: string; region: string; batch: boolean; ttl: '5m' | '1h'; over: number; service: ServiceLevel; windowOver: number }, tokens: Record<TokenKind, bigint>, label: Difficulty) => Money | null;

/** One task cluster in the report (`clusters[]`). */
export interface ClusterRow {
  /** The template signature, readable ("app/team · system#ab12 · first words …"). */
  signature: string;
  /** Its stable key (8 hex digits), the `cluster` of a labels line. */
  key: string;
  requests: number;
  measured: number;
  /** Estimated share of the cluster's requests that are easy. */
  easyShare: number;
  ci95: [number, number];
}

export interface MeasuredEstimate {
  /** Measured requests behind the estimate. */
  n: number;
  distribution: Record<Difficulty, { count: number; share: number; ci95: [number, number] }>;
  /** Σ over every priced request of its cost on its label's tier, estimated. */
  routedUsd: number;
  routedCi95: [number, number];
  clusters: ClusterRow[];
}

export function estimateMeasured(strata: StrataAcc, routedCost: RoutedCost, confidence: number): MeasuredEstimate {
  const clusters = sortedClusters(strata);
  const units = sortedUnits(strata);
  const usd = (m: Money | null) => (m === null ? 0 : moneyToUsd(m));
  // Requests without a price are in no cost figure: the cost strata hold the priced ones only.
  const costStrata: StratumTotal[] = clusters.map((c) => {
    let sum = 0n;
    let priced = 0;
    for (const b of c.buckets.values()) {
      const cost = routedCost(b, bucketTokens(b), b.label);
      if (cost === null) continue;
      sum += cost;
      priced += b.requests;
    }
    return { key: c.key, size: priced, predicted: moneyToUsd(sum) };
  });
  // A request is priced as the buckets price it: each cache-write TTL at its own rate (tokens.ts ttlParts).
  const unitCost = (u: MeasuredRequest, label: Difficulty): Money | null => {
    let sum = 0n;
    for (const p of ttlParts(u)) {
      const c = routedCost({ ...u, ttl: p.ttl }, { input: BigInt(p.input), output: BigInt(p.output), cacheRead: BigInt(p.cacheRead), cacheWrite: BigInt(p.cacheWrite) }, label);
      if (c === null) return null;
      sum += c;
    }
    return sum;
  };
  const costUnits: MeasuredUnit[] = units.flatMap((u) => {
    const measured = unitCost(u, u.measured);
    return measured === null ? [] : [{ stratum: u.cluster, measured: moneyToUsd(measured), predicted: usd(unitCost(u, u.predicted)) }];
  });
  const cost = estimateTotal(costStrata, costUnits, confidence);
  const N = clusters.reduce((s, c) => s + c.requests, 0);
  const z = zFor(confidence);
  const shareOf = (d: Difficulty) =>
    estimateTotal(
      clusters.map((c) => ({ key: c.key, size: c.requests, predicted: c.predicted[d] })),
      units.map((u) => ({ stratum: u.cluster, measured: u.measured === d ? 1 : 0, predicted: u.predicted === d ? 1 : 0 })),
      confidence,
    );
  const byLabel = Object.fromEntries(DIFFICULTIES.map((d) => [d, shareOf(d)])) as Record<Difficulty, ReturnType<typeof estimateTotal>>;
  const distribution = Object.fromEntries(
    DIFFICULTIES.map((d) => {
      const e = byLabel[d];
      return [d, { count: units.filter((u) => u.measured === d).length, share: round(unit(e.total / N)), ci95: [round(unit(e.ci[0] / N)), round(unit(e.ci[1] / N))] as [number, number] }];
    }),
  ) as MeasuredEstimate['distribution'];
  const easy = byLabel.easy.strata;
  return {
    n: units.length,
    distribution,
    routedUsd: round(Math.max(0, cost.total)),
    routedCi95: [round(Math.max(0, cost.ci[0])), round(Math.max(0, cost.ci[1]))],
    clusters: clusters
      .map((c, i) => {
        const e = easy[i]!;
        return {
          signature: c.text,
          key: c.key,
          requests: c.requests,
          measured: c.measured,
          easyShare: round(unit(e.total / e.size)),
          ci95: [round(unit((e.total - z * e.se) / e.size)), round(unit((e.total + z * e.se) / e.size))] as [number, number],
        };
      })
      .sort((a, b) => b.requests - a.requests || byText(a.key, b.key)),
  };
}

/**
 * A per-request quantity, summed over `requests` requests with these tokens
 * and this label (1 per easy request; the cost on the label's tier; …); null
 * when the model has no price (such requests are in no figure of a money
 * quantity).
 */
export type RowQuantity = (x: { modelId: string; region: string; batch: boolean; ttl: '5m' | '1h'; over: number; service: ServiceLevel; windowOver: number }, tokens: Record<TokenKind, bigint>, requests: number, label: Difficulty) => number | null;

/** What the estimate adds to each report row: keys structuredKey(modelId, region) and structuredKey(String(dim), value). */
export interface RowCorrections {
  byModel: Map<string, number>;
  byGroup: Map<string, number>;
}

/**
 * The per-model and per-group rows under measured labels. A row's figure is
 * its requests' quantity on their labels (measured where measured, the
 * prediction elsewhere) plus, for each unmeasured request, its cluster's
 * measured correction — mean(f(measured) − f(predicted)) over the cluster's
 * measured requests, the same correction the whole-traffic estimate applies
 * (the rest stratum's for thin clusters). The rows then add up to the
 * estimate's total (exactly where every measured cluster has two measured
 * requests), and no row prices an unmeasured request on its prior label as
 * if it had been measured. Returns what to add to each row's sum on labels.
 */
export function rowCorrections(strata: StrataAcc, quantity: RowQuantity, confidence: number): RowCorrections {
  const clusters = sortedClusters(strata);
  const zero = { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n };
  const totals: StratumTotal[] = clusters.map((c) => {
    let sum = 0;
    let size = 0;
    for (const b of c.buckets.values()) {
      const q = quantity(b, bucketTokens(b), b.requests, b.label);
      if (q === null) continue;
      sum += q;
      size += b.requests;
    }
    return { key: c.key, size, predicted: sum };
  });
  const unitValue = (u: MeasuredRequest, label: Difficulty): number | null => {
    let sum = 0;
    for (const p of ttlParts(u)) {
      const q = quantity({ ...u, ttl: p.ttl }, { input: BigInt(p.input), output: BigInt(p.output), cacheRead: BigInt(p.cacheRead), cacheWrite: BigInt(p.cacheWrite) }, p.requests, label);
      if (q === null) return null;
      sum += q;
    }
    return sum;
  };
  const units: MeasuredUnit[] = sortedUnits(strata).flatMap((u) => {
    const measured = unitValue(u, u.measured);
    return measured === null ? [] : [{ stratum: u.cluster, measured, predicted: unitValue(u, u.predicted) ?? 0 }];
  });
  const est = estimateTotal(totals, units, confidence);
  const out: RowCorrections = { byModel: new Map(), byGroup: new Map() };
  const add = (m: Map<string, number>, key: string, x: number) => m.set(key, (m.get(key) ?? 0) + x);
  clusters.forEach((c, i) => {
    const t = totals[i]!;
    if (t.size === 0) return;
    const correction = (est.strata[i]!.total - t.predicted) / t.size;
    for (const cell of c.unmeasured.values()) {
      if (quantity({ ...cell, ttl: '5m', over: 0, windowOver: 0 }, zero, 0, 'easy') === null) continue;
      const x = cell.requests * correction;
      add(out.byModel, structuredKey(cell.modelId, cell.region), x);
      cell.groups.forEach((value, dim) => {
        add(out.byGroup, structuredKey(String(dim), value), x);
      });
    }
  });
  return out;
}

function sortedClusters(strata: StrataAcc) {
  return [...strata.clusters.values()].sort((a, b) => byText(a.key, b.key));
}

// A fixed order: worker threads hand the measured requests over in any order, the sums must not depend on it.
function sortedUnits(strata: StrataAcc): MeasuredRequest[] {
  return [...strata.measured].sort(
    (a, b) => byText(a.cluster, b.cluster) || byText(a.measured, b.measured) || byText(a.predicted, b.predicted) || byText(a.modelId, b.modelId) || byText(a.region, b.region) || a.input - b.input || a.output - b.output || a.cacheRead - b.cacheRead || a.cacheWrite - b.cacheWrite || (a.cacheWrite1h ?? 0) - (b.cacheWrite1h ?? 0),
  );
}

function unit(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
