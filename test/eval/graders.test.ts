import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  buildJudgePrompt,
  extractFinalNumber,
  JUDGE_PROMPT,
  extractJson,
  gradeCase,
  gradeCaseNow,
  GRADER_NAMES,
  parseJudgeReply,
  runGrader,
} from '../../src/eval/graders/index.js';
import type { GoldenCase, GraderSpec } from '../../src/eval/types.js';

const kase = (expected?: unknown, extra: Partial<GoldenCase> = {}): GoldenCase => ({
  id: 'x',
  input: { messages: [{ role: 'user', content: 'question?' }] },
  ...(expected === undefined ? {} : { expected }),
  ...extra,
});

type Row = [name: string, spec: GraderSpec, expected: unknown, output: string, pass: boolean, score?: number];

async function check([, spec, expected, output, pass, score]: Row) {
  const r = await runGrader(spec, kase(expected), output);
  expect({ pass: r.pass, reason: r.reason }).toMatchObject({ pass });
  if (score !== undefined) expect(r.score).toBeCloseTo(score, 3);
  expect(r.score).toBeGreaterThanOrEqual(0);
  expect(r.score).toBeLessThanOrEqual(1);
  expect(r.grader).toBe(spec.type);
  expect(r.reason.length).toBeGreaterThan(0);
}

describe('text graders', () => {
  const rows: Row[] = [
    ['exact passes after trimming', { type: 'exact' }, 'Paris', 'Paris\n', true, 1],
    ['exact is case-sensitive', { type: 'exact' }, 'Paris', 'paris', false, 0],
    ['exact with trim: false', { type: 'exact', trim: false }, 'Paris', 'Paris\n', false],
    ['exact against a list', { type: 'exact' }, ['red', 'blue'], 'blue', true],
    ['exact with value overrides expected', { type: 'exact', value: 'B' }, 'A', 'B', true],
    ['normalized-exact ignores case, punctuation, whitespace', { type: 'normalized-exact' }, 'New York', '  new   york. ', true],
    ['normalized-exact numbers as text', { type: 'normalized-exact' }, 42, '42', true],
    ['normalized-exact wrong', { type: 'normalized-exact' }, 'New York', 'New Jersey', false],
    ['contains', { type: 'contains', value: 'refund' }, undefined, 'We will refund you', true],
    ['contains is case-sensitive', { type: 'contains', value: 'Refund' }, undefined, 'we will refund you', false],
    ['icontains', { type: 'icontains', value: 'Refund' }, undefined, 'we will REFUND you', true],
    ['contains-all partial score', { type: 'contains-all', values: ['a1', 'b2', 'c3', 'd4'] }, undefined, 'a1 c3', false, 0.5],
    ['contains-all pass', { type: 'contains-all' }, ['x', 'y'], 'y then x', true, 1],
    ['contains-any', { type: 'contains-any', values: ['cat', 'dog'] }, undefined, 'a hot dog', true],
    ['contains-any none', { type: 'contains-any', values: ['cat', 'dog'] }, undefined, 'a bird', false],
    ['icontains-any', { type: 'icontains-any', values: ['CAT'] }, undefined, 'Cat', true],
    ['regex', { type: 'regex', pattern: '^order #\\d{6}$', flags: 'i' }, undefined, 'Order #123456', true],
    ['regex no match', { type: 'regex', pattern: '^\\d+$' }, undefined, '12a', false],
  ];
  it.each(rows)('%s', async (...row) => check(row));
});

