import { describe, expect, it } from 'vitest';
import { RecordError, parseOpenAIRecord } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { byRequestId, collect, fixture, recordsOf, skipsOf } from './helpers.js';

const loc = { file: 'x.jsonl', line: 1 };

describe('LiteLLM StandardLoggingPayload lines (fixtures/ingest/litellm.jsonl)', async () => {
  const evs = await collect(readTraffic([fixture('litellm.jsonl')]));
  const recs = recordsOf(evs);

  it('detects the format and reads every line', () => {
    expect(skipsOf(evs)).toEqual([]);
    expect(recs).toHaveLength(4);
  });

  it('Azure OpenAI with cached tokens: input = prompt_tokens − cached_tokens', () => {
    expect(byRequestId(recs, 'chatcmpl-fx-azure')).toEqual({
      source: { file: fixture('litellm.jsonl'), line: 1 },
      requestId: 'chatcmpl-fx-azure',
      operation: 'acompletion',
      timestamp: '2025-11-03T15:00:00.123Z',
      modelId: 'azure/gpt-4o',
      identityArn: 'support-bot-key',
      tags: { team: 'support', key: 'support-bot-key', app: 'triage-bot', env: 'prod', sample: 'tokor-synthetic', region: 'eastus', priority: 'true' },
      tokens: { input: 464, output: 150, cacheRead: 1536, cacheWrite: 0 },
      prompt: 'I was charged twice for order 1234.',
      opening: 'I was charged twice for order 1234.',
      system: 'Classify support tickets.',
      turns: 2,
      maxTokens: 50,
      outputText: 'billing',
      // StandardLoggingPayload response_cost: the gateway's own figure, kept as exact decimal text.
      reportedCostUsd: '0.00291',
    });
  });

  it('Bedrock Claude through LiteLLM: cache reads and writes are folded into prompt_tokens and taken out again', () => {
    const read = byRequestId(recs, 'chatcmpl-fx-bedrock-read');
    expect(read.modelId).toBe('bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(read.tokens).toEqual({ input: 120, output: 400, cacheRead: 3000, cacheWrite: 0 });
    expect(read.prompt).toBe('Refactor this function to be iterative:\ndef f(n): return 1 if n < 2 else n * f(n - 1)');
    expect(read.tags).toEqual({ team: 'platform', app: 'code-assistant', sample: 'tokor-synthetic' });
    expect(read.timestamp).toBe('2025-11-04T09:53:20.000Z');
    const write = byRequestId(recs, 'chatcmpl-fx-bedrock-write');
    expect(write.tokens).toEqual({ input: 100, output: 100, cacheRead: 0, cacheWrite: 2048 });
    expect(write.timestamp).toBe('2025-11-04T09:55:00.500Z');
  });

  it('a failed call keeps its error class as errorCode', () => {
    const r = byRequestId(recs, 'chatcmpl-fx-failed');
    expect(r).toMatchObject({ errorCode: 'RateLimitError', modelId: 'openai/gpt-4o-mini', timestamp: '2025-11-04T13:52:45.000Z' });
    expect(r.tokens).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    expect(r.outputText).toBeUndefined();
    expect(r.problems).toBeUndefined();
  });
});

describe('gateway and chat-completion lines (fixtures/ingest/gateway.jsonl)', async () => {
  const evs = await collect(readTraffic([fixture('gateway.jsonl')]));
  const recs = recordsOf(evs);

  it('reads every line', () => {
    expect(skipsOf(evs)).toEqual([]);
    expect(recs).toHaveLength(4);
  });

  it('request + response: developer message as system, request metadata as tags, user as identity', () => {
    expect(recs[0]).toMatchObject({
      requestId: 'chatcmpl-fx-gw',
      modelId: 'openai/gpt-4o-mini',
      timestamp: '2025-11-04T09:12:45.000Z',
      system: 'Be brief.',
      prompt: 'Summarize: the meeting moved to Friday.',
      turns: 2,
      maxTokens: 300,
      identityArn: 'analyst-7',
      outputText: 'Meeting now on Friday.',
      tags: { team: 'growth', app: 'analyst-chat', sample: 'tokor-synthetic' },
    });
    expect(recs[0]!.tokens).toEqual({ input: 25, output: 6, cacheRead: 0, cacheWrite: 0 });
  });

  it('a plain chat completion with its request beside it', () => {
    expect(recs[1]).toMatchObject({
      requestId: 'chatcmpl-fx-plain',
      operation: 'chat.completion',
      modelId: 'gpt-4o',
      timestamp: '2025-11-04T09:53:20.000Z',
      prompt: 'Capital of France?',
      maxTokens: 5,
      outputText: 'Paris.',
    });
    expect(recs[1]!.tokens).toEqual({ input: 50, output: 2, cacheRead: 0, cacheWrite: 0 });
  });

  it('Anthropic-style usage: input_tokens is uncached; timestamps with offsets become UTC', () => {
    expect(recs[2]).toMatchObject({ modelId: 'claude-sonnet-4-5', timestamp: '2025-11-04T09:00:00.250Z', system: 'You are terse.', outputText: 'Same result when repeated.' });
    expect(recs[2]!.tokens).toEqual({ input: 25, output: 200, cacheRead: 1000, cacheWrite: 0 });
  });

  it('Responses-style usage: input_tokens includes cached tokens', () => {
    expect(recs[3]!.modelId).toBe('azure-openai/gpt-4.1');
    expect(recs[3]!.tokens).toEqual({ input: 300, output: 50, cacheRead: 600, cacheWrite: 0 });
  });
});

describe('parseOpenAIRecord edge cases', () => {
  it("Anthropic usage's inference_geo is the region of a Claude API model only (US-only inference costs more)", () => {
    const rec = (model: string, inference_geo: string) => parseOpenAIRecord({ model, usage: { input_tokens: 10, output_tokens: 1, inference_geo }, timestamp: '2026-03-01T00:00:00Z' }, loc);
    expect(rec('claude-opus-4-6', 'us').region).toBe('us');
    expect(rec('anthropic/claude-opus-4-6', 'global').region).toBe('global');
    expect(rec('claude-opus-4-6[1m]', 'us').region).toBe('us');
    expect(rec('anthropic/claude-opus-4.6', 'us').region).toBe('us');
    expect(rec('claude-opus-4-6', 'not_available').region).toBeUndefined();
    expect(rec('us.anthropic.claude-opus-4-6-v1', 'us').region).toBeUndefined();
    expect(rec('claude-opus-4-6@20260205', 'us').region).toBeUndefined();
  });

  it('Anthropic usage\'s speed "fast" names the fast variant of a Claude API model only', () => {
    const rec = (model: string, speed: string) => parseOpenAIRecord({ model, usage: { input_tokens: 10, output_tokens: 1, speed }, timestamp: '2026-11-01T00:00:00Z' }, loc).modelId;
    expect(rec('claude-opus-5-5', 'fast')).toBe('claude-opus-5-5-fast');
    expect(rec('anthropic/claude-opus-5.5', 'fast')).toBe('anthropic/claude-opus-5.5-fast');
    expect(rec('claude-opus-5-20260723', 'fast')).toBe('claude-opus-5-fast-20260723');
    expect(rec('claude-opus-5-fast', 'fast')).toBe('claude-opus-5-fast');
    expect(rec('claude-opus-5-5', 'standard')).toBe('claude-opus-5-5');
    expect(rec('us.anthropic.claude-opus-5-v1', 'fast')).toBe('us.anthropic.claude-opus-5-v1');
    expect(rec('gpt-5.5', 'fast')).toBe('gpt-5.5');
  });

  it('the service tier the response names: flex and priority are the request’s tier, an Anthropic batch result is batch', () => {
    const rec = (tier: Record<string, unknown>) => parseOpenAIRecord({ model: 'gpt-5.5', timestamp: '2026-11-01T00:00:00Z', ...tier }, loc);
    const usage = { prompt_tokens: 10, completion_tokens: 1 };
    const flex = rec({ response: { usage, service_tier: 'flex' } });
    expect([flex.serviceTier, flex.batch]).toEqual(['flex', undefined]);
    const standard = rec({ response: { usage, service_tier: 'default' } });
    expect([standard.serviceTier, standard.batch]).toEqual([undefined, undefined]);
    expect(rec({ usage: { input_tokens: 10, output_tokens: 1, service_tier: 'batch' } }).batch).toBe(true);
    expect(rec({ usage: { input_tokens: 10, output_tokens: 1, service_tier: 'standard' } }).serviceTier).toBeUndefined();
    const priority = rec({ response: { usage, service_tier: 'priority' } });
    expect([priority.serviceTier, priority.batch, priority.problems]).toEqual(['priority', undefined, undefined]);
    // OpenAI's name for priority processing since 2026-07-30.
    expect(rec({ response: { usage, service_tier: 'fast' } }).serviceTier).toBe('priority');
    // A batch request has no service tier of its own.
    expect(rec({ batch: true, response: { usage, service_tier: 'priority' } }).serviceTier).toBeUndefined();
  });

  it('a gateway that does not fold cache writes into prompt_tokens', () => {
    const r = parseOpenAIRecord({ model: 'm', prompt_tokens: 100, completion_tokens: 1, usage: { cache_creation_input_tokens: 2048 }, timestamp: '2025-01-01T00:00:00Z' }, loc);
    expect(r.tokens).toEqual({ input: 100, output: 1, cacheRead: 0, cacheWrite: 2048 });
  });

  it('cached tokens larger than prompt tokens: input 0 and a problem', () => {
    const r = parseOpenAIRecord({ model: 'm', usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } }, created: 1762250000 }, loc);
    expect(r.tokens).toEqual({ input: 0, output: 1, cacheRead: 50, cacheWrite: 0 });
    expect(r.problems).toEqual(['cached tokens exceed prompt tokens']);
  });

  it('rejects lines without a model and negative or non-numeric counts', () => {
    expect(() => parseOpenAIRecord({ usage: { prompt_tokens: 1 } }, loc)).toThrow(RecordError);
    expect(() => parseOpenAIRecord({ model: 'm', prompt_tokens: -1 }, loc)).toThrow('prompt_tokens is negative (-1)');
    expect(() => parseOpenAIRecord({ model: 'm', usage: { completion_tokens: 'x' } }, loc)).toThrow('usage.completion_tokens is not a number ("x")');
  });

  it('notes missing usage and missing timestamps without dropping the record', () => {
    const r = parseOpenAIRecord({ model: 'gpt-4o', messages: 'just a string prompt' }, loc);
    expect(r.prompt).toBe('just a string prompt');
    expect(r.problems).toEqual(['timestamp missing', 'token counts missing']);
  });
});
