import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftJsonSchema } from '../../src/artifacts/drift.js';
import { ROOT, runCli } from '../helpers/cli.js';

const MOVED = 'fixtures/drift/traffic-moved.jsonl';

describe('tokor gate --traffic (built CLI)', () => {
  it('fails on traffic the golden set does not cover or that drifted, naming the clusters in table, JSON, Markdown and JUnit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-drift-'));
    const r = await runCli(['gate', '--traffic', MOVED, '--format', 'json', '--markdown', `${dir}/gate.md`, '--junit', `${dir}/gate.xml`]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.pass).toBe(false);
    const coverage = j.savings.checks.find((c: { check: string }) => c.check === 'traffic-coverage');
    const drift = j.savings.checks.find((c: { check: string }) => c.check === 'traffic-drift');
    expect(coverage).toMatchObject({ pass: false, limit: 80 });
    expect(coverage.message).toContain('code-review/platform');
    expect(drift.pass).toBe(false);
    expect(drift.message).toMatch(/task-cluster mix drifted \(PSI [\d.]+ ≥ 0\.2/);
    expect(drift.message).toMatch(/moved clusters: [0-9a-f]{8} "/);
    const d = DriftJsonSchema.parse(j.drift);
    expect(d.baseline.kind).toBe('policy');
    expect(d.current).toMatchObject({ kind: 'logs', requests: 400 });
    const md = readFileSync(`${dir}/gate.md`, 'utf8');
    expect(md).toContain('traffic-coverage');
    expect(md).toContain('code-review/platform');
    const xml = readFileSync(`${dir}/gate.xml`, 'utf8');
    expect(xml).toMatch(/<testcase classname="tokor\.gate\.traffic" name="traffic-coverage"[\s\S]*?<failure message="[^"]*code-review\/platform/);
    expect(xml).toContain('type="TrafficDrift"');
  });

  it("holds the traffic to the policy's drift thresholds, which flags override", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-drift-'));
    const policy = path.join(dir, 'policy.yaml');
    writeFileSync(policy, `${readFileSync(path.join(ROOT, 'policies/default.tokor.config.yaml'), 'utf8')}\ndrift:\n  minCoverage: 0\n  maxPsi: 100\n`);
    const lenient = await runCli(['gate', '--policy', policy, '--traffic', MOVED, '--format', 'json']);
    expect(lenient.code).toBe(0);
    const j = JSON.parse(lenient.stdout);
    expect(j.drift.thresholds).toMatchObject({ minCoverage: 0, maxPsi: 100, from: { minCoverage: 'policy', maxPsi: 'policy', alpha: 'default' } });
    expect(j.savings.checks.filter((c: { check: string }) => c.check.startsWith('traffic-')).map((c: { pass: boolean }) => c.pass)).toEqual([true, true]);
    const strict = await runCli(['gate', '--policy', policy, '--traffic', MOVED, '--min-coverage', '0.5']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/FAIL traffic-coverage: golden-set coverage 0\.0% of traffic requests \(0\.0% of spend\) < minimum 50%/);
    const bad = await runCli(['gate', '--traffic', MOVED, '--drift-alpha', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('tokor: --drift-alpha is a false-alarm rate between 0 and 1 (e.g. 0.01), got 2');
  });
});
