import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { LOG_FORMAT_NAMES, type LogFormatName } from '../../src/ingest/formats/index.js';
import { FORMAT_SAMPLE_RECORDS, detectFormat, guessFormat } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { collect, fixture, recordsOf, repoPath, skipsOf } from './helpers.js';

const EDGES = fixture('bedrock-edge-cases.jsonl');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-traffic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detectFormat', () => {
  const bedrockLine = '{"schemaType":"ModelInvocationLog","modelId":"amazon.nova-lite-v1:0","input":{}}';
  it.each<[string, string, string, LogFormatName]>([
    ['a Bedrock record', bedrockLine, 'x.json', 'bedrock'],
    ['a Bedrock record with another key order', '{"input":{},"modelId":"m"}', 'x.log', 'bedrock'],
    ['a LiteLLM payload', '{"id":"1","call_type":"acompletion","model":"gpt-4o","prompt_tokens":1}', 'x.jsonl', 'openai'],
    ['a chat completion', '{"id":"1","object":"chat.completion","choices":[]}', 'x.jsonl', 'openai'],
    ['a gateway line', '{"request":{"model":"m"},"response":{}}', 'x.jsonl', 'openai'],
    ['a sample cut mid-record (Bedrock)', '{"schemaType":"ModelInvocationLog","modelId":"amaz', 'x.jsonl', 'bedrock'],
    ['a sample cut mid-record (OpenAI)', '{"id":"1","choices":[{"mess', 'x.jsonl', 'openai'],
    ['a CSV header', 'timestamp,model_id,input_tokens', 'export.txt', 'csv'],
    ['a CloudWatch Logs export line', `2025-03-11T00:38:03.123Z ${bedrockLine}`, '000000.gz', 'bedrock'],
    ['a .csv.gz name', 'anything', 'usage.csv.gz', 'csv'],
    ['blank lines, then a BOM and a Bedrock record', `\n\n\uFEFF${bedrockLine}`, 'x', 'bedrock'],
    ['nothing at all', '', 'x.jsonl', 'bedrock'],
  ])('%s', (_name, sample, file, expected) => {
    expect(detectFormat(sample, file)).toBe(expected);
  });
});

describe('guessFormat', () => {
  const oa = (i: number) => JSON.stringify({ id: `c${i}`, model: 'gpt-4o', usage: { prompt_tokens: 1, completion_tokens: 1 } });
  const br = (i: number) => JSON.stringify({ schemaType: 'ModelInvocationLog', requestId: `r${i}`, modelId: 'm', input: {}, output: {} });
  it('votes over the sampled records: a truncated or odd first line does not decide', () => {
    const lines = Array.from({ length: 10 }, (_, i) => oa(i));
    expect(guessFormat([lines[0]!.slice(0, 20), ...lines.slice(1)].join('\n'), 'x.jsonl')).toEqual({ format: 'openai', votes: { bedrock: 0, openai: 9 }, mixed: false });
    // A first line cut at its start (no opening brace, commas in it) is not a CSV header when JSON lines follow.
    expect(guessFormat([lines[0]!.slice(12), ...lines.slice(1)].join('\n'), 'x.log').format).toBe('openai');
    expect(guessFormat([br(0), oa(1), oa(2)].join('\n'), 'x.jsonl')).toEqual({ format: 'openai', votes: { bedrock: 1, openai: 2 }, mixed: true });
  });
  it('looks at no more than FORMAT_SAMPLE_RECORDS parseable records', () => {
    const lines = [...Array.from({ length: FORMAT_SAMPLE_RECORDS }, (_, i) => br(i)), ...Array.from({ length: 100 }, (_, i) => oa(i))];
    expect(guessFormat(lines.join('\n'), 'x.jsonl')).toEqual({ format: 'bedrock', votes: { bedrock: FORMAT_SAMPLE_RECORDS, openai: 0 }, mixed: false });
  });
});

