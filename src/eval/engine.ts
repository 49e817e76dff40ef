/**
 * The one path every model call of a run takes — item answers and llm-judge
 * calls alike: a permit from the adaptive limiter, one attempt with its own
 * timeout, the retry decision, the wait before the next attempt, and the
 * run's stop and abort signals. Pure of process and console; time, sleep and
 * randomness are injectable so tests are deterministic.
 *
 * Retry policy (the only one in force: providers disable SDK retries):
 * - retried: ThrottledError (429 ThrottlingException, or the SDK's throttling
 *   hint), TransientError (5xx, ModelNotReady, timeouts, dropped connections,
 *   malformed bodies);
 * - never retried: ValidationError (4xx), a missing recording;
 * - wait before retry k (0-based) = the larger of the server's Retry-After
 *   (when it sent one) and random() × min(maxMs, baseMs × 2^k) ("full
 *   jitter"), never longer than the per-request timeout; at most `retries`
 *   retries; no retry once the run is stopping.
 * Adaptive concurrency (AIMD): attempts in flight are capped by a limit that
 * starts at `concurrency`, halves on a throttle (once per round of requests:
 * throttles of requests started before the last cut do not cut again) and
 * grows back by one after `limit` successes in a row.
 */
import { setMaxListeners } from 'node:events';
import { adviceFor, classifyError, type ErrorKind } from '../errorAdvice.js';
import { AttemptSignal, ProviderError, ThrottledError, TransientError, type InvokeRequest, type InvokeResult, type ModelClient } from '../providers/types.js';

export const DEFAULT_RETRIES = 6;
export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 20_000 };

/** A call (or an item) given up because the run was stopped or aborted: it has no result, and --resume runs it. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled: the run was stopped');
    this.name = 'Cancelled';
  }
}

/** setTimeout as a promise that an AbortSignal cuts short (resolves early, never rejects). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Full-jitter exponential backoff: random() × min(max, base × 2^attempt). */
export function backoffDelay(attempt: number, random: () => number, b = DEFAULT_BACKOFF): number {
  return Math.floor(random() * Math.min(b.maxMs, b.baseMs * 2 ** attempt));
}

/** The wait before retry `attempt`: the server's Retry-After when longer than the backoff, capped by the per-request timeout. */
export function retryDelay(attempt: number, e: ProviderError, o: { random: () => number; backoff?: { baseMs: number; maxMs: number }; timeoutMs: number }): number {
  const backoff = backoffDelay(attempt, o.random, o.backoff);
  const asked = e.retryAfterMs ?? 0;
  return Math.min(Math.max(backoff, asked), o.timeoutMs);
}

/**
 * AIMD limit on attempts in flight, granted FIFO. Halves on throttling (once
 * per round: a throttle only counts if its attempt started after the last
 * cut), grows by one after `limit` successes.
 */
export class AdaptiveLimiter {
  limit: number;
  minLimit: number;
  inFlight = 0;
  private credit = 0;
  private seq = 0;
  private cutSeq = 0;
  private readonly waiters: { grant: (seq: number) => void; fail: (e: Error) => void }[] = [];

  constructor(
    readonly max: number,
    private readonly adaptive = true,
  ) {
    this.limit = max;
    this.minLimit = max;
  }

  /** A permit at once if one is free (and nobody waits): the attempt's sequence number, else undefined. */
  tryAcquire(): number | undefined {
    if (this.inFlight < this.limit && this.waiters.length === 0) {
      this.inFlight++;
      return this.seq++;
    }
    return undefined;
  }

