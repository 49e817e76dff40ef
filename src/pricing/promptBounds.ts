/**
 * Prompt classes: the prompt sizes where some price of a catalog changes (every long-context `above`), and the
 * context windows of the routing tiers' models, so that requests summed into one bucket all pay the same rates
 * and fit the same tiers. A bucket keeps its class as the largest bound its requests' prompts are over (0 under
 * every bound); a price's long-context rates apply to the bucket when that bound is at least their `above`
 * (cost.ts isLongPrompt), and a tier cannot hold it when that bound is at least the tier's window. Pure.
 */
import type { Catalog } from './types.js';

/**
 * Every long-context threshold of the catalog and the context window of every row of the `tiers`' price keys,
 * ascending, once each (empty when there are none).
 */
export function promptBounds(catalog: Catalog, tiers: readonly string[] = []): number[] {
  const bounds = new Set<number>();
  const keys = new Set(tiers);
  for (const p of catalog.prices) {
    if (p.longContext) bounds.add(p.longContext.above);
    if (p.contextWindow !== undefined && keys.has(p.key)) bounds.add(p.contextWindow);
  }
  return [...bounds].sort((a, b) => a - b);
}

/**
 * One prompt as a class of its own: the size it is over, for comparing with a bound as a bucket's class is
 * (a prompt of p tokens is over p − 1: over a bound b exactly when p > b).
 */
export function overOfPrompt(promptTokens: number): number {
  return promptTokens - 1;
}

/** A prompt's class: the largest bound it is over, 0 when it is over none. */
export function promptOverOf(promptTokens: number, bounds: readonly number[]): number {
  let over = 0;
  for (const b of bounds) {
    if (promptTokens > b) over = b;
    else break;
  }
  return over;
}