describe('JSON graders', () => {
  const schema = { type: 'object', properties: { total: { type: 'number' }, date: { type: 'string', format: 'date' } }, required: ['total', 'date'], additionalProperties: false };
  const rows: Row[] = [
    ['valid-json whole', { type: 'valid-json' }, undefined, '{"a": 1}', true],
    ['valid-json fenced', { type: 'valid-json' }, undefined, 'Here you go:\n```json\n{"a": [1, 2]}\n```\nAnything else?', true],
    ['valid-json embedded in prose', { type: 'valid-json' }, undefined, 'The result is {"a": "x}y"} as requested.', true],
    ['valid-json strict rejects prose', { type: 'valid-json', strict: true }, undefined, 'Result: {"a": 1}', false],
    ['valid-json trailing comma', { type: 'valid-json' }, undefined, '{"a": 1,}', false],
    ['valid-json truncated', { type: 'valid-json' }, undefined, '```json\n{"a": 1, "b": [1, 2\n```', false],
    ['valid-json bare number is not an object', { type: 'valid-json' }, undefined, '42', false],
    ['json-schema pass', { type: 'json-schema', schema }, undefined, '```json\n{"total": 10.5, "date": "2025-03-04"}\n```', true],
    ['json-schema wrong type', { type: 'json-schema', schema }, undefined, '{"total": "10.50", "date": "2025-03-04"}', false],
    ['json-schema date format', { type: 'json-schema', schema }, undefined, '{"total": 10.5, "date": "03/04/2025"}', false],
    ['json-schema extra field', { type: 'json-schema', schema }, undefined, '{"total": 10.5, "date": "2025-03-04", "notes": ""}', false],
    ['json-schema no JSON', { type: 'json-schema', schema }, undefined, 'I cannot do that.', false],
    ['json-field-match all right, normalized', { type: 'json-field-match' }, { vendor: 'ACME Corp.', total: 1234.5, paid: true, due: null }, '{"vendor": "acme corp", "total": "$1,234.50", "paid": true}', true, 1],
    ['json-field-match fraction', { type: 'json-field-match' }, { a: 1, b: 'x', c: null, d: [1, 2] }, '{"a": 2, "b": "X", "c": null, "d": [1, 2]}', false, 0.75],
    ['json-field-match threshold', { type: 'json-field-match', threshold: 0.75 }, { a: 1, b: 'x', c: null, d: [1, 2] }, '{"a": 2, "b": "X", "c": null, "d": [1, 2]}', true, 0.75],
    ['json-field-match tolerance', { type: 'json-field-match', tolerance: 0.01 }, { w: 5.62 }, '{"w": 5.625}', true],
    ['json-field-match only some fields', { type: 'json-field-match', fields: ['a'] }, { a: 1, b: 2 }, '{"a": 1, "b": 3}', true, 1],
    ['json-field-match nested object', { type: 'json-field-match' }, { addr: { city: 'Leeds', zip: 'LS1 4AP' } }, '{"addr": {"city": "LEEDS", "zip": "ls1 4ap", "extra": 1}}', true],
    ['json-field-match leading zero kept', { type: 'json-field-match' }, { zip: '02139' }, '{"zip": 2139}', false],
    ['json-field-match no JSON', { type: 'json-field-match' }, { a: 1 }, 'a = 1', false, 0],
  ];
  it.each(rows)('%s', async (...row) => check(row));

  it('extractJson prefers the whole answer, then a fence, then an embedded span', () => {
    expect(extractJson('[1, 2]')).toEqual({ value: [1, 2], how: 'whole' });
    expect(extractJson('x ```\n{"a":1}\n``` y {"b":2}')).toEqual({ value: { a: 1 }, how: 'fenced' });
    expect(extractJson('x {bad} then {"b": {"c": "}"}} y')).toEqual({ value: { b: { c: '}' } }, how: 'embedded' });
    expect(extractJson('nothing here')).toBeUndefined();
  });
});

