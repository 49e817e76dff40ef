/**
 * The real-shaped Cost Explorer GetCostAndUsage response (../shared/datasets/aws-formats, read in place),
 * parsed exactly, through the library and the built CLI. npm test runs the same checks on the hand-written
 * fixtures/costs/cost-explorer.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCostsReport } from '../../src/app/costs.js';
import { renderCosts } from '../../src/costs/render.js';
import { BILL_USAGE_TYPES, usageTypePairs } from '../costs/usage-types.js';
import { runCli } from '../helpers/cli.js';
import { dataset } from './datasets.js';

const EXAMPLE = dataset('aws-formats/cost-explorer-example.json');

describe('the real-shaped Cost Explorer example, parsed exactly', () => {
  it('totals billed Bedrock spend by model, token kind, tier and period', async () => {
    const r = await loadCostsReport({ files: [EXAMPLE] });
    expect(r.schemaVersion).toBe(1);
    expect(r.period).toEqual({ start: '2025-11-03', end: '2025-11-05' });
    expect(r.granularity).toBe('DAILY');
    expect(r.metric).toBe('UnblendedCost');
    expect(r.bedrock.totalUsd).toBe(137.16);
    expect(r.bedrock.tokenUsd).toBe(137.16);
    expect(r.bedrock.provisionedUsd).toBe(0);
    expect(r.bedrock.byTokenKind).toEqual({ input: 78.7, output: 38.66, cacheRead: 12.3, cacheWrite5m: 7.5, cacheWrite1h: 0 });
    expect(r.bedrock.byTier).toEqual({ global: 121.05, batch: 8.25, 'on-demand': 7.86 });
    expect(r.bedrock.byRegion).toEqual({ 'us-east-1': 137.16 });
    expect(r.bedrock.byModel.map((m) => [m.model, m.costUsd])).toEqual([
      ['anthropic.claude-sonnet-4-5', 121.05],
      ['anthropic.claude-haiku-4-5', 8.25],
      ['amazon.nova-lite', 7.86],
    ]);
    const [sonnet, haiku, nova] = r.bedrock.byModel;
    expect(sonnet!.byTokenKind).toEqual({ input: 67.8, output: 33.75, cacheRead: 12, cacheWrite5m: 7.5 });
    expect(sonnet!.tokens).toEqual({ input: 22_600_000, output: 2_250_000, cacheRead: 40_000_000, cacheWrite5m: 2_000_000 });
    expect(sonnet!.modelName).toBe('Claude Sonnet 4.5');
    expect(haiku!.byTier).toEqual({ batch: 8.25 });
    expect(nova!.byTokenKind).toEqual({ input: 5.4, output: 2.16, cacheRead: 0.3 });
    expect(nova!.tokens).toEqual({ input: 90_000_000, output: 9_000_000, cacheRead: 20_000_000 });
    expect(r.bedrock.byPeriod).toEqual([
      { start: '2025-11-03', end: '2025-11-04', estimated: false, totalUsd: 87.75, byModel: { 'anthropic.claude-sonnet-4-5': 75, 'anthropic.claude-haiku-4-5': 8.25, 'amazon.nova-lite': 4.5 } },
      { start: '2025-11-04', end: '2025-11-05', estimated: true, totalUsd: 49.41, byModel: { 'anthropic.claude-sonnet-4-5': 46.05, 'amazon.nova-lite': 3.36 } },
    ]);
    expect(r.estimated).toBe(true);
    expect(r.estimatedPeriods).toEqual(['2025-11-04']);
    expect(r.unrecognizedUsageTypes).toEqual([]);
    expect(r.otherServices).toEqual([]);
    expect(r.rows).toHaveLength(13);
    expect(r.rows[0]).toMatchObject({ costUsd: '37.5', quantity: '12.5', unit: 'N/A', tokens: 12_500_000, tokenKind: 'input', tier: 'global' });
    expect(r.notes.join('\n')).toMatch(/1 period\(s\) are estimated/);
  });

  it('renders every format from the same report', async () => {
    const r = await loadCostsReport({ files: [EXAMPLE] });
    const json = JSON.parse(renderCosts(r, 'json')) as typeof r;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['schemaVersion', 'period', 'bedrock', 'unrecognizedUsageTypes', 'otherServices', 'estimated']));
    expect(Object.keys(json.bedrock)).toEqual(expect.arrayContaining(['totalUsd', 'byModel', 'byTokenKind', 'byPeriod']));
    const csv = renderCosts(r, 'csv').split('\n');
    expect(csv).toHaveLength(14);
    expect(csv[0]).toMatch(/^period_start,period_end,estimated,service,usage_type/);
    expect(csv[1]).toBe(
      '2025-11-03,2025-11-04,false,Claude Sonnet 4.5 (Amazon Bedrock Edition),USE1-MP:USE1_InputTokenCount_Global-Units,tokens,anthropic.claude-sonnet-4-5,Claude Sonnet 4.5,us-east-1,input,global,true,37.5,12.5,N/A,12500000,',
    );
    const table = renderCosts(r, 'table');
    expect(table).toMatch(/Total \$137\.16/);
    expect(table).toMatch(/anthropic\.claude-sonnet-4-5\s+\$67\.80\s+\$33\.75\s+\$12\.00\s+\$7\.50\s+\$121\.05/);
    expect(renderCosts(r, 'markdown')).toMatch(/\| anthropic\.claude-haiku-4-5 \| \$5\.50 \| \$2\.75 \|/);
  });
});

describe('its usage types', () => {
  it('are exactly the pairs test/costs/usage-types.ts explains', () => {
    expect(usageTypePairs(readFileSync(EXAMPLE, 'utf8'))).toEqual(BILL_USAGE_TYPES.map(([s, u]) => `${s}|${u}`).sort());
  });
});

describe('through the built CLI', () => {
  it('tokor costs --from-file reports it as JSON with the contract keys', async () => {
    const r = await runCli(['costs', '--from-file', EXAMPLE, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(1);
    expect(j.period).toEqual({ start: '2025-11-03', end: '2025-11-05' });
    expect(j.bedrock.totalUsd).toBe(137.16);
    expect(j.bedrock.byModel.map((m: { model: string }) => m.model)).toEqual(['anthropic.claude-sonnet-4-5', 'anthropic.claude-haiku-4-5', 'amazon.nova-lite']);
    expect(j.bedrock.byTokenKind).toEqual({ input: 78.7, output: 38.66, cacheRead: 12.3, cacheWrite5m: 7.5, cacheWrite1h: 0 });
    expect(j.bedrock.byPeriod.map((p: { totalUsd: number }) => p.totalUsd)).toEqual([87.75, 49.41]);
    expect(j.unrecognizedUsageTypes).toEqual([]);
    expect(j.otherServices).toEqual([]);
    expect(j.estimated).toBe(true);
    // Notes go to stderr in JSON mode, stdout stays pure JSON.
    expect(r.stderr).toMatch(/^tokor: .*estimated/m);
  });

  it('tokor analyze --cost-explorer reconciles it with the bundled logs and states the ceiling in billed dollars', async () => {
    const r = await runCli(['analyze', '--cost-explorer', EXAMPLE, '--format', 'json']);
    expect(r.code).toBe(0);
    const { reconciliation: x } = JSON.parse(r.stdout);
    expect(x.billedUsd).toBeCloseTo(137.16, 6);
    expect(x.coverage).toBeGreaterThan(0);
    expect(x.coverage).toBeLessThanOrEqual(1);
    // The billed ceiling is bounded by the bill it is taken from.
    expect(x.billedCeiling.savingsCeilingUsd).toBeGreaterThan(0);
    expect(x.billedCeiling.savingsCeilingUsd).toBeLessThanOrEqual(x.billedCeiling.coveredBilledUsd);
    const sonnet = x.billedCeiling.byModel.find((m: { modelKey: string }) => m.modelKey === 'anthropic.claude-sonnet-4-5');
    expect(sonnet.billedUsd).toBeCloseTo(121.05, 6);
    expect(sonnet.savingsUsd).toBeCloseTo((sonnet.billedUsd * sonnet.ceilingPct) / 100, 9);
  });
});
