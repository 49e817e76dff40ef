/**
 * The built CLI (`npm run build` first) on fixtures/gate: exit codes, what
 * stdout and stderr say, and the files --junit / --markdown write.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const F = (f: string) => `fixtures/gate/${f}`;
const RESULTS = ['--results', F('results.jsonl'), '--dataset', F('support/dataset.jsonl')];

/** One line on stderr, prefixed "tokor:", with no stack trace. */
function oneLineError(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(lines[0]).toMatch(/^tokor: /);
  return lines[0]!;
}

describe('tokor gate (built CLI)', () => {
  it('exits 0 for a policy that holds every floor', async () => {
    const r = await runCli(['gate', '--policy', F('pass.tokor.config.yaml'), ...RESULTS]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tokor gate: PASS/);
  });

  it('exits 1 when a threshold breaks a scope floor, names the scope and writes JUnit and Markdown', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-cli-'));
    const junit = path.join(dir, 'gate.xml');
    const md = path.join(dir, 'gate.md');
    const r = await runCli(['gate', '--policy', F('break.tokor.config.yaml'), ...RESULTS, '--junit', junit, '--markdown', md]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL scope payments: parity lower bound 0\.\d{3} < floor 0\.9 \(−\d+\.\d pts/);
    expect(r.stderr).toBe('');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="tokor gate" tests="3" failures="1"/);
    expect(xml).toMatch(/<testcase classname="tokor\.gate\.payments" name="parity lower bound ≥ floor 0\.9">\n\s+<failure message="scope payments: parity lower bound/);
    expect(readFileSync(md, 'utf8')).toMatch(/^### ❌ tokor gate failed\n/);
  });

  it('--format json prints the JSON contract only', async () => {
    const r = await runCli(['gate', '--policy', F('allowed.tokor.config.yaml'), ...RESULTS, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schemaVersion: 1, pass: true, datasets: ['gate-fixture'] });
    expect(j.scopes.map((s: { scope: string }) => s.scope)).toEqual(['global', 'payments', 'logistics', 'search']);
    for (const s of j.scopes) expect(Object.keys(s)).toEqual(expect.arrayContaining(['scope', 'n', 'quality', 'qualityLower', 'floor', 'pass', 'margin']));
    expect(j.savings.pct).toBeGreaterThan(0);
    // the empty scope's warning goes to stderr too, outside the JSON
    expect(r.stderr).toMatch(/^tokor: warning: scope search matched no golden item/);
  });

  it('with --base shows before → after in the Markdown summary', async () => {
    const r = await runCli(['gate', '--policy', F('allowed.tokor.config.yaml'), '--base', F('pass.tokor.config.yaml'), ...RESULTS, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('against base `fixtures/gate/pass.tokor.config.yaml`');
    expect(r.stdout).toMatch(/\| Savings vs all-frontier \| \d+\.\d% \| \d+\.\d% \| \+\d+\.\d pts \|/);
  });

  it.each([
    ['a tier missing from the results', ['gate', '--policy', F('missing-tier.tokor.config.yaml'), '--results', F('results.jsonl')], /routes to tier "premium" but the results of dataset "gate-fixture" have none/],
    ['results for another dataset', ['gate', '--policy', F('pass.tokor.config.yaml'), '--results', F('other-results.jsonl'), '--dataset', F('support/dataset.jsonl')], /results are for dataset "another-dataset", not "gate-fixture"/],
    ['a floor above 1 in the config', ['gate', '--policy', F('floor-above-1.tokor.config.yaml'), '--results', F('results.jsonl')], /^tokor: fixtures\/gate\/floor-above-1\.tokor\.config\.yaml:8:5: scopes\[0\]\.floor: must be between 0 and 1 \(got 95\)$/],
    ['a floor above 1 on the command line', ['gate', '--policy', F('pass.tokor.config.yaml'), '--results', F('results.jsonl'), '--floor', '1.2'], /--floor must be between 0 and 1/],
    ['malformed YAML', ['gate', '--policy', F('malformed.tokor.config.yaml'), '--results', F('results.jsonl')], /^tokor: fixtures\/gate\/malformed\.tokor\.config\.yaml:\d+:\d+: invalid YAML: /],
    ['a missing policy file', ['gate', '--policy', F('nope.yaml'), '--results', F('results.jsonl')], /^tokor: fixtures\/gate\/nope\.yaml: cannot read the policy \(no such file or directory\); check the path$/],
  ])('exits 2 with one line for %s', async (_name, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLineError(r.stderr)).toMatch(message);
  });
});

describe('the project gates itself: bundled default policy on the bundled golden datasets', () => {
  it('tokor gate with no arguments passes', async () => {
    const r = await runCli(['gate', '--format', 'json']);
    expect(r.stderr).toMatch(/^tokor: gating on the bundled golden datasets/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.pass).toBe(true);
    expect(j.policy).toBe('bundled default policy');
    expect(j.datasets.length).toBeGreaterThanOrEqual(3);
    expect(j.scopes.every((s: { n: number }) => s.n > 0)).toBe(true);
    expect(j.savings.pct).toBeGreaterThan(0);
  });

  it('the same policy with its thresholds lowered fails and names the scopes it breaks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-self-'));
    const text = readFileSync('policies/default.tokor.config.yaml', 'utf8');
    const lowered = text.replace(/thresholds: \[[^\]]*\]/, 'thresholds: [0.6, 0.6]');
    expect(lowered).not.toBe(text);
    const file = path.join(dir, 'lowered.tokor.config.yaml');
    writeFileSync(file, lowered);
    const r = await runCli(['gate', '--policy', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^tokor gate: FAIL/);
    expect(r.stdout).toMatch(/^FAIL scope global: parity lower bound 0\.\d+ < floor 0\.95 \(−\d+\.\d+ pts/m);
  });
});

