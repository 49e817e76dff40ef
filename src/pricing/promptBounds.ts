/**
 * Prompt classes: the prompt sizes where some price of a catalog changes (every long-context `above`), so
 * that requests summed into one bucket all pay the same rates. A bucket keeps its class as the largest bound
 * its requests' prompts are over (0 under every bound); a price's long-context rates apply to the bucket when
 * that bound is at least their `above` (cost.ts isLongPrompt). Pure.
 */
import type { Catalog } from './types.js';

/** Every long-context threshold of the catalog, ascending, once each (empty when no price has one). */
export function promptBounds(catalog: Catalog): number[] {
  const bounds = new Set<number>();
  for (const p of catalog.prices) if (p.longContext) bounds.add(p.longContext.above);
  return [...bounds].sort((a, b) => a - b);
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