  /** Waits for a permit; resolves with the attempt's sequence number. */
  acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(new Cancelled());
    if (this.inFlight < this.limit && this.waiters.length === 0) {
      this.inFlight++;
      return Promise.resolve(this.seq++);
    }
    return new Promise((resolve, reject) => {
      const w = {
        grant: (s: number) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
        fail: reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  release(): void {
    this.inFlight--;
    this.drain();
  }

  onThrottle(seq: number): void {
    if (!this.adaptive || seq < this.cutSeq) return;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.minLimit = Math.min(this.minLimit, this.limit);
    this.credit = 0;
    this.cutSeq = this.seq;
  }

  onSuccess(): void {
    if (!this.adaptive || this.limit >= this.max) return;
    this.credit += 1 / this.limit;
    if (this.credit >= 1) {
      this.credit -= 1;
      this.limit++;
      this.drain();
    }
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.inFlight < this.limit) {
      this.inFlight++;
      this.waiters.shift()!.grant(this.seq++);
    }
  }
}

/** What a call is for: an item's answer, or an llm-judge verdict. */
export type CallPurpose = 'item' | 'judge';

/** Calls that failed for good, grouped by what went wrong: what the CLI shows, with advice. */
export interface ErrorGroup {
  purpose: CallPurpose;
  kind: ErrorKind;
  /** The first message of the group (credentials already redacted). */
  message: string;
  count: number;
  provider: string;
  model: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  profile?: string | undefined;
}

/** Counts final failures by kind and message (numbers and quoted names masked, so one cause is one group). */
export class ErrorTally {
  private readonly groups = new Map<string, ErrorGroup>();

  add(e: ProviderError, purpose: CallPurpose, where: { provider: string; model: string; region?: string | undefined; endpoint?: string | undefined; profile?: string | undefined }): void {
    const kind = classifyError(e.code, e.status, e.message);
    const shape = e.message.replace(/ \(gave up after \d+ attempts\)$/, '').replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N');
    const key = `${purpose}\u0000${where.provider}\u0000${where.model}\u0000${kind}\u0000${shape}`;
    const g = this.groups.get(key);
    if (g) g.count++;
    else this.groups.set(key, { purpose, kind, message: e.message, count: 1, ...where });
  }

  /** Most frequent first. */
  top(n = Infinity): ErrorGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count).slice(0, n);
  }

  get size(): number {
    return this.groups.size;
  }
}

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
  backoff?: { baseMs: number; maxMs: number } | undefined;
  /** Adaptive concurrency on throttling (default on). */
  adaptive?: boolean | undefined;
  /** Stop retries and new work; attempts in flight may finish. */
  stopSignal?: AbortSignal | undefined;
  /** Abort attempts in flight too. */
  abortSignal?: AbortSignal | undefined;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
}

/** How one attempt ended. */
interface Attempted {
  res?: InvokeResult;
  err?: ProviderError;
  /** The run was aborted while the attempt was in flight. */
  cancelled?: boolean;
  /** The limiter's sequence number of the attempt (for once-per-round throttle cuts). */
  seq: number;
}

/**
 * The limiter, the signals and the retry loop of one run. `call()` is the only
 * way a run reaches a model; it resolves with the answer, rejects with the
 * final ProviderError (tallied), or with Cancelled when the run stops.
 */
export class CallEngine {
  readonly limiter: AdaptiveLimiter;
  /** Stopping stops retries and new work; aborting also cuts attempts in flight. */
  readonly stop = new AbortController();
  readonly abort = new AbortController();
  readonly stats = { retries: 0, throttled: 0 };
  readonly errors = new ErrorTally();
  /** Called after each retry is counted (progress). */
  onRetry: (() => void) | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  /** Attempts in flight, by their stop function: aborting the run stops each directly. */
  private readonly inflight = new Set<(reason: DOMException) => void>();
  private readonly unlink: () => void;

  constructor(o: EngineOptions) {
    this.limiter = new AdaptiveLimiter(Math.max(1, Math.floor(o.concurrency)), o.adaptive ?? true);
    this.timeoutMs = o.timeoutMs;
    this.retries = o.retries ?? DEFAULT_RETRIES;
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.sleep = o.sleep ?? abortableSleep;
    this.random = o.random ?? Math.random;
    // Many waiters (permits, backoff sleeps) listen on these at once.
    setMaxListeners(0, this.stop.signal, this.abort.signal);
    const onStop = () => this.stop.abort();
    const onAbort = () => this.abortAll();
    o.stopSignal?.addEventListener('abort', onStop, { once: true });
    o.abortSignal?.addEventListener('abort', onAbort, { once: true });
    if (o.stopSignal?.aborted) onStop();
    if (o.abortSignal?.aborted) onAbort();
    this.unlink = () => {
      o.stopSignal?.removeEventListener('abort', onStop);
      o.abortSignal?.removeEventListener('abort', onAbort);
    };
  }

  get stopping(): boolean {
    return this.stop.signal.aborted;
  }

  /** Stops new work and retries and cuts every attempt in flight. */
  abortAll(): void {
    this.stop.abort();
    this.abort.abort();
    for (const stopAttempt of [...this.inflight]) stopAttempt(new DOMException('run aborted', 'AbortError'));
  }

  /** Detaches from the caller's signals. */
  dispose(): void {
    this.unlink();
  }

