/**
 * `tokor analyze --labels` estimates the mix and the ceiling for the whole traffic from a measured sample
 * (issue #14), and without labels marks its mix as a prior. On the bundled sample, with a made-up truth:
 * 30% of requests easy (the heuristic says 84%), so pricing unmeasured requests on their heuristic label
 * would put the ceiling far from the truth.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/app/analyze.js';
import { openContext, type Context } from '../../src/app/context.js';
import { allocateSample } from '../../src/classify/estimate.js';
import { taskSignature } from '../../src/classify/signature.js';
import { readTraffic } from '../../src/engines/index.js';
import { seededRandom } from '../../src/stats/random.js';
import { ROOT, runCli } from '../helpers/cli.js';

const SAMPLE = path.join(ROOT, 'fixtures/sample');

/** The made-up measurement: easy for 3 request IDs in 10 (by a hash of the ID), hard otherwise. */
function truth(requestId: string): 'easy' | 'hard' {
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) h = Math.imul(h ^ requestId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 10 < 3 ? 'easy' : 'hard';
}

interface Req {
  id: string;
  cluster: string;
  team: string;
}

let requests: Req[];
let ctx: Context;
let dir: string;

beforeAll(async () => {
  requests = [];
  for await (const ev of readTraffic([SAMPLE])) {
    if (ev.kind !== 'record' || ev.record.requestId === undefined || ev.record.errorCode) continue;
    const r = ev.record;
    requests.push({ id: r.requestId!, cluster: taskSignature({ prompt: r.prompt, system: r.system, tags: r.tags }).key, team: r.tags.team ?? '(untagged)' });
  }
  ctx = await openContext({ cwd: ROOT });
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-measured-'));
});

