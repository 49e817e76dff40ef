/** The bundled catalogs as the catalog tests read them: one row by model ID and Region, token counts, a prompt's size. */
import { type ModelPrice, type TokenAmounts, builtinCatalog, resolvePrice } from '../../src/pricing/index.js';

export const catalog = builtinCatalog();

/** The bundled row a model ID resolves to (throws when none does). */
export function builtinPrice(id: string, region?: string): ModelPrice {
  const r = resolvePrice(catalog, id, region);
  if (!r) throw new Error(`${id} (${region ?? 'no region'}) does not resolve`);
  return r.price;
}

export const tokens = (t: Partial<TokenAmounts>): TokenAmounts => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, ...t });

/** The prompt the long-context rule measures: input + cache reads + cache writes. */
export const promptOf = (t: TokenAmounts) => Number(t.input) + Number(t.cacheRead) + Number(t.cacheWrite);
