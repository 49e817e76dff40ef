/**
 * Prices answers from the catalog: priceAs, else the model that answered,
 * else the tier's model; each price resolved once per tier and model.
 */
import type { Catalog, PriceLookup } from '../pricing/index.js';
import type { Usage } from './provider.js';
import type { ItemPricer, TierRun } from './runItems.js';

/** The parts of src/pricing the runner uses (imported lazily: the CLI only loads catalogs when it prices). */
export type PricingApi = Pick<typeof import('../pricing/index.js'), 'resolvePrice' | 'costOf' | 'moneyToUsd'>;

/** Prices answers from the catalog: priceAs, else the model that answered, else the tier's model. Null when none has a price. */
export function makePricer(pricing: PricingApi, catalog: Catalog, onUnpriced?: (model: string) => void): ItemPricer & { lookup(model: string, region?: string): PriceLookup | undefined } {
  const { resolvePrice, costOf, moneyToUsd } = pricing;
  const memo = new Map<string, PriceLookup | undefined>();
  const lookup = (model: string, region?: string) => {
    const k = `${model}\u0000${region ?? ''}`;
    if (!memo.has(k)) memo.set(k, resolvePrice(catalog, model, region));
    return memo.get(k);
  };
  const reported = new Set<string>();
  // The price an answer is billed at, per tier and answering model: resolved once.
  const resolved = new WeakMap<TierRun, Map<string, PriceLookup | undefined>>();
  const resolve = (tier: TierRun, answering: string): PriceLookup | undefined => {
    const candidates = [tier.priceAs, answering, tier.model].filter((m): m is string => Boolean(m));
    for (const m of candidates) {
      const hit = lookup(m, tier.region);
      if (hit) return hit;
    }
    const name = candidates[0] ?? answering;
    if (!reported.has(name)) {
      reported.add(name);
      onUnpriced?.(name);
    }
    return undefined;
  };
  const pricer = (tier: TierRun, answering: string, usage: Usage): number | null => {
    let byModel = resolved.get(tier);
    if (!byModel) resolved.set(tier, (byModel = new Map()));
    let hit = byModel.get(answering);
    if (hit === undefined && !byModel.has(answering)) byModel.set(answering, (hit = resolve(tier, answering)));
    if (!hit) return null;
    const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    return moneyToUsd(costOf({ input: usage.inputTokens, output: usage.outputTokens, cacheRead: usage.cacheReadTokens, cacheWrite: usage.cacheWriteTokens }, hit.price, { promptTokens }));
  };
  return Object.assign(pricer, { lookup });
}

