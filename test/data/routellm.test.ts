/**
 * Real two-tier results: RouteLLM's per-item pass/fail of Mixtral-8x7B (cheap)
 * and GPT-4-1106 (frontier) on GSM8K and MMLU, priced with RouteLLM's blended
 * $/1M prices as flat per-call costs. Published anchor: learned routers keep
 * 95% of GPT-4 quality at 35% (GSM8K) / 45% (MMLU) lower cost. We assert
 * properties, not numbers: the measured figures are in docs/calibrate.md.
 */
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { loadResultsCsv } from '../../src/app/resultsTable.js';
import { runCalibrate } from '../../src/app/calibrate.js';
import { dataset } from './datasets.js';

const GSM8K = dataset('routellm_gsm8k/gsm8k_responses.csv');
const MMLU = dataset('routellm_mmlu/mmlu_responses_all_subjects.csv');
const COSTS = { cheap: 0.24, frontier: 24.7 };

const cases = [
  { name: 'GSM8K', file: GSM8K, cheap: 'mistralai/Mixtral-8x7B-Instruct-v0.1', frontier: 'gpt-4-1106-preview', category: undefined },
  { name: 'MMLU', file: MMLU, cheap: 'mixtral_8x7b_instruct_correct', frontier: 'gpt_4_1106_preview_correct', category: 'subject' },
] as const;

describe.each(cases)('RouteLLM $name', (c) => {
  it('calibrates at 95% parity: the bound holds, savings stay under the oracle and beat random routing', async () => {
    const table = await loadResultsCsv(c.file, {
      tierColumns: [
        { tier: 'cheap', column: c.cheap },
        { tier: 'frontier', column: c.frontier },
      ],
      tierCosts: COSTS,
      promptColumn: 'prompt',
      ...(c.category ? { categoryColumn: c.category } : {}),
    });
    const { report } = calibrate(table, { bar: 0.95, barMode: 'relative', confidence: 0.95, patterns: ['classifier'] });
    const pick = report.pick;
    expect(pick).not.toBeNull();
    expect(pick!.parityLower).toBeGreaterThanOrEqual(0.95);
    expect(pick!.parityCi95[0]).toBeLessThanOrEqual(pick!.parity);
    expect(pick!.savingsPct).toBeGreaterThan(0);
    expect(pick!.savingsPct).toBeLessThanOrEqual(report.baselines.oracle.savingsPct);
    // Same shares as random routing → same cost; the router must not do worse on quality.
    expect(pick!.costUsd).toBeCloseTo(report.baselines.random!.costUsd, 6);
    expect(pick!.quality).toBeGreaterThanOrEqual(report.baselines.random!.quality);
    // A learned router's curve lies above random routing's (APGR 0.5).
    expect(pick!.apgr!).toBeGreaterThan(0.5);
    expect(report.patterns[0]!.router!.oofAuc!).toBeGreaterThan(0.5);
    expect(report.headline).toMatch(/cheaper than all-frontier at .* parity \(95% CI/);
  });
});

describe('RouteLLM GSM8K through the command core', () => {
  it('--holdout 0.3 reports the pick on held-out items with the router trained on the rest', async () => {
    const run = await runCalibrate({
      resultsCsv: GSM8K,
      tierColumn: [`cheap=${cases[0].cheap}`, `frontier=${cases[0].frontier}`],
      tierCost: ['cheap=0.24,frontier=24.7'],
      promptColumn: 'prompt',
      pattern: 'classifier',
      holdout: 0.3,
    });
    expect(run.kind).toBe('calibrate');
    if (run.kind !== 'calibrate') return;
    const h = run.holdout!;
    // 1,319 items, each held out by a hash of its id: about 30% (binomial sd ≈ 17).
    expect(h.items + run.report.n).toBe(1319);
    expect(Math.abs(h.items - 396)).toBeLessThan(70);
    expect(h.calibrationItems).toBe(run.report.n);
    expect(h.savingsPct).toBeGreaterThan(0);
    expect(h.parityLower95).toBeLessThanOrEqual(h.parity);
    expect(h.meetsBar).toBe(h.parity >= 0.95);
    expect(Object.values(h.tierShares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
