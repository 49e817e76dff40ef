/**
 * Reconciliation sums logged dollars exactly (#16.7: money stays exact): 30 days of one Claude Haiku 4.5
 * request each, 500 input + 100 output tokens at $1/$5 per 1M = $0.001 a day, against an Anthropic cost
 * report billing 0.05 + 0.05 cents a day (fixtures/costs/exact). Summed as floats, thirty $0.001 days make
 * $0.03000000000000002 and a non-zero delta; summed as Money they make $0.03.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('reconciliation sums are exact (built CLI)', () => {
  it('thirty 0.1-cent days add up to $0.03 on both sides, delta 0', async () => {
    const r = await runCli(['analyze', 'fixtures/costs/exact/logs.jsonl', '--bill', 'fixtures/costs/exact/anthropic-cost-report.json', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.byDay).toHaveLength(30);
    expect(out.byDay.every((d: { costUsd: number }) => d.costUsd === 0.001)).toBe(true);
    const rec = out.reconciliation;
    expect(rec.billedUsd).toBe(0.03);
    expect(rec.loggedUsd).toBe(0.03);
    expect(rec.explainedUsd).toBe(0.03);
    expect(rec.unexplainedUsd).toBe(0);
    expect(rec.overExplainedUsd).toBe(0);
    expect(rec.coverage).toBe(1);
    expect(rec.byModel).toEqual([
      { modelKey: 'anthropic/claude-haiku-4-5', modelName: 'claude-haiku-4-5-20251001', billedUsd: 0.03, loggedUsd: 0.03, deltaUsd: 0, coverage: 1, provisionedUsd: 0, likelyCauses: [] },
    ]);
    expect(rec.byProvider).toEqual([{ provider: 'anthropic', billedUsd: 0.03, loggedUsd: 0.03, explainedUsd: 0.03, coverage: 1, period: { start: '2025-11-01', end: '2025-12-01' } }]);
    expect(rec.byTokenKind.slice(0, 2)).toEqual([
      { tokenKind: 'input', billedUsd: 0.015, loggedUsd: 0.015, deltaUsd: 0 },
      { tokenKind: 'output', billedUsd: 0.015, loggedUsd: 0.015, deltaUsd: 0 },
    ]);
    expect(rec.billedCeiling.coveredBilledUsd).toBe(0.03);
  });
});
