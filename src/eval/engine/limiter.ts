/**
 * Adaptive concurrency (AIMD): attempts in flight are capped by a limit that
 * starts at `concurrency`, halves on a throttle (once per round of requests:
 * throttles of requests started before the last cut do not cut again) and
 * grows back by one after `limit` successes in a row.
 */
import { Cancelled } from './errors.js';

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