/** A labels file (as `tokor label --sample` writes it: cluster and weight per line) for a stratified sample of n requests. */
function labelsFile(n: number, seed: number): string {
  const by = new Map<string, Req[]>();
  for (const r of requests) by.set(r.cluster, [...(by.get(r.cluster) ?? []), r]);
  const alloc = allocateSample([...by].map(([key, l]) => ({ key, size: l.length })), n);
  const rand = seededRandom(seed);
  const lines: string[] = [];
  for (const [key, l] of by) {
    const pool = [...l];
    const k = alloc.get(key)!;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rand() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      lines.push(JSON.stringify({ requestId: pool[i]!.id, label: truth(pool[i]!.id), cluster: key, weight: l.length / k }));
    }
  }
  const file = path.join(dir, `labels-${n}-${seed}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const run = (labels?: string) => analyze(ctx, { paths: [SAMPLE], labels, workers: 0 }).then((r) => r.report);

describe('analyze --labels: estimated for the whole traffic', () => {
  it('with every request measured, the estimate is the exact ceiling and its interval has no width', async () => {
    const r = await run(labelsFile(requests.length, 1));
    expect(r.distributionSource).toBe('measured');
    expect(r.measured!.count).toBe(requests.length);
    // Every request priced on its measured label's tier, summed per model: the same figure, computed another way.
    const exact = r.byModel.reduce((s, m) => s + (m.routedCeilingUsd ?? 0), 0);
    expect(r.cost.routedCeiling).toBeCloseTo(exact, 4);
    expect(r.cost.routedCeilingCi95![1] - r.cost.routedCeilingCi95![0]).toBeLessThan(1e-6);
    expect(r.distribution.easy.share).toBeCloseTo(requests.filter((q) => truth(q.id) === 'easy').length / r.records.valid, 5);
  });

  it('from 400 stratified labels, the interval covers the exact ceiling and excludes the prior’s', async () => {
    const all = await run(labelsFile(requests.length, 1));
    const prior = await run();
    const r = await run(labelsFile(400, 7));
    expect(r.measured).toMatchObject({ count: 400, ofValid: r.records.valid });
    const [lo, hi] = r.savings.ceilingCi95!;
    expect(lo).toBeLessThanOrEqual(all.savings.ceilingPct);
    expect(hi).toBeGreaterThanOrEqual(all.savings.ceilingPct);
    expect(hi - lo).toBeLessThan(15);
    // The old way priced the 4,500 unmeasured requests on their heuristic label, landing near the prior.
    expect(hi).toBeLessThan(prior.savings.ceilingPct - 10);
    const [elo, ehi] = r.distribution.easy.ci95;
    expect(elo).toBeLessThanOrEqual(all.distribution.easy.share);
    expect(ehi).toBeGreaterThanOrEqual(all.distribution.easy.share);
    // The headline is the better of the cache-aware ceilings (issue #18), its interval the estimate's moved by what caches change.
    expect(r.headline.savingsPct).toBe(Math.max(r.savings.ceilingPerRequestPct, r.savings.ceilingSessionPinnedPct));
    const [hlo, hhi] = r.headline.savingsCi95Pct!;
    expect(hhi - hlo).toBeCloseTo(hi - lo, 2);
    expect(hlo - lo).toBeCloseTo(r.headline.savingsPct! - r.savings.ceilingPct, 2);
    expect(r.headline.text).toContain('estimated from 400 measured labels');
    expect(r.headline.text).toContain(`95% CI ${hlo.toFixed(1)}–${hhi.toFixed(1)}%`);
    // Clusters: every request in one, most requests first, their measured counts adding up to the sample.
    const clusters = r.clusters!;
    expect(clusters.reduce((s, c) => s + c.requests, 0)).toBe(r.records.valid);
    expect(clusters.reduce((s, c) => s + c.measured, 0)).toBe(400);
    expect(clusters[0]!.requests).toBeGreaterThanOrEqual(clusters.at(-1)!.requests);
    for (const c of clusters) expect(c.ci95[0] <= c.easyShare && c.easyShare <= c.ci95[1]).toBe(true);
  });
});

describe('analyze --labels: the per-model and per-team rows are estimated too', () => {
  it('rows add up to the estimate, and each team’s easy share lands near its truth, not its prior', async () => {
    const prior = await run();
    const r = await run(labelsFile(400, 7));
    const sum = (xs: { routedCeilingUsd: number | null }[]) => xs.reduce((s, x) => s + (x.routedCeilingUsd ?? 0), 0);
    // The rows carry the clusters' corrections: they add up to the whole-traffic estimate (not to the prior-priced sum).
    expect(sum(r.byModel)).toBeCloseTo(r.cost.routedCeiling, 2);
    expect(sum(r.byGroup)).toBeCloseTo(r.cost.routedCeiling, 2);
    expect(Math.abs(sum(prior.byGroup) - r.cost.routedCeiling)).toBeGreaterThan(1);
    const teams = r.byGroup.filter((g) => g.requests >= 500);
    expect(teams.length).toBeGreaterThanOrEqual(3);
    for (const g of teams) {
      const mine = requests.filter((q) => q.team === g.group);
      const trueShare = mine.filter((q) => truth(q.id) === 'easy').length / mine.length;
      const priorRow = prior.byGroup.find((x) => x.groupBy === g.groupBy && x.group === g.group)!;
      expect(Math.abs(g.easyShare - trueShare)).toBeLessThan(0.12);
      expect(Math.abs(g.easyShare - trueShare)).toBeLessThan(Math.abs(priorRow.easyShare - trueShare));
    }
    // The waste table rests on the estimate: its easy requests are no longer the prior's count.
    const priorEasy = prior.topWaste.reduce((s, w) => s + w.easyRequests, 0);
    const easy = r.topWaste.reduce((s, w) => s + w.easyRequests, 0);
    expect(easy).toBeLessThan(priorEasy * 0.6);
  });
});

describe('analyze without labels: a prior, never a headline fact', () => {
  it('JSON: distributionSource prior, no headline figure, a range over 40/70/90% easy and the label command', async () => {
    const r = await runCli(['analyze', 'fixtures/sample', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(3);
    expect(j.distributionSource).toBe('prior');
    expect(j.headline.savingsPct).toBeNull();
    expect(j.savings.ceilingCi95).toBeNull();
    expect(j.cost.routedCeilingCi95).toBeNull();
    expect(j.savings.sensitivity.map((x: { easyShare: number }) => x.easyShare)).toEqual([0.4, 0.7, 0.9]);
    expect(j.headline.savingsRangePct).toEqual([j.savings.sensitivity[0].ceilingPct, j.savings.sensitivity[2].ceilingPct]);
    expect(j.toMeasure).toMatchObject({ command: 'tokor label fixtures/sample --sample 400 --out labels.jsonl', sample: 400 });
    expect(j.toMeasure.expectedCostUsd).toBeGreaterThan(0);
    // The prior's own ceiling (76.4%) and easy share (83.9%) are in no headline.
    const shown = [j.headline.text, ...j.headline.caveats].join(' ');
    expect(shown).not.toContain(`${j.savings.ceilingPct.toFixed(1)}%`);
    expect(shown).not.toContain(`${(j.distribution.easy.share * 100).toFixed(1)}%`);
    expect(shown).toContain('not measured');
  });

  it('every format leads with the range, not the prior’s ceiling', async () => {
    for (const format of ['table', 'markdown', 'csv']) {
      const r = await runCli(['analyze', 'fixtures/sample', '--format', format]);
      const head = r.stdout.split('\n').slice(0, 4).join(' ');
      expect(head).toMatch(/If 40%–90% of requests are easy/);
      expect(head).not.toContain('76.4%');
    }
    const html = await runCli(['analyze', 'fixtures/sample', '--format', 'html']);
    expect(html.stdout).toContain('cheaper than all-frontier if 40–90% of requests are easy');
    expect(html.stdout).not.toMatch(/Up to 76\.4% cheaper/);
  });
});
