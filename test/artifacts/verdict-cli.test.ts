/**
 * One schema per artifact, the same verdict everywhere (issue 12.11, 12.12,
 * 11.8), through the built CLI: every reader of a bad results line, policy,
 * labels file or Cost Explorer response exits 2 with the same one-line
 * message `file:line: key.path: what; what to do`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-verdict-'));
const G = (f: string) => path.join(ROOT, 'fixtures', 'gate', f);
const DATASET = G('support/dataset.jsonl');
const RESULTS_LINES = readFileSync(G('results.jsonl'), 'utf8').trimEnd().split('\n');
const POLICY_TEXT = readFileSync(G('policy.json'), 'utf8');

/** The one stderr line of a failed run, without the "tokor: " prefix; exit 2, nothing on stdout, no stack. */
function inputErrorLine(r: { code: number | null; stdout: string; stderr: string }): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tokor: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!.slice('tokor: '.length);
}

/** The gate fixture's results with line `n` (1-based) changed. */
function resultsWith(name: string, n: number, change: (o: Record<string, unknown>) => void): string {
  const lines = [...RESULTS_LINES];
  const o = JSON.parse(lines[n - 1]!) as Record<string, unknown>;
  change(o);
  lines[n - 1] = JSON.stringify(o);
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function policyFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('gate --policy reads a policy JSON with the policy schema, as calibrate --apply does (12.11)', () => {
  const cases: [string, string, (file: string) => RegExp][] = [
    ['a syntax error', '{"schemaVersion": 1,\n"kind": "tokor-policy",\n', (f) => new RegExp(`^${f}:3: not valid JSON \\(`)],
    ['a NaN', POLICY_TEXT.replace('"bar": 0.95', '"bar": NaN'), (f) => new RegExp(`^${f}:${lineOf(POLICY_TEXT, '"bar"')}: not valid JSON \\(unexpected value at "NaN"\\)`)],
    ['a changed kind', POLICY_TEXT.replace('"kind": "tokor-policy"', '"kind": "tokor-polic"'), (f) => new RegExp(`^${f}:${lineOf(POLICY_TEXT, '"kind"')}: kind: expected "tokor-policy" .*\\(got "tokor-polic"\\); write it with \`tokor calibrate --out\``)],
    ['thresholds [5, 5]', POLICY_TEXT.replace('"thresholds": [0.9, 0.9]', '"thresholds": [5, 5]'), (f) => new RegExp(`^${f}:${lineOf(POLICY_TEXT, '"thresholds"')}: thresholds\\[0\\]: a confidence threshold must be between 0 and 2 .*got 5; write it with`)],
    ['a newer schemaVersion', POLICY_TEXT.replace('"schemaVersion": 1', '"schemaVersion": 99'), (f) => new RegExp(`^${f}:2: schemaVersion: 99 was written by a newer tokor \\(this one reads 2\\); upgrade tokor$`)],
  ];
  it.each(cases)('%s: gate and calibrate --apply exit 2 with the same line', async (name, text, expected) => {
    const file = policyFile(`${name.replace(/\W+/g, '-')}.json`, text);
    const gate = inputErrorLine(await runCli(['gate', '--policy', file, '--results', G('results.jsonl'), '--dataset', DATASET]));
    const apply = inputErrorLine(await runCli(['calibrate', '--apply', file, '--results', G('results.jsonl'), '--dataset', DATASET]));
    expect(gate).toMatch(expected(file));
    expect(apply).toBe(gate);
  });

  it('an empty file says it is empty, not "no routing to gate"', async () => {
    const file = policyFile('empty.json', '');
    expect(inputErrorLine(await runCli(['gate', '--policy', file, '--results', G('results.jsonl'), '--dataset', DATASET]))).toBe(
      `${file}: empty file; expected a tokor config (tokor.config.yaml) or a \`tokor calibrate --out\` policy file`,
    );
  });

  it('the valid policy still gates (exit 0)', async () => {
    const r = await runCli(['gate', '--policy', G('policy.json'), '--results', G('results.jsonl'), '--dataset', DATASET]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('a bad results line gets the same verdict from calibrate, gate and report (12.12)', () => {
  const cases: [string, (o: Record<string, unknown>) => void, RegExp][] = [
    ['costUsd "abc"', (o) => (o.costUsd = 'abc'), /:7: costUsd: expected an amount in USD \(a number ≥ 0\) \(got "abc"\); each line is one `tokor eval --out` result/],
    ['a negative cost', (o) => (o.costUsd = -0.5), /:7: costUsd: must be ≥ 0 \(a cost cannot be negative\) \(got -0\.5\);/],
    ['confidence 1.5', (o) => (o.confidence = 1.5), /:7: confidence: must be between 0 and 1 \(got 1\.5\);/],
    ['score 2', (o) => (o.score = 2), /:7: score: must be between 0 and 1 \(got 2\);/],
    ['a grader score of 2', (o) => ((o.graders as { score: number }[])[0]!.score = 2), /:7: graders\[0\]\.score: must be between 0 and 1 \(got 2\);/],
    ['schemaVersion 99', (o) => (o.schemaVersion = 99), /:7: schemaVersion: 99 was written by a newer tokor \(this one reads 1\); upgrade tokor$/],
  ];
  it.each(cases)('%s', async (name, change, expected) => {
    const file = resultsWith(`${name.replace(/\W+/g, '-')}.jsonl`, 7, change);
    const calibrate = inputErrorLine(await runCli(['calibrate', '--results', file, '--dataset', DATASET]));
    const gate = inputErrorLine(await runCli(['gate', '--policy', G('policy.json'), '--results', file, '--dataset', DATASET]));
    const report = inputErrorLine(await runCli(['report', '--eval', file, '--out', path.join(dir, 'r.html')]));
    expect(calibrate.startsWith(`${file}:7: `)).toBe(true);
    expect(calibrate).toMatch(expected);
    expect(gate).toBe(calibrate);
    expect(report).toBe(calibrate);
  });

  it('eval --resume runs a line the schema refuses again instead of keeping it', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'tokor-verdict-resume-'));
    const args = ['eval', '--dataset', path.join(ROOT, 'golden-datasets', 'support-triage', 'dataset.jsonl'), '--tier', 'cheap', '--provider', 'replay', '--out', 'r.jsonl', '--format', 'json'];
    expect((await runCli(args, { cwd })).code).toBe(0);
    const file = path.join(cwd, 'r.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const third = JSON.parse(lines[2]!) as Record<string, unknown>;
    lines[2] = JSON.stringify({ ...third, confidence: 1.5 });
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli([...args, '--resume'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`resume: ${lines.length - 1} finished results kept, 1 line dropped`));
    const after = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(after).toHaveLength(lines.length);
    expect(after.some((o) => o.confidence === 1.5)).toBe(false);
    expect(after.filter((o) => o.itemId === third.itemId)).toHaveLength(1);
  });
});

describe('labels (analyze --labels) and recordings are read with their schemas (12.12)', () => {
  it('a label line with a tier score of 2 exits 2 naming file:line and the key path', async () => {
    const file = path.join(dir, 'labels.jsonl');
    const good = { schemaVersion: 1, requestId: 'r1', label: 'easy', tiers: { cheap: { model: 'm', pass: true, score: 0.9, costUsd: 0.001 } }, servedBy: 'x', source: 'a:1' };
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, requestId: 'r2', tiers: { cheap: { ...good.tiers.cheap, score: 2 } } })}\n`);
    const line = inputErrorLine(await runCli(['analyze', path.join(ROOT, 'fixtures', 'analyze', 'mixed'), '--labels', file]));
    expect(line).toMatch(new RegExp(`^${file}:2: tiers\\.cheap\\.score: must be between 0 and 1 \\(got 2\\); a labels file has`));
  });

  it('a labels file from a newer tokor is refused', async () => {
    const file = path.join(dir, 'labels-new.jsonl');
    writeFileSync(file, `${JSON.stringify({ schemaVersion: 2, requestId: 'r1', label: 'easy' })}\n`);
    expect(inputErrorLine(await runCli(['analyze', path.join(ROOT, 'fixtures', 'analyze', 'mixed'), '--labels', file]))).toBe(
      `${file}:1: schemaVersion: 2 was written by a newer tokor (this one reads 1); upgrade tokor`,
    );
  });
});

describe('typos do not pass silently (11.8)', () => {
  it('--group-by with a tag no record has warns once, listing the tag keys seen', async () => {
    const r = await runCli(['analyze', '--group-by', 'teem']);
    expect(r.code).toBe(0);
    const warnings = r.stderr.trimEnd().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^tokor: warning: --group-by teem: no record has a "teem" tag, so every record is \(untagged\); tag keys seen: .*\bteam\b/);
  });

  it('--group-by with a tag the records have stays quiet', async () => {
    const r = await runCli(['analyze', '--group-by', 'team']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('config check refuses a tier model with no price and suggests the nearest priced ID', async () => {
    const file = path.join(dir, 'tokor.config.yaml');
    writeFileSync(
      file,
      ['tiers:', '  - name: cheap', '    model: us.amazon.nova-liet-v1:0', '  - name: frontier', '    model: us.anthropic.claude-sonnet-4-5-20250929-v1:0', ''].join('\n'),
    );
    const r = await runCli(['config', 'check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `tokor: ${file}:3:5: tiers[0].model: no price in the catalog for "us.amazon.nova-liet-v1:0" (did you mean "us.amazon.nova-lite-v1:0"?); fix the ID, set priceAs to a priced model, or add its price to a catalog file (config catalog)`,
    ]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('nova-liet', 'nova-lite'));
    const ok = await runCli(['config', 'check', file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/: OK — 2 tiers/);
  });
});
