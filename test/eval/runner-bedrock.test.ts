/**
 * The runner driving the real BedrockRuntimeClient against a local Converse
 * endpoint: retries, timeouts and the no-retry rule seen from the wire.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runItems, type RunItem, type RunOptions, type TierRun } from '../../src/eval/runItems.js';
import { BedrockClient } from '../../src/providers/bedrock.js';
import type { EvalResult } from '../../src/eval/types.js';
import { awsError, converseOk, startBedrockServer, throttled, useTestCredentials, type BedrockServer } from '../helpers/bedrock-server.js';

let server: BedrockServer;
let client: BedrockClient;
let tier: TierRun;
beforeAll(async () => {
  useTestCredentials();
  server = await startBedrockServer();
  client = new BedrockClient({ model: 'us.amazon.nova-lite-v1:0', region: 'us-east-1', endpoint: server.url, concurrency: 8 });
  tier = { name: 'cheap', model: 'us.amazon.nova-lite-v1:0', client };
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

const items = (n: number, prefix = 'item'): RunItem[] =>
  Array.from({ length: n }, (_, i) => ({
    datasetId: 'wire',
    case: { id: `${prefix}${i}`, input: { messages: [{ role: 'user' as const, content: `${prefix}${i}` }] }, expected: `answer:${prefix}${i}` },
    tier,
  }));

function opts(over: Partial<RunOptions> = {}): RunOptions & { results: EvalResult[] } {
  const results: EvalResult[] = [];
  return {
    concurrency: 8,
    timeoutMs: 10_000,
    grade: async (c, out) => ({ pass: out === c.expected, score: out === c.expected ? 1 : 0, graders: [] }),
    price: () => 0.001,
    onResult: (r) => results.push(r),
    sleep: async () => {},
    random: () => 0.5,
    results,
    ...over,
  };
}

const sentPerItem = () => {
  const m = new Map<string, number>();
  for (const r of server.requests) m.set(r.text, (m.get(r.text) ?? 0) + 1);
  return m;
};

describe('runner + BedrockRuntimeClient over the wire', () => {
  it('recovers from a throttling burst (429 ThrottlingException) by retrying', async () => {
    server.setBehaviour((req, { attemptsForText }) => (attemptsForText <= 2 ? throttled() : converseOk(`answer:${req.text}`, { inputTokens: 7, outputTokens: 2, cacheReadInputTokens: 3 })));
    const o = opts();
    const stats = await runItems(items(12, 'thr'), o);
    expect(stats).toMatchObject({ done: 12, errors: 0, throttled: 24, retries: 24 });
    expect(o.results.every((r) => r.pass && r.cacheReadTokens === 3)).toBe(true);
    expect([...sentPerItem().values()]).toEqual(Array(12).fill(3));
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(24);
    expect(server.maxInFlight).toBeLessThanOrEqual(8);
  });

  it('retries 500 and 503 until the endpoint answers', async () => {
    server.setBehaviour((req, { attemptsForText }) =>
      attemptsForText === 1 ? awsError(500, 'InternalServerException', 'oops') : attemptsForText === 2 ? awsError(503, 'ServiceUnavailableException', 'busy') : converseOk(`answer:${req.text}`),
    );
    const o = opts();
    const stats = await runItems(items(4, 'srv'), o);
    expect(stats).toMatchObject({ done: 4, errors: 0, retries: 8 });
    expect([...sentPerItem().values()]).toEqual([3, 3, 3, 3]);
  });

  it('sends a 400 ValidationException exactly once and records the error', async () => {
    server.setBehaviour(() => awsError(400, 'ValidationException', 'The model returned the following errors: max_tokens: 0 < 1'));
    const o = opts();
    const stats = await runItems(items(1, 'val'), o);
    expect(server.requests).toHaveLength(1);
    expect(stats).toMatchObject({ done: 1, errors: 1, retries: 0 });
    expect(o.results[0]!.error).toBe('ValidationException (400): The model returned the following errors: max_tokens: 0 < 1');
    expect(o.results[0]!.pass).toBe(false);
  });

  it('times out a slow response and retries it', async () => {
    server.setBehaviour((req, { attemptsForText }) => (attemptsForText === 1 ? { ...converseOk(`answer:${req.text}`), delayMs: 3_000 } : converseOk(`answer:${req.text}`)));
    const o = opts({ timeoutMs: 250 });
    const stats = await runItems(items(2, 'slow'), o);
    expect(stats).toMatchObject({ done: 2, errors: 0, retries: 2 });
    expect(o.results.every((r) => r.pass)).toBe(true);
  });

  it('retries a malformed body and gives up with the reason when it stays malformed', async () => {
    server.setBehaviour((req, { attemptsForText }) => (attemptsForText === 1 ? { status: 200, raw: '{"output":' } : converseOk(`answer:${req.text}`)));
    const o = opts();
    expect(await runItems(items(1, 'mal'), o)).toMatchObject({ errors: 0, retries: 1 });
    server.setBehaviour(() => ({ status: 200, raw: 'not json at all' }));
    const o2 = opts({ retries: 2 });
    const stats = await runItems(items(1, 'bad'), o2);
    expect(stats.errors).toBe(1);
    expect(o2.results[0]!.error).toMatch(/^MalformedResponse.*\(gave up after 3 attempts\)$/);
    expect(sentPerItem().get('bad0')).toBe(3);
  });

  it('records the prompt router pick', async () => {
    const invoked = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
    server.setBehaviour((req) => converseOk(`answer:${req.text}`, {}, { trace: { promptRouter: { invokedModelId: invoked } } }));
    const seen: string[] = [];
    const o = opts({ price: (_t, m) => {
        seen.push(m);
        return 0.5;
      } });
    await runItems(items(1, 'router'), o);
    expect(o.results[0]!.invokedModel).toBe(invoked);
    expect(seen).toEqual([invoked]);
  });
});
