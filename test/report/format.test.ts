/** The one set of text formatters (src/report/format.ts). */
import { describe, expect, it } from 'vitest';
import { pct, pctFigure, pctShort, usd } from '../../src/report/format.js';

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