describe('numeric grader', () => {
  const rows: Row[] = [
    ['GSM8K marker', { type: 'numeric' }, 18, 'She sells 9 eggs for $2 each.\n#### 18', true],
    ['answer cue beats later numbers', { type: 'numeric' }, 42, 'Answer: 42\n(checked with 6 × 7)', true],
    ['last number', { type: 'numeric' }, 540, 'He runs 3 × 3 = 9 sprints, 9 × 60 = 540 meters.', true],
    ['currency and thousands', { type: 'numeric' }, 1234.5, 'The total is $1,234.50.', true],
    ['fraction', { type: 'numeric' }, 0.75, 'The answer is 3/4', true],
    ['latex fraction in boxed', { type: 'numeric' }, 0.75, 'So \\boxed{\\frac{3}{4}}', true],
    ['mixed number', { type: 'numeric' }, 1.5, 'Answer: 1 1/2 cups', true],
    ['negative', { type: 'numeric' }, -5, 'The temperature change is -5 degrees.', true],
    ['hyphen in a name is not a sign', { type: 'numeric' }, 4, 'GPT-4', true],
    ['percent kept as written', { type: 'numeric' }, 25, 'It rose by 25%.', true],
    ['absolute tolerance', { type: 'numeric', tolerance: 0.01 }, 19.14, 'Answer: $19.145', true],
    ['outside tolerance', { type: 'numeric', tolerance: 0.01 }, 19.14, 'Answer: 19.16', false],
    ['relative tolerance', { type: 'numeric', relTolerance: 0.02 }, 1000, 'about 1,015', true],
    ['expected as text', { type: 'numeric' }, '$70,000', '#### 70000', true],
    ['list of acceptable values', { type: 'numeric' }, [3, 4], 'Answer: 4', true],
    ['wrong number', { type: 'numeric' }, 18, 'Answer: 17', false, 0],
    ['no number', { type: 'numeric' }, 18, 'I do not know.', false],
  ];
  it.each(rows)('%s', async (...row) => check(row));

  it('extracts the final number with its text', () => {
    expect(extractFinalNumber('**Answer: $1,029.00**')).toMatchObject({ value: 1029, raw: '$1,029.00' });
    expect(extractFinalNumber('no digits')).toBeUndefined();
  });
});

describe('label grader', () => {
  const labels = ['billing', 'refund', 'shipping', 'technical support'];
  const rows: Row[] = [
    ['whole answer', { type: 'label', labels }, 'refund', 'Refund', true],
    ['prefix stripped', { type: 'label', labels }, 'refund', '**Category:** refund\n\nThe customer wants money back.', true],
    ['first label found wins', { type: 'label', labels }, 'billing', 'The ticket should be classified as billing, not refund.', true],
    ['first label found is wrong', { type: 'label', labels }, 'refund', 'billing / refund', false],
    ['labels with spaces and separators', { type: 'label', labels }, 'technical support', 'technical_support', true],
    ['no allowed label', { type: 'label', labels }, 'refund', 'I am not sure.', false],
    ['a word inside another word is not a label', { type: 'label', labels }, 'refund', 'refunded? no: refund', true],
    ['without labels: the whole answer normalized', { type: 'label' }, 'positive', 'Positive.', true],
    ['without labels: no scanning of prose', { type: 'label' }, 'positive', 'It is positive', false],
  ];
  it.each(rows)('%s', async (...row) => check(row));
});

describe('free-text graders', () => {
  const rows: Row[] = [
    ['token-f1 identical', { type: 'token-f1' }, 'The meeting is on Tuesday.', 'the meeting is on tuesday', true, 1],
    ['token-f1 partial', { type: 'token-f1' }, 'meeting moved to tuesday', 'meeting moved', true, 2 / 3],
    ['token-f1 below threshold', { type: 'token-f1', threshold: 0.8 }, 'meeting moved to tuesday', 'meeting moved', false],
    ['token-f1 unrelated', { type: 'token-f1' }, 'meeting moved to tuesday', 'cats sleep a lot', false, 0],
    ['rouge-l order matters', { type: 'rouge-l' }, 'a b c d', 'd c b a', false, 0.25],
    ['rouge-l subsequence', { type: 'rouge-l' }, 'the cat sat on the mat', 'the cat was on the mat', true, 5 / 6],
  ];
  it.each(rows)('%s', async (...row) => check(row));
});

