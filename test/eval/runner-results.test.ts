import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openResults, parseResultsText, readResultsFile, ResultsWriter } from '../../src/artifacts/results.js';
import { waitFor } from '../helpers/wait.js';
import { cacheKey } from '../../src/eval/cache.js';
import { ResponseCache } from '../../src/io/responseCache.js';
import { InputError } from '../../src/errors.js';
import type { EvalResult } from '../../src/eval/types.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'tokor-results-'));
const res = (itemId: string, over: Partial<EvalResult> = {}): EvalResult => ({
  schemaVersion: 1,
  datasetId: 'ds',
  itemId,
  tier: 'cheap',
  model: 'm',
  pass: true,
  score: 1,
  inputTokens: 1,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0.1,
  latencyMs: 1,
  output: 'x',
  graders: [],
  ...over,
});

describe('results file', () => {
  it('writes one whole line per result', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    const w = new ResultsWriter(file);
    w.write(res('a'));
    w.write(res('b', { output: 'multi\nline' }));
    await w.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1]!).output).toBe('multi\nline');
  });

  it('appends as results arrive: lines of one turn go out together, later ones follow without a close', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    const w = new ResultsWriter(file);
    w.write(res('a'));
    w.write(res('b'));
    // Nothing is written inside the turn that queued the lines…
    expect(readFileSync(file, 'utf8')).toBe('');
    // …and both are in the file once it is over, before any flush or close.
    await waitFor(() => readFileSync(file, 'utf8').split('\n').length === 3, 'both lines in the file', 2_000, 2);
    w.write(res('c'));
    await w.flush();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).itemId)).toEqual(['a', 'b', 'c']);
    await w.close();
  });

  it('keeps every line whole and in order: multi-byte text, lines longer than its buffer, bursts in one turn, lines queued while a write is in flight', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    const w = new ResultsWriter(file);
    const sent: EvalResult[] = [];
    const put = (r: EvalResult) => {
      sent.push(r);
      w.write(r);
    };
    put(res('wide', { output: 'Ünïcödé ✓ 𝄞 — “quotes” \u2028 and a lone \ud800 surrogate' }));
    put(res('long', { output: 'x'.repeat(200_000) }));
    for (let i = 0; i < 500; i++) put(res(`burst-${i}`, { output: `answer ${i} ✓`.repeat(i % 7) }));
    // The next turns: lines arrive while the first write is still going.
    for (let turn = 0; turn < 5; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 50; i++) put(res(`turn-${turn}-${i}`, { output: 'é'.repeat(i * 40) }));
    }
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe(sent.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });

  it('resume keeps finished lines, drops errored, cut and unreadable ones, then appends', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    writeFileSync(file, [JSON.stringify(res('a')), JSON.stringify(res('b', { pass: false, error: 'ThrottlingException' })), 'garbage', JSON.stringify(res('c'))].join('\n') + '\n');
    appendFileSync(file, '{"schemaVersion":1,"datasetId":"ds","itemId":"d","ti'); // killed mid-write
    const opened = await openResults(file, { resume: true });
    expect([...opened.finished.values()].map((r) => r.itemId)).toEqual(['a', 'c']);
    expect(opened.dropped).toBe(3);
    opened.writer.write(res('b'));
    await opened.writer.close();
    const back = await readResultsFile(file);
    expect(back.problems).toEqual([]);
    expect(back.results.map((r) => r.itemId)).toEqual(['a', 'c', 'b']);
  });

  it('without resume starts a fresh file', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    writeFileSync(file, JSON.stringify(res('old')) + '\n');
    const opened = await openResults(file, { resume: false });
    await opened.writer.close();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('reads a newer schema as an error with file:line', () => {
    expect(() => parseResultsText(`${JSON.stringify(res('a', { schemaVersion: 99 }))}\n`, 'f.jsonl')).toThrow(InputError);
    expect(() => parseResultsText(`${JSON.stringify(res('a', { schemaVersion: 99 }))}\n`, 'f.jsonl')).toThrow('f.jsonl:1');
  });

  it('flags a cut last line', () => {
    const out = parseResultsText(`${JSON.stringify(res('a'))}\n{"schema`, 'f');
    expect(out.truncatedTail).toBe(true);
    expect(out.results).toHaveLength(1);
  });
});

describe('response cache', () => {
  const input = { system: 's', messages: [{ role: 'user' as const, content: 'hi' }] };
  it('keys on provider, model, endpoint, parameters and input', () => {
    const base = { provider: 'bedrock', model: 'm', endpoint: 'http://a', maxTokens: 10, temperature: 0, input };
    const k = cacheKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...base })).toBe(k);
    for (const change of [{ provider: 'openai' }, { model: 'n' }, { endpoint: 'http://b' }, { maxTokens: 11 }, { temperature: 0.5 }, { stopSequences: ['x'] }, { input: { messages: input.messages } }, { input: { ...input, messages: [{ role: 'user' as const, content: 'hi!' }] } }]) {
      expect(cacheKey({ ...base, ...change })).not.toBe(k);
    }
  });

  it('round-trips entries and treats corrupt ones as misses', async () => {
    const dir = tmp();
    const cache = new ResponseCache(dir);
    const key = cacheKey({ provider: 'bedrock', model: 'm', input });
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, { output: 'o', usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4 }, latencyMs: 5, invokedModel: 'x' });
    expect(await cache.get(key)).toEqual({ output: 'o', usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4 }, latencyMs: 5, invokedModel: 'x' });
    writeFileSync(path.join(dir, key.slice(0, 2), `${key}.json`), '{"key": "');
    expect(await cache.get(key)).toBeUndefined();
  });
});
