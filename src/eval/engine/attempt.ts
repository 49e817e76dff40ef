/**
 * One attempt of a model call under a permit of the limiter, with its own
 * timeout. Settles exactly once: with the answer, with the provider's error,
 * with a timeout (a TransientError), or cancelled when the run is aborted —
 * even if a client does not honour its signal.
 */
import { AttemptSignal, ProviderError, TransientError, type InvokeRequest, type InvokeResult, type ModelClient } from '../provider.js';
import type { Halt } from './halt.js';
import type { AdaptiveLimiter } from './limiter.js';
import type { Timers } from './timers.js';

/** How one attempt ended. */
export interface Attempted {
  res?: InvokeResult;
  err?: ProviderError;
  /** The run was aborted while the attempt waited or was in flight. */
  cancelled?: boolean;
  /** The limiter's sequence number of the attempt (for once-per-round throttle cuts). */
  seq: number;
}

export interface AttemptContext {
  limiter: AdaptiveLimiter;
  halt: Halt;
  timeoutMs: number;
  timers: Timers;
}

const CANCELLED: Attempted = { cancelled: true, seq: -1 };

export function attempt(client: ModelClient, req: Omit<InvokeRequest, 'signal'>, x: AttemptContext): Promise<Attempted> {
  if (x.halt.aborted) return Promise.resolve(CANCELLED);
  const seq = x.limiter.tryAcquire();
  if (seq === undefined) return x.limiter.acquire(x.halt.abortSignal).then((s) => start(client, req, s, x), () => CANCELLED);
  return start(client, req, seq, x);
}

function start(client: ModelClient, req: Omit<InvokeRequest, 'signal'>, seq: number, x: AttemptContext): Promise<Attempted> {
  return new Promise<Attempted>((resolve) => {
    const signal = new AttemptSignal();
    let settled = false;
    const finish = (outcome: Attempted): void => {
      if (settled) return;
      settled = true;
      x.timers.clearTimeout(timer);
      x.halt.settled(cut);
      x.limiter.release();
      resolve(outcome);
    };
    // The timeout and the run's abort both end the attempt here, told apart by the Halt (an abort
    // cuts every attempt in flight at once, so a timer never fires on an aborted run): one closure
    // for both, since every attempt in flight keeps its closures alive.
    const cut = (): void => {
      if (x.halt.aborted) {
        signal.abort(new DOMException('run aborted', 'AbortError'));
        finish({ cancelled: true, seq });
      } else {
        const reason = new DOMException(`no response within ${x.timeoutMs} ms`, 'TimeoutError');
        signal.abort(reason);
        finish({ err: new TransientError(`TimeoutError: no response within ${x.timeoutMs} ms`, { code: 'TimeoutError', cause: reason }), seq });
      }
    };
    const timer = x.timers.setTimeout(cut, x.timeoutMs);
    x.halt.inFlight(cut);
    let call: Promise<InvokeResult>;
    try {
      call = client.invoke({ ...req, signal });
    } catch (e) {
      call = Promise.reject(e);
    }
    call.then(
      (res) => finish({ res, seq }),
      (e: unknown) => {
        if (x.halt.aborted) return finish({ cancelled: true, seq });
        if (e instanceof ProviderError) return finish({ err: e, seq });
        // Not a provider error: a bug or an unexpected failure. Reported on the item, not retried.
        finish({ err: new ProviderError(`${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}`, { retryable: false, code: 'Error' }), seq });
      },
    );
  });
}
