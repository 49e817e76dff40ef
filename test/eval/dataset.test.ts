import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { datasetIdOf, parseDataset, parseDatasetLine } from '../../src/eval/dataset.js';
import { bundledDatasets, loadDataset, recordingFile } from '../../src/io/goldenDatasets.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/eval/datasets/${name}`, import.meta.url));

/** The InputError a parse throws (fails the test when nothing is thrown). */
function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('loadDataset: tokor format', () => {
  it('reads prompt, messages, system, expected, graders, task, category, tags and numeric ids', async () => {
    const ds = await loadDataset(fixture('minimal.jsonl'));
    expect(ds.id).toBe('minimal');
    expect(ds.sha256).toBe(createHash('sha256').update(readFileSync(fixture('minimal.jsonl'))).digest('hex'));
    expect(ds.cases.map((c) => c.id)).toEqual(['q1', 'q2', '3']);
    const [q1, q2, q3] = ds.cases;
    expect(q1).toEqual({ id: 'q1', input: { messages: [{ role: 'user', content: 'What is the capital of France?' }] }, expected: 'Paris' });
    expect(q2?.graders).toEqual([{ type: 'numeric' }]);
    expect(q2).toMatchObject({ task: 'math', category: 'arithmetic', tags: ['difficulty:easy'], expected: 4 });
    expect(q3?.input.system).toBe('Answer in one word.');
    expect(q3?.input.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(q3?.reference).toBe('Grass is green.');
  });

  it('takes the id from the folder for <id>/dataset.jsonl, else from the file name, unless the header names it', async () => {
    expect((await loadDataset(fixture('ticket-labels/dataset.jsonl'))).id).toBe('ticket-labels');
    expect((await loadDataset(fixture('template.jsonl'))).id).toBe('sentiment-demo');
    expect(datasetIdOf('/x/y/evals.ndjson')).toBe('evals');
    expect(datasetIdOf('/x/y/dataset.jsonl', { datasetId: 'z' })).toBe('z');
  });

  it('applies the header: template around the prompt, default system prompt and default graders', async () => {
    const ds = await loadDataset(fixture('template.jsonl'));
    const [r1, r2, r3] = ds.cases;
    expect(r1?.input).toEqual({
      system: 'You are a careful annotator.',
      messages: [{ role: 'user', content: 'Classify the sentiment of this review as positive or negative: Great battery life, would buy again.' }],
    });
    expect(r1?.graders).toEqual([{ type: 'label', labels: ['positive', 'negative'] }]);
    expect(r2?.graders).toEqual([{ type: 'icontains', value: 'negative' }]);
    expect(r3?.input.system).toBe('Item-level system prompt.');
  });

  it('fills template variables from the item vars', async () => {
    const ds = await loadDataset(fixture('vars-template.jsonl'));
    expect(ds.cases[0]?.input.messages[0]?.content).toBe('Product: kettle\nReview: Boils fast.\nIs it positive or negative?');
    const e = errorOf(() => parseDataset('{"template": "{{input}} / {{brand}}"}\n{"id": "a", "prompt": "x", "expected": "y"}\n', 'd.jsonl'));
    expect(e.message).toBe('d.jsonl:2: the template uses {{brand}} but the item has no vars.brand');
  });

  it('sends the input as-is when there is no template', () => {
    const { cases } = parseDataset('{"id": "a", "prompt": "  {{input}} stays literal\\n", "expected": "y"}\n', 'd.jsonl');
    expect(cases[0]?.input.messages[0]?.content).toBe('  {{input}} stays literal\n');
  });
});

describe('loadDataset: foreign formats', () => {
  it('reads the Bedrock model-evaluation prompt dataset (prompt, referenceResponse, category)', async () => {
    const ds = await loadDataset(fixture('bedrock.jsonl'));
    expect(ds.cases.map((c) => c.id)).toEqual(['line-1', 'line-2', 'line-3', 'line-4']);
    expect(ds.cases[1]).toEqual({
      id: 'line-2',
      input: { messages: [{ role: 'user', content: "Is the sentiment of 'I love this phone' positive or negative?" }] },
      expected: 'positive',
      reference: 'positive',
      category: 'classification',
    });
    // a prompt-only line (judge datasets) is valid in a Bedrock file
    expect(ds.cases[2]).toMatchObject({ id: 'line-3', category: 'generation' });
    expect(ds.cases[2]?.expected).toBeUndefined();
  });

  it('reads OpenAI Evals samples (input messages or string, ideal string or list)', async () => {
    const ds = await loadDataset(fixture('openai-evals.jsonl'));
    const [a, b, c] = ds.cases;
    expect(a?.input).toEqual({ system: 'Answer with a single word.', messages: [{ role: 'user', content: 'What is the opposite of hot?' }] });
    expect(a?.expected).toBe('cold');
    expect(b?.expected).toEqual(['red', 'blue', 'yellow']);
    expect(b?.reference).toBe('red');
    expect(c?.input.messages[0]?.content).toBe('Capital of Japan?');
  });
});

describe('parse errors carry file:line', () => {
  const cases: [string, string, string][] = [
    ['malformed JSON', '{"id": "a", "prompt": "x", "expected": "y"}\n{"id": "b", "prompt": \n', 'd.jsonl:2: malformed JSON'],
    ['missing id', '{"prompt": "x", "expected": "y"}\n', 'd.jsonl:1: missing "id"'],
    ['bad id', '{"id": "", "prompt": "x", "expected": "y"}\n', 'd.jsonl:1: "id" must be a non-empty string or a number'],
    ['duplicate id', '{"id": "a", "prompt": "x", "expected": "y"}\n\n{"id": "a", "prompt": "z", "expected": "y"}\n', 'd.jsonl:3: duplicate id "a" (first at line 1)'],
    ['missing input', '{"id": "a", "expected": "y"}\n', 'd.jsonl:1: missing input: give "prompt" (a string) or "messages" (a chat)'],
    ['prompt and messages', '{"id": "a", "prompt": "x", "messages": [{"role": "user", "content": "x"}], "expected": "y"}\n', 'd.jsonl:1: give either "prompt" or "messages", not both'],
    ['bad role', '{"id": "a", "messages": [{"role": "bot", "content": "x"}], "expected": "y"}\n', 'd.jsonl:1: messages[0].role must be "user", "assistant" or "system", got "bot"'],
    ['conversation ends with the assistant', '{"id": "a", "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}], "expected": "y"}\n', 'd.jsonl:1: the last message must be from the user'],
    ['nothing to grade', '{"id": "a", "prompt": "x"}\n', 'd.jsonl:1: nothing to grade against: give "expected" and/or "graders"'],
    ['not an object', '["a"]\n', 'd.jsonl:1: each line must be a JSON object'],
    ['tags', '{"id": "a", "prompt": "x", "expected": "y", "tags": "easy"}\n', 'd.jsonl:1: "tags" must be a list of strings'],
    ['bad grader params', '{"id": "a", "prompt": "x", "graders": [{"type": "regex", "pattern": "("}]}\n', 'd.jsonl:1: grader regex: invalid pattern'],
    ['grader without expected', '{"id": "a", "prompt": "x", "graders": [{"type": "numeric"}]}\n', 'd.jsonl:1: grader numeric: needs `value` or an expected number'],
    ['unknown header key', '{"datasetId": "x", "templte": "{{input}}"}\n{"id": "a", "prompt": "x", "expected": "y"}\n', 'd.jsonl:1: unknown header key "templte"'],
    ['empty file', '\n\n', 'd.jsonl: the dataset has no items'],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    expect(errorOf(() => parseDataset(text, 'd.jsonl')).message.startsWith(message)).toBe(true);
  });

  it('names an unknown grader and lists the known ones', () => {
    const e = errorOf(() => parseDataset('{"id": "a", "prompt": "x", "expected": "y", "graders": [{"type": "fuzzy"}]}\n', 'd.jsonl'));
    expect(e.message).toMatch(/^d\.jsonl:1: unknown grader "fuzzy" \(graders: exact, normalized-exact, contains, .*llm-judge; prefix any with not- to negate\)$/);
    expect(e.where).toBe('d.jsonl:1');
  });

  it('accepts not- prefixed graders and grader shorthand strings', () => {
    const c = parseDatasetLine({ id: 'a', prompt: 'x', expected: 'y', graders: ['valid-json', { type: 'not-contains', value: 'sorry' }] }, { file: 'd.jsonl', line: 1 });
    expect(c.graders).toEqual([{ type: 'valid-json' }, { type: 'not-contains', value: 'sorry' }]);
  });

  it('reports a missing file as an InputError', async () => {
    await expect(loadDataset(fixture('nope.jsonl'))).rejects.toThrow(/nope\.jsonl: dataset file not found/);
  });
});

describe('bundled datasets', () => {
  it('lists golden-datasets/<id>/dataset.jsonl and where their recordings live', async () => {
    const files = await bundledDatasets();
    expect(files.map((f) => f.split(/[\\/]/).slice(-2).join('/'))).toEqual(['doc-extraction/dataset.jsonl', 'multistep-reasoning/dataset.jsonl', 'support-triage/dataset.jsonl']);
    expect(recordingFile(files[0] ?? '', 'mid').replace(/\\/g, '/')).toMatch(/golden-datasets\/doc-extraction\/recordings\/mid\.jsonl$/);
  });
});
