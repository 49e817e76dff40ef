import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCostsReport } from '../../src/app/costs.js';
import { type ExplainedModel, type ExplainedSpend, billedCeiling, reconcile, scaleToBill } from '../../src/costs/reconcile.js';
import { buildCostsReport, type CostsReport } from '../../src/costs/report.js';
import { readCostPages } from '../../src/costs/response.js';
import { parseCostPage } from '../../src/artifacts/costExplorer.js';
import { GROUP_DEFINITIONS, resultByTime } from '../helpers/cost-explorer-server.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/costs/cost-explorer.json', import.meta.url));
const PERIOD = { start: '2025-11-03', end: '2025-11-05' };

// What the logs of fixtures/costs/cost-explorer.json's traffic would say if they held every call, priced at list price.
const SONNET: ExplainedModel = {
  modelKey: 'anthropic.claude-sonnet-4-5',
  costUsd: 93,
  byTokenKind: { input: 48, output: 30, cacheRead: 12, cacheWrite5m: 3 },
  tokens: { input: 16_000_000, output: 2_000_000, cacheRead: 40_000_000, cacheWrite5m: 800_000 },
};
const HAIKU: ExplainedModel = { modelKey: 'anthropic.claude-haiku-4-5', costUsd: 5.5, byTokenKind: { input: 3, output: 2.5 } };
const NOVA: ExplainedModel = {
  modelKey: 'amazon.nova-lite',
  costUsd: 4.71,
  byTokenKind: { input: 3.6, output: 0.96, cacheRead: 0.15 },
  tokens: { input: 60_000_000, output: 4_000_000, cacheRead: 10_000_000 },
};
const BILL = 103.21;
const scale = (m: ExplainedModel, f: number): ExplainedModel => ({
  ...m,
  costUsd: m.costUsd * f,
  byTokenKind: Object.fromEntries(Object.entries(m.byTokenKind ?? {}).map(([k, v]) => [k, v * f])),
  ...(m.tokens ? { tokens: Object.fromEntries(Object.entries(m.tokens).map(([k, v]) => [k, v * f])) } : {}),
});

let billed: CostsReport;
beforeAll(async () => {
  billed = await loadCostsReport({ files: [FIXTURE] });
});

const model = (rec: ReturnType<typeof reconcile>, key: string) => rec.byModel.find((m) => m.modelKey === key)!;