describe('llm-judge', () => {
  const c = kase('Paris', { reference: 'Paris is the capital of France.' });

  it('documents its prompt: request, reference, rubric and answer', () => {
    const p = buildJudgePrompt(c, 'It is {{answer}} Paris', { type: 'llm-judge', rubric: 'Names the capital.' });
    expect(p).toContain('<request>\nquestion?\n</request>');
    expect(p).toContain('<reference_answer>\nParis is the capital of France.\n</reference_answer>');
    expect(p).toContain('<rubric>\nNames the capital.\n</rubric>');
    expect(p).toContain('<answer>\nIt is {{answer}} Paris\n</answer>');
    expect(p).toContain('{"score": <integer from 0 to 10');
  });

  it('parses JSON and plain-text replies', () => {
    expect(parseJudgeReply('```json\n{"score": 8, "reason": "correct"}\n```')).toEqual({ score: 8, reason: 'correct' });
    expect(parseJudgeReply('Score: 3/10\nReason: misses the point')).toEqual({ score: 3, reason: 'misses the point' });
    expect(parseJudgeReply('I like it')).toBeUndefined();
  });

  it('passes at or above the threshold and fails below', async () => {
    const seen: string[] = [];
    const judge = async (prompt: string) => {
      seen.push(prompt);
      return prompt.includes('Lyon') ? '{"score": 2, "reason": "wrong city"}' : '{"score": 9, "reason": "right"}';
    };
    const good = await runGrader({ type: 'llm-judge' }, c, 'Paris', { judge });
    const bad = await runGrader({ type: 'llm-judge' }, c, 'Lyon', { judge });
    expect(good).toMatchObject({ pass: true, score: 0.9, reason: 'judge 9/10: right' });
    expect(bad).toMatchObject({ pass: false, score: 0.2, reason: 'judge 2/10: wrong city' });
    expect(seen).toHaveLength(2);
  });

  it('without a judge, with a failing judge or an unreadable reply: an error result, never a pass', async () => {
    const none = await runGrader({ type: 'llm-judge' }, c, 'Paris');
    expect(none.pass).toBe(false);
    expect(none.reason).toMatch(/^grader error: llm-judge needs a judge/);
    const throwing = await runGrader({ type: 'llm-judge' }, c, 'Paris', { judge: () => Promise.reject(new Error('throttled')) });
    expect(throwing).toMatchObject({ pass: false, reason: 'grader error: the judge failed: throttled' });
    const garbled = await runGrader({ type: 'llm-judge' }, c, 'Paris', { judge: async () => 'Looks fine to me' });
    expect(garbled.pass).toBe(false);
    expect(garbled.reason).toMatch(/unreadable judge reply/);
    // negation does not turn an error into a pass
    const negated = await runGrader({ type: 'not-llm-judge' }, c, 'Paris');
    expect(negated.pass).toBe(false);
  });
});

