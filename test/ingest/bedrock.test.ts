import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RecordError, parseBedrockRecord, parseJsonLine } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { byRequestId, collect, fixture, recordsOf, skipsOf } from './helpers.js';

// Hand-written twins of the published records' edge cases (the real ones: test/data/bedrock-log-examples.test.ts).
const EDGES = fixture('bedrock-edge-cases.jsonl');
const lines = readFileSync(EDGES, 'utf8').split('\n').filter((l) => l.trim() !== '');
const loc = (line: number) => ({ file: 'edges.jsonl', line });
const parseLine = (i: number) => parseBedrockRecord(JSON.parse(lines[i]!), loc(i + 1));
const SAMPLE = { sample: 'tokor-synthetic' };

describe('edge cases of the published log shapes (fixtures/ingest/bedrock-edge-cases.jsonl)', () => {
  it('line 1: ConverseStream logged as one aggregated Converse body', () => {
    expect(parseLine(0)).toEqual({
      source: loc(1),
      requestId: 'fx-edge-stream-aggregated',
      operation: 'ConverseStream',
      timestamp: '2025-11-04T09:15:27.000Z',
      modelId: 'amazon.nova-micro-v1:0',
      region: 'us-east-1',
      identityArn: 'arn:aws:iam::123456789012:user/fixture-dev',
      tags: SAMPLE,
      tokens: { input: 9, output: 10, cacheRead: 0, cacheWrite: 0 },
      prompt: 'Name a prime number above 10.',
      opening: 'Name a prime number above 10.',
      turns: 1,
      maxTokens: 64,
      outputText: '11 is a prime number above 10.',
    });
  });

  it('line 2: text delivery off — counts, no bodies, schemaType last', () => {
    expect(parseLine(1)).toEqual({
      source: loc(2),
      requestId: 'fx-edge-no-bodies',
      operation: 'Converse',
      timestamp: '2025-11-04T09:16:00.000Z',
      modelId: 'eu.amazon.nova-lite-v1:0',
      region: 'eu-west-1',
      identityArn: 'arn:aws:sts::123456789012:assumed-role/fixture-role/session',
      tags: SAMPLE,
      tokens: { input: 3, output: 5, cacheRead: 0, cacheWrite: 0 },
    });
  });

  it('line 3: Titan stream chunks with invocation metrics; a redacted timestamp kept as a problem', () => {
    expect(parseLine(2)).toEqual({
      source: loc(3),
      requestId: 'fx-edge-redacted',
      operation: 'InvokeModelWithResponseStream',
      modelId: 'amazon.titan-text-lite-v1',
      region: 'us-west-2',
      identityArn: '<redacted>',
      tags: SAMPLE,
      tokens: { input: 8, output: 2, cacheRead: 0, cacheWrite: 0 },
      prompt: 'Spell cat backwards',
      turns: 1,
      maxTokens: 32,
      outputText: ' tac',
      problems: ['timestamp unparseable'],
    });
  });

  it('line 4: Anthropic Messages body blocked by a guardrail, Panther timestamp, no token counts', () => {
    expect(parseLine(3)).toEqual({
      source: loc(4),
      requestId: 'fx-edge-guardrail-invoke',
      operation: 'InvokeModel',
      timestamp: '2025-11-04T10:02:03.000Z',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      region: 'us-west-2',
      identityArn: 'arn:aws:sts::123456789012:assumed-role/fixture-role/blocked',
      tags: SAMPLE,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      prompt: 'Tell me something the policy forbids.',
      opening: 'Tell me something the policy forbids.',
      system: 'You follow the policy.',
      turns: 1,
      maxTokens: 50,
      outputText: 'Sorry, I cannot help with that.',
      problems: ['token counts missing'],
    });
  });

  it('line 5: Converse stopped by a guardrail, zero counts', () => {
    expect(parseLine(4)).toEqual({
      source: loc(5),
      requestId: 'fx-edge-guardrail-converse',
      operation: 'Converse',
      timestamp: '2025-11-04T10:05:00.000Z',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      region: 'us-west-2',
      identityArn: 'arn:aws:sts::123456789012:assumed-role/fixture-role/blocked',
      tags: SAMPLE,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      prompt: 'Tell me something the policy forbids.',
      opening: 'Tell me something the policy forbids.',
      turns: 1,
      outputText: 'Sorry, I cannot help with that.',
    });
  });

  it('reads the file through readTraffic with format detection: 5 records, no skips', async () => {
    const evs = await collect(readTraffic([EDGES]));
    expect(skipsOf(evs)).toEqual([]);
    expect(recordsOf(evs).map((r) => [r.source.line, r.requestId])).toEqual([
      [1, 'fx-edge-stream-aggregated'],
      [2, 'fx-edge-no-bodies'],
      [3, 'fx-edge-redacted'],
      [4, 'fx-edge-guardrail-invoke'],
      [5, 'fx-edge-guardrail-converse'],
    ]);
  });
});

