/**
 * The actual (log-derived) cost per UTC day and model, so a bill is compared
 * with the logs over the days both cover (src/costs/reconcile.ts). Pure: the
 * accumulator's day buckets priced at the rates the report's buckets use.
 */
import { moneyToUsd, priceTokens, type ModelPrice, type Money } from '../pricing/index.js';
import { bucketTokens, structuredKey, type Accumulator } from './accumulate.js';

/** One day of one model's priced traffic (`byDay` in analyze's JSON with --bill). */
export interface DayCostRow {
  /** UTC date of the records' timestamps, YYYY-MM-DD. */
  day: string;
  /** The model ID as logged. */
  model: string;
  /** The catalog key it was priced as. */
  modelKey: string;
  requests: number;
  costUsd: number;
  costByTokenKind: { input: number; output: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number };
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
}

type Kinds = Record<'input' | 'output' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h', Money>;

/** Priced day rows, by day then model; unpriced models are left out (they are listed in unpricedModels). */
export function costByDay(acc: Pick<Accumulator, 'days'>, priceOf: (modelId: string, region: string) => ModelPrice | undefined): DayCostRow[] {
  const rows = new Map<string, { day: string; model: string; modelKey: string; requests: number; total: Money; kinds: Kinds; tokens: Record<'input' | 'output' | 'cacheRead' | 'cacheWrite', bigint> }>();
  for (const b of acc.days?.values() ?? []) {
    const price = priceOf(b.modelId, b.region);
    if (!price) continue;
    const t = bucketTokens(b);
    const paid = priceTokens(t, price, { batch: b.batch, service: b.service, cacheWriteTtl: b.ttl, promptOver: b.over });
    const k = structuredKey(b.day, b.modelId, price.key);
    const row = rows.get(k) ?? {
      day: b.day,
      model: b.modelId,
      modelKey: price.key,
      requests: 0,
      total: 0n,
      kinds: { input: 0n, output: 0n, cacheRead: 0n, cacheWrite5m: 0n, cacheWrite1h: 0n },
      tokens: { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n },
    };
    rows.set(k, row);
    row.requests += b.requests;
    row.total += paid.total;
    row.kinds.input += paid.input;
    row.kinds.output += paid.output;
    row.kinds.cacheRead += paid.cacheRead;
    row.kinds[b.ttl === '1h' ? 'cacheWrite1h' : 'cacheWrite5m'] += paid.cacheWrite;
    for (const kind of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) row.tokens[kind] += t[kind];
  }
  return [...rows.values()]
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
    .map((r) => {
      return {
        day: r.day,
        model: r.model,
        modelKey: r.modelKey,
        requests: r.requests,
        costUsd: usd(r.total),
        costByTokenKind: {
          input: usd(r.kinds.input),
          output: usd(r.kinds.output),
          cacheRead: usd(r.kinds.cacheRead),
          cacheWrite5m: usd(r.kinds.cacheWrite5m),
          cacheWrite1h: usd(r.kinds.cacheWrite1h),
        },
        tokens: { input: Number(r.tokens.input), output: Number(r.tokens.output), cacheRead: Number(r.tokens.cacheRead), cacheWrite: Number(r.tokens.cacheWrite) },
      };
    });
}

/** USD rounded as the report rounds (6 decimals). */
function usd(m: Money): number {
  return Math.round(moneyToUsd(m) * 1e6) / 1e6;
}
