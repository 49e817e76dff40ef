/**
 * The gateway's own cost figure (LiteLLM `spend` / `response_cost`) beside
 * tokor's price of the same requests: the requests that carry one, priced at
 * the rates the report uses. Pure; exact sums (Money) until the report.
 */
import { moneyToUsd, priceTokens, type ModelPrice, type Money } from '../pricing/index.js';
import { bucketTokens, type Accumulator } from './accumulate.js';

/** `gatewayCost` in analyze's JSON (docs/analyze.md): present when some request carries the gateway's cost. */
export interface GatewayCost {
  /** Requests that carry the gateway's own cost. */
  requests: number;
  /** Σ the gateway's figure, USD. */
  reportedUsd: number;
  /** tokor's price of the same requests, USD (unpriced models count 0 and are listed in unpricedRequests). */
  tokorUsd: number;
  /** The gateway's figure minus tokor's, over the requests tokor prices. */
  deltaUsd: number;
  /** Of those requests, the ones tokor has no price for. */
  unpricedRequests: number;
  byModel: { model: string; modelKey: string | null; requests: number; reportedUsd: number; tokorUsd: number | null; deltaUsd: number | null }[];
}

export function gatewayCost(acc: Pick<Accumulator, 'reported'>, priceOf: (modelId: string, region: string) => ModelPrice | undefined): GatewayCost | undefined {
  if (!acc.reported || acc.reported.size === 0) return undefined;
  const models = new Map<string, { model: string; modelKey: string | null; requests: number; reported: Money; tokor: Money; priced: boolean }>();
  let requests = 0;
  let unpriced = 0;
  let reported = 0n;
  let tokor = 0n;
  let reportedPriced = 0n;
  for (const b of acc.reported.values()) {
    const price = priceOf(b.modelId, b.region);
    const m = models.get(b.modelId) ?? { model: b.modelId, modelKey: price?.key ?? null, requests: 0, reported: 0n, tokor: 0n, priced: price !== undefined };
    models.set(b.modelId, m);
    m.requests += b.requests;
    m.reported += b.reportedCost;
    requests += b.requests;
    reported += b.reportedCost;
    if (!price) {
      unpriced += b.requests;
      continue;
    }
    reportedPriced += b.reportedCost;
    const cost = priceTokens(bucketTokens(b), price, { batch: b.batch, service: b.service, cacheWriteTtl: b.ttl, promptOver: b.over }).total;
    m.tokor += cost;
    tokor += cost;
  }
  return {
    requests,
    reportedUsd: usd(reported),
    tokorUsd: usd(tokor),
    deltaUsd: usd(reportedPriced - tokor),
    unpricedRequests: unpriced,
    byModel: [...models.values()]
      .sort((a, b) => (b.reported > a.reported ? 1 : b.reported < a.reported ? -1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
      .map((m) => ({
        model: m.model,
        modelKey: m.modelKey,
        requests: m.requests,
        reportedUsd: usd(m.reported),
        tokorUsd: m.priced ? usd(m.tokor) : null,
        deltaUsd: m.priced ? usd(m.reported - m.tokor) : null,
      })),
  };
}

/** USD rounded as the report rounds (6 decimals). */
function usd(m: Money): number {
  return Math.round(moneyToUsd(m) * 1e6) / 1e6;
}
