/**
 * The five real published Bedrock model-invocation log records
 * (../shared/datasets/aws-formats, read in place), parsed exactly.
 * Their edge cases have hand-written twins in fixtures/ingest/bedrock-edge-cases.jsonl for npm test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBedrockRecord, parseJsonLine } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { collect, recordsOf, skipsOf } from '../ingest/helpers.js';
import { dataset } from './datasets.js';

const AWS_EXAMPLES = dataset('aws-formats/bedrock-invocation-log-examples.jsonl');
const lines = readFileSync(AWS_EXAMPLES, 'utf8').split('\n').filter((l) => l.trim() !== '');
const loc = (line: number) => ({ file: 'examples.jsonl', line });
const parseLine = (i: number) => parseBedrockRecord(JSON.parse(lines[i]!), loc(i + 1));

describe('real Bedrock invocation log records (../shared/datasets/aws-formats)', () => {
  it('has the five published records', () => {
    expect(lines).toHaveLength(5);
  });

  it('line 1: ConverseStream on Nova Lite, logged as an aggregated Converse body', () => {
    expect(parseLine(0)).toEqual({
      source: loc(1),
      requestId: 'ff4b6c63-5561-4431-93b8-06a817275900',
      operation: 'ConverseStream',
      timestamp: '2025-03-11T00:38:02.000Z',
      modelId: 'amazon.nova-lite-v1:0',
      region: 'us-east-1',
      identityArn: 'arn:aws:iam::XXXXXXXXXXXX:user/dheeraj',
      tags: {},
      tokens: { input: 4, output: 38, cacheRead: 0, cacheWrite: 0 },
      prompt: 'hello how are you',
      opening: 'hello how are you',
      turns: 1,
      maxTokens: 512,
      outputText:
        "Hello! I'm doing well, thank you for asking. How can I assist you today? If you have any questions or need help with something, feel free to let me know.",
    });
  });

  it('line 2: text delivery off — counts, no bodies, schemaType last', () => {
    expect(parseLine(1)).toEqual({
      source: loc(2),
      requestId: '00000000-0000-0000-0000-000000000000',
      operation: 'Converse',
      timestamp: '2026-09-08T12:10:33.000Z',
      modelId: 'apac.amazon.nova-micro-v1:0',
      region: 'ap-northeast-1',
      identityArn: 'arn:aws:sts::111111111111:assumed-role/...',
      tags: {},
      tokens: { input: 1, output: 8, cacheRead: 0, cacheWrite: 0 },
    });
  });

  it('line 3: Titan stream chunks with invocation metrics; redacted timestamp kept as a problem', () => {
    expect(parseLine(2)).toEqual({
      source: loc(3),
      requestId: 'xxxxxxxxxxxx',
      operation: 'InvokeModelWithResponseStream',
      modelId: 'amazon.titan-text-express-v1',
      region: 'ap-northeast-1',
      identityArn: 'xxxxxxxxxxxx',
      tags: {},
      tokens: { input: 7, output: 11, cacheRead: 0, cacheWrite: 0 },
      prompt: 'Hello',
      turns: 1,
      maxTokens: 2048,
      outputText: ' Hello! How can I assist you today?',
      problems: ['timestamp unparseable'],
    });
  });

  it('line 4: Anthropic Messages body with a guardrail trace, Panther timestamp, no token counts', () => {
    expect(parseLine(3)).toEqual({
      source: loc(4),
      requestId: 'ba78ac1f-5ea4-4e2a-a936-92f7e13c96c4',
      operation: 'InvokeModel',
      timestamp: '2025-05-15T14:14:49.000Z',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      region: 'us-west-2',
      identityArn: 'arn:aws:sts::111111111111:assumed-role/role_details/suspicious.user',
      tags: {},
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      prompt: 'I have a very suspicious question.',
      opening: 'I have a very suspicious question.',
      system: 'You are a helpful assistant.',
      turns: 1,
      maxTokens: 100,
      outputText: "You shouldn't ask this question",
      problems: ['token counts missing'],
    });
  });

  it('line 5: Converse with guardrail_intervened and zero counts', () => {
    expect(parseLine(4)).toEqual({
      source: loc(5),
      requestId: 'bb98d9a8-bd9a-47ca-976b-f165ef1f8b67',
      operation: 'Converse',
      timestamp: '2025-05-15T14:17:22.000Z',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      region: 'us-west-2',
      identityArn: 'arn:aws:sts::111111111111:assumed-role/role_details/suspicious.user',
      tags: {},
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      prompt: 'I have a very suspicious question.',
      opening: 'I have a very suspicious question.',
      turns: 1,
      outputText: "You shouldn't ask this question",
    });
  });

  it('reads the file through readTraffic with format detection: 5 records, no skips', async () => {
    const evs = await collect(readTraffic([AWS_EXAMPLES]));
    expect(skipsOf(evs)).toEqual([]);
    expect(recordsOf(evs).map((r) => [r.source.line, r.modelId])).toEqual([
      [1, 'amazon.nova-lite-v1:0'],
      [2, 'apac.amazon.nova-micro-v1:0'],
      [3, 'amazon.titan-text-express-v1'],
      [4, 'anthropic.claude-3-haiku-20240307-v1:0'],
      [5, 'anthropic.claude-3-haiku-20240307-v1:0'],
    ]);
  });

  it('a leading BOM on a real line is fine', () => {
    const bom = parseJsonLine('bedrock', `\uFEFF${lines[1]!}`, loc(1))[0]!;
    expect(bom.kind === 'record' && bom.record.modelId).toBe('apac.amazon.nova-micro-v1:0');
  });
});
