import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter, backoffDelay } from '../../src/eval/engine/index.js';
import { runItems, type RunItem, type RunOptions, type TierRun } from '../../src/eval/runItems.js';
import { ResponseCache } from '../../src/io/responseCache.js';
import { ThrottledError, TransientError, ValidationError, type InvokeRequest, type InvokeResult, type ModelClient } from '../../src/eval/provider.js';
import type { EvalResult, GoldenCase } from '../../src/eval/types.js';
import { seededRandom } from '../../src/stats/random.js';

/** A ModelClient double: `script(text, attempt)` decides each call. */
class FakeClient implements ModelClient {
  readonly provider = 'bedrock' as const;
  readonly endpoint = 'http://fake';
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private attempts = new Map<string, number>();
  constructor(
    readonly model: string,
    private readonly script: (text: string, attempt: number, req: InvokeRequest) => Promise<InvokeResult> | InvokeResult,
  ) {}
  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const text = req.input.messages[0]!.content;
    const n = (this.attempts.get(text) ?? 0) + 1;
    this.attempts.set(text, n);
    this.calls.push(text);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Let other workers start so concurrency is observable.
      await new Promise((r) => setImmediate(r));
      return await this.script(text, n, req);
    } finally {
      this.inFlight--;
    }
  }
}

const ok = (text: string): InvokeResult => ({ output: text.toUpperCase(), usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 }, latencyMs: 5 });

function items(n: number, tier: TierRun): RunItem[] {
  return Array.from({ length: n }, (_, i) => {
    const c: GoldenCase = { id: `q${i}`, input: { messages: [{ role: 'user', content: `q${i}` }] }, expected: `Q${i}`, task: i % 2 ? 'odd' : 'even' };
    return { datasetId: 'ds', case: c, tier };
  });
}

function options(over: Partial<RunOptions> = {}): RunOptions & { results: EvalResult[]; delays: number[] } {
  const results: EvalResult[] = [];
  const delays: number[] = [];
  return {
    concurrency: 4,
    timeoutMs: 5_000,
    grade: async (c, out) => ({ pass: out === c.expected, score: out === c.expected ? 1 : 0, graders: [{ grader: 'exact', pass: out === c.expected, score: 1, reason: '' }] }),
    price: (_t, _m, u) => (u.inputTokens * 3 + u.outputTokens * 15) / 1e6,
    onResult: (r) => results.push(r),
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    results,
    delays,
    ...over,
  };
}

