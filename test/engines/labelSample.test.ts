/** The sample's labeling: each sampled record's facts as recordFacts gives them, in order (the engine's SQL samples each request once); a line that is no valid record fails. */
import { describe, expect, it } from 'vitest';
import type { RecordFacts } from '../../src/analyze/accumulate.js';
import { recordFacts } from '../../src/analyze/facts.js';
import { heuristicLabeler } from '../../src/classify/heuristic.js';
import { labelSample } from '../../src/engines/sql/labelSample.js';
import { parseJsonLine } from '../../src/ingest/index.js';

const record = (id: string, prompt: string) =>
  JSON.stringify({ timestamp: '2025-11-03T10:00:00Z', requestId: id, modelId: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1', input: { inputTokenCount: 10, inputBodyJson: { messages: [{ role: 'user', content: [{ text: prompt }] }] } }, output: { outputTokenCount: 2 } });

async function* lines(of: string[]) {
  yield* of;
}

describe('labelSample', () => {
  it('gives each record’s facts in the sample’s order, one at a time', async () => {
    const sample = [record('a', 'hi'), record('b', 'Prove that the sum of two even numbers is even, step by step.'), record('c', 'translate this')];
    const facts: RecordFacts[] = [];
    await labelSample(lines(sample), { groupBy: ['team'] }, (f) => facts.push(f));
    const expected = [0, 1, 2].map((i) => {
      const ev = parseJsonLine('bedrock', sample[i]!, { file: '(sample)', line: 0 })[0]!;
      if (ev.kind !== 'record') throw new Error('fixture');
      return recordFacts(ev.record, { labeler: heuristicLabeler, groupBy: ['team'] });
    });
    expect(facts).toEqual(expected);
  });

  it('fails on a line that is not a valid record (the SQL and the parser disagree)', async () => {
    await expect(labelSample(lines([record('a', 'hi'), '{"modelId": 1}']), { groupBy: [] }, () => {})).rejects.toThrow(/did not parse as the SQL read it/);
  });
});