describe('tokor config check and tokor init (built CLI)', () => {
  it('prints OK and a summary for a valid file, wrapped to the terminal; every problem for a bad one (exit 2)', async () => {
    const [ok, narrow] = await Promise.all([
      runCli(['config', 'check', F('allowed.tokor.config.yaml')], { env: { COLUMNS: '300' } }),
      runCli(['config', 'check', F('allowed.tokor.config.yaml')], { env: { COLUMNS: '80' } }),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('fixtures/gate/allowed.tokor.config.yaml: OK — 3 tiers (cheap → mid → frontier) [default ladder], 3 scopes (payments, logistics, search), bar 0.95 relative at 95% confidence (balanced), routing confidence at 0.8, 0.8\n');
    expect(narrow.stdout.split('\n')).toEqual([
      'fixtures/gate/allowed.tokor.config.yaml: OK — 3 tiers (cheap → mid → frontier)',
      '  [default ladder], 3 scopes (payments, logistics, search), bar 0.95 relative at',
      '  95% confidence (balanced), routing confidence at 0.8, 0.8',
      '',
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-check-cli-'));
    const bad = path.join(dir, 'tokor.config.yaml');
    writeFileSync(bad, 'quality:\n  bar: 1.5\n  confidense: 0.9\nscopes:\n  - { name: p, match: { team: p }, allowedTiers: [cheap] }\n');
    const r = await runCli(['config', 'check'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'tokor: tokor.config.yaml:2:3: quality.bar: must be between 0 and 1 (got 1.5)',
      'tokor: tokor.config.yaml:3:3: quality.confidense: unknown key "confidense" (expected one of: bar, barMode, confidence)',
    ]);
  });

  it('init writes a starter that checks OK and refuses to overwrite without --force', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-init-cli-'));
    const first = await runCli(['init', '--gateway', 'litellm'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(existsSync(path.join(dir, 'tokor.config.yaml'))).toBe(true);
    const check = await runCli(['config', 'check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^tokor\.config\.yaml: OK — 3 tiers \(cheap → mid → frontier\), 0 scopes/);
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(oneLineError(again.stderr)).toBe('tokor: tokor.config.yaml: already exists: not overwritten (use --force to replace it)');
    expect(readFileSync(path.join(dir, 'tokor.config.yaml'), 'utf8')).toContain('provider: openai');
    const forced = await runCli(['init', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(dir, 'tokor.config.yaml'), 'utf8')).toContain('provider: bedrock');
    const wrong = await runCli(['init', '--gateway', 'azure'], { cwd: dir });
    expect(wrong.code).toBe(2);
  });
});

describe('tokor gate: held-out sets and certified savings (built CLI)', () => {
  it('gates results of another dataset than the calibration one with a note on stderr and in every format', async () => {
    const args = ['gate', '--policy', F('policy.json'), '--results', F('other-results.jsonl')];
    const note = 'the policy was calibrated on "gate-fixture"; these results are for "another-dataset": gated as a held-out or newer set';
    const table = await runCli([...args], { env: { COLUMNS: '200' } });
    expect(table.code).toBe(1); // a verdict (2 items cannot hold a 0.95 floor), not an input error
    expect(table.stderr).toContain(`tokor: ${note}`);
    expect(table.stdout).toContain(`note: ${note}`);
    const json = await runCli([...args, '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ datasets: ['another-dataset'], notes: [note] });
    const md = await runCli([...args, '--format', 'markdown']);
    expect(md.stdout).toContain(`> **Note:** the policy was calibrated on`);
  });

  it('fails a savings collapse below the certified savings (default 10 pts), named in every format', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-cert-'));
    const junit = path.join(dir, 'gate.xml');
    const md = path.join(dir, 'gate.md');
    const args = ['gate', '--policy', F('certified.policy.json'), '--results', F('results.jsonl')];
    const r = await runCli([...args, '--junit', junit, '--markdown', md], { env: { COLUMNS: '200' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/FAIL max-savings-drop \(certified\): savings certified 55\.0% → realized 39\.4%: drop of 15\.6 pts > allowed 10 pts/);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase classname="tokor\.gate\.savings" name="max-savings-drop \(certified\)">\n\s+<failure message="savings certified 55\.0%/);
    expect(readFileSync(md, 'utf8')).toMatch(/\*\*Failing:\*\*\n\n- max-savings-drop \(certified\): savings certified 55\.0%/);
    const j = JSON.parse((await runCli([...args, '--format', 'json'])).stdout);
    expect(j.pass).toBe(false);
    expect(j.savings.checks).toEqual([expect.objectContaining({ check: 'max-savings-drop', against: 'certified', pass: false, limit: 10 })]);
    const ok = await runCli([...args, '--max-savings-drop', '16'], { env: { COLUMNS: '200' } });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok {3}max-savings-drop \(certified\): .* ≤ allowed 16 pts/);
  });

  it('prints certified vs observed tier shares, flags those beyond sampling error, and --max-share-drift fails on them', async () => {
    const args = ['gate', '--policy', F('certified.policy.json'), '--results', F('results.jsonl'), '--max-savings-drop', '20'];
    const shown = await runCli(args, { env: { COLUMNS: '200' } });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('tier shares certified → observed: cheap 55.0% → 34.7% (⚑ beyond sampling error), mid 25.0% → 28.3%, frontier 20.0% → 37.0% (⚑ beyond sampling error)');
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-drift-'));
    const junit = path.join(dir, 'gate.xml');
    const md = path.join(dir, 'gate.md');
    const fail = await runCli([...args, '--max-share-drift', '15', '--junit', junit, '--markdown', md], { env: { COLUMNS: '200' } });
    expect(fail.code).toBe(1);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase classname="tokor\.gate\.shares" name="max-share-drift">\n\s+<failure message="tier cheap 55\.0% certified → 34\.7% observed/);
    const comment = readFileSync(md, 'utf8');
    expect(comment).toMatch(/\*\*Failing:\*\*\n\n- max-share-drift: tier cheap 55\.0% certified/);
    expect(comment).toContain('- tier shares certified → observed: cheap 55.0% → 34.7% (⚑ beyond sampling error)');
    expect(fail.stdout).toMatch(/FAIL max-share-drift: tier cheap 55\.0% certified → 34\.7% observed: moved 20\.3 pts \(beyond sampling error\) > allowed 15 pts/);
    const j = JSON.parse((await runCli([...args, '--max-share-drift', '15', '--format', 'json'])).stdout);
    expect(j.shares).toEqual([
      { tier: 'cheap', certified: 0.55, observed: 104 / 300, flagged: true },
      { tier: 'mid', certified: 0.25, observed: 85 / 300, flagged: false },
      { tier: 'frontier', certified: 0.2, observed: 111 / 300, flagged: true },
    ]);
    expect(j.savings.checks).toContainEqual(expect.objectContaining({ check: 'max-share-drift', pass: false, limit: 15 }));
    expect((await runCli([...args, '--max-share-drift', '21'])).code).toBe(0);
    // a policy without certified shares: nothing to compare, said on stderr
    const old = await runCli(['gate', '--policy', F('policy.json'), '--results', F('results.jsonl'), '--max-share-drift', '5', '--format', 'json']);
    expect(old.code).toBe(0);
    expect(JSON.parse(old.stdout).shares).toEqual([]);
    expect(old.stderr).toMatch(/tokor: warning: --max-share-drift: the policy carries no certified tier shares/);
  });

  it('calibrate --out stores the certified shares and n; apply and gate compare with them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-shares-'));
    const policy = path.join(dir, 'policy.json');
    // --holdout 0: calibrated on every item, so applied to the same items the shares are the certified ones.
    const cal = await runCli(['calibrate', '--holdout', '0', '--out', policy]);
    expect(cal.code).toBe(0);
    const saved = JSON.parse(readFileSync(policy, 'utf8')).provenance.calibration;
    expect(saved.n).toBeGreaterThan(0);
    expect(Object.keys(saved.tierShares)).toEqual(['cheap', 'mid', 'frontier']);
    expect(Object.values(saved.tierShares as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const apply = JSON.parse((await runCli(['calibrate', '--apply', policy, '--format', 'json'])).stdout);
    expect(apply.shares).toEqual(Object.entries(saved.tierShares).map(([tier, share]) => ({ tier, certified: share, observed: share, flagged: false })));
    const gate = await runCli(['gate', '--policy', policy, '--max-share-drift', '5', '--format', 'json']);
    expect(gate.code).toBe(0);
    const g = JSON.parse(gate.stdout);
    expect(g.shares.map((s: { flagged: boolean }) => s.flagged)).toEqual([false, false, false]);
    expect(g.savings.checks).toContainEqual(expect.objectContaining({ check: 'max-share-drift', pass: true, actual: 0 }));
  }, 90_000);
});
