/**
 * How a run ends early: the one cancellation mechanism of a run. Two depths —
 * `stop` (no new work and no retries; attempts in flight finish and are kept)
 * and `abort` (stop, and cut every attempt in flight: they end as Cancelled
 * and leave no result). The caller's signals (the user's Ctrl-C stops) are
 * linked in; a failure that must end the run (a hook that throws, a plan that
 * cannot be read) is kept here with the depth it needs and rethrown once the
 * work in progress has settled.
 */
import { setMaxListeners } from 'node:events';

export type HaltDepth = 'stop' | 'abort';

export interface HaltSignals {
  /** Stop: no new work; attempts in flight finish. */
  stopSignal?: AbortSignal | undefined;
  /** Abort: cut attempts in flight too. */
  abortSignal?: AbortSignal | undefined;
}

export class Halt {
  private readonly stopper = new AbortController();
  private readonly aborter = new AbortController();
  /** Attempts in flight, by their cut function: aborting ends each directly (no listener per attempt). */
  private readonly cuts = new Set<() => void>();
  private failure: { error: unknown } | undefined;
  private readonly unlink: () => void;

  constructor(from: HaltSignals = {}) {
    // Many waiters (permits, backoff sleeps) listen at once.
    setMaxListeners(0, this.stopper.signal, this.aborter.signal);
    const onStop = () => this.stop();
    const onAbort = () => this.abort();
    from.stopSignal?.addEventListener('abort', onStop, { once: true });
    from.abortSignal?.addEventListener('abort', onAbort, { once: true });
    if (from.stopSignal?.aborted) onStop();
    if (from.abortSignal?.aborted) onAbort();
    this.unlink = () => {
      from.stopSignal?.removeEventListener('abort', onStop);
      from.abortSignal?.removeEventListener('abort', onAbort);
    };
  }

  /** Aborted when the run stops (and when it aborts): backoff sleeps end on it. */
  get stopSignal(): AbortSignal {
    return this.stopper.signal;
  }

  /** Aborted when the run aborts: waits for a permit end on it. */
  get abortSignal(): AbortSignal {
    return this.aborter.signal;
  }

  get stopping(): boolean {
    return this.stopper.signal.aborted;
  }

  get aborted(): boolean {
    return this.aborter.signal.aborted;
  }

  stop(): void {
    this.stopper.abort();
  }

  abort(): void {
    this.stop();
    this.aborter.abort();
    for (const cut of [...this.cuts]) cut();
  }

  /** Ends the run for `error` (the first one is kept) at the depth it needs; `rethrow()` surfaces it. */
  fail(error: unknown, depth: HaltDepth): void {
    this.failure ??= { error };
    if (depth === 'abort') this.abort();
    else this.stop();
  }

  /** Registers an attempt in flight to be cut on abort, until `settled(cut)`. */
  inFlight(cut: () => void): void {
    this.cuts.add(cut);
  }

  /** The attempt registered with `cut` is over. */
  settled(cut: () => void): void {
    this.cuts.delete(cut);
  }

  /** Throws the failure that ended the run, if any. */
  rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Detaches from the caller's signals. */
  dispose(): void {
    this.unlink();
  }
}
