/**
 * The sample `tokor label` measures: task clusters, the stratified allocation,
 * a draw that is the same on every run, the largest sample a budget buys, and
 * the expected cost of measuring it (exact money, rounded up).
 */
import { describe, expect, it } from 'vitest';
import { allocateSample } from '../../src/classify/estimate.js';
import { allocate, clusterCosts, clustersOf, drawSample, expectedCost, measurementCost, sampleSizeForBudget, sampleUnit, JUDGE_PROMPT_TOKENS, JUDGE_VERDICT_TOKENS, type CostedTier, type SampleUnit } from '../../src/eval/labelSample.js';
import { labelLine } from '../../src/eval/label.js';
import { checkArtifact } from '../../src/artifacts/read.js';
import { labelLineJson, LABELS_SPEC } from '../../src/artifacts/labels.js';
import { costOf } from '../../src/pricing/cost.js';
import type { ModelPrice } from '../../src/pricing/types.js';
import type { EvalResult } from '../../src/eval/types.js';

/** `n` requests of a template: same system prompt and skeleton, different numbers and quoted spans. */
function template(name: string, n: number, tags: Record<string, string> = {}, system?: string) {
  return Array.from({ length: n }, (_, i) => ({
    requestId: `${name}-${i}`,
    source: { file: 't.jsonl', line: i + 1 },
    prompt: `${name} request number ${i * 7 + 3}: "${'x'.repeat(i % 5)} quoted ${i}" please`,
    tags,
    ...(system ? { system } : {}),
  }));
}

const traffic = [...template('translate', 30, { app: 'a' }), ...template('summarize', 12, { team: 'support' }), ...template('classify', 6, {}, 'You are a classifier.')];
const units: SampleUnit[] = traffic.map(sampleUnit);

