/**
 * Pricing: the price catalog as data, model-ID normalization and exact cost math.
 * See types.ts for the rules every caller relies on.
 */
export type { Catalog, CatalogSource, CostBreakdown, CostOptions, ModelPrice, Money, PriceLookup } from './types.js';
export { builtinCatalog, mergeCatalogs, parseCatalogText } from './catalog.js';
export { canonicalModelKey, fastModelId, parseModelId, PROFILE_PREFIXES, type ParsedModelId } from './modelId.js';
export { keyForName, nearMatches, resolvePrice } from './resolve.js';
export { costOf, isLongPrompt, priceTokens, type TokenAmounts } from './cost.js';
export { overOfPrompt, promptBounds, promptOverOf, windowHolds, windowOverOf } from './promptBounds.js';
export { formatUsd, moneyToDecimal, moneyToUsd, PICO_PER_USD, rateToPico, sumMoney, usdToMoney } from './money.js';
export { explainResolution, listPrices, renderPrices, renderResolutionAs, type PriceFilter, type Resolution } from './listPrices.js';
