import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingWriter, ReplayClient, loadRecordings } from '../../src/providers/replay.js';
import { ValidationError } from '../../src/eval/provider.js';
import { createClient, PROVIDER_REGISTRY } from '../../src/providers/index.js';

const signal = new AbortController().signal;
const input = { messages: [{ role: 'user' as const, content: 'x' }] };

function datasetDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokor-replay-'));
  mkdirSync(path.join(dir, 'recordings'));
  writeFileSync(path.join(dir, 'dataset.jsonl'), '{"id":"a","prompt":"x","expected":"y"}\n');
  writeFileSync(
    path.join(dir, 'recordings', 'cheap.jsonl'),
    [
      JSON.stringify({ itemId: 'a', tier: 'cheap', model: 'us.amazon.nova-lite-v1:0', output: 'y', usage: { inputTokens: 5, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, latencyMs: 321, confidence: 0.8, sampleData: true }),
      'not json',
      JSON.stringify({ tier: 'cheap', output: 'no id' }),
    ].join('\n') + '\n',
  );
  return dir;
}

describe('replay provider', () => {
  it('answers from <dataset dir>/recordings/<tier>.jsonl by item id', async () => {
    const dir = datasetDir();
    const c = new ReplayClient({ tier: 'cheap', model: 'configured-model' });
    const res = await c.invoke({ input, signal, ref: { datasetId: 'd', datasetFile: path.join(dir, 'dataset.jsonl'), itemId: 'a' } });
    expect(res).toEqual({ output: 'y', usage: { inputTokens: 5, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, latencyMs: 321, model: 'us.amazon.nova-lite-v1:0', confidence: 0.8 });
  });

  it('a missing item or file is a ValidationError naming it, not a crash', async () => {
    const dir = datasetDir();
    const c = new ReplayClient({ tier: 'cheap', model: 'm' });
    const e1 = await c.invoke({ input, signal, ref: { datasetId: 'd', datasetFile: path.join(dir, 'dataset.jsonl'), itemId: 'zzz' } }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ValidationError);
    expect((e1 as Error).message).toContain('no recording for item "zzz"');
    expect((e1 as Error).message).toContain('2 unusable lines');
    const mid = new ReplayClient({ tier: 'mid', model: 'm' });
    const e2 = await mid.invoke({ input, signal, ref: { datasetId: 'd', datasetFile: path.join(dir, 'dataset.jsonl'), itemId: 'a' } }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ValidationError);
    expect((e2 as Error).message).toContain(path.join(dir, 'recordings', 'mid.jsonl'));
  });

  it('RecordingWriter writes lines replay reads back', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'tokor-rec-'));
    const w = new RecordingWriter(out);
    const ref = { datasetId: 'ds1', itemId: 'i1' };
    w.record(ref, 'mid', 'model-x', { output: 'hello', usage: { inputTokens: 3, outputTokens: 2, cacheReadTokens: 1, cacheWriteTokens: 0 }, latencyMs: 12 });
    w.close();
    const file = path.join(out, 'ds1', 'recordings', 'mid.jsonl');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ itemId: 'i1', tier: 'mid', model: 'model-x', output: 'hello', sampleData: false });
    const loaded = await loadRecordings(file);
    expect(loaded.byItem.get('i1')?.usage.cacheReadTokens).toBe(1);
    const c = await createClient({ name: 'mid', provider: 'replay', model: 'model-x' }, { concurrency: 1, recordingsDir: out });
    expect((await c.invoke({ input, signal, ref })).output).toBe('hello');
  });

  it('registry has every provider; a tier naming another is refused before any client loads', async () => {
    expect(Object.keys(PROVIDER_REGISTRY).sort()).toEqual(['bedrock', 'openai', 'replay']);
    await expect(createClient({ name: 'mid', provider: 'vertex', model: 'm' }, { concurrency: 1 })).rejects.toThrow('tier "mid": unknown provider "vertex" (expected one of bedrock, openai, replay)');
  });
});