describe('Bedrock bodies of every model family (fixtures/ingest/bedrock-bodies.jsonl)', async () => {
  const evs = await collect(readTraffic([fixture('bedrock-bodies.jsonl')]));
  const recs = recordsOf(evs);

  it('parses every line', () => {
    expect(skipsOf(evs)).toEqual([]);
    expect(recs).toHaveLength(11);
  });

  it('Llama InvokeModel: the user turn of the chat template; inferenceRegion wins over region', () => {
    const r = byRequestId(recs, 'fx-llama-invoke');
    expect(r.prompt).toBe('List three causes of flaky integration tests.');
    expect(r.tokens).toEqual({ input: 38, output: 12, cacheRead: 0, cacheWrite: 0 });
    expect(r.maxTokens).toBe(512);
    expect(r.region).toBe('us-east-2');
    expect(r.outputText).toBe('Shared state, timing assumptions and external services.');
    expect(r.tags).toEqual({ team: 'platform', app: 'fixture', sample: 'tokor-synthetic' });
  });

  it('Mistral text InvokeModel', () => {
    const r = byRequestId(recs, 'fx-mistral-invoke');
    expect(r).toMatchObject({ prompt: 'Translate to French: good morning', maxTokens: 50, outputText: 'Bonjour', region: 'us-west-2' });
    expect(r.tokens).toEqual({ input: 14, output: 3, cacheRead: 0, cacheWrite: 0 });
  });

  it('Nova InvokeModel without top-level counts falls back to body usage (cache read included)', () => {
    const r = byRequestId(recs, 'fx-nova-fallback');
    expect(r.tokens).toEqual({ input: 17, output: 13, cacheRead: 800, cacheWrite: 0 });
    expect(r).toMatchObject({ prompt: 'What is a token bucket?', system: 'Answer in one sentence.', maxTokens: 200 });
    expect(r.problems).toBeUndefined();
  });

  it('Anthropic stream chunks: invocation metrics for counts, message_start usage for cache, deltas for text', () => {
    const r = byRequestId(recs, 'fx-anthropic-stream');
    expect(r.tokens).toEqual({ input: 50, output: 120, cacheRead: 1000, cacheWrite: 0 });
    expect(r.outputText).toBe('Yes, with one nit.');
    expect(r.system).toBe('You review pull requests.');
    expect(r.prompt).toBe('Is this diff safe to merge?');
  });

  it('Nova stream chunks', () => {
    const r = byRequestId(recs, 'fx-nova-stream');
    expect(r.tokens).toEqual({ input: 5, output: 2, cacheRead: 0, cacheWrite: 0 });
    expect(r.outputText).toBe('Teal');
  });

  it('Anthropic usage with a 1-hour cache write sets cacheWriteTtl', () => {
    const r = byRequestId(recs, 'fx-anthropic-1h');
    expect(r.tokens).toEqual({ input: 12, output: 8, cacheRead: 0, cacheWrite: 2048 });
    expect(r.cacheWriteTtl).toBe('1h');
    expect(r.prompt).toBe('Summarize the attached policy.');
  });

  it('bodies delivered to S3: counts kept, no prompt, no problem', () => {
    const r = byRequestId(recs, 'fx-s3-bodies');
    expect(r.tokens).toEqual({ input: 180000, output: 2500, cacheRead: 0, cacheWrite: 0 });
    expect(r.prompt).toBeUndefined();
    expect(r.outputText).toBeUndefined();
    expect(r.problems).toBeUndefined();
  });

  it('failed call: kept with errorCode and zero tokens', () => {
    const r = byRequestId(recs, 'fx-throttled');
    expect(r.errorCode).toBe('ThrottlingException');
    expect(r.tokens).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
    expect(r.problems).toBeUndefined();
  });

  it('Converse with tool use: prompt is the last user turn with text; numeric metadata becomes a string tag', () => {
    const r = byRequestId(recs, 'fx-converse-tools');
    expect(r).toMatchObject({ prompt: 'Check the stock level of SKU 42.', turns: 3, system: 'You are an inventory assistant.', region: 'eu-west-3' });
    expect(r.tokens).toEqual({ input: 60, output: 9, cacheRead: 1200, cacheWrite: 0 });
    expect(r.tags).toEqual({ team: 'payments', app: 'stock-bot', shard: '3', sample: 'tokor-synthetic' });
  });

  it('Titan and Llama stream bodies carry their own counts', () => {
    expect(byRequestId(recs, 'fx-titan')).toMatchObject({
      tokens: { input: 11, output: 17, cacheRead: 0, cacheWrite: 0 },
      prompt: 'Write a haiku about logs.',
      maxTokens: 100,
    });
    expect(byRequestId(recs, 'fx-llama-stream')).toMatchObject({
      tokens: { input: 6, output: 3, cacheRead: 0, cacheWrite: 0 },
      prompt: 'Say hi',
      outputText: 'Hi there!',
      maxTokens: 20,
    });
  });
});

