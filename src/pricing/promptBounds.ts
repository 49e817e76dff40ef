/**
 * Prompt classes: the request sizes where some price of a catalog changes (every long-context `above`), and the
 * context windows and input limits of the routing tiers' models, so that requests summed into one bucket all pay
 * the same rates and fit the same tiers. A request has two classes over the same bounds: its prompt's (input +
 * cache-read + cache-write tokens), what a long-context price and an input limit read, and its prompt and
 * answer's (those plus its output tokens), what a context window must hold. A bucket keeps each class as the
 * largest bound its requests are over (0 under every bound); a price's long-context rates apply to the bucket when
 * its prompt class is at least their `above` (cost.ts isLongPrompt), and a tier cannot hold it when its window
 * class is at least the tier's window or its prompt class at least the tier's input limit (windowHolds). Pure.
 */
import type { Catalog, ModelPrice } from './types.js';

/**
 * Every long-context threshold of the catalog and the context window and input limit of every row of the `tiers`'
 * price keys, ascending, once each (empty when there are none).
 */
export function promptBounds(catalog: Catalog, tiers: readonly string[] = []): number[] {
  const bounds = new Set<number>();
  const keys = new Set(tiers);
  for (const p of catalog.prices) {
    if (p.longContext) bounds.add(p.longContext.above);
    if (p.contextWindow !== undefined && keys.has(p.key)) bounds.add(p.contextWindow);
    if (p.maxInputTokens !== undefined && keys.has(p.key)) bounds.add(p.maxInputTokens);
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
 * Whether a model holds every request of a prompt class and a window class (a bucket's `over` and `windowOver`, or
 * one request's overOfPrompt(prompt) and overOfPrompt(prompt + output)): its context window their prompt and
 * answer, its input limit their prompt. Undefined when the catalog states neither for it.
 */
export function windowHolds(price: Pick<ModelPrice, 'contextWindow' | 'maxInputTokens'>, over: number, windowOver: number): boolean | undefined {
  const { contextWindow, maxInputTokens } = price;
  if (contextWindow === undefined && maxInputTokens === undefined) return undefined;
  return (contextWindow === undefined || windowOver < contextWindow) && (maxInputTokens === undefined || over < maxInputTokens);
}
