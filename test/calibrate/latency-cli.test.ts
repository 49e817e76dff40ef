/**
 * `tokor calibrate --max-p95-latency` through the built bin: a cascade that
 * is cheapest but waits for both tiers on its escalated items is left out of
 * the pick for a classifier that waits for one tier (plus its router).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-cal-latency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 300 items; every 10th to 3rd (30%) is hard: the cheap tier fails it, and its valid-json gate says so.
const TOPICS = ['refund', 'invoice', 'password', 'shipping', 'warranty'];
const items = Array.from({ length: 300 }, (_, i) => {
  const hard = i % 10 < 3;
  const topic = TOPICS[i % TOPICS.length]!;
  return { id: `q${i}`, hard, prompt: hard ? `Reconcile the ${topic} ledger across accounts and explain each adjustment.` : `Which team handles this ${topic} ticket?` };
});
const datasetFile = path.join(dir, 'golden.jsonl');
writeFileSync(datasetFile, items.map((it) => JSON.stringify({ id: it.id, prompt: it.prompt, expected: 'x' })).join('\n'));

/** cheap: $0.001, 500 ms; frontier: $0.01, 2,000 ms. */
function results(file: string, latency: boolean): string {
  const lines = items.flatMap((it) =>
    (['cheap', 'frontier'] as const).map((tier) => {
      const pass = tier === 'frontier' || !it.hard;
      return JSON.stringify({
        schemaVersion: 1,
        datasetId: 'golden',
        itemId: it.id,
        tier,
        model: `${tier}-model`,
        pass,
        score: pass ? 1 : 0,
        costUsd: tier === 'cheap' ? 0.001 : 0.01,
        ...(latency ? { latencyMs: tier === 'cheap' ? 500 : 2000 } : {}),
        graders: [{ grader: 'valid-json', pass, score: pass ? 1 : 0, reason: '' }],
      });
    }),
  );
  const out = path.join(dir, file);
  writeFileSync(out, lines.join('\n'));
  return out;
}
const timed = results('timed.jsonl', true);
const untimed = results('untimed.jsonl', false);
// The router's own cost makes the classifier dearer than the cascade; --holdout 0 keeps every item in.
const FLAGS = ['calibrate', '--results', timed, '--dataset', datasetFile, '--router-cost', '0.001', '--holdout', '0'];

describe('tokor calibrate --max-p95-latency (built bin)', () => {
  it('picks the cheaper cascade without a limit; under 2,200 ms it is left out for the classifier', async () => {
    const free = await runCli([...FLAGS, '--format', 'json']);
    expect(free.stderr).toBe('');
    expect(free.code).toBe(0);
    const a = JSON.parse(free.stdout);
    expect(a.pick.pattern).toBe('cascade');
    // 70% stay on cheap (500 ms); 30% wait for cheap, then frontier: 2,500 ms.
    expect(a.pick.latency).toEqual({ p50Ms: 500, p95Ms: 2500 });
    expect(a.latency).toEqual({ routerLatencyMs: 1, maxP95Ms: null, unknownResults: 0 });

    const policy = path.join(dir, 'policy.json');
    const limited = await runCli([...FLAGS, '--max-p95-latency', '2200', '--format', 'json', '--out', policy]);
    expect(limited.stderr).toBe('');
    expect(limited.code).toBe(0);
    const b = JSON.parse(limited.stdout);
    expect(b.pick.pattern).toBe('classifier');
    // The classifier sends each item to one tier and waits 1 ms for its router: 501 and 2,001 ms.
    expect(b.pick.latency).toEqual({ p50Ms: 501, p95Ms: 2001 });
    expect(b.pick.savingsPct).toBeLessThan(a.pick.savingsPct);
    const cascade = b.patterns.find((p: { pattern: string }) => p.pattern === 'cascade');
    expect(cascade.best).toBeUndefined();
    expect(cascade.bestOverLatency.latency).toEqual({ p50Ms: 500, p95Ms: 2500 });
    expect(b.notes.join('\n')).toMatch(/--max-p95-latency 2,200 ms: the cheapest certified cascade route \(60\.0% cheaper\) has a routed p95 of 2,500 ms and is not eligible/);
    const saved = JSON.parse(readFileSync(policy, 'utf8'));
    expect(saved).toMatchObject({ pattern: 'classifier', routerLatencyMs: 1, maxP95LatencyMs: 2200 });
    expect(saved.provenance.calibration.latency).toEqual({ p50Ms: 501, p95Ms: 2001 });
    // --apply reports the saved policy's latency; the limit chooses policies, so it is not an --apply flag.
    const applied = await runCli(['calibrate', '--apply', policy, '--results', timed, '--dataset', datasetFile, '--format', 'json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).latency).toEqual({ p50Ms: 501, p95Ms: 2001 });
    const refused = await runCli(['calibrate', '--apply', policy, '--results', timed, '--dataset', datasetFile, '--max-p95-latency', '2200']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^tokor: --apply reports a saved policy’s latency/);

    // The table shows latency beside cost.
    const table = await runCli([...FLAGS, '--max-p95-latency', '2200'], { env: { COLUMNS: '100' } });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('simulated latency p50 501 ms · p95 2,001 ms ≤ limit 2,200 ms (router 1 ms per request included)');
    expect(table.stdout).toMatch(/pick \(classifier\).*501\/2,001 ms/);
    expect(table.stdout).toMatch(/all frontier.*2,000\/2,000 ms/);

    // And the HTML page, in its policy table.
    const page = await runCli([...FLAGS, '--max-p95-latency', '2200', '--format', 'html']);
    expect(page.code).toBe(0);
    const policyTable = page.stdout.slice(page.stdout.indexOf('Latency p50 / p95'));
    expect(policyTable).toMatch(/Pick: classifier[\s\S]*?501 \/ 2,001 ms[\s\S]*?All frontier[\s\S]*?2,000 \/ 2,000 ms/);
  });

  it('exit 1 when no route is within the limit, saying so', async () => {
    const r = await runCli([...FLAGS, '--max-p95-latency', '1500', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.pick).toBeNull();
    expect(j.headline).toMatch(/^no routing saves money while keeping 95\.0% parity at 95% confidence within a routed p95 latency of 1,500 ms;/);
    // Both patterns had a certified route; latency alone left them out (not "too few items").
    expect(j.notes.filter((n: string) => n.startsWith('--max-p95-latency 1,500 ms'))).toHaveLength(2);
    expect(j.notes.join('\n')).not.toMatch(/too few items/);
  });

  it('results without latencyMs: "latency unknown"; the limit is an input error (exit 2)', async () => {
    const plain = await runCli(['calibrate', '--results', untimed, '--dataset', datasetFile, '--holdout', '0', '--pattern', 'cascade', '--format', 'json']);
    expect(plain.code).toBe(0);
    const j = JSON.parse(plain.stdout);
    expect(j.pick.latency).toBeNull();
    expect(j.notes.join('\n')).toMatch(/latency unknown: 600 of 600 results have no latencyMs/);
    const limited = await runCli(['calibrate', '--results', untimed, '--dataset', datasetFile, '--holdout', '0', '--max-p95-latency', '2000']);
    expect(limited.code).toBe(2);
    expect(limited.stderr.trim().split('\n')).toHaveLength(1);
    expect(limited.stderr).toMatch(/--max-p95-latency: latency unknown for 600 of 600 results/);
  });
});