  /** One call with retries; see the class comment. */
  async call(target: CallTarget, req: Omit<InvokeRequest, 'signal'>, purpose: CallPurpose = 'item'): Promise<InvokeResult> {
    for (let k = 0; ; k++) {
      const { res, err, seq, cancelled } = await this.attempt(target.client, req);
      if (cancelled) throw new Cancelled();
      if (res) {
        this.limiter.onSuccess();
        return res;
      }
      const e = err!;
      if (e instanceof ThrottledError) {
        this.stats.throttled++;
        this.limiter.onThrottle(seq);
      }
      if (!e.retryable || k >= this.retries) {
        const final = k > 0 && e.retryable ? new ProviderError(`${e.message} (gave up after ${k + 1} attempts)`, { retryable: false, code: e.code, status: e.status }) : e;
        this.errors.add(final, purpose, { provider: target.client.provider, model: target.client.model, endpoint: target.client.endpoint, region: target.region, profile: target.profile });
        throw final;
      }
      if (this.stopping) throw new Cancelled();
      this.stats.retries++;
      this.onRetry?.();
      await this.sleep(retryDelay(k, e, { random: this.random, backoff: this.backoff, timeoutMs: this.timeoutMs }), this.stop.signal);
      if (this.stopping) throw new Cancelled();
    }
  }

  /**
   * One attempt under a permit, with its own timeout. Settles exactly once:
   * with the answer, with the provider's error, with a timeout, or cancelled
   * when the run is aborted, even if a client does not honour its signal.
   */
  private attempt(client: ModelClient, req: Omit<InvokeRequest, 'signal'>): Promise<Attempted> {
    if (this.abort.signal.aborted) return Promise.resolve({ cancelled: true, seq: -1 });
    const seq = this.limiter.tryAcquire();
    if (seq === undefined) return this.limiter.acquire(this.abort.signal).then((s) => this.start(client, req, s), () => ({ cancelled: true, seq: -1 }));
    return this.start(client, req, seq);
  }

  private start(client: ModelClient, req: Omit<InvokeRequest, 'signal'>, seq: number): Promise<Attempted> {
    return new Promise<Attempted>((resolve) => {
      const signal = new AttemptSignal();
      let settled = false;
      const finish = (outcome: Attempted): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inflight.delete(stopAttempt);
        this.limiter.release();
        resolve(outcome);
      };
      const stopAttempt = (reason: DOMException): void => {
        signal.abort(reason);
        if (this.abort.signal.aborted) finish({ cancelled: true, seq });
        else finish({ err: new TransientError(`TimeoutError: no response within ${this.timeoutMs} ms`, { code: 'TimeoutError', cause: reason }), seq });
      };
      const timer = setTimeout(() => stopAttempt(new DOMException(`no response within ${this.timeoutMs} ms`, 'TimeoutError')), this.timeoutMs);
      this.inflight.add(stopAttempt);
      let call: Promise<InvokeResult>;
      try {
        call = client.invoke({ ...req, signal });
      } catch (e) {
        call = Promise.reject(e);
      }
      call.then(
        (res) => finish({ res, seq }),
        (e: unknown) => {
          if (this.abort.signal.aborted) return finish({ cancelled: true, seq });
          if (e instanceof ProviderError) return finish({ err: e, seq });
          // Not a provider error: a bug or an unexpected failure. Reported on the item, not retried.
          finish({ err: new ProviderError(`${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}`, { retryable: false, code: 'Error' }), seq });
        },
      );
    });
  }
}

/**
 * Lines for the user about calls that failed for good: the most frequent
 * causes with their counts and what to do (credentials, region, endpoint,
 * model access …), e.g.
 *   "30× bedrock us.amazon.nova-lite-v1:0: CredentialsProviderError: Could not load credentials from any providers"
 *   "  what to do: no AWS credentials found: set --profile, or …"
 */
export function errorGroupLines(groups: readonly ErrorGroup[], max = 3): string[] {
  const lines: string[] = [];
  for (const g of groups.slice(0, max)) {
    const who = `${g.purpose === 'judge' ? 'llm-judge on ' : ''}${g.provider} ${g.model}`;
    lines.push(`  ${g.count}× ${who}: ${g.message}`);
    const advice = adviceFor(g.kind, { service: g.provider === 'bedrock' || g.provider === 'openai' || g.provider === 'replay' ? g.provider : 'openai', profile: g.profile, region: g.region, endpoint: g.endpoint, model: g.model });
    if (advice) lines.push(`    what to do: ${advice}`);
  }
  const rest = groups.slice(max).reduce((n, g) => n + g.count, 0);
  if (rest) lines.push(`  … and ${rest} more failure(s) of ${groups.length - max} other kind(s)`);
  return lines;
}
