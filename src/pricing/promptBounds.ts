/**
 * Prompt classes: the request sizes where some price of a catalog changes (every long-context `above`), and the
 * context windows of the routing tiers' models, so that requests summed into one bucket all pay the same rates
 * and fit the same tiers. A request has two classes over the same bounds: its prompt's (input + cache-read +
 * cache-write tokens), what a long-context price reads, and its prompt and answer's (those plus its output
 * tokens), what a context window must hold. A bucket keeps each class as the largest bound its requests are
 * over (0 under every bound); a price's long-context rates apply to the bucket when its prompt class is at least
 * their `above` (cost.ts isLongPrompt), and a tier cannot hold it when its window class is at least the tier's
 * window (windowHolds). Pure.
 */
import type { Catalog, ModelPrice } from './types.js';

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

/**
 * A request's window class: the largest bound its prompt and answer together are over (a context window holds
 * both), 0 when they are over none. Never below the prompt's class (promptOverOf) over the same bounds.
 */
export function windowOverOf(promptTokens: number, outputTokens: number, bounds: readonly number[]): number {
  return promptOverOf(promptTokens + outputTokens, bounds);
}

/**
 * Whether a model's context window holds every request of a window class (the bucket's `windowOver`, or one
 * request's overOfPrompt(prompt + output)); undefined when the catalog states no window for it.
 */
export function windowHolds(price: Pick<ModelPrice, 'contextWindow'>, windowOver: number): boolean | undefined {
  return price.contextWindow === undefined ? undefined : windowOver < price.contextWindow;
}