describe('reconcile', () => {
  it('explains the whole bill when the logs hold every call at the billed prices', () => {
    const rec = reconcile(billed, { period: PERIOD, byModel: [SONNET, HAIKU, NOVA] });
    expect(rec.billedUsd).toBe(BILL);
    expect(rec.coverage).toBeCloseTo(1, 12);
    expect(rec.unexplainedUsd).toBeCloseTo(0, 9);
    expect(rec.overExplainedUsd).toBeCloseTo(0, 9);
    for (const m of rec.byModel) {
      expect(m.deltaUsd).toBeCloseTo(0, 9);
      expect(m.likelyCauses).toEqual([]);
    }
    expect(rec.byTokenKind.find((k) => k.tokenKind === 'input')).toMatchObject({ billedUsd: 54.6 });
    expect(rec.byTokenKind.find((k) => k.tokenKind === 'input')!.loggedUsd).toBeCloseTo(54.6, 9);
    expect(rec.period).toEqual(PERIOD);
    expect(rec.notes.join('\n')).toMatch(/estimated/);
  });

  it('scales a sampled log by 1/sampleRate, and spots sampling when it is not given', () => {
    const sampled: ExplainedSpend = { period: PERIOD, byModel: [scale(SONNET, 0.1), scale(HAIKU, 0.1), scale(NOVA, 0.1)] };
    const withRate = reconcile(billed, { ...sampled, sampleRate: 0.1 });
    expect(withRate.coverage).toBeCloseTo(1, 9);
    expect(withRate.notes.join('\n')).toMatch(/10% sample: logged costs divided by 0\.1/);

    const without = reconcile(billed, sampled);
    expect(without.coverage).toBeCloseTo(0.1, 9);
    expect(without.unexplainedUsd).toBeCloseTo(BILL * 0.9, 9);
    expect(model(without, 'anthropic.claude-sonnet-4-5').deltaUsd).toBeCloseTo(93 * 0.9, 9);
    expect(model(without, 'anthropic.claude-sonnet-4-5').likelyCauses[0]).toMatch(/about 10% of its bill: the logs look sampled \(pass sampleRate ≈ 0\.10\)/);
  });

  it('names models missing from the logs, batch-only models and models only in the logs', () => {
    const rec = reconcile(billed, {
      period: PERIOD,
      byModel: [SONNET, { modelKey: 'meta.llama3-3-70b-instruct', costUsd: 2 }, { modelKey: 'azure-openai/gpt-4o', costUsd: 50 }],
    });
    expect(model(rec, 'anthropic.claude-haiku-4-5').likelyCauses).toEqual(['batch inference only: batch jobs are not in model invocation logs']);
    expect(model(rec, 'amazon.nova-lite').likelyCauses[0]).toMatch(/^missing from the logs/);
    expect(model(rec, 'meta.llama3-3-70b-instruct')).toMatchObject({ billedUsd: 0, loggedUsd: 2, deltaUsd: -2, coverage: null });
    expect(model(rec, 'meta.llama3-3-70b-instruct').likelyCauses[0]).toMatch(/in the logs but not billed/);
    expect(rec.byModel.some((m) => m.modelKey.startsWith('azure'))).toBe(false);
    expect(rec.notes.join('\n')).toMatch(/azure is not in the bill \(aws\), left out: azure-openai\/gpt-4o/);
    expect(rec.explainedUsd).toBeCloseTo(93, 9);
    expect(rec.coverage).toBeCloseTo(93 / BILL, 9);
    expect(rec.overExplainedUsd).toBeCloseTo(2, 9);
    // Largest gaps first.
    expect(rec.byModel[0]!.modelKey).toBe('anthropic.claude-haiku-4-5');
  });

  it('flags a price change when the implied billed rate differs from the logged one', () => {
    // The logs priced Sonnet's 16M input tokens at $3.30/1M (a geo profile rate); the bill implies $3.00/1M.
    const geo = { ...SONNET, costUsd: SONNET.costUsd + 4.8, byTokenKind: { ...SONNET.byTokenKind, input: 52.8 } };
    const rec = reconcile(billed, { period: PERIOD, byModel: [geo, HAIKU, NOVA] });
    const s = model(rec, 'anthropic.claude-sonnet-4-5');
    expect(s.deltaUsd).toBeCloseTo(-4.8, 9);
    expect(s.likelyCauses).toEqual([
      'implied input rate $3/1M billed vs $3.3/1M in the logs (-9%): price change, regional or cross-region price difference, or another tier',
    ]);
  });

  it('checks implied rates against catalog rates too, and recognizes a UsageQuantity scale mismatch', () => {
    const low = { ...NOVA, costUsd: 7, tokens: undefined };
    const rec = reconcile(billed, { period: PERIOD, byModel: [SONNET, HAIKU, low] }, { catalogRates: { 'amazon.nova-lite': { input: 0.05, output: 0.24 } } });
    expect(model(rec, 'amazon.nova-lite').likelyCauses[0]).toMatch(/^implied input rate \$0\.06\/1M billed vs \$0\.05\/1M in the catalog \(\+20%\)/);

    const scaleOff = { ...NOVA, costUsd: 7, tokens: { input: 60_000 } };
    const rec2 = reconcile(billed, { period: PERIOD, byModel: [SONNET, HAIKU, scaleOff] });
    expect(model(rec2, 'amazon.nova-lite').likelyCauses[0]).toMatch(/~1000× off in the logs: UsageQuantity for amazon\.nova-lite is on another scale/);
  });

  it('compares only the billed days the logs cover', () => {
    const day1 = { period: { start: '2025-11-03T00:00:00Z', end: '2025-11-04T00:00:00Z' }, byModel: [scale(SONNET, 58.5 / 93), HAIKU, scale(NOVA, 3.36 / 4.71)] };
    const rec = reconcile(billed, day1);
    expect(rec.period).toEqual({ start: '2025-11-03', end: '2025-11-04' });
    expect(rec.billedUsd).toBe(67.36);
    expect(rec.coverage).toBeCloseTo(1, 9);
    expect(rec.notes.join('\n')).toMatch(/compared 1 of 2 billed periods/);

    // A timestamp inside a day counts the whole day.
    expect(reconcile(billed, { ...day1, period: { start: '2025-11-03T08:00:00Z', end: '2025-11-04T08:00:00Z' } }).billedUsd).toBe(BILL);

    const whole = reconcile(billed, day1, { alignPeriods: false });
    expect(whole.billedUsd).toBe(BILL);
    expect(whole.notes.join('\n')).toMatch(/the logs cover 1 of the 2 billed days/);
    expect(model(whole, 'anthropic.claude-sonnet-4-5').likelyCauses).toContain('period: the logs cover 1 of the 2 billed days');
  });

  it('keeps provisioned throughput and unattributed spend in the bill but out of what logs can explain', () => {
    const body = {
      GroupDefinitions: GROUP_DEFINITIONS,
      ResultsByTime: [
        resultByTime('2025-11-01', '2025-11-02', [
          ['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '6', '100000'],
          ['Amazon Bedrock', 'USE1-NovaLite-ProvisionedThroughput-ModelUnits', '20', '1'],
          ['Amazon Bedrock', 'USE1-Guardrail-TextUnitsConsumed', '4', '4000'],
        ]),
      ],
    };
    const report = buildCostsReport(readCostPages([parseCostPage({ source: 'p', body })], 'UnblendedCost'), { source: { kind: 'file', pages: 1 }, metric: 'UnblendedCost' });
    const rec = reconcile(report, { period: { start: '2025-11-01', end: '2025-11-02' }, byModel: [{ modelKey: 'amazon.nova-lite', costUsd: 6, byTokenKind: { input: 6 } }] });
    expect(rec.billedUsd).toBe(30);
    expect(rec.unattributedUsd).toBe(4);
    expect(rec.explainedUsd).toBe(6);
    expect(rec.coverage).toBeCloseTo(0.2, 12);
    const nova = model(rec, 'amazon.nova-lite');
    expect(nova).toMatchObject({ billedUsd: 26, loggedUsd: 6, deltaUsd: 20, provisionedUsd: 20 });
    expect(nova.likelyCauses[0]).toMatch(/^provisioned throughput billed \$20\.00/);
    expect(rec.notes.join('\n')).toMatch(/\$4\.00 of Bedrock spend has no model \(USE1-Guardrail-TextUnitsConsumed \$4\.00\)/);
  });

  it('rejects a sample rate outside (0, 1]', () => {
    expect(() => reconcile(billed, { period: PERIOD, byModel: [], sampleRate: 0 })).toThrow(/sampleRate must be in \(0, 1\]/);
    expect(() => reconcile(billed, { period: PERIOD, byModel: [], sampleRate: 2 })).toThrow();
  });
});

describe('scaleToBill', () => {
  it('states analyze figures in billed dollars through the billed/logged ratio', () => {
    // Logs are a 50% sample; analyze priced the raw logs: actual = half of the bill of the logged models.
    const logged = [scale(SONNET, 0.5), scale(NOVA, 0.5)];
    const rec = reconcile(billed, { period: PERIOD, byModel: logged, sampleRate: 0.5 });
    const actual = (93 + 4.71) / 2;
    const out = scaleToBill({ actual, frontierCounterfactual: actual * 1.5, routedCeiling: actual * 0.4 }, rec);
    expect(out.factor).toBeCloseTo(2, 12);
    expect(out.basisBilledUsd).toBeCloseTo(97.71, 9);
    expect(out.billedUsd).toBe(BILL);
    expect(out.actualUsd).toBeCloseTo(97.71, 9);
    expect(out.frontierCounterfactualUsd).toBeCloseTo(97.71 * 1.5, 9);
    expect(out.routedCeilingUsd).toBeCloseTo(97.71 * 0.4, 9);
    expect(out.savingsCeilingUsd).toBeCloseTo(97.71 * 0.6, 9);
    expect(out.savingsCeilingShareOfBill).toBeCloseTo((97.71 * 0.6) / BILL, 12);
    expect(out.notes).toEqual([]);
  });

  it('says so when no model is in both, and when analyze covers other records', () => {
    const rec = reconcile(billed, { period: PERIOD, byModel: [{ modelKey: 'meta.llama3-3-70b-instruct', costUsd: 2 }] });
    const out = scaleToBill({ actual: 5, frontierCounterfactual: 9, routedCeiling: 3 }, rec);
    expect(out.factor).toBeNull();
    expect(out.savingsCeilingUsd).toBeNull();
    expect(out.notes.join('\n')).toMatch(/no model is both billed and logged/);
    expect(out.notes.join('\n')).toMatch(/analyze's actual \(\$5\.00\) differs/);
  });
});

describe('billedCeiling', () => {
  it('applies each model’s own logged ceiling to its billed spend and never extrapolates', () => {
    // Sonnet and Nova are billed and logged; Llama is only logged (no billed spend to save from).
    const rec = reconcile(billed, { period: PERIOD, byModel: [scale(SONNET, 0.5), scale(NOVA, 0.5), { modelKey: 'meta.llama3-3-70b-instruct', costUsd: 50 }] });
    const out = billedCeiling(rec, [
      { modelKey: 'anthropic.claude-sonnet-4-5', actualUsd: 60, routedCeilingUsd: 15 },
      { modelKey: 'amazon.nova-lite', actualUsd: 4, routedCeilingUsd: 4 },
      { modelKey: 'meta.llama3-3-70b-instruct', actualUsd: 50, routedCeilingUsd: 1 },
    ]);
    expect(out.byModel.map((m) => m.modelKey).sort()).toEqual(['amazon.nova-lite', 'anthropic.claude-sonnet-4-5']);
    // Sonnet: 75% of its $93 bill; Nova Lite: nothing to save.
    expect(out.savingsCeilingUsd).toBeCloseTo(93 * 0.75, 9);
    expect(out.coveredBilledUsd).toBeCloseTo(93 + 4.71, 9);
    expect(out.shareOfBill).toBeCloseTo((93 * 0.75) / BILL, 12);
    expect(out.savingsCeilingUsd).toBeLessThanOrEqual(out.coveredBilledUsd);
  });
});
