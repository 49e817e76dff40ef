import { describe, expect, it } from 'vitest';
import { progressText, renderSummary, summarize, tierStats, type SummaryInput } from '../../src/eval/summary.js';
import { wilson } from '../../src/stats/interval.js';

function r(tier: string, itemId: string, pass: boolean, over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    datasetId: 'ds',
    itemId,
    tier,
    model: `${tier}-model`,
    pass,
    score: pass ? 1 : 0,
    inputTokens: 100,
    outputTokens: 10,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: tier === 'cheap' ? 0.0001 : tier === 'mid' ? 0.001 : 0.01,
    latencyMs: 100,
    ...over,
  };
}

/** 10 items × 3 tiers: cheap passes 7 (4/5 on "triage", 3/5 on "math"), mid 9, frontier 10. */
function fixture(): SummaryInput[] {
  const out: SummaryInput[] = [];
  for (let i = 0; i < 10; i++) {
    const task = i < 5 ? 'triage' : 'math';
    const category = i % 2 ? 'odd' : 'even';
    out.push(r('cheap', `i${i}`, task === 'triage' ? i !== 0 : i >= 7, { task, category, latencyMs: 100 + i }));
    out.push(r('mid', `i${i}`, i !== 9, { task, category, latencyMs: 200 + i * 10 }));
    out.push(r('frontier', `i${i}`, true, { task, category, latencyMs: 1000 }));
  }
  return out;
}

describe('summarize', () => {
  it('computes pass rate, Wilson CI, mean score, cost, cost per item, latency percentiles and tokens per tier', () => {
    const s = summarize(fixture(), { tierOrder: ['cheap', 'mid', 'frontier'] });
    const cheap = s.tiers[0]!;
    expect(cheap).toMatchObject({ tier: 'cheap', model: 'cheap-model', items: 10, passed: 7, passRate: 0.7, meanScore: 0.7, errors: 0, unpriced: 0 });
    expect(cheap.ci95).toEqual(wilson(7, 10, 0.95));
    expect(cheap.costUsd).toBeCloseTo(0.001, 12);
    expect(cheap.costPerItemUsd).toBeCloseTo(0.0001, 12);
    expect(cheap.latencyP50Ms).toBeCloseTo(104.5, 9);
    expect(cheap.latencyP95Ms).toBeCloseTo(108.55, 9);
    expect(cheap.tokens).toEqual({ input: 1000, output: 100, cacheRead: 0, cacheWrite: 0 });
    expect(s.tiers.map((t) => t.tier)).toEqual(['cheap', 'mid', 'frontier']);
  });

  it('relative bar: cheapest tier whose pass rate ≥ bar × frontier, overall and per task', () => {
    const s = summarize(fixture(), { tierOrder: ['cheap', 'mid', 'frontier'], bar: 0.9 });
    expect(s.bar).toEqual({ value: 0.9, mode: 'relative', referenceTier: 'frontier', threshold: 0.9 });
    expect(s.cheapestPassing).toBe('mid');
    const triage = s.byTask.find((g) => g.name === 'triage')!;
    const math = s.byTask.find((g) => g.name === 'math')!;
    // triage: cheap 4/5 = 0.8 < 0.9 → mid (5/5)
    expect(triage.cheapestPassing).toBe('mid');
    // math: cheap 3/5, mid 4/5 → only frontier
    expect(math.cheapestPassing).toBe('frontier');
    expect(s.byCategory.map((g) => g.name)).toEqual(['even', 'odd']);
  });

  it('absolute bar and "none" when no tier clears it', () => {
    const s = summarize(fixture(), { tierOrder: ['cheap', 'mid', 'frontier'], bar: 0.75, barMode: 'absolute' });
    expect(s.cheapestPassing).toBe('mid');
    expect(s.bar.referenceTier).toBeUndefined();
    const worse = fixture().map((x) => ({ ...x, pass: false, score: 0 }));
    expect(summarize(worse, { tierOrder: ['cheap', 'mid', 'frontier'], bar: 0.5, barMode: 'absolute' }).cheapestPassing).toBeNull();
  });

  it('cheapest is by cost per item, not ladder position', () => {
    const rs = fixture().map((x) => (x.tier === 'mid' ? { ...x, costUsd: 0.00001, pass: true } : x));
    expect(summarize(rs, { tierOrder: ['cheap', 'mid', 'frontier'], bar: 0.95 }).cheapestPassing).toBe('mid');
  });

  it('errors are counted apart; unpriced items are never priced at $0', () => {
    const rs = [r('cheap', 'a', true), r('cheap', 'b', false, { error: 'ThrottlingException (429): gave up' }), r('cheap', 'c', true, { costUsd: null })];
    const t = tierStats('cheap', rs);
    expect(t).toMatchObject({ items: 2, passed: 2, errors: 1, unpriced: 1 });
    expect(t.costUsd).toBeCloseTo(0.0001, 12);
    expect(t.costPerItemUsd).toBeCloseTo(0.0001, 12);
    const none = tierStats('x', [r('x', 'a', true, { costUsd: null })]);
    expect(none.costUsd).toBeNull();
    expect(none.costPerItemUsd).toBeNull();
  });

  it('the JSON format carries the contract keys', () => {
    const s = summarize(fixture(), { tierOrder: ['cheap', 'mid', 'frontier'] });
    const j = JSON.parse(renderSummary(s, 'json')) as Record<string, unknown> & { tiers: Record<string, unknown>[]; byTask: unknown[] };
    expect(j.schemaVersion).toBe(1);
    for (const k of ['tier', 'model', 'items', 'passed', 'passRate', 'ci95', 'meanScore', 'costUsd', 'costPerItemUsd', 'latencyP50Ms', 'latencyP95Ms']) expect(j.tiers[0]).toHaveProperty(k);
    expect(j.byTask).toHaveLength(2);
  });

  it('renders table and markdown with the tiers, the bar and the per-task pick', () => {
    const s = summarize(fixture(), { tierOrder: ['cheap', 'mid', 'frontier'], run: { total: 30, done: 30, errors: 0, live: 0, cached: 0, replayed: 30, resumed: 0, unpriced: 0, retries: 0, throttled: 0, spentUsd: 0, cancelled: 0, stopped: false } });
    const table = renderSummary(s, 'table');
    expect(table).toContain('70.0% (39.7–89.2%)');
    expect(table).toContain("Cheapest tier that clears the bar 95% of frontier's pass rate: frontier");
    expect(table).toContain('30 of 30 item runs; 30 replayed');
    const md = renderSummary(s, 'markdown');
    expect(md).toContain('| tier | model | items |');
    expect(md).toContain('### By task');
  });

  it('progress text shows done/total, cost, ETA and in-flight count', () => {
    expect(progressText('eval', { done: 5, total: 20, costUsd: 0.0123, etaMs: 4500, running: 3, throttled: 2 })).toBe('eval 5/20 · $0.0123 · ETA 5s · 3 in flight · 2 throttled');
  });
});
