/** The sample's labeling: each sampled record's facts as recordFacts gives them, in order, duplicates dropped; a line that is no valid record fails. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordFacts } from '../../src/analyze/accumulate.js';
import { recordFacts } from '../../src/analyze/facts.js';
import { heuristicLabeler } from '../../src/classify/heuristic.js';
import { labelSample } from '../../src/engines/sql/labelSample.js';
import { parseJsonLine } from '../../src/ingest/index.js';
import { ROOT } from '../helpers/cli.js';

const record = (id: string, prompt: string) =>
  JSON.stringify({ timestamp: '2025-11-03T10:00:00Z', requestId: id, modelId: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1', input: { inputTokenCount: 10, inputBodyJson: { messages: [{ role: 'user', content: [{ text: prompt }] }] } }, output: { outputTokenCount: 2 } });

async function* lines(of: string[]) {
  yield* of;
}

type Label = typeof labelSample;

/** The facts labelSample hands over, in the order it hands them. */
async function collect(label: Label, of: Iterable<string> | AsyncIterable<string>, groupBy: string[], threads?: number): Promise<RecordFacts[]> {
  const facts: RecordFacts[] = [];
  await label(of, { groupBy }, (f) => facts.push(f), threads);
  return facts;
}

describe('labelSample', () => {
  it('gives each record’s facts in the sample’s order, one at a time, and drops a repeated request', async () => {
    const sample = [record('a', 'hi'), record('b', 'Prove that the sum of two even numbers is even, step by step.'), record('a', 'hi'), record('c', 'translate this')];
    const facts = await collect(labelSample, lines(sample), ['team']);
    const expected = [0, 1, 3].map((i) => {
      const ev = parseJsonLine('bedrock', sample[i]!, { file: '(sample)', line: 0 })[0]!;
      if (ev.kind !== 'record') throw new Error('fixture');
      return recordFacts(ev.record, { labeler: heuristicLabeler, groupBy: ['team'] });
    });
    expect(facts).toEqual(expected);
  });

  it('fails on a line that is not a valid record (the SQL and the parser disagree)', async () => {
    await expect(collect(labelSample, lines([record('a', 'hi'), '{"modelId": 1}']), [])).rejects.toThrow(/did not parse as the SQL read it/);
  });
});

/**
 * The built module (dist/, kept fresh by test/setup/build.ts), where worker threads label batches beside this
 * thread: which thread labels which batch depends on when the worker is ready, so the lines arrive slowly enough
 * for it to take part; whoever labeled them, the facts come back in the sample's order, a repeated request dropped
 * wherever its first occurrence was labeled.
 */
describe('labelSample on worker threads (built)', () => {
  type Module = typeof import('../../src/engines/sql/labelSample.js');
  const built = () => import(path.join(ROOT, 'dist', 'engines', 'sql', 'labelSample.js')) as Promise<Module>;
  // 48 batches of 256 lines (workers start after the first 32, ALONE_BATCHES, labeled on this thread); from line
  // 601 on, every 7th line (i % 7 = 6) repeats line i - 601 (two or three batches back, itself no repeat).
  const line = (i: number) => record(`r${i}`, `prompt ${i}: ${'why '.repeat(i % 13)}`);
  const repeats = (i: number) => i >= 601 && i % 7 === 6;
  const sample = Array.from({ length: 48 * 256 }, (_, i) => (repeats(i) ? line(i - 601) : line(i)));
  async function* slowly(of: string[]) {
    for (let i = 0; i < of.length; i++) {
      if (i % 256 === 0) await new Promise((r) => setTimeout(r, 20));
      yield of[i]!;
    }
  }

  it('gives the facts labeling on this thread alone gives, in order, duplicates dropped', async () => {
    const { labelSample: labelBuilt } = await built();
    const alone = await collect(labelBuilt, sample, ['team'], 1);
    expect(alone).toHaveLength(sample.length - sample.filter((_, i) => repeats(i)).length);
    expect(await collect(labelBuilt, slowly(sample), ['team'], 2)).toStrictEqual(alone);
    expect(await collect(labelBuilt, slowly(sample), ['team'], 3)).toStrictEqual(alone);
  });

  it('stops with the error the lines stop with (DuckDB interrupted by Ctrl-C), workers running', async () => {
    const { labelSample: labelBuilt } = await built();
    async function* interrupted() {
      yield* slowly(sample.slice(0, 40 * 256));
      throw new Error('interrupted while DuckDB was reading');
    }
    await expect(collect(labelBuilt, interrupted(), ['team'], 2)).rejects.toThrow('interrupted while DuckDB was reading');
  });

  it('fails on a line that is not a valid record late in the sample', async () => {
    const { labelSample: labelBuilt } = await built();
    const bad = [...sample.slice(0, 40 * 256), '{"modelId": 1}', ...sample.slice(40 * 256)];
    await expect(collect(labelBuilt, slowly(bad), [], 2)).rejects.toThrow(/did not parse as the SQL read it/);
  });
});
