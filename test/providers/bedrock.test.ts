import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BedrockClient } from '../../src/providers/bedrock.js';
import { AttemptSignal, ThrottledError, TransientError, ValidationError, type RequestSignal } from '../../src/eval/provider.js';
import { awsError, converseOk, startBedrockServer, throttled, useTestCredentials, type BedrockServer } from '../helpers/bedrock-server.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_KEY_ID } from '../helpers/fake-aws.js';

let server: BedrockServer;
beforeAll(async () => {
  useTestCredentials();
  server = await startBedrockServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const client = () => new BedrockClient({ model: MODEL, region: 'us-east-1', endpoint: server.url, concurrency: 4 });
const input = { system: 'be brief', messages: [{ role: 'user' as const, content: 'What is 2+2?' }] };
const call = (c: BedrockClient, signal: RequestSignal = new AbortController().signal) => c.invoke({ input, maxTokens: 64, temperature: 0, stopSequences: ['END'], signal });

describe('BedrockClient against a local Converse endpoint', () => {
  it('sends the Converse request and reads text, usage with cache tokens', async () => {
    server.setBehaviour(() => converseOk('4', { inputTokens: 21, outputTokens: 3, cacheReadInputTokens: 1000, cacheWriteInputTokens: 50 }));
    const c = client();
    const res = await call(c);
    c.close();
    expect(res.output).toBe('4');
    expect(res.usage).toEqual({ inputTokens: 21, outputTokens: 3, cacheReadTokens: 1000, cacheWriteTokens: 50 });
    expect(res.invokedModel).toBeUndefined();
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(req.modelId).toBe(MODEL);
    expect(req.accessKeyId).toBe(TEST_KEY_ID);
    expect(req.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'What is 2+2?' }] }],
      system: [{ text: 'be brief' }],
      inferenceConfig: { maxTokens: 64, temperature: 0, stopSequences: ['END'] },
    });
  });

  it('reads the prompt router trace', async () => {
    const invoked = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
    server.setBehaviour(() => converseOk('ok', {}, { trace: { promptRouter: { invokedModelId: invoked } } }));
    const c = client();
    const res = await call(c);
    c.close();
    expect(res.invokedModel).toBe(invoked);
  });

  it('maps 429 ThrottlingException to ThrottledError and ModelNotReady to TransientError', async () => {
    const c = client();
    server.setBehaviour(throttled);
    const e1 = await call(c).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ThrottledError);
    expect((e1 as ThrottledError).code).toBe('ThrottlingException');
    server.setBehaviour(() => awsError(429, 'ModelNotReadyException', 'model is not ready'));
    const e2 = await call(c).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(TransientError);
    expect((e2 as TransientError).code).toBe('ModelNotReadyException');
    c.close();
  });

  it('maps 500 and 503 to TransientError, 400 ValidationException to ValidationError, one request each (SDK retries off)', async () => {
    const c = client();
    const cases: [number, string, unknown][] = [
      [500, 'InternalServerException', TransientError],
      [503, 'ServiceUnavailableException', TransientError],
      [400, 'ValidationException', ValidationError],
      [403, 'AccessDeniedException', ValidationError],
    ];
    for (const [status, type, cls] of cases) {
      server.requests.length = 0;
      server.setBehaviour(() => awsError(status, type, `${type} happened`));
      const e = await call(c).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(cls as never);
      expect((e as ValidationError).code).toBe(type);
      expect((e as ValidationError).status).toBe(status);
      expect((e as Error).message).toContain(`${type} happened`);
      expect(server.requests).toHaveLength(1);
    }
    c.close();
  });

  it('treats a malformed 200 body and a 502 HTML page as transient', async () => {
    const c = client();
    server.setBehaviour(() => ({ status: 200, raw: '{"output": {"message": ' }));
    const e1 = await call(c).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(TransientError);
    server.setBehaviour(() => ({ status: 200, json: { unexpected: true } }));
    const e2 = await call(c).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(TransientError);
    expect((e2 as TransientError).code).toBe('MalformedResponse');
    server.setBehaviour(() => ({ status: 502, raw: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } }));
    const e3 = await call(c).catch((x: unknown) => x);
    expect(e3).toBeInstanceOf(TransientError);
    expect((e3 as TransientError).status).toBe(502);
    c.close();
  });

  it('aborts a slow response when the signal fires', async () => {
    server.setBehaviour(() => ({ ...converseOk('late'), delayMs: 5_000 }));
    const c = client();
    const ac = new AbortController();
    const p = call(c, ac.signal).catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort(new DOMException('request timed out', 'TimeoutError'));
    const e = await p;
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe('TimeoutError');
    c.close();
  });

  it("cuts the HTTP request on the runner's AttemptSignal and drops the SDK's handler after each call", async () => {
    const c = client();
    server.setBehaviour(() => converseOk('fine'));
    const done = new AttemptSignal();
    expect((await call(c, done)).output).toBe('fine');
    // The SDK set its abort handler for the call; it is gone once the call is over.
    expect(done.onabort).toBeNull();

    server.setBehaviour(() => ({ hang: true }));
    const before = server.requests.length;
    const signal = new AttemptSignal();
    const p = call(c, signal).catch((x: unknown) => x);
    await waitFor(() => server.requests.length > before, 'the request to arrive', 5_000);
    signal.abort(new DOMException('no response within 50 ms', 'TimeoutError'));
    const e = await p;
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).code).toBe('TimeoutError');
    // The server saw the connection closed: the request was cut, not just given up on.
    await waitFor(() => server.requests[before]!.cancelled === true, 'the server to see the connection closed', 5_000);
    c.close();
  });

  it('treats a dropped connection as transient', async () => {
    server.setBehaviour(() => ({ destroy: true }));
    const c = client();
    const e = await call(c).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    c.close();
  });
});
