/** The one set of text formatters (src/report/format.ts). */
import { describe, expect, it } from 'vitest';
import { pct, pctFigure, pctShort, usd, usdToPicodollar } from '../../src/report/format.js';

describe('formatters', () => {
  it('pct takes a fraction; a figure already in percent goes through pctFigure, unrounded twice', () => {
    expect(pct(0.42)).toBe('42.0%');
    expect(pct(0.4237, 0)).toBe('42%');
    expect(pctFigure(42)).toBe('42.0%');
    // Dividing by 100 and multiplying back would print 25.7%.
    expect(pctFigure(25.65)).toBe((25.65).toFixed(1) + '%');
    expect(pctShort(0.95)).toBe('95%');
    expect(pctShort(0.975)).toBe('97.5%');
  });

  it('usd: cents from a dollar, four decimals below, separators unless asked not to, a sign for deltas', () => {
    expect(usd(1234.5)).toBe('$1,234.50');
    expect(usd(1234.5, undefined, { grouping: false })).toBe('$1234.50');
    expect(usd(0.0421)).toBe('$0.0421');
    expect(usd(-0.05)).toBe('−$0.0500');
    expect(usd(0.05, undefined, { signed: true })).toBe('+$0.0500');
    expect(usd(null)).toBe('—');
  });
});

describe('usdToPicodollar', () => {
  it('writes dollar keys to the picodollar, and nothing else', () => {
    const sum = 0.1 + 0.2;
    expect(JSON.stringify({ costUsd: sum, share: sum, nested: [{ frontierCostUsd: 0.6253338600000008, name: 'costUsd' }] }, usdToPicodollar)).toBe(
      '{"costUsd":0.3,"share":0.30000000000000004,"nested":[{"frontierCostUsd":0.62533386,"name":"costUsd"}]}',
    );
    // A mean of exact costs has more digits than a picodollar: it is cut there.
    expect(JSON.stringify({ costPerItemUsd: 1 / 3 }, usdToPicodollar)).toBe('{"costPerItemUsd":0.333333333333}');
    expect(JSON.stringify({ costUsd: null, totalUsd: 12345.5 }, usdToPicodollar)).toBe('{"costUsd":null,"totalUsd":12345.5}');
  });
});