describe('task clusters', () => {
  it('one cluster per template: numbers and quoted spans masked, app/team and the system prompt kept', () => {
    const clusters = clustersOf(units);
    expect(clusters.map((c) => c.requests)).toEqual([30, 12, 6]);
    expect(clusters[0]!.text).toContain('a · translate request number <n>');
    expect(clusters[1]!.text).toMatch(/^support · /);
    expect(clusters[2]!.text).toMatch(/system#[0-9a-f]{4}/);
    // Without sizes every request is measured: weight 1.
    expect(clusters.every((c) => c.sample === c.requests && c.weight === 1)).toBe(true);
  });

  it('allocates with allocateSample over the cluster sizes; weight = requests ÷ sample', () => {
    const sizes = allocate(units, 10);
    const clusters = clustersOf(units, sizes);
    const expected = allocateSample(clusters.map((c) => ({ key: c.signature, size: c.requests })), 10);
    expect(clusters.map((c) => c.sample)).toEqual(clusters.map((c) => expected.get(c.signature)));
    expect(clusters.reduce((a, c) => a + c.sample, 0)).toBe(10);
    for (const c of clusters) expect(c.weight).toBeCloseTo(c.requests / c.sample, 12);
  });
});

describe('drawSample', () => {
  it('draws each cluster its size, the same requests whatever the order the traffic came in', () => {
    const sizes = allocate(units, 10);
    const a = drawSample(units, sizes);
    const b = drawSample([...units].reverse(), sizes);
    expect([...a].sort()).toEqual([...b].sort());
    for (const c of clustersOf(units, sizes)) {
      expect(units.filter((u) => u.cluster === c.signature && a.has(u.key))).toHaveLength(c.sample);
    }
    // A larger sample keeps the smaller one (the first by hash in each cluster stay first).
    const more = drawSample(units, allocate(units, 20));
    for (const k of a) if (allocate(units, 20).get(units.find((u) => u.key === k)!.cluster)! >= sizes.get(units.find((u) => u.key === k)!.cluster)!) expect(more.has(k)).toBe(true);
  });
});

const price = (input: string, output: string): ModelPrice => ({ key: 'm', name: 'm', provider: 'bedrock', region: 'us-east-1', input, output, source: 'test', effectiveDate: '2025-01-01' });
const cheap: CostedTier = { tier: 'cheap', model: 'c', role: 'replay', price: price('0.06', '0.24') };
const mid: CostedTier = { tier: 'mid', model: 'm', role: 'replay', price: price('1', '5') };
const judge: CostedTier = { tier: 'frontier', model: 'f', role: 'judge', price: price('3', '15') };

describe('what measuring costs', () => {
  const tokens = { input: 100, output: 20, cacheRead: 30, cacheWrite: 10 };

  it('a replay sends the whole logged input uncached; the judge reads request, answer and reply once per replayed tier', () => {
    expect(measurementCost(tokens, cheap, 2)).toBe(costOf({ input: 140, output: 20, cacheRead: 0, cacheWrite: 0 }, cheap.price!));
    expect(measurementCost(tokens, judge, 2)).toBe(2n * costOf({ input: 140 + 40 + JUDGE_PROMPT_TOKENS, output: JUDGE_VERDICT_TOKENS, cacheRead: 0, cacheWrite: 0 }, judge.price!));
    expect(measurementCost(tokens, { ...mid, price: undefined }, 2)).toBe(0n);
  });

  it('expected cost: each cluster at its mean, rounded up, per tier and in all', () => {
    const withTokens = units.map((u, i) => ({ ...u, tokens: { input: 10 + i, output: 3, cacheRead: 0, cacheWrite: 0 } }));
    const costs = clusterCosts(withTokens, [cheap, mid, judge]);
    const all = expectedCost(costs, allocate(units, units.length), 3);
    // Measuring every request costs exactly the sum.
    const sum = withTokens.reduce((a, u) => a + measurementCost(u.tokens, mid, 2), 0n);
    expect(all.byTier[1]).toBe(sum);
    expect(all.total).toBe(all.byTier.reduce((a, b) => a + b, 0n));
    const none = expectedCost(costs, new Map(), 3);
    expect(none.total).toBe(0n);
  });

  it('a budget buys the largest sample whose expected cost fits it', () => {
    const withTokens = units.map((u) => ({ ...u, tokens: { input: 500, output: 50, cacheRead: 0, cacheWrite: 0 } }));
    const costs = clusterCosts(withTokens, [cheap, mid, judge]);
    const costOfSizes = (s: ReadonlyMap<string, number>) => expectedCost(costs, s, 3).total;
    const budget = costOfSizes(allocate(units, 17)) + 1n;
    const n = sampleSizeForBudget(units, budget, costOfSizes);
    expect(n).toBe(17);
    expect(costOfSizes(allocate(units, n))).toBeLessThanOrEqual(budget);
    expect(costOfSizes(allocate(units, n + 1))).toBeGreaterThan(budget);
    expect(sampleSizeForBudget(units, 0n, costOfSizes)).toBe(0);
    expect(sampleSizeForBudget(units, 10n ** 30n, costOfSizes)).toBe(units.length);
  });
});

describe('labels of a sampled run', () => {
  const ok = (tier: string, pass: boolean): EvalResult => ({ schemaVersion: 1, datasetId: 'traffic', itemId: '0', tier, model: 'm', pass, score: pass ? 1 : 0, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.001, latencyMs: 1, output: 'x', graders: [{ grader: 'exact', pass, score: 1, reason: 'r' }] });

  it('carry their cluster and sampling weight, written with the labels schema', () => {
    const line = labelLine({ requestId: 'r1', source: { file: 'f', line: 3 }, modelId: 'big' }, [ok('cheap', false), ok('mid', true)], 'moderate', { cluster: 'abcd1234', weight: 2.5 });
    const json = JSON.parse(labelLineJson(line));
    expect(json).toMatchObject({ schemaVersion: 1, requestId: 'r1', label: 'moderate', cluster: 'abcd1234', weight: 2.5 });
    expect(Object.keys(json)[0]).toBe('schemaVersion');
  });

  it('the schema refuses a weight below 1 (a cluster never has fewer requests than its sample)', () => {
    const r = checkArtifact(LABELS_SPEC, { requestId: 'r', label: 'easy', cluster: 'c', weight: 0.5 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.message).toMatch(/weight.*≥ 1/);
  });
});
