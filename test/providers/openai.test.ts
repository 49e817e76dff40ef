import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIClient, OpenAIClient } from '../../src/providers/openai.js';
import { AttemptSignal, ThrottledError, TransientError, ValidationError, type RequestSignal } from '../../src/eval/provider.js';
import { chatError, chatOk, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server.js';
import { InputError } from '../../src/errors.js';

let server: OpenAIServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const input = { system: 'sys', messages: [{ role: 'user' as const, content: 'hello' }] };
const call = (c: OpenAIClient, signal: RequestSignal = new AbortController().signal) => c.invoke({ input, maxTokens: 32, temperature: 0.2, stopSequences: ['\n\n'], signal });

describe('OpenAIClient against a local chat completions endpoint', () => {
  it('sends system + messages and reads usage with cached tokens (input excludes cached)', async () => {
    server.setBehaviour(() => chatOk('hi there', { prompt: 120, completion: 7, cached: 100 }));
    const c = createOpenAIClient({ name: 'gw', provider: 'openai', model: 'gpt-4o-mini', baseUrl: server.baseUrl, apiKeyEnv: 'TEST_GW_KEY' }, { concurrency: 2, env: { TEST_GW_KEY: 'sk-test-123' } });
    const res = await call(c);
    expect(res.output).toBe('hi there');
    expect(res.usage).toEqual({ inputTokens: 20, outputTokens: 7, cacheReadTokens: 100, cacheWriteTokens: 0 });
    const req = server.requests[0]!;
    expect(req.authorization).toBe('Bearer sk-test-123');
    expect(req.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hello' },
      ],
      max_tokens: 32,
      temperature: 0.2,
      stop: ['\n\n'],
    });
  });

  it('uses OPENAI_API_KEY by default and no auth header without a key', async () => {
    const withKey = createOpenAIClient({ name: 't', provider: 'openai', model: 'm', baseUrl: server.baseUrl }, { concurrency: 1, env: { OPENAI_API_KEY: 'sk-env' } });
    await call(withKey);
    const without = createOpenAIClient({ name: 't', provider: 'openai', model: 'm', baseUrl: server.baseUrl }, { concurrency: 1, env: {} });
    await call(without);
    expect(server.requests.map((r) => r.authorization)).toEqual(['Bearer sk-env', undefined]);
  });

  it('refuses a tier whose apiKeyEnv is not set', () => {
    expect(() => createOpenAIClient({ name: 't', provider: 'openai', model: 'm', apiKeyEnv: 'NOPE_KEY' }, { concurrency: 1, env: {} })).toThrow(InputError);
  });

  it('maps 429 → Throttled, 500/503 → Transient, 400/401 → Validation', async () => {
    const c = new OpenAIClient({ model: 'm', baseUrl: server.baseUrl });
    const cases: [number, unknown][] = [
      [429, ThrottledError],
      [500, TransientError],
      [503, TransientError],
      [400, ValidationError],
      [401, ValidationError],
    ];
    for (const [status, cls] of cases) {
      server.setBehaviour(() => chatError(status, 'some_error', `status ${status}`));
      const e = await call(c).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(cls as never);
      expect((e as ValidationError).status).toBe(status);
    }
  });

  it('treats malformed bodies as transient and aborts on the signal', async () => {
    const c = new OpenAIClient({ model: 'm', baseUrl: server.baseUrl });
    server.setBehaviour(() => ({ status: 200, raw: '{"choices": [' }));
    expect(await call(c).catch((x: unknown) => x)).toBeInstanceOf(TransientError);
    server.setBehaviour(() => ({ hang: true }));
    const ac = new AbortController();
    const p = call(c, ac.signal).catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 30));
    ac.abort(new DOMException('timed out', 'TimeoutError'));
    const e = await p;
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe('TimeoutError');
  });

  it("aborts on the runner's AttemptSignal (linked to fetch's AbortSignal) and unlinks it after the call", async () => {
    const c = new OpenAIClient({ model: 'm', baseUrl: server.baseUrl });
    server.setBehaviour(() => chatOk('ok'));
    const done = new AttemptSignal();
    expect((await call(c, done)).output).toBe('ok');
    expect(done.onabort).toBeNull();
    server.setBehaviour(() => ({ hang: true }));
    const signal = new AttemptSignal();
    const p = call(c, signal).catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 30));
    signal.abort(new DOMException('timed out', 'TimeoutError'));
    const e = await p;
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe('TimeoutError');
  });
});
