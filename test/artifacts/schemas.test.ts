/**
 * Each artifact schema: the project's own valid files pass; each bad value
 * fails with the key path at fault, in one line `file:line: key.path: what; what to do`.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResultLine, readResultLines } from '../../src/artifacts/results.js';
import { parsePolicy, parsePolicyText, policyToJson, type RoutingPolicyFile } from '../../src/artifacts/policy.js';
import { PATTERN_FACTS } from '../../src/calibrate/patterns/index.js';
import { parseRouterModel, readRouterModel, routerModelToJson } from '../../src/artifacts/router.js';
import { labelLineJson, parseLabelLine, readLabels, type LabelLine } from '../../src/artifacts/labels.js';
import { checkRecordingLine, readRecordings } from '../../src/artifacts/recordings.js';
import { parseCostPage, readCostExplorerFiles } from '../../src/artifacts/costExplorer.js';
import { jsonSyntaxError, lineOfPath } from '../../src/artifacts/read.js';
import { trainRouter } from '../../src/classify/trained.js';
import { InputError } from '../../src/errors.js';
import { GROUP_DEFINITIONS, resultByTime } from '../helpers/cost-explorer-server.js';
import { ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-schemas-'));
const read = (...p: string[]) => readFileSync(path.join(ROOT, ...p), 'utf8');

/** The message of the InputError `f` throws. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const m = (e as Error).message;
    expect(m.split('\n')).toHaveLength(1);
    return m;
  }
  throw new Error('expected an InputError');
}

describe('results line', () => {
  const valid = read('fixtures', 'gate', 'results.jsonl').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const problem = (over: Record<string, unknown>): string => {
    const r = checkResultLine({ ...valid[0], ...over });
    if (r.ok) throw new Error('expected a problem');
    return r.problem.message;
  };

  it('accepts every line the project ships, and a line with only the required keys', () => {
    for (const o of valid) expect(checkResultLine(o).ok).toBe(true);
    for (const f of ['eval-results.jsonl', 'hostile/eval-results.jsonl']) {
      for (const l of read('fixtures', 'report', f).trimEnd().split('\n')) expect(checkResultLine(JSON.parse(l)).ok).toBe(true);
    }
    expect(checkResultLine({ schemaVersion: 1, datasetId: 'd', itemId: 'i', tier: 't', pass: true, mine: 'kept' })).toMatchObject({ ok: true, value: { mine: 'kept' } });
    expect(checkResultLine({ ...valid[0], costUsd: null }).ok).toBe(true);
  });

  it.each([
    [{ costUsd: 'abc' }, /^costUsd: expected an amount in USD \(a number ≥ 0\) \(got "abc"\); each line is one `tokor eval --out` result \(docs\/results\.md\)$/],
    [{ costUsd: -1 }, /^costUsd: must be ≥ 0/],
    [{ confidence: 1.5 }, /^confidence: must be between 0 and 1 \(got 1\.5\)/],
    [{ score: 2 }, /^score: must be between 0 and 1 \(got 2\)/],
    [{ graders: [{ grader: 'g', pass: true, score: -0.1, reason: '' }] }, /^graders\[0\]\.score: must be between 0 and 1/],
    [{ inputTokens: 1.5 }, /^inputTokens: expected a whole number of tokens/],
    [{ latencyMs: 1e300 }, /^latencyMs: must be at most a week \(604800000 ms\)/],
    [{ pass: 'yes' }, /^pass: expected true or false \(got "yes"\)/],
    [{ tier: '' }, /^tier: expected the tier name, got an empty string/],
    [{ source: 'disk' }, /^source: expected live, cache or replay/],
    [{ schemaVersion: 0 }, /^schemaVersion: expected 1 \(got 0\)/],
    [{ schemaVersion: 99 }, /^schemaVersion: 99 was written by a newer tokor \(this one reads 1\); upgrade tokor$/],
  ])('refuses %j with its key path', (over, expected) => {
    expect(problem(over)).toMatch(expected);
  });

  it('refuses a line without a required key, naming it', () => {
    const { itemId: _drop, ...rest } = valid[0]!;
    const r = checkResultLine(rest);
    expect(r.ok ? '' : r.problem.message).toMatch(/^itemId: missing \(expected the item id \(a string\)\)/);
  });

  it('checks a custom confidence field like confidence', () => {
    const r = checkResultLine({ ...valid[0], selfScore: 3 }, { confidenceField: 'selfScore' });
    expect(r.ok ? '' : r.problem.message).toMatch(/^selfScore: the confidence signal must be between 0 and 1 \(got 3\)/);
  });

  it('reads a text: bad lines are problems with their line, a cut last line is marked, a newer version throws at file:line', () => {
    const good = JSON.stringify(valid[0]);
    const lines = [...readResultLines(`${good}\n{"schemaVersion":1,"pass":2}\n\n${good}\n{"schema`, 'f.jsonl')];
    expect(lines.map((l) => l.line)).toEqual([1, 2, 4, 5]);
    expect(lines[1]).toMatchObject({ problem: expect.stringMatching(/^datasetId: missing/) });
    expect(lines[3]).toMatchObject({ cut: true });
    expect(() => [...readResultLines(`${good}\n${JSON.stringify({ ...valid[0], schemaVersion: 2 })}\n`, 'f.jsonl')]).toThrow(/^f\.jsonl:2: schemaVersion: 2 was written by a newer tokor/);
  });
});

describe('policy file', () => {
  const text = read('fixtures', 'gate', 'policy.json');
  const policy = JSON.parse(text) as RoutingPolicyFile;
  const bad = (over: Record<string, unknown>) => errorOf(() => parsePolicy({ ...policy, ...over }, { file: 'p.json' }, PATTERN_FACTS));

  it('accepts the fixture and round-trips through policyToJson', () => {
    expect(parsePolicyText(text, 'p.json', PATTERN_FACTS)).toEqual(policy);
    expect(parsePolicyText(policyToJson(policy, PATTERN_FACTS), 'p.json', PATTERN_FACTS)).toEqual(policy);
  });

  it.each([
    [{ thresholds: [5, 5] }, /^p\.json: thresholds\[0\]: a confidence threshold must be between 0 and 2 \(confidences lie in \[0, 1\]; above 1 escalates every item\), got 5; write it with `tokor calibrate --out` \(docs\/calibrate\.md\)$/],
    [{ pattern: 'classifier', thresholds: [0.5, 1.5] }, /^p\.json: thresholds\[1\]: a classifier threshold must be between 0 and 1/],
    [{ thresholds: [0.5] }, /^p\.json: thresholds: expected 2 threshold\(s\) for 3 tiers, got 1/],
    [{ confidence: 1.5 }, /^p\.json: confidence: must be below 1/],
    [{ bar: 2 }, /^p\.json: bar: must be between 0 and 1 \(got 2\)/],
    [{ routerCostUsd: -1 }, /^p\.json: routerCostUsd: must be ≥ 0/],
    [{ kind: 'tokor-router' }, /^p\.json: this is a tokor router model \(`tokor calibrate --out-router`\), not a policy file; write it with `tokor calibrate --out`/],
    [{ kind: 'tokor-analyze' }, /^p\.json: this is a tokor analyze JSON \(`tokor analyze --format json`\), not a policy file/],
    [{ kind: 'tokor-nonsense' }, /^p\.json: kind: expected "tokor-policy"/],
    [{ schemaVersion: 99 }, /^p\.json: schemaVersion: 99 was written by a newer tokor/],
    [{ tiers: [{ name: 'a', model: 'x' }, { name: 'a', model: 'y' }, { name: 'b', model: 'z' }] }, /^p\.json: tiers\[1\]\.name: duplicate tier name "a"/],
    [{ pattern: 'cascade' }, /^p\.json: gate: a cascade policy needs the grader/],
    [{ pattern: 'classifier' }, /^p\.json: router: a classifier policy needs its router model/],
    [{ pattern: 'cascades' }, /^p\.json: pattern: expected one of classifier, cascade, confidence, scope-tier, scope-classifier/],
  ])('refuses %j with its key path', (over, expected) => {
    expect(bad(over)).toMatch(expected);
  });

  it('names the line of the bad key in the file, and of a JSON syntax error', () => {
    const changed = text.replace('"barMode": "relative"', '"barMode": "sideways"');
    expect(errorOf(() => parsePolicyText(changed, 'p.json', PATTERN_FACTS))).toMatch(new RegExp(`^p\\.json:${changed.split('\n').findIndex((l) => l.includes('sideways')) + 1}: barMode: expected one of relative, absolute`));
    expect(errorOf(() => parsePolicyText(text.replace('"bar": 0.95', '"bar": NaN'), 'p.json', PATTERN_FACTS))).toMatch(/^p\.json:11: not valid JSON \(unexpected value at "NaN"\); expected a policy file/);
    expect(errorOf(() => parsePolicyText('', 'p.json', PATTERN_FACTS))).toMatch(/^p\.json: empty file/);
  });
});

describe('router model', () => {
  const words = 'alpha beta gamma delta epsilon zeta eta theta'.split(' ');
  const model = trainRouter(
    Array.from({ length: 24 }, (_, i) => ({ input: { prompt: `${words[i % 8]} ${words[(i * 3) % 8]}` }, label: i % 3 === 0 ? 1 : 0 })),
    ['cheap', 'frontier'],
    { folds: 2 },
  ).model;
  const plain = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
  const bad = (over: Record<string, unknown>) => errorOf(() => parseRouterModel({ ...plain, ...over }, { file: 'r.json' }));

  it('accepts a trained router, from a file and embedded in a policy', async () => {
    expect(parseRouterModel(plain, { file: 'r.json' })).toEqual(plain);
    const file = path.join(dir, 'router.json');
    writeFileSync(file, routerModelToJson(model));
    expect(await readRouterModel(file)).toEqual(plain);
    const policyFile = path.join(dir, 'with-router.json');
    writeFileSync(policyFile, JSON.stringify({ kind: 'tokor-policy', schemaVersion: 1, router: { ...plain, temperature: 0 } }, null, 2));
    await expect(readRouterModel(policyFile)).rejects.toThrow(/with-router\.json:\d+: router\.temperature: must be a positive number/);
  });

  const m0 = (over: Record<string, unknown>) => ({ models: [{ ...(plain.models as Record<string, unknown>[])[0], ...over }] });
  it.each([
    [m0({ bias: [1] }), /^r\.json: models\[0\]\.bias: must hold 2 numbers \(one per class\); write it with `tokor calibrate --out-router`/],
    [m0({ weights: { indices: [1 << 30], values: [0, 0] } }), /^r\.json: models\[0\]\.weights\.indices\[0\]: must be below \d+/],
    [m0({ dense: { mean: [1], std: [1] } }), /^r\.json: models\[0\]\.dense\.mean: must hold \d+ numbers/],
    [{ models: undefined }, /^r\.json: models: a version 2 router needs its fold models/],
    [{ temperature: 0 }, /^r\.json: temperature: must be a positive number/],
    [{ classes: ['only'] }, /^r\.json: classes: must list at least two tier names/],
    [{ schemaVersion: 3 }, /^r\.json: schemaVersion: 3 was written by a newer tokor/],
    [{ schemaVersion: 0 }, /^r\.json: schemaVersion: expected 1 or 2/],
    [{ schemaVersion: 1 }, /^r\.json: dense\.mean: a version 1 router needs dense\.mean/],
    [{ kind: 'tokor-policy' }, /^r\.json: this is a tokor policy \(`tokor calibrate --out`\), not a router model/],
    [{ kind: 'tokor-nonsense' }, /^r\.json: kind: expected "tokor-router"/],
  ])('refuses %j with its key path', (over, expected) => {
    expect(bad(over)).toMatch(expected);
  });
});

describe('labels', () => {
  const line: LabelLine & { tiers: { cheap: { model: string; pass: boolean; score: number; costUsd: number; reason: string } } } = { schemaVersion: 1, requestId: 'r1', label: 'moderate', tiers: { cheap: { model: 'm', pass: false, score: 0.3, costUsd: 0.0001, reason: 'x' } }, servedBy: 's', source: 'f:1' };

  it('accepts what tokor label writes, hand-made lines, aliases and CSV', async () => {
    expect(parseLabelLine(JSON.parse(labelLineJson(line)), 'l', 1)).toMatchObject({ requestId: 'r1', label: 'moderate' });
    expect(parseLabelLine({ request_id: 7, difficulty: 'Hard' }, 'l', 1)).toMatchObject({ requestId: '7', label: 'hard' });
    const csv = path.join(dir, 'labels.csv');
    writeFileSync(csv, 'id,label\na,easy\nb,hard\n');
    expect([...(await readLabels(csv))]).toEqual([['a', 'easy'], ['b', 'hard']]);
    expect([...(await readLabels(path.join(ROOT, 'fixtures', 'analyze', 'labels.jsonl'))).keys()].length).toBeGreaterThan(0);
  });

  it.each([
    [{ label: 'impossible' }, /^l:4: label: expected one of easy, moderate, hard \(got "impossible"\); a labels file has/],
    [{ tiers: { cheap: { ...line.tiers.cheap, score: 2 } } }, /^l:4: tiers\.cheap\.score: must be between 0 and 1 \(got 2\)/],
    [{ tiers: { cheap: { ...line.tiers.cheap, costUsd: -1 } } }, /^l:4: tiers\.cheap\.costUsd: must be ≥ 0/],
    [{ requestId: '' }, /^l:4: requestId: expected the request ID/],
    [{ schemaVersion: 99 }, /^l:4: schemaVersion: 99 was written by a newer tokor/],
  ])('refuses %j with its key path', (over, expected) => {
    expect(errorOf(() => parseLabelLine({ ...line, ...over }, 'l', 4))).toMatch(expected);
  });

  it('refuses writing a line its own reader would refuse', () => {
    expect(() => labelLineJson({ ...line, tiers: { cheap: { ...line.tiers.cheap, score: 1.5 } } })).toThrow(/tiers\.cheap\.score/);
  });

  it('names the CSV line of a bad row', async () => {
    await expect(readLabels(path.join(ROOT, 'fixtures', 'analyze', 'labels-bad.csv'))).rejects.toThrow(/labels-bad\.csv:3: label: expected one of easy, moderate, hard \(got "impossible"\)/);
  });
});

describe('recordings', () => {
  it('accepts every bundled recording line', async () => {
    const root = path.join(ROOT, 'golden-datasets');
    let n = 0;
    for (const id of readdirSync(root)) {
      for (const tier of ['cheap', 'mid', 'frontier']) {
        const loaded = await readRecordings(path.join(root, id, 'recordings', `${tier}.jsonl`));
        if (loaded.missingFile) continue;
        expect(loaded.problems).toEqual([]);
        n += loaded.byItem.size;
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it.each([
    [{ usage: { inputTokens: -1 } }, /^usage\.inputTokens: must be ≥ 0/],
    [{ confidence: 1.5 }, /^confidence: must be between 0 and 1/],
    [{ output: 3 }, /^output: expected the answer text/],
    [{ itemId: '' }, /^itemId: expected the item id, got an empty string/],
  ])('refuses %j with its key path', (over, expected) => {
    const r = checkRecordingLine({ itemId: 'a', tier: 't', model: 'm', output: 'x', usage: { inputTokens: 1, outputTokens: 1 }, latencyMs: 1, ...over });
    expect(typeof r === 'string' ? r : '').toMatch(expected);
  });

  it('reports bad lines with file:line and refuses a newer version', async () => {
    const file = path.join(dir, 'cheap.jsonl');
    writeFileSync(file, '{"itemId":"a","output":"x"}\n{"itemId":"b","output":"y","confidence":7}\n');
    const loaded = await readRecordings(file);
    expect([...loaded.byItem.keys()]).toEqual(['a']);
    expect(loaded.problems).toEqual([`${file}:2: confidence: must be between 0 and 1 (got 7); each line is one recorded response, as \`tokor eval --record\` writes (docs/datasets.md)`]);
    writeFileSync(file, '{"schemaVersion":2,"itemId":"a","output":"x"}\n');
    await expect(readRecordings(file)).rejects.toThrow(new RegExp(`^${file}:1: schemaVersion: 2 was written by a newer tokor`));
  });
});

describe('Cost Explorer response', () => {
  const body = (amount: string) => ({ GroupDefinitions: GROUP_DEFINITIONS, ResultsByTime: [resultByTime('2025-11-01', '2025-11-02', [['Amazon Bedrock', 'USE1-NovaLite-input-tokens', amount, '1']])] });

  it('accepts a grouped response and parses amounts exactly', () => {
    const page = parseCostPage({ source: 'x', body: body('1.5E-7') });
    expect(page.body.ResultsByTime[0]!.Groups![0]!.Metrics.UnblendedCost!.Amount).toBe(150000n);
  });

  it.each([
    ['1e400', /ResultsByTime\[0\]\.Groups\[0\]\.Metrics\.UnblendedCost\.Amount: "1e400" is out of range \(beyond ±10\^15\)/],
    ['abc', /ResultsByTime\[0\]\.Groups\[0\]\.Metrics\.UnblendedCost\.Amount: is not a decimal amount such as "12\.34" \(got "abc"\)/],
  ])('refuses Amount %s with its key path and the line in the file', async (amount, expected) => {
    const file = path.join(dir, 'ce.json');
    const text = JSON.stringify(body(amount), null, 2);
    writeFileSync(file, text);
    const [page] = await readCostExplorerFiles([file]);
    const line = text.split('\n').findIndex((l) => l.includes(`"${amount}"`)) + 1;
    const m = errorOf(() => parseCostPage(page!));
    expect(m.startsWith(`${file}:${line}: `)).toBe(true);
    expect(m).toMatch(expected);
  });
});

describe('JSON locations', () => {
  it('finds the line of a syntax error and of a key path', () => {
    expect(jsonSyntaxError('{\n"a": 1,\n"b": NaN\n}')).toEqual({ line: 3, reason: 'unexpected value at "NaN"' });
    expect(jsonSyntaxError('{"a": 1,}').reason).toMatch(/^expected a "quoted" key|^expected a value/);
    const text = '{\n  "a": {\n    "b": [\n      1,\n      {"c": 2}\n    ]\n  }\n}';
    expect(lineOfPath(text, ['a', 'b', 1, 'c'])).toBe(5);
    expect(lineOfPath(text, ['a', 'missing'])).toBe(2);
  });
});
