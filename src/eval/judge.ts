/**
 * The llm judge: one prompt → the judge tier's text, cached, and called
 * through the run's engine like items (same limiter, the one retry,
 * Retry-After and the run's Halt).
 */
import { cacheKey, toCached, type ResponseStore } from './cache.js';
import type { CallEngine } from './engine/index.js';
import type { ItemPricer, TierRun } from './runItems.js';

/** maxTokens for judge calls. */
export const JUDGE_MAX_TOKENS = 512;

/** What the judge cost: calls made (cache hits are free) and USD paid. */
export interface JudgeStats {
  calls: number;
  spentUsd: number;
}

/**
 * A judge function: one prompt → the judge's text, cached, and called through
 * the run's engine like items (same limiter, retries, Retry-After and stop
 * signal). A stopped run rejects with Cancelled, which the grader passes on so
 * the item is left for --resume rather than graded as a failure.
 */
export function makeJudge(jr: TierRun, o: { cache?: ResponseStore | undefined; engine: CallEngine; pricer: ItemPricer; stats: JudgeStats }): (prompt: string) => Promise<string> {
  return async (prompt) => {
    const input = { messages: [{ role: 'user' as const, content: prompt }] };
    const key = o.cache
      ? cacheKey({ provider: jr.client.provider, model: jr.client.model, ...(jr.client.endpoint ? { endpoint: jr.client.endpoint } : {}), maxTokens: JUDGE_MAX_TOKENS, temperature: 0, input })
      : undefined;
    const hit = key ? await o.cache!.get(key) : undefined;
    if (hit) return hit.output;
    const res = await o.engine.call(jr, { input, maxTokens: JUDGE_MAX_TOKENS, temperature: 0 }, 'judge');
    o.stats.calls++;
    o.stats.spentUsd += o.pricer(jr, res.invokedModel ?? res.model ?? jr.model, res.usage) ?? 0;
    if (key) await o.cache!.set(key, toCached(res)).catch(() => undefined);
    return res.output;
  };
}

