import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftJsonSchema } from '../../src/artifacts/drift.js';
import { runCli } from '../helpers/cli.js';

const F = 'fixtures/drift';
const json = (stdout: string) => DriftJsonSchema.parse(JSON.parse(stdout));

describe('tokor drift (built CLI)', () => {
  it('stays quiet on another sample of the traffic the golden set was drawn like (exit 0)', async () => {
    const r = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', `${F}/traffic-resample.jsonl`, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = json(r.stdout);
    expect(j.stable).toBe(true);
    expect(j.baseline).toMatchObject({ kind: 'dataset', requests: 150, clusters: 5 });
    expect(j.current).toMatchObject({ kind: 'logs', requests: 400, clusters: 5 });
    expect(j.coverage.requestShare).toBe(1);
    for (const m of j.measures) expect(m.drifted).toBe(false);
  });

  it('flags traffic whose cluster mix moved (exit 1) and names the clusters: new ones with their share of requests and spend, moved ones', async () => {
    const r = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', `${F}/traffic-moved.jsonl`, '--format', 'json']);
    expect(r.code).toBe(1);
    const j = json(r.stdout);
    expect(j.stable).toBe(false);
    const mix = j.measures.find((m) => m.measure === 'clusterMix')!;
    expect(mix.drifted).toBe(true);
    expect(mix.pValue).toBeLessThan(mix.level);
    expect(mix.psi).toBeGreaterThanOrEqual(j.thresholds.maxPsi);
    expect(j.coverage.uncoveredClusters).toBe(1);
    const fresh = j.coverage.uncovered[0]!;
    expect(fresh.text).toMatch(/^code-review\/platform · /);
    expect(j.coverage.requestShare).toBeCloseTo(1 - fresh.currentShare, 12);
    expect(j.coverage.requestShare).toBeLessThan(0.8);
    expect(fresh.spendShare).toBeGreaterThan(0);
    expect(j.moved.some((c) => c.text.startsWith('triage-bot/support') && c.currentShare < c.baselineShare)).toBe(true);
  });

  it('table and Markdown name the verdict, the measures and the new clusters; thresholds from flags', async () => {
    const t = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', `${F}/traffic-moved.jsonl`], { env: { COLUMNS: '80' } });
    expect(t.code).toBe(1);
    expect(t.stdout.replace(/\s+/g, ' ')).toMatch(/^DRIFT: task-cluster mix, labeler score, prompt length drifted; golden-set coverage/);
    expect(t.stdout).toContain('code-review/platform');
    for (const line of t.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const m = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', `${F}/traffic-moved.jsonl`, '--format', 'markdown', '--min-coverage', '0.5', '--max-psi', '5']);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('# tokor drift: stable');
    expect(m.stdout).toContain('(flag)');
  });

  it("analyze --format json carries the traffic profile; drift reads it and finds what it finds in the logs", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-drift-'));
    const out = path.join(dir, 'analyze.json');
    const a = await runCli(['analyze', `${F}/traffic-moved.jsonl`, '--format', 'json', '--out', out]);
    expect(a.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const p = report.trafficProfile;
    expect(p).toMatchObject({ version: 1, labeler: 'heuristic', requests: 400, rest: null });
    expect(p.clusters.reduce((s: number, c: { requests: number }) => s + c.requests, 0)).toBe(400);
    expect(p.score.reduce((s: number, v: number) => s + v, 0)).toBe(400);
    expect(p.promptLength).toMatchObject({ fromText: 400, fromTokens: 0 });
    // The clusters' spend adds up to what analyze says was paid.
    expect(p.spendUsd).toBeCloseTo(report.cost.actual, 5);
    expect(p.clusters.reduce((s: number, c: { spendUsd: number }) => s + c.spendUsd, 0)).toBeCloseTo(report.cost.actual, 5);
    const fromJson = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', out, '--format', 'json']);
    const fromLogs = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', `${F}/traffic-moved.jsonl`, '--format', 'json']);
    expect(fromJson.code).toBe(1);
    const j = json(fromJson.stdout);
    const l = json(fromLogs.stdout);
    expect(j.current.kind).toBe('analyze');
    expect({ ...j, current: { ...j.current, files: [], kind: 'logs' } }).toEqual({ ...l, current: { ...l.current, files: [] } });
  });

  it("a policy baseline is its golden dataset (--dataset when it is not bundled); one without a dataset is bad input", async () => {
    const r = await runCli(['drift', '--baseline', 'policies/default.tokor.config.yaml', '--dataset', `${F}/golden.jsonl`, '--current', `${F}/traffic-resample.jsonl`, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout).baseline).toMatchObject({ kind: 'policy', requests: 150, files: ['policies/default.tokor.config.yaml', `${F}/golden.jsonl`] });
    const none = await runCli(['drift', '--baseline', 'policies/default.tokor.config.yaml', '--current', `${F}/traffic-resample.jsonl`]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe('tokor: policies/default.tokor.config.yaml: the policy names no golden dataset (provenance.datasetId is empty); give the dataset it was certified on with --dataset FILE, or as --baseline');
  });

  it('bad input: one line naming the file, exit 2, no stack', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-drift-'));
    const missing = await runCli(['drift', '--baseline', path.join(dir, 'nope.jsonl'), '--current', `${F}/traffic-base.jsonl`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.jsonl: file not found;');
    const bad = path.join(dir, 'analyze.json');
    // A real analyze JSON (read through the analyze contract), its profile broken.
    const report = JSON.parse((await runCli(['analyze', '--format', 'json'])).stdout) as { trafficProfile: { requests: number } };
    report.trafficProfile.requests = -3;
    const text = JSON.stringify(report, null, 2);
    writeFileSync(bad, text);
    const line = text.split('\n').findIndex((l) => l.includes('"requests": -3')) + 1;
    const r = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`analyze\\.json:${line}: trafficProfile\\.requests: must be ≥ 0 .*; give the output of \`tokor analyze --format json\``));
    // Only a whole analyze JSON of this tokor is read: a bare profile is refused in one line.
    writeFileSync(bad, JSON.stringify({ kind: 'tokor-analyze', trafficProfile: report.trafficProfile }));
    const partial = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', bad]);
    expect(partial.code).toBe(2);
    expect(partial.stderr.trim()).toMatch(/^tokor: .*analyze\.json:1: schemaVersion: missing .*; give the output of `tokor analyze --format json`/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const golden = await runCli(['drift', '--baseline', `${F}/golden.jsonl`, '--current', `${F}/golden.jsonl`]);
    expect(golden.code).toBe(2);
    expect(golden.stderr).toContain('golden.jsonl: a golden dataset is a baseline, not current traffic');
  });
});
