/** The numeric grader on real GSM8K solutions (../shared/datasets/gsm8k, MIT, read in place). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { extractFinalNumber, runGrader } from '../../src/eval/graders/index.js';
import type { GoldenCase } from '../../src/eval/types.js';
import { dataset } from './datasets.js';

const file = dataset('gsm8k/test.jsonl');
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .slice(0, 40)
  .map((l) => JSON.parse(l) as { question: string; answer: string });
const gold = (answer: string) => Number((answer.split('####')[1] ?? '').trim().replace(/,/g, ''));
const kase = (q: string, expected: number): GoldenCase => ({ id: 'g', input: { messages: [{ role: 'user', content: q }] }, expected, graders: [{ type: 'numeric' }] });

it('reads 40 GSM8K items with numeric gold answers', () => {
  expect(rows).toHaveLength(40);
  for (const r of rows) expect(Number.isFinite(gold(r.answer))).toBe(true);
});

it('passes the reference solutions ("#### n") against their gold answers', async () => {
  for (const r of rows) {
    const g = await runGrader({ type: 'numeric' }, kase(r.question, gold(r.answer)), r.answer);
    expect(g.pass, `${r.answer.slice(-40)} → ${g.reason}`).toBe(true);
  }
});

it('passes the solutions rephrased as a model would end them, and fails an off-by-one answer', async () => {
  for (const r of rows) {
    const g = gold(r.answer);
    const body = r.answer.split('####')[0] ?? '';
    const phrased = `${body.replace(/<<[^>]*>>/g, '')}\nThe answer is $${g.toLocaleString('en-US')}.`;
    expect((await runGrader({ type: 'numeric' }, kase(r.question, g), phrased)).pass).toBe(true);
    const wrong = `${body}\n#### ${g + 1}`;
    expect((await runGrader({ type: 'numeric' }, kase(r.question, g), wrong)).pass).toBe(false);
  }
});

it('finds the number after the calculator annotations of the worked solution', () => {
  // "She makes 9 * 2 = $<<9*2=18>>18 every day" — the annotation must not hide the final 18
  const first = rows[0];
  expect(first).toBeDefined();
  expect(extractFinalNumber((first?.answer ?? '').split('####')[0] ?? '')?.value).toBe(18);
});
