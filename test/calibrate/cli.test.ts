/**
 * End to end through the built bin (npm run build first): flags, exit codes,
 * JSON keys, files written, --apply.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seededRandom } from '../../src/stats/random.js';
import { isHeldOut } from '../../src/calibrate/calibrate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-cal-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const r = seededRandom(17);
const TOPICS = ['refund', 'invoice', 'password', 'shipping', 'warranty', 'billing'];

// A dataset and 3-tier results: hard items say "reconcile"; cheap answers carry a valid-json gate result.
const items = Array.from({ length: 300 }, (_, i) => {
  const hard = r() < 0.35;
  const topic = TOPICS[i % TOPICS.length]!;
  const prompt = hard ? `Reconcile the ${topic} ledger across accounts and explain each adjustment.` : `Which team handles this ${topic} ticket?`;
  const cheap = hard ? r() < 0.15 : r() < 0.93;
  const mid = cheap || (hard ? r() < 0.6 : r() < 0.95);
  const frontier = r() < 0.96;
  return { id: `q${i}`, prompt, pass: [cheap, mid, frontier], gate: [cheap || r() < 0.02, mid || r() < 0.02, true] };
});
const datasetFile = path.join(dir, 'golden.jsonl');
writeFileSync(datasetFile, items.map((it) => JSON.stringify({ id: it.id, prompt: it.prompt, expected: 'x' })).join('\n'));
const COST = [0.0001, 0.0008, 0.004];
const resultLine = (it: (typeof items)[number], t: number, tier: string, datasetId = 'golden') =>
  JSON.stringify({
    schemaVersion: 1,
    datasetId,
    itemId: it.id,
    tier,
    model: `${tier}-model`,
    pass: it.pass[t],
    score: it.pass[t] ? 1 : 0,
    costUsd: COST[t],
    graders: [{ grader: 'valid-json', pass: it.gate[t], score: it.gate[t] ? 1 : 0, reason: '' }],
  });
const resultsFile = path.join(dir, 'results.jsonl');
writeFileSync(resultsFile, ['cheap', 'mid', 'frontier'].flatMap((tier, t) => items.map((it) => resultLine(it, t, tier))).join('\n'));

// A small two-tier CSV, RouteLLM style.
const csvFile = path.join(dir, 'pairs.csv');
writeFileSync(csvFile, ['prompt,weak,strong', ...items.map((it) => `"${it.prompt}",${it.pass[0] ? 'True' : 'False'},${it.pass[2] ? 'True' : 'False'}`)].join('\n'));
const CSV_FLAGS = ['--results-csv', csvFile, '--prompt-column', 'prompt', '--tier-column', 'cheap=weak', '--tier-column', 'frontier=strong', '--tier-cost', 'cheap=0.24,frontier=24.7'];

describe('tokor calibrate (built bin)', () => {
  it('exit 0 with a pick; JSON has the contract keys; writes policy, router and curve', async () => {
    const policy = path.join(dir, 'policy.json');
    const router = path.join(dir, 'router.json');
    const curve = path.join(dir, 'curve.csv');
    const res = await runCli(['calibrate', '--results', resultsFile, '--dataset', datasetFile, '--format', 'json', '--out', policy, '--out-router', router, '--curve-csv', curve]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const j = JSON.parse(res.stdout);
    for (const k of ['pattern', 'thresholds', 'quality', 'qualityCi95', 'costUsd', 'savingsPct', 'tierShares']) expect(j.pick).toHaveProperty(k);
    for (const b of ['frontier', 'cheapest', 'random', 'oracle']) for (const k of ['quality', 'costUsd', 'savingsPct']) expect(j.baselines[b]).toHaveProperty(k);
    expect(j.bound).toMatch(/one-sided 95%/);
    expect(j.pick.thresholds).toHaveLength(2);
    const p = JSON.parse(readFileSync(policy, 'utf8'));
    expect(p).toMatchObject({ kind: 'tokor-policy', schemaVersion: 1, pattern: j.pick.pattern, bar: 0.95, barMode: 'relative', confidence: 0.95 });
    expect(p.provenance.datasetId).toBe('golden');
    expect(p.provenance.resultsSha256[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(p.provenance.datasetSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p.provenance.catalogVersion).toMatch(/builtin/);
    expect(JSON.parse(readFileSync(router, 'utf8')).kind).toBe('tokor-router');
    expect(readFileSync(curve, 'utf8').split('\n')[0]).toBe('pattern,thresholds,quality,parity,lower_bound,cost_usd,savings_pct,escalation_rate,meets_bar,share_cheap,share_mid,share_frontier,p50_ms,p95_ms,sample_data');

    // --apply re-evaluates the saved policy without re-choosing.
    const applied = await runCli(['calibrate', '--apply', policy, '--results', resultsFile, '--dataset', datasetFile, '--format', 'json']);
    expect(applied.code).toBe(0);
    const a = JSON.parse(applied.stdout);
    for (const k of ['quality', 'qualityCi95', 'costUsd', 'savingsPct', 'tierShares']) expect(a).toHaveProperty(k);
    expect(a.frontier).toHaveProperty('quality');
    expect(a.frontier).toHaveProperty('costUsd');
    expect(a.policy.thresholds).toEqual(j.pick.thresholds);
  });

  it('holds about 30% of the items out by default (a hash of each id) and reports the pick on them; --holdout 0 holds none out', async () => {
    const policy = path.join(dir, 'policy-held.json');
    const res = await runCli(['calibrate', ...CSV_FLAGS, '--format', 'json', '--out', policy]);
    expect(res.code).toBe(0);
    const j = JSON.parse(res.stdout);
    const held = items.filter((_, i) => isHeldOut(`row-${i + 1}`, 0.3, 1)).length;
    expect(held).toBeGreaterThan(60);
    expect(j.n).toBe(300 - held);
    // The contract keys (#14), and the split it was made with.
    expect(j.holdout).toMatchObject({ items: held, fraction: 0.3, seed: 1, calibrationItems: 300 - held });
    for (const k of ['savingsPct', 'parity', 'parityLower95']) expect(typeof j.holdout[k]).toBe('number');
    expect(j.holdout.meetsBar).toBe(j.holdout.parity >= 0.95);
    expect(j.holdout.parityLower95).toBeLessThanOrEqual(j.holdout.parity);
    expect(j.notes).toContain(`calibrated on ${300 - held} items; ${held} held out (--holdout 0.3, the default, seed 1; by a hash of each item id)`);
    // The saved policy says which items were held out of it; --apply on the same results says the figures mix both parts.
    expect(JSON.parse(readFileSync(policy, 'utf8')).provenance.calibration.holdout).toEqual({ fraction: 0.3, seed: 1, items: held });
    const applied = JSON.parse((await runCli(['calibrate', '--apply', policy, ...CSV_FLAGS, '--format', 'json'])).stdout);
    expect(applied.notes.join('\n')).toMatch(new RegExp(`${held} of these items were held out of its calibration`));
    // The table shows it under the headline.
    const table = await runCli(['calibrate', ...CSV_FLAGS], { env: { COLUMNS: '200' } });
    expect(table.stdout).toContain(`Held out (30%, seed 1, ${held} items): ${j.holdout.savingsPct.toFixed(1)}% cheaper than all-frontier at ${(j.holdout.parity * 100).toFixed(1)}% parity`);
    // --holdout 0: every item calibrates, no held-out result, and a note says so.
    const none = JSON.parse((await runCli(['calibrate', ...CSV_FLAGS, '--holdout', '0', '--format', 'json'])).stdout);
    expect(none.n).toBe(300);
    expect(none.holdout).toBeNull();
    expect(none.notes.join('\n')).toMatch(/no held-out result \(--holdout 0\)/);
  });

  it('table output: headline, chart and notes within 80 columns', async () => {
    const res = await runCli(['calibrate', ...CSV_FLAGS], { env: { COLUMNS: '80' } });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/\d+\.\d% cheaper than all-frontier at \d+\.\d% parity \(95% CI [\d.]+%–[\d.]+%\)/);
    expect(res.stdout).toMatch(/parity vs savings/);
    for (const l of res.stdout.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('exit 1 when no threshold meets the bar, with the best achievable quality', async () => {
    const res = await runCli(['calibrate', ...CSV_FLAGS, '--bar', '0.99', '--bar-mode', 'absolute']);
    expect(res.code).toBe(1);
    // The headline is wrapped to the terminal: read it as one line.
    expect(res.stdout.replace(/\s+/g, ' ')).toMatch(/no routing saves money while keeping 99\.0% quality at 95% confidence; best achievable quality bound/);
  });

  it('exit 2 with one line for bad input', async () => {
    const bad = path.join(dir, 'mismatch.jsonl');
    writeFileSync(bad, [resultLine(items[0]!, 0, 'cheap'), resultLine(items[1]!, 0, 'cheap'), resultLine(items[0]!, 2, 'frontier')].join('\n'));
    const res = await runCli(['calibrate', '--results', bad, '--dataset', datasetFile]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/item IDs differ between tiers: 1 item\(s\) have no result for tier "frontier" \(e\.g\. q1\)/);
    const usage = await runCli(['calibrate', '--results-csv', csvFile, '--tier-column', 'cheap=weak']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--tier-column: give at least two tiers/);
  });
});
