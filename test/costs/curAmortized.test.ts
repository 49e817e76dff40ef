/**
 * CUR 2.0 at amortized and net cost (#16.2: "line_item_unblended_cost and net cost columns"), through the built
 * CLI on fixtures/costs/cur2-discounts (README there). Hand-computed:
 *   unblended      Nova input 0.06  + Sonnet input 7.50 + Nova output (SP-covered) 0.12  = 7.68
 *   --amortized    0.06 + 7.50 + savings_plan_savings_plan_effective_cost 0.09          = 7.65
 *   --net          line_item_net_unblended_cost 0.054 + 6.75 + 0.108                     = 6.912
 *   --amortized --net  0.054 + 6.75 + savings_plan_net_savings_plan_effective_cost 0.081 = 6.885
 * SavingsPlanNegation and EdpDiscount lines are not usage: left out, in every mode.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const CUR = 'fixtures/costs/cur2-discounts';

async function billed(...flags: string[]): Promise<{ metric: string; total: string; novaOutput: number; sonnet: number; notes: string[] }> {
  const r = await runCli(['costs', '--from-file', CUR, ...flags, '--format', 'json']);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.stdout);
  const usd = (model: string, kind: string) => j.billed.byModel.find((m: { model: string; tokenClass: string }) => m.model === model && m.tokenClass === kind)?.usd;
  return { metric: j.metric, total: j.billed.totalExact, novaOutput: usd('amazon.nova-lite', 'output'), sonnet: usd('anthropic.claude-sonnet-4-5', 'input'), notes: j.notes };
}

describe('CUR 2.0 cost columns (built CLI)', () => {
  it('unblended by default; --amortized reads the Savings Plan effective cost of covered usage', async () => {
    const u = await billed();
    expect([u.metric, u.total, u.novaOutput, u.sonnet]).toEqual(['UnblendedCost', '7.68', 0.12, 7.5]);
    const a = await billed('--amortized');
    expect([a.metric, a.total, a.novaOutput, a.sonnet]).toEqual(['AmortizedCost', '7.65', 0.09, 7.5]);
    expect(a.notes).toContain(
      'CUR amortized cost: Usage → line_item_unblended_cost; DiscountedUsage → reservation_effective_cost; SavingsPlanCoveredUsage → savings_plan_savings_plan_effective_cost',
    );
  });

  it('--net reads the net (after-discount) columns, alone and with --amortized', async () => {
    const n = await billed('--net');
    expect([n.metric, n.total, n.novaOutput, n.sonnet]).toEqual(['NetUnblendedCost', '6.912', 0.108, 6.75]);
    expect(n.notes).toContain('CUR net unblended cost: Usage, DiscountedUsage, SavingsPlanCoveredUsage → line_item_net_unblended_cost');
    const na = await billed('--amortized', '--net');
    expect([na.metric, na.total, na.novaOutput]).toEqual(['NetAmortizedCost', '6.885', 0.081]);
  });

  it('analyze --bill reads the bill the same way', async () => {
    const r = await runCli(['analyze', 'fixtures/sample', '--bill', CUR, '--amortized', '--net', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).reconciliation.billedUsd).toBe(6.885);
  });

  it('--net on a bill without net columns, or of another source: one line, exit 2', async () => {
    const other = await runCli(['costs', '--from-file', 'fixtures/costs/gcp-billing.jsonl', '--net']);
    expect(other.code).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/gcp-billing\.jsonl: --net reads the net \(after-discount\) costs of AWS CUR 2\.0 exports and Cost Explorer responses; this file is a .*: run without --net$/m);
    const focus = await runCli(['costs', '--from-file', 'fixtures/costs/focus-1.2.csv', '--net']);
    expect(focus.code).toBe(2);
    expect(focus.stderr).toMatch(/whose BilledCost and EffectiveCost already include negotiated discounts: run without --net/);
    // A saved Cost Explorer response asked without the Net metrics: the flags that read what it has.
    const ce = await runCli(['costs', '--from-file', 'fixtures/costs/cost-explorer.json', '--net']);
    expect(ce.code).toBe(2);
    expect(ce.stderr.trim().split('\n')).toHaveLength(1);
    expect(ce.stderr).toMatch(/has no NetUnblendedCost metric \(it has: UnblendedCost, UsageQuantity\); run without --amortized or --net/);
  });

  it('--amortized on a Savings Plan line without its effective-cost column: file:line, exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-cur-'));
    const file = path.join(dir, 'cur.csv');
    writeFileSync(
      file,
      'line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_usage_amount,line_item_unblended_cost\n' +
        'Usage,2025-11-05T00:00:00Z,AmazonBedrock,USE1-NovaLite-input-tokens,1000,0.06\n' +
        'SavingsPlanCoveredUsage,2025-11-05T00:00:00Z,AmazonBedrock,USE1-NovaLite-output-tokens,500,0.12\n',
    );
    const r = await runCli(['costs', '--from-file', file, '--amortized']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}:3: SavingsPlanCoveredUsage line without savings_plan_savings_plan_effective_cost`);
  });
});