describe('parseBedrockRecord on unusable and edge-case records', () => {
  const base = () => ({
    timestamp: '2025-11-05T10:00:00Z',
    modelId: 'us.amazon.nova-micro-v1:0',
    operation: 'Converse',
    input: { inputTokenCount: 10 } as Record<string, unknown>,
    output: { outputTokenCount: 5 } as Record<string, unknown>,
  });
  const reasonOf = (obj: unknown): string => {
    try {
      parseBedrockRecord(obj, loc(1));
    } catch (e) {
      expect(e).toBeInstanceOf(RecordError);
      return (e as RecordError).reason;
    }
    throw new Error('expected a RecordError');
  };

  it('rejects non-objects and records without a modelId', () => {
    expect(reasonOf([1, 2])).toBe('not a JSON object');
    expect(reasonOf(null)).toBe('not a JSON object');
    expect(reasonOf({ ...base(), modelId: undefined })).toMatch(/^modelId missing/);
    expect(reasonOf({ ...base(), modelId: 42 })).toBe('modelId is not a non-empty string');
  });

  it('rejects negative, non-numeric and fractional counts with the field name', () => {
    const b1 = base();
    b1.input.inputTokenCount = -3;
    expect(reasonOf(b1)).toBe('input.inputTokenCount is negative (-3)');
    const b2 = base();
    b2.output.outputTokenCount = 'lots';
    expect(reasonOf(b2)).toBe('output.outputTokenCount is not a number ("lots")');
    const b3 = base();
    b3.input.cacheReadInputTokenCount = 2.5;
    expect(reasonOf(b3)).toBe('input.cacheReadInputTokenCount is not a whole number (2.5)');
    const b4 = base();
    b4.input.inputTokenCount = { n: 1 };
    expect(reasonOf(b4)).toBe('input.inputTokenCount is not a number (an object)');
  });

  it('rejects a negative count in a body it falls back on', () => {
    const b = base();
    delete b.output.outputTokenCount;
    b.output.outputBodyJson = { usage: { inputTokens: 3, outputTokens: -1 } };
    expect(reasonOf(b)).toBe('outputBodyJson.usage.outputTokens is negative (-1)');
  });

  it('accepts digit strings (stringified bigints) and keeps key order irrelevant', () => {
    const b = base();
    b.input.inputTokenCount = '12';
    const r = parseBedrockRecord(Object.fromEntries(Object.entries(b).reverse()), loc(1));
    expect(r.tokens.input).toBe(12);
  });

  it('counts a missing timestamp as a problem, keeps the record', () => {
    const { timestamp: _t, ...rest } = base();
    expect(parseBedrockRecord(rest, loc(1)).problems).toEqual(['timestamp missing']);
  });

  it('reads a body logged as a JSON string', () => {
    const b = base();
    b.input.inputBodyJson = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    expect(parseBedrockRecord(b, loc(1)).prompt).toBe('hi');
  });

  it('caps prompt and answer text at 8,000 characters', () => {
    const b = base();
    b.input.inputBodyJson = { messages: [{ role: 'user', content: [{ text: 'a'.repeat(5000) }, { text: 'b'.repeat(5000) }] }] };
    b.output.outputBodyJson = { output: { message: { content: [{ text: 'c'.repeat(20000) }] } } };
    const r = parseBedrockRecord(b, loc(1));
    expect(r.prompt).toHaveLength(8000);
    expect(r.prompt!.startsWith('a'.repeat(5000) + '\nb')).toBe(true);
    expect(r.outputText).toHaveLength(8000);
  });

  it('marks batch inference when the record says so', () => {
    expect(parseBedrockRecord({ ...base(), batch: true }, loc(1)).batch).toBe(true);
    expect(parseBedrockRecord({ ...base(), inferenceType: 'BATCH' }, loc(1)).batch).toBe(true);
    expect(parseBedrockRecord(base(), loc(1)).batch).toBeUndefined();
  });

  it('parseJsonLine: malformed JSON is a skip with the reason; a leading BOM is fine', () => {
    const ev = parseJsonLine('bedrock', '{"modelId": "x", ', loc(7))[0]!;
    expect(ev.kind).toBe('skipped');
    if (ev.kind === 'skipped') {
      expect(ev.skipped.source).toEqual(loc(7));
      expect(ev.skipped.reason).toMatch(/^malformed JSON: /);
    }
    const bom = parseJsonLine('bedrock', `\uFEFF${lines[1]!}`, loc(1))[0]!;
    expect(bom.kind === 'record' && bom.record.modelId).toBe('eu.amazon.nova-lite-v1:0');
    const pretty = parseJsonLine('bedrock', '{', loc(1))[0]!;
    expect(pretty.kind === 'skipped' && pretty.skipped.reason).toMatch(/pretty-printed JSON/);
  });
});
