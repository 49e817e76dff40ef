/**
 * The real-shaped Cost Explorer GetCostAndUsage response (../shared/datasets/aws-formats, read in place),
 * parsed exactly, through the library and the built CLI. npm test runs the same checks on the hand-written
 * fixtures/costs/cost-explorer.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BILL_USAGE_TYPES, usageTypePairs } from '../costs/usage-types.js';
import { runCli } from '../helpers/cli.js';
import { dataset } from './datasets.js';
import { describeCostExplorerResponse } from '../costs/costExplorerShape.js';

const EXAMPLE = dataset('aws-formats/cost-explorer-example.json');

describeCostExplorerResponse('the real-shaped Cost Explorer example, parsed exactly', EXAMPLE, {
  totalUsd: 137.16,
  byTokenKind: { input: 78.7, output: 38.66, cacheRead: 12.3, cacheWrite5m: 7.5, cacheWrite1h: 0 },
  byTier: { global: 121.05, batch: 8.25, 'on-demand': 7.86 },
  byModel: [121.05, 8.25, 7.86],
  sonnet: { byTokenKind: { input: 67.8, output: 33.75, cacheRead: 12, cacheWrite5m: 7.5 }, tokens: { input: 22_600_000, output: 2_250_000, cacheRead: 40_000_000, cacheWrite5m: 2_000_000 } },
  haikuBatchUsd: 8.25,
  nova: { byTokenKind: { input: 5.4, output: 2.16, cacheRead: 0.3 }, tokens: { input: 90_000_000, output: 9_000_000, cacheRead: 20_000_000 } },
  byPeriod: [
    { totalUsd: 87.75, byModel: { 'anthropic.claude-sonnet-4-5': 75, 'anthropic.claude-haiku-4-5': 8.25, 'amazon.nova-lite': 4.5 } },
    { totalUsd: 49.41, byModel: { 'anthropic.claude-sonnet-4-5': 46.05, 'amazon.nova-lite': 3.36 } },
  ],
  firstRow: { costUsd: '37.5', quantity: '12.5', tokens: 12_500_000 },
  tableSonnet: /anthropic\.claude-sonnet-4-5\s+\$67\.80\s+\$33\.75\s+\$12\.00\s+\$7\.50\s+\$121\.05/,
  markdownHaiku: /\| anthropic\.claude-haiku-4-5 \| \$5\.50 \| \$2\.75 \|/,
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
