/**
 * Bad inputs found by a mutation fuzz of the non-log readers (eval datasets and recordings, results, policies,
 * config YAML, labels, analyze/eval/calibrate JSON), through the built CLI: each is refused in one line naming
 * the file and line (exit 2), with no stack trace, and never shows JavaScript's words for what the file does not
 * say (undefined, Infinity, NaN, null for a value that is not null).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-bad-artifacts-'));
});

/** One line on stderr, prefixed "tokor:", with no stack trace and no JavaScript value names. */
function oneLineError(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |Error:/);
  expect(lines[0]).toMatch(/^tokor: /);
  expect(lines[0]).not.toMatch(/\bundefined\b|\bInfinity\b|\bNaN\b/);
  return lines[0]!;
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** fixtures/gate/results.jsonl with one line's text changed. */
function resultsWith(lineIndex: number, edit: (line: string) => string): string {
  const lines = readFileSync('fixtures/gate/results.jsonl', 'utf8').split('\n');
  lines[lineIndex] = edit(lines[lineIndex]!);
  return lines.join('\n');
}

describe('bad non-log inputs (built CLI)', () => {
  it('a YAML alias without its anchor: one line at the alias (was an internal error with a stack, exit 3)', async () => {
    const text = readFileSync('fixtures/gate/pass.tokor.config.yaml', 'utf8').replace('pattern: confidence', 'pattern: *nope');
    expect(text).toContain('*nope');
    const file = write('alias.tokor.config.yaml', text);
    const gate = await runCli(['gate', '--policy', file, '--results', 'fixtures/gate/results.jsonl', '--dataset', 'fixtures/gate/support/dataset.jsonl']);
    expect(gate.code).toBe(2);
    expect(oneLineError(gate.stderr)).toBe(`tokor: ${file}:4:12: invalid YAML: the alias *nope has no anchor &nope before it`);
    const check = await runCli(['config', 'check', file]);
    expect(check.code).toBe(2);
    expect(oneLineError(check.stderr)).toBe(`tokor: ${file}:4:12: invalid YAML: the alias *nope has no anchor &nope before it`);
  });

  it('a config number written .inf is shown as written (was "received Infinity (got null)")', async () => {
    const file = write('inf.tokor.config.yaml', 'tiers:\n  - { name: cheap, model: us.amazon.nova-lite-v1:0, maxTokens: .inf }\n  - { name: frontier, model: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }\n');
    const r = await runCli(['config', 'check', file]);
    expect(r.code).toBe(2);
    const line = oneLineError(r.stderr);
    expect(line).toContain('tiers[0].maxTokens');
    expect(line).toContain('(got .inf)');
    expect(line).not.toContain('null');
  });

  it('a result whose token count overflows (1e309) is named as such (was "got Infinity")', async () => {
    const file = write('overflow.jsonl', resultsWith(21, (l) => l.replace(/"cacheReadTokens":\d+/, '"cacheReadTokens":1e309')));
    const r = await runCli(['gate', '--policy', 'fixtures/gate/pass.tokor.config.yaml', '--results', file, '--dataset', 'fixtures/gate/support/dataset.jsonl']);
    expect(r.code).toBe(2);
    expect(oneLineError(r.stderr)).toMatch(new RegExp(`^tokor: ${file}:22: cacheReadTokens: expected a token count \\(got a number outside the double range \\(±1\\.8e308\\)\\)`));
  });

  it('a schemaVersion that overflows is not "written by a newer tokor"', async () => {
    const file = write('version.jsonl', resultsWith(0, (l) => l.replace('"schemaVersion":1', '"schemaVersion":1e309')));
    const r = await runCli(['calibrate', '--results', file, '--dataset', 'fixtures/gate/support/dataset.jsonl', '--pattern', 'confidence']);
    expect(r.code).toBe(2);
    const line = oneLineError(r.stderr);
    expect(line).toContain(`${file}:1: schemaVersion:`);
    expect(line).not.toContain('newer tokor');
  });

  it('an analyze JSON without a key says "missing", not "received undefined"', async () => {
    const report = JSON.parse(readFileSync('fixtures/report/analyze.json', 'utf8')) as { byModel: { tokens: Record<string, unknown> }[] };
    delete report.byModel[0]!.tokens.output;
    const file = write('analyze.json', JSON.stringify(report));
    const r = await runCli(['report', '--analyze', file, '--out', path.join(dir, 'r.html')]);
    expect(r.code).toBe(2);
    expect(oneLineError(r.stderr)).toMatch(new RegExp(`^tokor: ${file}:1: byModel\\[0\\]\\.tokens\\.output: missing \\(Invalid input: expected number\\); `));
  });

  it('a config tier without its name says "missing" and what it expects, not "received undefined"', async () => {
    const file = write('noname.tokor.config.yaml', 'tiers:\n  - { model: us.amazon.nova-lite-v1:0 }\n  - { name: frontier, model: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }\n');
    const r = await runCli(['config', 'check', file]);
    expect(r.code).toBe(2);
    expect(oneLineError(r.stderr)).toBe(`tokor: ${file}:2:5: tiers[0].name: missing (Invalid input: expected string)`);
  });

  it('a numeric tolerance past the double range (1e309) is refused, not a grader that passes every answer', async () => {
    for (const grader of ['{"type":"numeric","tolerance":1e309}', '{"type":"numeric","relTolerance":1e309}', '{"type":"json-field-match","tolerance":1e309}']) {
      // In the header's graders: an item's number past the range is refused before its graders are read.
      const file = write('tolerance.jsonl', `{"datasetId":"t","graders":[${grader}]}\n{"id":"q1","prompt":"2 + 2 = ?","expected":${grader.includes('json') ? '{"n":4}' : '4'}}\n`);
      const r = await runCli(['eval', '--dataset', file, '--provider', 'replay', '--tier', 'cheap']);
      expect(r.code).toBe(2);
      expect(oneLineError(r.stderr)).toMatch(new RegExp(`^tokor: ${file}:2: grader (numeric|json-field-match): \`(rel)?[tT]olerance\` must be a finite number ≥ 0$`));
    }
  });

  it('a dataset number past the double range (1e309) is refused where it is (was graded as the label "Infinity")', async () => {
    const file = write('overflow-dataset.jsonl', '{"id":"q1","prompt":"Sky colour?","expected":"blue"}\n{"id":"q2","prompt":"2 + 2 = ?","expected":1e309,"graders":["numeric"]}\n');
    const r = await runCli(['eval', '--dataset', file, '--provider', 'replay', '--tier', 'cheap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r.stderr)).toBe(`tokor: ${file}:2: expected: a number outside the double range (±1.8e308)`);
  });

  it('a chat message without a role says it has none (was "got undefined")', async () => {
    const file = write('norole.jsonl', '{"id":"q1","messages":[{"content":"Sky colour?"}],"expected":"blue"}\n');
    const r = await runCli(['eval', '--dataset', file, '--provider', 'replay', '--tier', 'cheap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r.stderr)).toBe(`tokor: ${file}:1: messages[0].role must be "user", "assistant" or "system", it has none`);
  });

  /** fixtures/gate/results.jsonl with the frontier failing every item the predicate picks. */
  function frontierFails(pick: (itemId: string) => boolean): string {
    return readFileSync('fixtures/gate/results.jsonl', 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const r = JSON.parse(l) as { itemId: string; tier: string; pass: boolean; score: number; graders: { pass: boolean; score: number }[] };
        if (r.tier === 'frontier' && pick(r.itemId)) Object.assign(r, { pass: false, score: 0, graders: r.graders.map((g) => ({ ...g, pass: false, score: 0 })) });
        return JSON.stringify(r);
      })
      .join('\n');
  }

  it('a scope whose frontier passes nothing fails its parity floor (its bound was 11, and the gate passed)', async () => {
    const payments = new Set(
      readFileSync('fixtures/gate/support/dataset.jsonl', 'utf8')
        .split('\n')
        .filter((l) => l.includes('team:payments'))
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    expect(payments.size).toBe(60);
    const file = write('frontier-fails-payments.jsonl', frontierFails((id) => payments.has(id)));
    const args = ['gate', '--policy', 'fixtures/gate/pass.tokor.config.yaml', '--results', file, '--dataset', 'fixtures/gate/support/dataset.jsonl'];
    const r = await runCli([...args, '--format', 'json']);
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout) as { scopes: { scope: string; status: string; pass: boolean; quality: number; qualityLower: number }[] };
    expect(v.scopes.find((s) => s.scope === 'payments')).toMatchObject({ status: 'fail', pass: false, quality: 0, qualityLower: 0 });
    expect(v.scopes.find((s) => s.scope === 'global')!.status).toBe('pass');
    const table = await runCli(args, { env: { COLUMNS: '200' } });
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("scope payments: parity lower bound 0.000 < floor 0.9 (−90.0 pts, n=60, 95% confidence); the frontier tier passes none of the scope's 60 items, so parity has no meaning: give it barMode: absolute");
  });

  it('calibrate --apply on results whose frontier passes nothing does not meet a parity bar (its bound was 7,000%)', async () => {
    const file = write('frontier-fails-all.jsonl', frontierFails(() => true));
    const r = await runCli(['calibrate', '--apply', 'fixtures/gate/policy.json', '--results', file, '--dataset', 'fixtures/gate/support/dataset.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('meets the bar');
    expect(r.stdout).toContain('lower bound 0.0%');
    const choose = await runCli(['calibrate', '--results', file, '--dataset', 'fixtures/gate/support/dataset.jsonl']);
    expect(choose.code).toBe(2);
    expect(oneLineError(choose.stderr)).toBe('tokor: the frontier tier "frontier" passes no item, so parity has no meaning; use --bar-mode absolute');
  });

  it('a cost per call past 1e15 USD is refused: 1e308 a line summed to Infinity (savings NaN%, a TypeError in calibrate)', async () => {
    const text = readFileSync('fixtures/gate/results.jsonl', 'utf8').replace(/"costUsd":[0-9.e-]+/g, '"costUsd":1e308');
    const file = write('huge-costs.jsonl', text);
    const dataset = ['--dataset', 'fixtures/gate/support/dataset.jsonl'];
    for (const args of [['calibrate', '--results', file, ...dataset], ['gate', '--policy', 'fixtures/gate/certified.policy.json', '--results', file, ...dataset]]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(oneLineError(r.stderr)).toMatch(new RegExp(`^tokor: ${file}:1: costUsd: must be at most 1e15 USD \\(the cost of one call\\) \\(got 1e\\+308\\); `));
    }
    const csv = write('huge-costs.csv', 'id,cheap,frontier,cheap_cost\n1,True,True,1e308\n2,False,True,0.1\n');
    const r = await runCli(['calibrate', '--results-csv', csv, '--tier-column', 'cheap=cheap', '--tier-column', 'frontier=frontier', '--cost-column', 'cheap=cheap_cost', '--tier-cost', 'frontier=1']);
    expect(r.code).toBe(2);
    expect(oneLineError(r.stderr)).toBe(`tokor: ${csv}:2: column "cheap_cost": must be a cost from 0 to 1e15, got "1e308"; fix the row or name another --cost-column`);
    const flag = await runCli(['calibrate', '--results-csv', csv, '--tier-column', 'cheap=cheap', '--tier-column', 'frontier=frontier', '--tier-cost', 'cheap=1e308,frontier=1']);
    expect(flag.code).toBe(2);
    expect(oneLineError(flag.stderr)).toBe('tokor: --tier-cost: "1e308" for cheap is not a number from 0 to 1e15');
  });
});
