/**
 * The per-scope families end to end through the built bin: calibrate picks a
 * static tier per category, writes it to the policy (--out), and both
 * `calibrate --apply` and `gate --policy` route new results with it — an
 * unseen category goes to the frontier.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-scopes-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const COST = { cheap: 0.001, frontier: 0.01 };

/** Result lines for n items of a category: the cheap tier passes every item (`every`) or every other one; the frontier passes all. */
function lines(datasetId: string, category: string, n: number, every: boolean, from = 0): string[] {
  return Array.from({ length: n }, (_, j) => j + from).flatMap((i) =>
    (['cheap', 'frontier'] as const).map((tier) => {
      const pass = tier === 'frontier' || every || i % 2 === 0;
      return JSON.stringify({ schemaVersion: 1, datasetId, itemId: `${category}-${i}`, tier, model: `${tier}-model`, pass, score: pass ? 1 : 0, costUsd: COST[tier], category });
    }),
  );
}
const write = (name: string, rows: string[]): string => {
  const f = path.join(dir, name);
  writeFileSync(f, `${rows.join('\n')}\n`);
  return f;
};
const train = write('train.jsonl', [...lines('scoped', 'faq', 400, true), ...lines('scoped', 'legal', 150, false)]);
// New items of the same dataset, and 20 of a category calibration never saw (the cheap tier would pass them all).
const fresh = write('fresh.jsonl', [...lines('scoped', 'faq', 40, true, 1000), ...lines('scoped', 'legal', 40, false, 1000), ...lines('scoped', 'billing', 20, true)]);

describe('tokor calibrate: per-scope families (built bin)', () => {
  it('certifies a tier per category, saves it, and --apply / gate route new results with it', async () => {
    const policy = path.join(dir, 'policy.json');
    const res = await runCli(['calibrate', '--results', train, '--format', 'json', '--out', policy]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    const scopeTier = report.patterns.find((p: { pattern: string }) => p.pattern === 'scope-tier');
    expect(scopeTier.status).toBe('ok');
    expect(scopeTier.scopeBy).toBe('category');
    expect(scopeTier.scopes.map((s: { value: string; tier: string }) => [s.value, s.tier])).toEqual([
      ['faq', 'cheap'],
      ['legal', 'frontier'],
    ]);
    // classifier (no prompts, but categories to train on), scope-tier and scope-classifier share the budget.
    expect(report.patterns.filter((p: { status: string }) => p.status === 'ok').map((p: { pattern: string }) => p.pattern)).toEqual(['classifier', 'scope-tier', 'scope-classifier']);
    expect(report.boundConfidence).toBeCloseTo(1 - 0.025 / 3, 12);
    expect(scopeTier.scopeConfidence).toBeCloseTo(1 - 0.025 / 3 / 2, 12);
    // Both per-scope families save the same here; the first listed (the static tier, no router) wins the tie.
    expect(report.pick.pattern).toBe('scope-tier');
    expect(report.pick.thresholds).toEqual([0, 1, 1]);
    expect(report.randomAtShares.routerBeatsRandom).toBe(true);
    expect(report.holdout.meetsBar).toBe(true);

    const saved = JSON.parse(readFileSync(policy, 'utf8'));
    expect(saved).toMatchObject({ schemaVersion: 2, pattern: 'scope-tier', thresholds: [0, 1, 1], scopes: { by: 'category', entries: [{ value: 'faq', tier: 'cheap' }, { value: 'legal', tier: 'frontier' }] } });

    // 40 faq items on cheap; 40 legal and 20 billing (unseen) on the frontier: $0.04 + $0.60 against $1.00.
    const applied = await runCli(['calibrate', '--apply', policy, '--results', fresh, '--format', 'json']);
    expect(applied.code).toBe(0);
    const ev = JSON.parse(applied.stdout);
    expect(ev.policy.scopes).toEqual(saved.scopes);
    expect(ev.tierShares).toEqual({ cheap: 0.4, frontier: 0.6 });
    expect(ev.savingsPct).toBeCloseTo(36, 9);

    // The gate routes the same way; savings fell from the certified ~64% to 36% (the new category goes to the frontier),
    // more than the default 10 points: it fails on that alone, and passes when 40 points are allowed.
    const failed = JSON.parse((await runCli(['gate', '--policy', policy, '--results', fresh, '--format', 'json'])).stdout);
    expect(failed.pass).toBe(false);
    expect(failed.scopes[0].pass).toBe(true);
    expect(failed.savings.checks.map((c: { check: string; pass: boolean }) => [c.check, c.pass])).toEqual([['max-savings-drop', false]]);
    const gate = await runCli(['gate', '--policy', policy, '--results', fresh, '--max-savings-drop', '40', '--format', 'json']);
    expect(gate.stderr).toBe('');
    expect(gate.code).toBe(0);
    const verdict = JSON.parse(gate.stdout);
    expect(verdict.pattern).toBe('scope-tier');
    expect(verdict.scopes[0].tierShares).toEqual({ cheap: 0.4, frontier: 0.6 });
    expect(verdict.savings.pct).toBeCloseTo(36, 9);

    // The table names the new families beside the old ones.
    const table = await runCli(['calibrate', '--results', train], { env: { COLUMNS: '100' } });
    expect(table.stdout).toMatch(/scope-tier +\d+ candidates · best [\d.]+% cheaper .*per category/);
    expect(table.stdout).toMatch(/# scope-tier {2}% scope-classifier/);
    const md = await runCli(['calibrate', '--results', train, '--format', 'markdown']);
    expect(md.stdout).toMatch(/\| scope-tier \| \d+ candidates · best [\d.]+% cheaper .*per category \(each bound at 99\.\d+%\): faq → cheap \(\d+ items, bound [\d.]+%\), legal → frontier/);
    const html = await runCli(['calibrate', '--results', train, '--format', 'html']);
    expect(html.stdout).toContain('Per category: faq → cheap');
  });
});
