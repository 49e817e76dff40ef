/** A vendor's usage report beside its cost report: billed spend counted once (src/costs/countOnce.ts). */
import { describe, expect, it } from 'vitest';
import { type BillPart, countBilledOnce } from '../../src/costs/countOnce.js';
import type { CostGroup, CostPages } from '../../src/costs/response.js';
import { PICO_PER_USD } from '../../src/pricing/index.js';

const next = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** One billed line of `usd` on `day`, read from `file`. */
function line(file: string, day: string, usd: number): CostGroup {
  return { source: file, provider: 'openai', period: { start: day, end: next(day) }, estimated: false, service: 'OpenAI API', usageType: 'x', cost: BigInt(usd) * PICO_PER_USD, unit: '' };
}

function pages(groups: CostGroup[], notes: string[] = []): CostPages {
  const days = [...new Set(groups.map((g) => g.period.start))].sort();
  return { groups, periods: days.map((d) => ({ start: d, end: next(d), estimated: false })), notes };
}

const cost: BillPart = { kind: 'openai-cost', files: ['costs.json'], lines: pages([line('costs.json', '2025-11-01', 4), line('costs.json', '2025-11-02', 3)]) };

describe('countBilledOnce', () => {
  it('leaves out the usage lines of the days the cost report bills, keeps the others, and says so per file', () => {
    const usage: BillPart = {
      kind: 'openai-usage',
      billedBy: 'openai-cost',
      files: ['usage.json'],
      lines: pages([line('usage.json', '2025-11-01', 5), line('usage.json', '2025-11-02', 6), line('usage.json', '2025-11-03', 2)], ['priced at list']),
    };
    const once = countBilledOnce([cost, usage]);
    expect(once.parts[0]).toBe(cost);
    expect(once.parts[1]!.lines.groups.map((g) => g.period.start)).toEqual(['2025-11-03']);
    expect(once.parts[1]!.lines.notes).toEqual(['priced at list']);
    expect(once.leftOut).toEqual([{ file: 'usage.json', days: ['2025-11-01', '2025-11-02'], billedBy: ['costs.json'], all: false }]);
    expect(once.notes).toEqual(['OpenAI usage usage.json: 2 days (2025-11-01 to 2025-11-02) left out ($11.00 at list prices): OpenAI costs costs.json bills those days, so billed spend is counted once']);
  });

  it('a usage report wholly billed by the cost report: every line left out, and its notes about list prices with it', () => {
    const usage: BillPart = { kind: 'openai-usage', billedBy: 'openai-cost', files: ['usage.json'], lines: pages([line('usage.json', '2025-11-01', 5)], ['priced at list']) };
    const once = countBilledOnce([usage, cost]);
    expect(once.parts[0]!.lines.groups).toEqual([]);
    expect(once.parts[0]!.lines.notes).toEqual([]);
    expect(once.leftOut[0]!.all).toBe(true);
  });

  it('without its own vendor’s cost report, or on other days only, a usage report is counted whole', () => {
    const usage: BillPart = { kind: 'anthropic-usage', billedBy: 'anthropic-cost', files: ['usage.json'], lines: pages([line('usage.json', '2025-11-01', 5)]) };
    expect(countBilledOnce([cost, usage])).toEqual({ parts: [cost, usage], leftOut: [], notes: [] });
    const later: BillPart = { kind: 'openai-usage', billedBy: 'openai-cost', files: ['usage.json'], lines: pages([line('usage.json', '2025-11-05', 5)]) };
    expect(countBilledOnce([cost, later]).leftOut).toEqual([]);
  });
});
