/** `tokor prices`: every price the catalog knows, or how one model ID resolves. */
import { InputError } from '../errors.js';
import { explainResolution, listPrices, type PriceFilter, type Resolution } from '../pricing/listPrices.js';
import type { ModelPrice } from '../pricing/types.js';
import type { Context } from './context.js';

export interface PricesRequest {
  /** Show how this ID resolves instead of listing. */
  model?: string;
  region?: string;
  provider?: string;
}

export type PricesResult = { kind: 'list'; rows: ModelPrice[] } | { kind: 'resolution'; resolution: Resolution };

/** Throws InputError (exit 2) when --model has no price, with the near matches. */
export async function prices(ctx: Context, req: PricesRequest): Promise<PricesResult> {
  const catalog = await ctx.catalog();
  if (req.model === undefined) {
    const filter: PriceFilter = { region: req.region, provider: req.provider };
    return { kind: 'list', rows: listPrices(catalog, filter) };
  }
  const r = explainResolution(catalog, req.model, req.region);
  if (!r.resolved) {
    const near = r.nearMatches.length ? `; near matches: ${r.nearMatches.join(', ')}` : '';
    throw new InputError(`no price for ${req.model} (canonical key ${r.canonicalKey})${near}${r.hint ? `; ${r.hint}` : ''}`);
  }
  return { kind: 'resolution', resolution: r };
}