describe('runItems', () => {
  it('runs every item once within the concurrency bound and writes a full result per item', async () => {
    const client = new FakeClient('m', (t) => ok(t));
    const tier: TierRun = { name: 'cheap', model: 'm', client };
    const o = options({ concurrency: 3 });
    const stats = await runItems(items(20, tier), o);
    expect(stats).toMatchObject({ done: 20, errors: 0, live: 20, retries: 0, stopped: false, cancelled: 0 });
    expect(client.calls.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `q${i}`).sort());
    expect(client.maxInFlight).toBeLessThanOrEqual(3);
    expect(client.maxInFlight).toBeGreaterThan(1);
    const r = o.results.find((x) => x.itemId === 'q3')!;
    expect(r).toMatchObject({ schemaVersion: 1, datasetId: 'ds', tier: 'cheap', model: 'm', pass: true, score: 1, inputTokens: 10, outputTokens: 2, latencyMs: 5, output: 'Q3', task: 'odd', source: 'live' });
    expect(r.costUsd).toBeCloseTo(60 / 1e6, 12);
    expect(stats.costUsd).toBeCloseTo((20 * 60) / 1e6, 12);
  });

  it('retries throttling with full-jitter exponential backoff and recovers', async () => {
    const client = new FakeClient('m', (t, n) => {
      if (n <= 3) throw new ThrottledError('ThrottlingException (429): slow down');
      return ok(t);
    });
    const o = options({ concurrency: 1, backoff: { baseMs: 100, maxMs: 350 } });
    const stats = await runItems(items(1, { name: 't', model: 'm', client }), o);
    expect(stats).toMatchObject({ done: 1, errors: 0, retries: 3, throttled: 3 });
    // random() = 0.5 → 0.5 × min(350, 100 × 2^k)
    expect(o.delays).toEqual([50, 100, 175]);
    expect(o.results[0]!.pass).toBe(true);
  });

  it('never retries a validation error and records it on the item', async () => {
    const client = new FakeClient('m', () => {
      throw new ValidationError('ValidationException (400): bad input');
    });
    const o = options();
    const stats = await runItems(items(2, { name: 't', model: 'm', client }), o);
    expect(client.calls).toHaveLength(2);
    expect(stats).toMatchObject({ done: 2, errors: 2, retries: 0 });
    expect(o.results[0]).toMatchObject({ pass: false, score: 0, costUsd: 0, error: 'ValidationException (400): bad input' });
  });

  it('gives up after the retry budget and says so', async () => {
    const client = new FakeClient('m', () => {
      throw new TransientError('InternalServerException (500): boom', { status: 500 });
    });
    const o = options({ retries: 2 });
    const stats = await runItems(items(1, { name: 't', model: 'm', client }), o);
    expect(client.calls).toHaveLength(3);
    expect(stats.errors).toBe(1);
    expect(o.results[0]!.error).toBe('InternalServerException (500): boom (gave up after 3 attempts)');
  });

  it('times out a hung attempt through the AbortSignal and retries it', async () => {
    const client = new FakeClient('m', (t, n, req) => {
      if (n > 1) return ok(t);
      return new Promise((_, reject) => (req.signal.onabort = () => reject(new TransientError('Aborted', { code: 'Aborted' }))));
    });
    const o = options({ timeoutMs: 20 });
    const stats = await runItems(items(1, { name: 't', model: 'm', client }), o);
    expect(stats).toMatchObject({ done: 1, errors: 0, retries: 1 });
    expect(client.calls).toHaveLength(2);
  });

  it('halves the limit on a burst of throttles only once per round', async () => {
    const l = new AdaptiveLimiter(64);
    const seqs = await Promise.all(Array.from({ length: 64 }, () => l.acquire()));
    // All 64 attempts in flight are throttled: only the first cuts, the rest started before the cut.
    for (const s of seqs) l.onThrottle(s);
    expect(l.limit).toBe(32);
    for (let i = 0; i < 64; i++) l.release();
    // An attempt started after the cut cuts again.
    const next = await l.acquire();
    l.onThrottle(next);
    l.release();
    expect(l.limit).toBe(16);
    // Waiters are granted only up to the limit.
    const held = await Promise.all(Array.from({ length: 16 }, () => l.acquire()));
    let granted = false;
    const waiting = l.acquire().then(() => (granted = true));
    await Promise.resolve();
    expect(granted).toBe(false);
    l.release();
    await waiting;
    expect(granted).toBe(true);
    expect(held).toHaveLength(16);
  });

  it('AIMD: cuts on each new round of throttles, recovers by one per limit successes', async () => {
    const l = new AdaptiveLimiter(8);
    for (let i = 0; i < 5; i++) {
      const s = await l.acquire();
      l.onThrottle(s);
      l.release();
    }
    expect(l.limit).toBe(1);
    expect(l.minLimit).toBe(1);
    l.onSuccess();
    expect(l.limit).toBe(2);
    l.onSuccess();
    expect(l.limit).toBe(2);
    l.onSuccess();
    expect(l.limit).toBe(3);
    for (let i = 0; i < 100; i++) l.onSuccess();
    expect(l.limit).toBe(8);
  });

  it('backs off concurrency while the endpoint throttles (attempts in flight follow the limit)', async () => {
    let throttling = true;
    let throttledSeen = 0;
    let maxAfterThrottle = 0;
    const client = new FakeClient('m', (t) => {
      if (throttledSeen > 0) maxAfterThrottle = Math.max(maxAfterThrottle, client.inFlight);
      if (throttling && throttledSeen < 40) {
        throttledSeen++;
        throw new ThrottledError('429');
      }
      throttling = false;
      return ok(t);
    });
    const o = options({ concurrency: 16 });
    const stats = await runItems(items(64, { name: 't', model: 'm', client }), o);
    expect(stats.errors).toBe(0);
    expect(stats.throttled).toBe(40);
    expect(stats.minLimit).toBeLessThan(16);
  });

  it('uses the response cache: a re-run pays nothing, --no-cache calls again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-cache-'));
    const cache = new ResponseCache(dir);
    const client = new FakeClient('m', (t) => ok(t));
    const tier: TierRun = { name: 't', model: 'm', client, maxTokens: 100 };
    const first = options({ cache });
    await runItems(items(5, tier), first);
    expect(client.calls).toHaveLength(5);
    const second = options({ cache });
    const stats = await runItems(items(5, tier), second);
    expect(client.calls).toHaveLength(5);
    expect(stats).toMatchObject({ cached: 5, live: 0, spentUsd: 0 });
    expect(second.results.every((r) => r.source === 'cache' && r.pass)).toBe(true);
    expect(stats.costUsd).toBeGreaterThan(0);
    // Different parameters → a different key.
    await runItems(items(5, { ...tier, maxTokens: 200 }), options({ cache }));
    expect(client.calls).toHaveLength(10);
    await runItems(items(5, tier), options());
    expect(client.calls).toHaveLength(15);
  });

  it('stops scheduling on the stop signal and lets in-flight items finish', async () => {
    const stop = new AbortController();
    const client = new FakeClient('m', (t) => ok(t));
    const o = options({ concurrency: 2, stopSignal: stop.signal, total: 50 });
    o.onResult = (r) => {
      o.results.push(r);
      if (o.results.length === 5) stop.abort();
    };
    const stats = await runItems(items(50, { name: 't', model: 'm', client }), o);
    expect(stats.stopped).toBe(true);
    expect(o.results.length).toBeGreaterThanOrEqual(5);
    expect(o.results.length).toBeLessThanOrEqual(7);
    expect(client.calls.length).toBe(o.results.length + stats.cancelled);
    expect(new Set(o.results.map((r) => r.itemId)).size).toBe(o.results.length);
  });

  it('the abort signal cancels in-flight attempts without writing them', async () => {
    const abort = new AbortController();
    const client = new FakeClient('m', (t, _n, req) => {
      if (t === 'q0') return ok(t);
      return new Promise((_, reject) => (req.signal.onabort = () => reject(new TransientError('Aborted'))));
    });
    const o = options({ concurrency: 3, abortSignal: abort.signal });
    o.onResult = (r) => {
      o.results.push(r);
      setImmediate(() => abort.abort());
    };
    const stats = await runItems(items(10, { name: 't', model: 'm', client }), o);
    expect(o.results.map((r) => r.itemId)).toEqual(['q0']);
    // q1, q2 and q3 (scheduled when q0 finished) were in flight.
    expect(stats.cancelled).toBe(3);
    expect(stats.stopped).toBe(true);
  });

  it('a plan that throws stops scheduling; items already taken finish, then the error surfaces', async () => {
    const client = new FakeClient('m', (t) => ok(t));
    const all = items(3, { name: 't', model: 'm', client });
    function* plan() {
      yield* all;
      throw new Error('dataset read failed');
    }
    const o = options({ concurrency: 2 });
    await expect(runItems(plan(), o)).rejects.toThrow('dataset read failed');
    expect(o.results.map((r) => r.itemId).sort()).toEqual(['q0', 'q1', 'q2']);
    // The same through an async plan.
    async function* asyncPlan() {
      yield* all;
      throw new Error('stream cut');
    }
    const o2 = options({ concurrency: 2 });
    await expect(runItems(asyncPlan(), o2)).rejects.toThrow('stream cut');
    expect(o2.results).toHaveLength(3);
  });

  it('a grader crash is an item error; a failing onResult stops the run', async () => {
    const client = new FakeClient('m', (t) => ok(t));
    const o = options({
      grade: async () => {
        throw new Error('boom');
      },
    });
    const stats = await runItems(items(2, { name: 't', model: 'm', client }), o);
    expect(stats.errors).toBe(2);
    expect(o.results[0]!.error).toBe('grading failed: boom');
    const p = runItems(items(5, { name: 't', model: 'm', client }), options({ onResult: () => { throw new Error('ENOSPC'); } }));
    await expect(p).rejects.toThrow('ENOSPC');
  });

  it('unpriced models get costUsd null and are counted', async () => {
    const client = new FakeClient('m', (t) => ok(t));
    const o = options({ price: () => null });
    const stats = await runItems(items(3, { name: 't', model: 'm', client }), o);
    expect(stats.unpriced).toBe(3);
    expect(o.results.every((r) => r.costUsd === null)).toBe(true);
  });

  it('backoffDelay is full jitter under the cap', () => {
    const rand = seededRandom(7);
    for (let k = 0; k < 12; k++) {
      const d = backoffDelay(k, rand, { baseMs: 500, maxMs: 20_000 });
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(20_000, 500 * 2 ** k));
    }
  });
});
