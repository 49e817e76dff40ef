/**
 * Same-window reconciliation for every provider (#16.1, #16.7): the logs are cut to the days each
 * provider's bill covers, the dropped days are listed on both sides, and Anthropic and OpenAI spend is
 * reconciled with their logs. Figures hand-computed from fixtures/costs/window (README there).
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCostsReport } from '../../src/app/costs.js';
import { reconcile } from '../../src/costs/reconcile.js';
import type { CostsReport } from '../../src/costs/report.js';
import { runCli } from '../helpers/cli.js';

const LOGS = 'fixtures/costs/window/logs.jsonl';
const BILL = 'fixtures/costs/window/bill';

describe('logs and bill over different days (built CLI)', () => {
  it('Anthropic and OpenAI bills: each provider compared on its own billed days, dropped log days listed, to the cent', async () => {
    const r = await runCli(['analyze', LOGS, '--bill', BILL, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // byDay: Sonnet 4.6 at $3/$15 per 1M, GPT-4o at $2.50/$10 per 1M.
    const day = (d: string, k: string) => out.byDay.find((x: { day: string; modelKey: string }) => x.day === d && x.modelKey === k)?.costUsd;
    expect(day('2025-11-01', 'anthropic/claude-sonnet-4-6')).toBe(4.5); // 1M in + 100k out
    expect(day('2025-11-02', 'anthropic/claude-sonnet-4-6')).toBe(9);
    expect(day('2025-11-03', 'anthropic/claude-sonnet-4-6')).toBe(4.5); // 23:59:59Z is still the 3rd
    expect(day('2025-11-02', 'openai/gpt-4o')).toBe(3.5);
    expect(day('2025-11-03', 'openai/gpt-4o')).toBe(7);
    expect(day('2025-11-04', 'openai/gpt-4o')).toBe(3.5);
    const rec = out.reconciliation;
    // Anthropic billed 11-02..11-04 ($9 + $4.50 + $1), OpenAI 11-01..11-03 ($0.50 + $3.50 + $7).
    expect(rec.byProvider).toEqual([
      { provider: 'anthropic', billedUsd: 14.5, loggedUsd: 13.5, explainedUsd: 13.5, coverage: 13.5 / 14.5, period: { start: '2025-11-02', end: '2025-11-05' } },
      { provider: 'openai', billedUsd: 11, loggedUsd: 10.5, explainedUsd: 10.5, coverage: 10.5 / 11, period: { start: '2025-11-01', end: '2025-11-04' } },
    ]);
    // Sonnet's 11-01 ($4.50) is outside Anthropic's bill, GPT-4o's 11-04 ($3.50) outside OpenAI's.
    expect(rec.window).toEqual({ billedDaysDropped: 0, logDaysOutsideBill: 2, logsTrimmed: true, droppedBilledDays: [], droppedLogDays: ['2025-11-01', '2025-11-04'], droppedLogUsd: 8 });
    expect(rec.billedUsd).toBe(25.5);
    expect(rec.explainedUsd).toBe(24);
    expect(rec.coverage).toBe(24 / 25.5);
    expect(rec.byModel.map((m: { modelKey: string; billedUsd: number; loggedUsd: number }) => [m.modelKey, m.billedUsd, m.loggedUsd])).toEqual([
      ['anthropic/claude-sonnet-4-6', 14.5, 13.5],
      ['openai/gpt-4o', 11, 10.5],
    ]);
    // Vertex traffic with no Google bill given: left out, said so.
    expect(rec.notes).toContain('gcp is not in the bill (anthropic, openai), left out: vertex/gemini-2.5-flash');
    expect(rec.billedCeiling.headlined).toBe(true);

    const table = await runCli(['analyze', LOGS, '--bill', BILL], { env: { COLUMNS: '200' } });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/billed anthropic \+ openai \$25\.50 · logs explain \$24\.00 \(coverage 94\.1%\)/);
    expect(table.stdout).toMatch(/log days left out \(the bill does not cover them\): 2025-11-01, 2025-11-04, \$8\.00 of logged cost not compared/);
  });
});

describe('the HTML bill section names the bill it was given (built CLI)', () => {
  it('an Anthropic and OpenAI bill is not called Cost Explorer or Bedrock spend', async () => {
    const r = await runCli(['analyze', LOGS, '--bill', BILL, '--format', 'html']);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('The logs explain 94% of billed LLM spend (anthropic + openai) ($24.00 of $25.50)');
    expect(text).toContain('Coverage 94.1%');
    expect(text).toContain('Bill fixtures/costs/window/bill');
    expect(text).not.toMatch(/Cost Explorer|Bedrock spend/);
  });
});

describe('reconcile with per-day logged cost', () => {
  let bill: CostsReport;
  beforeAll(async () => {
    bill = await loadCostsReport({ files: [fileURLToPath(new URL('../../fixtures/costs/cost-explorer.json', import.meta.url))] });
  });

  it('a bill longer than the logs: the billed days the logs miss are dropped and listed; a log day past it is cut', () => {
    // The Cost Explorer fixture bills 2025-11-03 ($67.36) and 2025-11-04 ($35.85) daily.
    const rec = reconcile(bill, {
      period: { start: '2025-11-04T10:00:00Z', end: '2025-11-05T03:00:00Z' },
      byModel: [],
      byDay: [
        { day: '2025-11-04', modelKey: 'anthropic.claude-sonnet-4-6', costUsd: 20 },
        { day: '2025-11-05', modelKey: 'anthropic.claude-sonnet-4-6', costUsd: 7 },
      ],
    });
    expect(rec.period).toEqual({ start: '2025-11-04', end: '2025-11-05' });
    expect(rec.billedUsd).toBe(35.85);
    expect(rec.window).toEqual({ billedDaysDropped: 1, logDaysOutsideBill: 1, logsTrimmed: true, droppedBilledDays: ['2025-11-03'], droppedLogDays: ['2025-11-05'], droppedLogUsd: 7 });
    expect(rec.loggedUsd).toBe(20);
    expect(rec.notes).toContain('billed days left out (the logs do not cover them): 2025-11-03');
  });

  it('without per-day cost the logs are not cut, and log days outside the bill keep the ceiling from the headline', () => {
    const rec = reconcile(bill, { period: { start: '2025-11-04', end: '2025-11-06' }, byModel: [{ modelKey: 'anthropic.claude-sonnet-4-6', costUsd: 27 }] });
    expect(rec.loggedUsd).toBe(27);
    expect(rec.window).toEqual({ billedDaysDropped: 1, logDaysOutsideBill: 1 });
  });
});
