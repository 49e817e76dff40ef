/**
 * The one retry of a run, used by item answers and llm-judge verdicts alike
 * (providers disable their SDK's own retries):
 * - retried: ThrottledError (429 ThrottlingException, or the SDK's throttling
 *   hint), TransientError (5xx, ModelNotReady, timeouts, dropped connections,
 *   malformed bodies);
 * - never retried: ValidationError (4xx), a missing recording;
 * - wait before retry k (0-based) = the larger of the server's Retry-After
 *   (when it sent one) and random() × min(maxMs, baseMs × 2^k) ("full
 *   jitter"), never longer than the per-request timeout; at most `retries`
 *   retries; no retry once the run is stopping.
 */
import { ProviderError, ThrottledError, type InvokeResult } from '../provider.js';
import type { Attempted } from './attempt.js';
import { Cancelled } from './errors.js';
import type { Halt } from './halt.js';
import type { Sleep } from './timers.js';

export const DEFAULT_RETRIES = 6;
export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 20_000 };

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** Full-jitter exponential backoff: random() × min(max, base × 2^attempt). */
export function backoffDelay(attempt: number, random: () => number, b: Backoff = DEFAULT_BACKOFF): number {
  return Math.floor(random() * Math.min(b.maxMs, b.baseMs * 2 ** attempt));
}

/** The wait before retry `attempt`: the server's Retry-After when longer than the backoff, capped by the per-request timeout. */
export function retryDelay(attempt: number, e: ProviderError, o: { random: () => number; backoff?: Backoff; timeoutMs: number }): number {
  const backoff = backoffDelay(attempt, o.random, o.backoff);
  const asked = e.retryAfterMs ?? 0;
  return Math.min(Math.max(backoff, asked), o.timeoutMs);
}

export interface RetryPolicy {
  retries: number;
  backoff: Backoff;
  timeoutMs: number;
  random: () => number;
  sleep: Sleep;
}

/** What a call's retries report; `T` tags the call (where it went, what for), so one set of hooks serves every call of a run. */
export interface RetryHooks<T> {
  /** Every throttled attempt (the limiter cuts its limit). */
  onThrottle(seq: number): void;
  onSuccess(): void;
  /** Counted before the wait. */
  onRetry(): void;
  /** The call tagged `call` failed for good with `e` (already marked with its attempts). */
  onFailure(e: ProviderError, call: T): void;
}

/**
 * Attempts until an answer, a failure that is not retryable or out of
 * retries (rejects with it), or a stopped run (rejects with Cancelled).
 */
export async function withRetries<T>(once: () => Promise<Attempted>, policy: RetryPolicy, halt: Halt, hooks: RetryHooks<T>, call: T): Promise<InvokeResult> {
  for (let k = 0; ; k++) {
    const { res, err, seq, cancelled } = await once();
    if (cancelled) throw new Cancelled();
    if (res) {
      hooks.onSuccess();
      return res;
    }
    const e = err!;
    if (e instanceof ThrottledError) hooks.onThrottle(seq);
    if (!e.retryable || k >= policy.retries) {
      const final = k > 0 && e.retryable ? new ProviderError(`${e.message} (gave up after ${k + 1} attempts)`, { retryable: false, code: e.code, status: e.status }) : e;
      hooks.onFailure(final, call);
      throw final;
    }
    if (halt.stopping) throw new Cancelled();
    hooks.onRetry();
    await policy.sleep(retryDelay(k, e, policy), halt.stopSignal);
    if (halt.stopping) throw new Cancelled();
  }
}
