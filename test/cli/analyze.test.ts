import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { shippedLabeler } from '../../src/classify/shipped.js';
import { readTraffic } from '../../src/engines/index.js';

const TIERS = 'cheap=amazon.nova-micro-v1:0,frontier=amazon.nova-pro-v1:0';
const MIXED = 'fixtures/analyze/mixed/invocations.jsonl';

describe('tokor analyze (built CLI)', () => {
  it('runs on the bundled sample with no arguments', async () => {
    const r = await runCli(['analyze']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Difficulty/);
    expect(r.stdout).toMatch(/all-frontier counterfactual/);
    expect(r.stdout).toMatch(/Quality is unproven/);
  });

  it('prices, labels and counts a mixed file exactly (JSON contract)', async () => {
    const r = await runCli(['analyze', MIXED, '--tiers', TIERS, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(3);
    expect(j.records).toEqual({ read: 6, valid: 3, priced: 2, unpriced: 1, failed: 1, invalid: 2, duplicates: 0 });
    expect(j.fileIssues).toEqual([]);
    expect(j.tokens).toEqual({ input: 201_000, output: 1_000_100, cacheRead: 0, cacheWrite: 0 });
    // Nova Lite $0.06/$0.24 per 1M: 2 × (100k in + 500k out) = 2 × $0.126.
    expect(j.cost.actual).toBe(0.252);
    // Frontier Nova Pro $0.80/$3.20: 2 × $1.68.
    expect(j.cost.frontierCounterfactual).toBe(3.36);
    // Both priced requests are easy, but Nova Micro's 128K window cannot hold their 100k prompts with their 500k-token
    // answers (nor can Nova Pro's 300K, the frontier, where they stay): the ceiling is the counterfactual.
    expect(j.cost.routedCeiling).toBe(3.36);
    expect(j.headline.caveats[0]).toBe("2 requests are routed past their label's tier: its context window cannot hold their prompt and answer, so the ceiling prices them on the first later tier that can.");
    expect(j.savings.ceilingPct).toBe(0);
    expect(j.savings.actualVsFrontierPct).toBeCloseTo(92.5, 6);
    expect(j.unpricedModels).toEqual([{ model: 'acme.mystery-model-v1:0', requests: 1, tokens: { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0 } }]);
    expect(j.invalid.examples.map((e: { line: number }) => e.line)).toEqual([3, 4]);
    expect(j.failedByCode).toEqual([{ code: 'ThrottlingException', count: 1 }]);
    expect(Object.keys(j.distribution)).toEqual(['easy', 'moderate', 'hard']);
    for (const k of ['formulaPct', 'ceilingPct', 'actualVsFrontierPct']) expect(typeof j.savings[k]).toBe('number');
    expect(j.byGroup.map((g: { group: string }) => g.group).sort()).toEqual(['growth', 'payments', 'support']);
    expect(j.period).toEqual({ start: '2025-11-03T10:00:00.000Z', end: '2025-11-04T09:00:00.000Z' });
  });

  it('--strict stops at the first bad record with file:line and exit 2', async () => {
    const r = await runCli(['analyze', MIXED, '--tiers', TIERS, '--strict']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invocations\.jsonl:3/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('keeps the whole lines of a truncated gzip and says at file level where it breaks off', async () => {
    const r = await runCli(['analyze', 'fixtures/analyze/truncated.json.gz', '--tiers', TIERS, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.records.valid).toBe(58);
    expect(j.records.invalid).toBe(0);
    const message = 'fixtures/analyze/truncated.json.gz is truncated after line 58; the rest of the file was not read';
    expect(j.fileIssues).toEqual([{ file: 'fixtures/analyze/truncated.json.gz', kind: 'truncated', line: 59, message }]);
    const table = await runCli(['analyze', 'fixtures/analyze/truncated.json.gz', '--tiers', TIERS]);
    expect(table.stdout).toContain(message);
    expect(table.stdout).not.toMatch(/Skipped 1 invalid/);
  });

  it('reads a CSV from stdin without losing its header', async () => {
    const r = await runCli(['analyze', '-', '--tiers', TIERS, '--format', 'json'], { input: readFileSync('fixtures/analyze/csv/usage.csv') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cost.actual).toBe(0.252);
  });

  it('reads stdin', async () => {
    const r = await runCli(['analyze', '-', '--tiers', TIERS, '--format', 'json'], { input: readFileSync(MIXED) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).records.priced).toBe(2);
  });

  it('reads a gateway CSV with default column guesses', async () => {
    const r = await runCli(['analyze', 'fixtures/analyze/csv/usage.csv', '--tiers', TIERS, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cost.actual).toBe(0.252);
  });

  it.each([
    [['fixtures/analyze/truncated-early.json.gz'], /no records found: fixtures\/analyze\/truncated-early\.json\.gz is truncated before the end of its first line; nothing of it could be read/],
    [['fixtures/analyze/truncated.json.gz', '--strict'], /^tokor: fixtures\/analyze\/truncated\.json\.gz is truncated after line 58; the rest of the file was not read$/m],
    [['fixtures/analyze/empty.jsonl'], /empty/],
    [['fixtures/analyze/no-logs'], /no-logs/],
    [['fixtures/analyze/csv/missing-column.csv', '--map', 'model=model_id,input=prompt_tokens,output=completion_tokens'], /missing-column\.csv.*prompt_tokens/],
    [['fixtures/analyze/does-not-exist.jsonl'], /does-not-exist/],
    [[MIXED, '--log-format', 'parquet'], /parquet/],
  ])('bad input %j: one line, exit 2, no stack', async (args, pattern) => {
    const r = await runCli(['analyze', ...args, '--tiers', TIERS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('markdown and csv outputs carry the same totals', async () => {
    const md = await runCli(['analyze', MIXED, '--tiers', TIERS, '--format', 'markdown']);
    expect(md.stdout).toMatch(/\| all-frontier counterfactual \| \$3\.36 \|/);
    const csv = await runCli(['analyze', MIXED, '--tiers', TIERS, '--format', 'csv']);
    // The headline (and its caveats) come first, then the totals.
    expect(csv.stdout.split('\n')[1]).toMatch(/^headline,"?If 40%–90% of requests are easy, routing by difficulty could cut/);
    expect(csv.stdout.split('\n').find((l) => l.startsWith('total,'))).toMatch(/^total,,,3,.*,0\.252,3\.36,3\.36$/);
  });

  it('--cost-explorer reconciles billed spend with the logs and states the ceiling in billed dollars', async () => {
    const r = await runCli(['analyze', '--cost-explorer', 'fixtures/costs/cost-explorer.json', '--format', 'json']);
    expect(r.code).toBe(0);
    const { reconciliation: x } = JSON.parse(r.stdout);
    expect(x.billedUsd).toBeCloseTo(103.21, 6);
    expect(x.coverage).toBeGreaterThan(0);
    expect(x.coverage).toBeLessThanOrEqual(1);
    // The billed ceiling is bounded by the bill it is taken from.
    expect(x.billedCeiling.savingsCeilingUsd).toBeGreaterThan(0);
    expect(x.billedCeiling.savingsCeilingUsd).toBeLessThanOrEqual(x.billedCeiling.coveredBilledUsd);
    const sonnet = x.billedCeiling.byModel.find((m: { modelKey: string }) => m.modelKey === 'anthropic.claude-sonnet-4-5');
    expect(sonnet.billedUsd).toBeCloseTo(93, 6);
    expect(sonnet.savingsUsd).toBeCloseTo((sonnet.billedUsd * sonnet.ceilingPct) / 100, 9);
  });

  it('--labels: measured labels drive the distribution (with its n) and the routed ceiling', async () => {
    // A cheap tier whose 1M window holds the requests' 600k prompt and answer tokens (Nova 2 Lite, $0.33/$2.75).
    const tiers = 'cheap=amazon.nova-2-lite-v1:0,frontier=amazon.nova-pro-v1:0';
    const r = await runCli(['analyze', MIXED, '--tiers', tiers, '--labels', 'fixtures/analyze/labels.jsonl', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.distributionSource).toBe('measured');
    expect(j.measured).toEqual({ count: 2, ofValid: 3, clusters: 3 });
    expect(j.distribution.hard.count).toBe(1);
    expect(j.distribution.easy.count).toBe(1);
    // r1 (hard) stays on Nova Pro: $1.68; r2 (easy) moves to Nova 2 Lite: 100k × $0.33 + 500k × $2.75 per 1M = $1.408.
    expect(j.cost.routedCeiling).toBe(3.088);
    const md = await runCli(['analyze', MIXED, '--tiers', tiers, '--labels', 'fixtures/analyze/labels.jsonl']);
    expect(md.stdout).toMatch(/estimated for all 3 requests from 2 measured labels in 3 task clusters/);
  });

  it('--labeler routellm: every request scored by the shipped model, named in the report', async () => {
    const r = await runCli(['analyze', 'fixtures/sample', '--labeler', 'routellm', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.labeler).toBe('shipped RouteLLM-trained');
    expect(j.distributionSource).toBe('prior');
    // The same counts as the shipped model's own labels on each valid record's prompt.
    const counts = { easy: 0, moderate: 0, hard: 0 };
    const l = shippedLabeler();
    for await (const ev of readTraffic(['fixtures/sample'])) {
      if (ev.kind !== 'record' || ev.record.errorCode) continue;
      const x = ev.record;
      const t = x.tokens;
      counts[l.label({ prompt: x.prompt, system: x.system, turns: x.turns, maxTokens: x.maxTokens, inputTokens: t.input + t.cacheRead + t.cacheWrite }).label]++;
    }
    expect({ easy: j.distribution.easy.count, moderate: j.distribution.moderate.count, hard: j.distribution.hard.count }).toEqual(counts);
    const heuristic = JSON.parse((await runCli(['analyze', 'fixtures/sample', '--format', 'json'])).stdout);
    expect(heuristic.labeler).toBe('heuristic');
    expect(heuristic.distribution.easy.count).not.toBe(counts.easy);
  });

  it('--labels with a bad label: exit 2 naming file:line', async () => {
    const r = await runCli(['analyze', MIXED, '--tiers', TIERS, '--labels', 'fixtures/analyze/labels-bad.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/labels-bad\.csv:3: label: expected one of easy, moderate, hard \(got "impossible"\); a labels file has/);
  });

  it('--sample: a seeded uniform sample, reproducible, with its size stated', async () => {
    const run = (seed: string) => runCli(['analyze', '--sample', '800', '--seed', seed, '--format', 'json']).then((r) => JSON.parse(r.stdout));
    const [a, b, c] = await Promise.all([run('7'), run('7'), run('8')]);
    expect(a.sample).toEqual({ size: 800, of: 5000, seed: 7 });
    expect(a.records.read).toBe(800);
    expect(a).toEqual(b);
    expect(c.distribution).not.toEqual(a.distribution);
    // A sample's intervals are wider than the full run's.
    const full = JSON.parse((await runCli(['analyze', '--format', 'json'])).stdout);
    const width = (x: { ci95: number[] }) => x.ci95[1]! - x.ci95[0]!;
    expect(width(a.distribution.easy)).toBeGreaterThan(width(full.distribution.easy));
  });

  it('worker threads give exactly the in-process report, sampled or not', async () => {
    const json = (args: string[]) => runCli(['analyze', '--group-by', 'team,day', '--format', 'json', ...args]).then((r) => JSON.parse(r.stdout));
    const [inProc, threads, sInProc, sThreads] = await Promise.all([
      json(['--workers', '0']),
      json(['--workers', '2']),
      json(['--workers', '0', '--sample', '700', '--seed', '3']),
      json(['--workers', '2', '--sample', '700', '--seed', '3']),
    ]);
    // Equal as printed: every list is in a fixed order (ties broken by name), whichever worker saw a record first.
    expect(threads).toEqual(inProc);
    expect(sThreads).toEqual(sInProc);
    expect(sInProc.records.read).toBe(700);
  });

  it('--help has examples', async () => {
    const r = await runCli(['analyze', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
  });
});
