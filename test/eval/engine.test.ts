/** The call engine shared by item answers and the llm judge: Retry-After, stop, the error tally. */
import { describe, expect, it } from 'vitest';
import { Cancelled, CallEngine, errorGroupLines } from '../../src/eval/engine/index.js';
import { ThrottledError, TransientError, ValidationError, type InvokeRequest, type InvokeResult, type ModelClient } from '../../src/eval/provider.js';

const ok: InvokeResult = { output: 'ok', usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, latencyMs: 1 };
function client(answers: (() => Promise<InvokeResult>)[]): ModelClient & { calls: number } {
  const c = {
    provider: 'openai' as const,
    model: 'm',
    endpoint: 'http://gw/v1',
    calls: 0,
    invoke(_req: InvokeRequest) {
      return answers[Math.min(c.calls++, answers.length - 1)]!();
    },
  };
  return c;
}
const req = { input: { messages: [{ role: 'user' as const, content: 'q' }] } };

describe('CallEngine', () => {
  it('waits what the server asked (Retry-After) before the retry', async () => {
    const slept: number[] = [];
    const engine = new CallEngine({ concurrency: 2, timeoutMs: 30_000, random: () => 0, sleep: async (ms) => void slept.push(ms) });
    const c = client([() => Promise.reject(new ThrottledError('429', { retryAfterMs: 4000 })), () => Promise.resolve(ok)]);
    await expect(engine.call({ client: c }, req, 'judge')).resolves.toEqual(ok);
    expect(slept).toEqual([4000]);
    expect(engine.stats).toEqual({ retries: 1, throttled: 1 });
  });

  it('once the run is stopping, a failed call is not retried: Cancelled, so the item is left for --resume', async () => {
    const stop = new AbortController();
    const engine = new CallEngine({ concurrency: 1, timeoutMs: 30_000, stopSignal: stop.signal, sleep: async () => {} });
    const c = client([
      () => {
        stop.abort();
        return Promise.reject(new TransientError('503'));
      },
      () => Promise.resolve(ok),
    ]);
    await expect(engine.call({ client: c }, req, 'judge')).rejects.toBeInstanceOf(Cancelled);
    expect(c.calls).toBe(1);
  });

  it('tallies final failures by cause, most frequent first, with advice', async () => {
    const engine = new CallEngine({ concurrency: 4, timeoutMs: 30_000, retries: 0 });
    const denied = client([() => Promise.reject(new ValidationError('AccessDeniedException (403): no access to model m', { code: 'AccessDeniedException', status: 403 }))]);
    const missing = client([() => Promise.reject(new ValidationError('ValidationException (400): model "x" 1 is invalid', { code: 'ValidationException', status: 400 }))]);
    for (let i = 0; i < 3; i++) await engine.call({ client: denied, region: 'us-east-1' }, req).catch(() => undefined);
    await engine.call({ client: missing }, req).catch(() => undefined);
    const groups = engine.errors.top();
    expect(groups.map((g) => [g.kind, g.count])).toEqual([
      ['access-denied', 3],
      ['bad-request', 1],
    ]);
    const lines = errorGroupLines(groups, 1);
    expect(lines[0]).toBe('  3× openai m: AccessDeniedException (403): no access to model m');
    expect(lines[1]).toMatch(/^ {4}what to do: the endpoint \(http:\/\/gw\/v1\) refused the request/);
    expect(lines[2]).toBe('  … and 1 more failure(s) of 1 other kind(s)');
  });
});
