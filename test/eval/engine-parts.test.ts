/**
 * The engine's parts on their own: an attempt's timeout on injected timers,
 * the Halt as the run's one cancellation mechanism, the lanes, and the judge
 * going through the same limiter and stop as items.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter, attempt, CallEngine, Cancelled, Halt, runLanes, type Timers } from '../../src/eval/engine/index.js';
import { makeJudge } from '../../src/eval/judge.js';
import { ThrottledError, type InvokeRequest, type InvokeResult, type ModelClient } from '../../src/eval/provider.js';

const ok: InvokeResult = { output: 'ok', usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, latencyMs: 1 };
const req = { input: { messages: [{ role: 'user' as const, content: 'q' }] } };

/** Timers a test fires by hand. */
function manualTimers(): Timers & { fire(): void; pending: number } {
  const due = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (fn) => {
      due.set(++next, fn);
      return next;
    },
    clearTimeout: (h) => void due.delete(h as number),
    fire: () => {
      for (const [h, fn] of [...due]) {
        due.delete(h);
        fn();
      }
    },
    get pending() {
      return due.size;
    },
  };
}

/** A client whose calls wait until released. */
function heldClient(): ModelClient & { release(): void; seen: InvokeRequest[] } {
  const waiting: (() => void)[] = [];
  const seen: InvokeRequest[] = [];
  return {
    provider: 'bedrock',
    model: 'm',
    seen,
    invoke: (r) => {
      seen.push(r);
      return new Promise((resolve) => waiting.push(() => resolve(ok)));
    },
    release: () => waiting.splice(0).forEach((f) => {
      f();
    }),
  };
}

describe('attempt', () => {
  it('times out on its injected timer: a TransientError, the permit released, the request signalled', async () => {
    const timers = manualTimers();
    const limiter = new AdaptiveLimiter(1);
    const client = heldClient();
    const p = attempt(client, req, { limiter, halt: new Halt(), timeoutMs: 50, timers });
    expect(limiter.inFlight).toBe(1);
    expect(timers.pending).toBe(1);
    timers.fire();
    const a = await p;
    expect(a.err?.code).toBe('TimeoutError');
    expect(a.err?.retryable).toBe(true);
    expect(client.seen[0]!.signal.aborted).toBe(true);
    expect(limiter.inFlight).toBe(0);
  });

  it('an answer clears its timer', async () => {
    const timers = manualTimers();
    const client = heldClient();
    const p = attempt(client, req, { limiter: new AdaptiveLimiter(1), halt: new Halt(), timeoutMs: 50, timers });
    client.release();
    expect((await p).res).toEqual(ok);
    expect(timers.pending).toBe(0);
  });

  it('aborting the Halt cuts an attempt in flight: cancelled, no result', async () => {
    const halt = new Halt();
    const p = attempt(heldClient(), req, { limiter: new AdaptiveLimiter(1), halt, timeoutMs: 50, timers: manualTimers() });
    halt.abort();
    expect(await p).toMatchObject({ cancelled: true });
  });
});

describe('Halt', () => {
  it('links the caller signals, keeps the first failure and rethrows it', () => {
    const stop = new AbortController();
    const halt = new Halt({ stopSignal: stop.signal });
    expect(halt.stopping).toBe(false);
    stop.abort();
    expect(halt.stopping).toBe(true);
    expect(halt.aborted).toBe(false);
    halt.fail(new Error('first'), 'abort');
    halt.fail(new Error('second'), 'stop');
    expect(halt.aborted).toBe(true);
    expect(() => halt.rethrow()).toThrow('first');
  });
});

describe('runLanes', () => {
  it('takes no item once the run stops, and says the plan had more', async () => {
    const halt = new Halt();
    const done: number[] = [];
    const out = await runLanes([1, 2, 3, 4, 5], 1, async (n) => {
      done.push(n);
      if (n === 2) halt.stop();
    }, halt);
    expect(done).toEqual([1, 2]);
    expect(out.stoppedEarly).toBe(false);
    // An item taken while the run stopped (an async plan hands it over later): the plan had more.
    const halt2 = new Halt();
    async function* slow() {
      yield 1;
      await new Promise((r) => setImmediate(r));
      yield 2;
    }
    const out2 = await runLanes(slow(), 2, async (n) => {
      if (n === 1) halt2.stop();
    }, halt2);
    expect(out2.stoppedEarly).toBe(true);
  });

  it('a plan that throws stops the run and the Halt rethrows its error; a worker that throws aborts it', async () => {
    const halt = new Halt();
    function* plan() {
      yield 1;
      throw new Error('unreadable plan');
    }
    await runLanes(plan(), 2, async () => {}, halt);
    expect(halt.stopping).toBe(true);
    expect(() => halt.rethrow()).toThrow('unreadable plan');
    const halt2 = new Halt();
    await runLanes([1], 1, async () => Promise.reject(new Error('hook failed')), halt2);
    expect(halt2.aborted).toBe(true);
  });
});

describe('the judge', () => {
  it('waits for the same limiter as items, and a stopped run cancels it', async () => {
    const engine = new CallEngine({ concurrency: 1, timeoutMs: 30_000, timers: manualTimers() });
    const client = heldClient();
    const judge = makeJudge({ name: 'frontier', model: 'm', client }, { engine, pricer: () => 0, stats: { calls: 0, spentUsd: 0 } });
    const item = engine.call({ client }, req);
    const verdict = judge('grade this');
    await new Promise((r) => setImmediate(r));
    // The item holds the only permit: the judge has not reached the model.
    expect(client.seen).toHaveLength(1);
    client.release();
    await item;
    await new Promise((r) => setImmediate(r));
    expect(client.seen).toHaveLength(2);
    client.release();
    expect(await verdict).toBe('ok');
    // Once the run stops, a judge call is not retried: Cancelled (its item is left for --resume).
    const throttled = makeJudge({ name: 'frontier', model: 'm', client: { provider: 'bedrock', model: 'm', invoke: async () => Promise.reject(new ThrottledError('slow down')) } }, { engine, pricer: () => 0, stats: { calls: 0, spentUsd: 0 } });
    engine.halt.stop();
    await expect(throttled('another')).rejects.toBeInstanceOf(Cancelled);
  });
});