describe('readTraffic', () => {
  it('skips malformed lines and unusable records with file:line and a reason; blank lines are ignored', async () => {
    const file = fixture('bad-lines.jsonl');
    const evs = await collect(readTraffic([file]));
    expect(evs.map((e) => (e.kind === 'record' ? e.record.source.line : -e.skipped.source.line))).toEqual([1, -2, -3, -4, -5, -7, 8]);
    const reasons = skipsOf(evs).map((s) => s.reason);
    expect(reasons[0]).toMatch(/^malformed JSON: /);
    expect(reasons.slice(1)).toEqual([
      'input.inputTokenCount is negative (-3)',
      'output.outputTokenCount is not a number ("lots")',
      'modelId missing (not a Bedrock invocation log record?)',
      'not a JSON object',
    ]);
    expect(recordsOf(evs)[1]!.problems).toEqual(['timestamp unparseable']);
    expect(skipsOf(evs).every((s) => s.source.file === file)).toBe(true);
  });

  it('strict: an InputError "file:line: reason" at the first bad record', async () => {
    const file = fixture('bad-lines.jsonl');
    const err = await collect(readTraffic([file], { strict: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).where).toBe(`${file}:2`);
    expect((err as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: malformed JSON: `));
  });

  it('a truncated gzip: the lines before it, then a counted skip (or an InputError when strict)', async () => {
    const file = fixture('truncated.jsonl.gz');
    const evs = await collect(readTraffic([file]));
    const recs = recordsOf(evs);
    const skips = skipsOf(evs);
    expect(recs.length).toBeGreaterThan(0);
    expect(recs.length).toBeLessThan(11);
    expect(skips).toHaveLength(1);
    expect(skips[0]!.source).toEqual({ file, line: recs.length + 1 });
    expect(skips[0]!.reason).toBe(`${file} is truncated after line ${recs.length}; the rest of the file was not read`);
    await expect(collect(readTraffic([file], { strict: true }))).rejects.toThrow(`${file}: truncated gzip (unexpected end of file)`);
  });

  it('detects the format per file in a mixed directory, and reports each file as it starts', async () => {
    const mixed = join(dir, 'mixed');
    await mkdir(mixed, { recursive: true });
    await copyFile(fixture('litellm.jsonl'), join(mixed, 'a-gateway.jsonl'));
    await copyFile(fixture('bodies-gzip-no-extension.jsonl'), join(mixed, 'b-bedrock.json.gz'));
    await copyFile(fixture('usage.csv'), join(mixed, 'c-usage.csv'));
    const files: string[] = [];
    const evs = await collect(readTraffic([mixed], { onFile: (f) => files.push(f) }));
    expect(files).toEqual([join(mixed, 'a-gateway.jsonl'), join(mixed, 'b-bedrock.json.gz'), join(mixed, 'c-usage.csv')]);
    expect(skipsOf(evs)).toEqual([]);
    const perFile: Record<string, number> = {};
    for (const r of recordsOf(evs)) perFile[r.source.file] = (perFile[r.source.file] ?? 0) + 1;
    expect(perFile).toEqual({ [files[0]!]: 4, [files[1]!]: 11, [files[2]!]: 3 });
  });

  it('reads CloudWatch Logs export lines ("<timestamp> <record>")', async () => {
    const f = join(dir, 'cloudwatch-export.log');
    const { writeFile } = await import('node:fs/promises');
    const lines = (await readFile(EDGES, 'utf8')).trimEnd().split('\n');
    await writeFile(f, lines.map((l) => `2025-03-11T00:38:03.123Z ${l}`).join('\n') + '\n');
    const evs = await collect(readTraffic([f]));
    expect(skipsOf(evs)).toEqual([]);
    expect(recordsOf(evs).map((r) => r.modelId)).toEqual(recordsOf(await collect(readTraffic([EDGES]))).map((r) => r.modelId));
  });

  it('a forced format applies to every file; a wrong one yields counted skips', async () => {
    const evs = await collect(readTraffic([fixture('litellm.jsonl')], { format: 'bedrock' }));
    expect(recordsOf(evs)).toEqual([]);
    expect(skipsOf(evs).map((s) => s.reason)).toEqual(Array(4).fill('modelId missing (not a Bedrock invocation log record?)'));
  });

  it('an unknown format is a UsageError', async () => {
    await expect(collect(readTraffic([EDGES], { format: 'parquet' as LogFormatName }))).rejects.toThrow(UsageError);
    await expect(collect(readTraffic([EDGES], { format: 'parquet' as LogFormatName }))).rejects.toThrow(
      `unknown log format "parquet": use one of ${LOG_FORMAT_NAMES.join(', ')}`,
    );
  });

  it('reads stdin ("-"), gzip detected by magic bytes, named <stdin> in locations', async () => {
    const gz = await readFile(fixture('bodies-gzip-no-extension.jsonl'));
    const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', { value: Readable.from([gz.subarray(0, 100), gz.subarray(100)]), configurable: true });
    try {
      const files: string[] = [];
      const recs = recordsOf(await collect(readTraffic(['-'], { onFile: (f) => files.push(f) })));
      expect(files).toEqual(['<stdin>']);
      expect(recs).toHaveLength(11);
      expect(recs[10]!.source).toEqual({ file: '<stdin>', line: 11 });
    } finally {
      Object.defineProperty(process, 'stdin', original);
    }
  });

  it('stopping early is fine', async () => {
    for await (const ev of readTraffic([repoPath('fixtures/sample')])) {
      expect(ev.kind).toBe('record');
      break;
    }
  });

  it('empty input gives zero events', async () => {
    expect(await collect(readTraffic([fixture('empty.jsonl')]))).toEqual([]);
    expect(await collect(readTraffic([]))).toEqual([]);
  });
});

describe('the bundled sample (fixtures/sample)', async () => {
  const evs = await collect(readTraffic([repoPath('fixtures/sample')]));
  const recs = recordsOf(evs);

  it('has 5,000 records, all parseable, all marked as sample data', () => {
    expect(skipsOf(evs)).toEqual([]);
    expect(recs).toHaveLength(5000);
    expect(recs.every((r) => r.tags.sample === 'tokor-synthetic')).toBe(true);
    expect(recs.every((r) => r.problems === undefined)).toBe(true);
  });

  it('covers about 7 days, several teams and apps, three source regions', () => {
    const days = new Set(recs.map((r) => r.timestamp!.slice(0, 10)));
    expect([...days].sort()).toEqual(['2025-11-03', '2025-11-04', '2025-11-05', '2025-11-06', '2025-11-07', '2025-11-08', '2025-11-09']);
    expect(new Set(recs.map((r) => r.tags.team)).size).toBe(5);
    expect(new Set(recs.map((r) => r.tags.app)).size).toBeGreaterThanOrEqual(8);
    const files = new Set(recs.map((r) => r.source.file.split('/BedrockModelInvocationLogs/')[1]!.split('/')[0]));
    expect([...files].sort()).toEqual(['eu-central-1', 'us-east-1', 'us-west-2']);
  });

  it('is mostly frontier-model traffic, with a few failed calls, cache hits and body-less records', () => {
    const share = (p: (r: (typeof recs)[number]) => boolean) => recs.filter(p).length / recs.length;
    expect(share((r) => r.modelId.includes('claude-sonnet-4-5'))).toBeGreaterThan(0.5);
    expect(share((r) => r.errorCode !== undefined)).toBeGreaterThan(0.005);
    expect(share((r) => r.errorCode !== undefined)).toBeLessThan(0.02);
    expect(share((r) => r.tokens.cacheRead > 0)).toBeGreaterThan(0.01);
    expect(share((r) => r.tokens.cacheWrite > 0)).toBeGreaterThan(0.002);
    expect(share((r) => r.errorCode === undefined && r.prompt === undefined)).toBeGreaterThan(0.01);
    expect(new Set(recs.map((r) => r.operation))).toEqual(new Set(['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream']));
  });
});
