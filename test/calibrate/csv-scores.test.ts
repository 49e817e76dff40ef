import { describe, expect, it } from 'vitest';
import { parseResultsCsv } from '../../src/calibrate/csv.js';

// RouterBench-style: per-model score columns (0..1) and per-item cost columns.
const CSV = `prompt,small,small_cost,big,big_cost
What is 2+2?,1,0.0001,1,0.003
Prove the lemma,0.2,0.0004,0.9,0.012
Translate hello,0.8,0.0001,1,0.002
`;

describe('results CSV with scores and per-item costs', () => {
  const table = parseResultsCsv(CSV, 'bench.csv', {
    tierColumns: [
      { tier: 'frontier', column: 'big' },
      { tier: 'cheap', column: 'small' },
    ],
    tierCosts: {},
    costColumns: { cheap: 'small_cost', frontier: 'big_cost' },
    promptColumn: 'prompt',
  });

  it('orders tiers by mean cost, keeps per-item costs and numeric scores', () => {
    expect(table.tiers).toEqual(['cheap', 'frontier']);
    expect(table.items.map((i) => i.byTier.cheap!.costUsd)).toEqual([0.0001, 0.0004, 0.0001]);
    expect(table.items.map((i) => i.byTier.frontier!.costUsd)).toEqual([0.003, 0.012, 0.002]);
    expect(table.items.map((i) => i.byTier.cheap!.pass)).toEqual([true, false, true]);
    expect(table.items[1]!.byTier.cheap!.score).toBe(0.2);
    expect(table.notes!.join(' ')).toMatch(/per-item costs from cheap: small_cost, frontier: big_cost/);
  });

  it('a stricter pass threshold fails more items', () => {
    const strict = parseResultsCsv(CSV, 'bench.csv', {
      tierColumns: [
        { tier: 'cheap', column: 'small' },
        { tier: 'frontier', column: 'big' },
      ],
      tierCosts: { cheap: 1, frontier: 10 },
      passThreshold: 0.95,
    });
    expect(strict.items.map((i) => i.byTier.cheap!.pass)).toEqual([true, false, false]);
    expect(strict.items.map((i) => i.byTier.frontier!.pass)).toEqual([true, false, true]);
  });

  it('names the file and line of a bad cost', () => {
    expect(() =>
      parseResultsCsv(`a,a_cost,b\n1,x,1\n`, 'bad.csv', { tierColumns: [{ tier: 'cheap', column: 'a' }, { tier: 'frontier', column: 'b' }], tierCosts: { frontier: 1 }, costColumns: { cheap: 'a_cost' } }),
    ).toThrow(/bad\.csv:2: column "a_cost": must be a cost from 0 to 1e15, got "x"/);
    expect(() =>
      parseResultsCsv(`a,a_cost,b\n1,1e400,1\n`, 'big.csv', { tierColumns: [{ tier: 'cheap', column: 'a' }, { tier: 'frontier', column: 'b' }], tierCosts: { frontier: 1 }, costColumns: { cheap: 'a_cost' } }),
    ).toThrow(/big\.csv:2: column "a_cost": must be a cost from 0 to 1e15, got "1e400"/);
  });
});