describe('combining graders', () => {
  it('not- negates pass and score', async () => {
    const r = await runGrader({ type: 'not-contains', value: 'sorry' }, kase(), "I'm sorry, I can't");
    expect(r).toMatchObject({ grader: 'not-contains', pass: false, score: 0 });
    const ok = await runGrader({ type: 'not-icontains', value: 'SORRY' }, kase(), 'Sure, here it is');
    expect(ok).toMatchObject({ pass: true, score: 1 });
    expect(ok.reason).toMatch(/^not: /);
  });

  it('an item passes when all graders pass; score = mean', async () => {
    const c = kase({ total: 10, date: '2025-01-02' }, {
      graders: [{ type: 'valid-json' }, { type: 'json-field-match' }],
    });
    const all = await gradeCase(c, '{"total": 10, "date": "2025-01-02"}');
    expect(all).toMatchObject({ pass: true, score: 1 });
    const half = await gradeCase(c, '{"total": 11, "date": "2025-01-02"}');
    expect(half.pass).toBe(false);
    expect(half.score).toBeCloseTo((1 + 0.5) / 2, 6);
    expect(half.graders.map((g) => [g.grader, g.pass])).toEqual([['valid-json', true], ['json-field-match', false]]);
  });

  it('weights change the score; required: false keeps a grader out of the verdict', async () => {
    const c = kase('blue', {
      graders: [
        { type: 'normalized-exact', weight: 3 },
        { type: 'contains', value: 'sky', required: false },
      ],
    });
    const r = await gradeCase(c, 'Blue');
    expect(r.pass).toBe(true);
    expect(r.score).toBeCloseTo(3 / 4, 6);
  });

  it('no graders: normalized exact match against expected, or the --grader default', async () => {
    expect(await gradeCase(kase('Paris'), 'paris.')).toMatchObject({ pass: true, graders: [{ grader: 'normalized-exact' }] });
    expect((await gradeCase(kase('Paris'), 'It is Paris.')).pass).toBe(false);
    expect(await gradeCase(kase('Paris'), 'It is Paris.', { defaultGrader: 'icontains' })).toMatchObject({ pass: true, graders: [{ grader: 'icontains' }] });
    // nothing to compare with: an error result, not a crash
    const empty = await gradeCase(kase(), 'anything');
    expect(empty.pass).toBe(false);
    expect(empty.graders[0]?.reason).toMatch(/^grader error:/);
  });

  it('an unknown grader type is an InputError that lists GRADER_NAMES', async () => {
    await expect(gradeCase(kase('a', { graders: [{ type: 'fuzzy-match' }] }), 'a')).rejects.toThrow(InputError);
    await expect(gradeCase(kase('a'), 'a', { defaultGrader: 'nope' })).rejects.toThrow(`unknown grader "nope" (graders: ${GRADER_NAMES.join(', ')}`);
  });

  it('gradeCaseNow answers at once for synchronous graders and with a promise once a judge is involved', async () => {
    const sync = gradeCaseNow(kase('Paris', { graders: [{ type: 'icontains', value: 'paris' }, { type: 'not-contains', value: 'Lyon' }] }), 'Paris.');
    expect(sync).not.toBeInstanceOf(Promise);
    expect(sync).toMatchObject({ pass: true, score: 1, graders: [{ grader: 'icontains', pass: true }, { grader: 'not-contains', pass: true }] });

    const judge = async () => '{"score": 4, "reason": "thin"}';
    const c = kase('Paris', { reference: 'Paris', graders: [{ type: 'icontains', value: 'paris' }, { type: 'llm-judge', required: false }, { type: 'exact', value: 'Paris' }] });
    const mixed = gradeCaseNow(c, 'Paris', { judge });
    expect(mixed).toBeInstanceOf(Promise);
    const r = await mixed;
    // Same verdict as gradeCase, graders in declaration order.
    expect(r).toEqual(await gradeCase(c, 'Paris', { judge }));
    expect(r.graders.map((g) => [g.grader, g.pass])).toEqual([['icontains', true], ['llm-judge', false], ['exact', true]]);
    expect(r.pass).toBe(true);
    expect(r.score).toBeCloseTo((1 + 0.4 + 1) / 3, 6);
    // A judge that rejects is a grader error on that grader, not a crash.
    const failing = await gradeCaseNow(c, 'Paris', { judge: () => Promise.reject(new Error('throttled')) });
    expect(failing.pass).toBe(false);
    expect(failing.graders[1]!.reason).toBe('grader error: the judge failed: throttled');
  });

  it('registers every family of the issue', () => {
    expect([...GRADER_NAMES].sort()).toEqual(
      ['contains', 'contains-all', 'contains-any', 'exact', 'icontains', 'icontains-all', 'icontains-any', 'json-field-match', 'json-schema', 'label', 'llm-judge', 'normalized-exact', 'numeric', 'regex', 'rouge-l', 'token-f1', 'valid-json'].sort(),
    );
  });
});

describe('docs/graders.md', () => {
  const doc = readFileSync(new URL('../../docs/graders.md', import.meta.url), 'utf8');
  it('quotes the judge prompt exactly', () => {
    expect(doc).toContain(`\`\`\`text\n${JUDGE_PROMPT}\n\`\`\``);
  });
  it('documents every grader', () => {
    for (const name of GRADER_NAMES) expect(doc).toContain(`\`${name}\``);
  });
});
