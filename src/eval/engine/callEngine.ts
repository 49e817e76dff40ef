/**
 * The one path every model call of a run takes — item answers and llm-judge
 * calls alike: a permit from the adaptive limiter (limiter.ts), one attempt
 * with its own timeout (attempt.ts), the one retry (retry.ts), and the run's
 * Halt (halt.ts). Pure of process and console; timers, sleep and randomness
 * are injectable so tests are deterministic.
 */
import type { InvokeRequest, InvokeResult, ModelClient } from '../provider.js';
import { attempt, type AttemptContext } from './attempt.js';
import { ErrorTally, type CallPurpose } from './errors.js';
import { Halt } from './halt.js';
import { AdaptiveLimiter } from './limiter.js';
import { DEFAULT_BACKOFF, DEFAULT_RETRIES, withRetries, type Backoff, type RetryHooks, type RetryPolicy } from './retry.js';
import { abortableSleep, REAL_TIMERS, type Sleep, type Timers } from './timers.js';

/** A client as the engine calls it, with where it points (for error advice). */
export interface CallTarget {
  client: ModelClient;
  region?: string | undefined;
  profile?: string | undefined;
}

export interface EngineOptions {
  /** The starting (and highest) limit on attempts in flight. */
  concurrency: number;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** Retries after the first attempt (default 6). */
  retries?: number | undefined;
  backoff?: Backoff | undefined;
  /** Adaptive concurrency on throttling (default on). */
  adaptive?: boolean | undefined;
  /** Stop retries and new work; attempts in flight may finish. */
  stopSignal?: AbortSignal | undefined;
  /** Abort attempts in flight too. */
  abortSignal?: AbortSignal | undefined;
  sleep?: Sleep | undefined;
  random?: (() => number) | undefined;
  timers?: Timers | undefined;
}

export class CallEngine {
  readonly limiter: AdaptiveLimiter;
  /** The run's one cancellation mechanism: stop, abort, and a failure that ends the run. */
  readonly halt: Halt;
  readonly stats = { retries: 0, throttled: 0 };
  readonly errors = new ErrorTally();
  /** Called after each retry is counted (progress). */
  onRetry: (() => void) | undefined;
  private readonly policy: RetryPolicy;
  private readonly attempts: AttemptContext;
  /** One set for every call (not a set of closures per call, which every call in flight would keep alive). */
  private readonly hooks: RetryHooks<{ target: CallTarget; purpose: CallPurpose }> = {
    onSuccess: () => this.limiter.onSuccess(),
    onThrottle: (seq) => {
      this.stats.throttled++;
      this.limiter.onThrottle(seq);
    },
    onRetry: () => {
      this.stats.retries++;
      this.onRetry?.();
    },
    onFailure: (e, { target, purpose }) =>
      this.errors.add(e, purpose, { provider: target.client.provider, model: target.client.model, endpoint: target.client.endpoint, region: target.region, profile: target.profile }),
  };

  constructor(o: EngineOptions) {
    this.limiter = new AdaptiveLimiter(Math.max(1, Math.floor(o.concurrency)), o.adaptive ?? true);
    this.halt = new Halt({ stopSignal: o.stopSignal, abortSignal: o.abortSignal });
    this.policy = { retries: o.retries ?? DEFAULT_RETRIES, backoff: o.backoff ?? DEFAULT_BACKOFF, timeoutMs: o.timeoutMs, random: o.random ?? Math.random, sleep: o.sleep ?? abortableSleep };
    this.attempts = { limiter: this.limiter, halt: this.halt, timeoutMs: o.timeoutMs, timers: o.timers ?? REAL_TIMERS };
  }

  /** Detaches from the caller's signals. */
  dispose(): void {
    this.halt.dispose();
  }

  /** One call with retries; resolves with the answer, rejects with the final ProviderError (tallied) or with Cancelled when the run stops. */
  call(target: CallTarget, req: Omit<InvokeRequest, 'signal'>, purpose: CallPurpose = 'item'): Promise<InvokeResult> {
    return withRetries(() => attempt(target.client, req, this.attempts), this.policy, this.halt, this.hooks, { target, purpose });
  }
}
