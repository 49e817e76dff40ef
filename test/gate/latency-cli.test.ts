/**
 * `tokor gate` holding scopes to a routed p95 latency, through the built CLI
 * on fixtures/gate (every result there took 400 ms, so a confidence route
 * waits 400, 800 or 1,200 ms per item).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const F = (f: string) => `fixtures/gate/${f}`;
const RESULTS = ['--results', F('results.jsonl'), '--dataset', F('support/dataset.jsonl')];
const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-latency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// fixtures/gate/pass.tokor.config.yaml, with a p95 limit on the payments scope.
const config = path.join(dir, 'latency.tokor.config.yaml');
writeFileSync(
  config,
  `aggressiveness: balanced
routing:
  pattern: confidence
  thresholds: [0.9, 0.9]
scopes:
  - name: payments
    match: { team: payments }
    floor: 0.9
    maxP95LatencyMs: 1000
  - name: logistics
    match: { category: shipping }
`,
);

describe('tokor gate: routed p95 latency (built CLI)', () => {
  it('exits 1 naming the scope whose p95 is above its limit, in the table, Markdown and JUnit', async () => {
    const junit = path.join(dir, 'gate.xml');
    const md = path.join(dir, 'gate.md');
    const r = await runCli(['gate', '--policy', config, ...RESULTS, '--junit', junit, '--markdown', md], { env: { COLUMNS: '120' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    // Items escalated to the frontier wait 400 + 400 + 400 ms.
    expect(r.stdout).toContain('FAIL max-p95-latency (payments): scope payments: routed p95 latency 1,200 ms > max 1,000 ms');
    expect(r.stdout).toMatch(/payments .*1,200 ms \(max 1,000\)\s+FAIL \(p95\)/);
    expect(readFileSync(md, 'utf8')).toContain('- max-p95-latency (payments): scope payments: routed p95 latency 1,200 ms &gt; max 1,000 ms');
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase classname="tokor\.gate\.payments" name="max-p95-latency \(payments\)">\n\s+<failure message="scope payments: routed p95 latency 1,200 ms &gt; max 1,000 ms/);
  });

  it('--max-p95-latency holds the whole population and every scope without its own limit', async () => {
    const ok = await runCli(['gate', '--policy', F('pass.tokor.config.yaml'), ...RESULTS, '--max-p95-latency', '1200', '--format', 'json']);
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.scopes.map((s: { scope: string; latency: unknown; maxP95LatencyMs: number }) => [s.scope, s.latency, s.maxP95LatencyMs])).toEqual([
      ['global', { p50Ms: 800, p95Ms: 1200 }, 1200],
      ['payments', { p50Ms: 800, p95Ms: 1200 }, 1200],
      ['logistics', { p50Ms: 800, p95Ms: 1200 }, 1200],
    ]);
    // The config's gate.maxP95LatencyMs is the same limit; a scope's own wins over it.
    const fromConfig = path.join(dir, 'global.tokor.config.yaml');
    writeFileSync(fromConfig, `${readFileSync(config, 'utf8')}gate:\n  maxP95LatencyMs: 1199\n`);
    const viaConfig = JSON.parse((await runCli(['gate', '--policy', fromConfig, ...RESULTS, '--format', 'json'])).stdout);
    expect(viaConfig.scopes.map((s: { maxP95LatencyMs: number }) => s.maxP95LatencyMs)).toEqual([1199, 1000, 1199]);
    const fail = await runCli(['gate', '--policy', F('pass.tokor.config.yaml'), ...RESULTS, '--max-p95-latency', '1199', '--format', 'json']);
    expect(fail.code).toBe(1);
    const failing = JSON.parse(fail.stdout).savings.checks.filter((c: { pass: boolean }) => !c.pass);
    expect(failing.map((c: { check: string; scope: string }) => `${c.check} ${c.scope}`)).toEqual(['max-p95-latency global', 'max-p95-latency payments', 'max-p95-latency logistics']);
  });
});
