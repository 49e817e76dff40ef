import { describe, expect, it } from 'vitest';
import { billingRangeFor, checkLiveRange, checkRangeShape, isIsoDate, monthStartBefore } from '../../src/costs/dates.js';
import { UsageError } from '../../src/errors.js';

const today = '2025-11-21';

describe('date ranges', () => {
  it('knows real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-11-3')).toBe(false);
    expect(isIsoDate('2025/11/03')).toBe(false);
  });

  it('counts months back from the first of the month', () => {
    expect(monthStartBefore(today, 13)).toBe('2024-10-01');
    expect(monthStartBefore(today, 37)).toBe('2022-10-01');
    expect(monthStartBefore('2025-01-31', 1)).toBe('2024-12-01');
  });

  it('rejects bad shapes and order with a usage error', () => {
    expect(() => checkRangeShape({ start: '2025-11-05', end: '2025-11-05' })).toThrow(/must be after --start .*exclusive/);
    expect(() => checkRangeShape({ start: '2025-11-05', end: '2025-11-01' })).toThrow(UsageError);
    expect(() => checkRangeShape({ start: '11/01/2025', end: '2025-11-05' })).toThrow(/--start "11\/01\/2025" is not a date/);
  });

  it('applies Cost Explorer history limits to live ranges', () => {
    expect(checkLiveRange({ start: '2024-10-01', end: '2024-11-01' }, 'DAILY', today)).toEqual([]);
    expect(() => checkLiveRange({ start: '2024-09-30', end: '2024-11-01' }, 'DAILY', today)).toThrow(/too far back for DAILY.*2024-10-01/);
    const notes = checkLiveRange({ start: '2023-01-01', end: '2023-02-01' }, 'MONTHLY', today);
    expect(notes[0]).toMatch(/multi-year data/);
    expect(() => checkLiveRange({ start: '2022-09-01', end: '2022-10-01' }, 'MONTHLY', today)).toThrow(/38 months/);
    expect(() => checkLiveRange({ start: '2025-11-22', end: '2025-11-23' }, 'DAILY', today)).toThrow(/in the future/);
    // The end may lie after today (the current month so far).
    expect(checkLiveRange({ start: '2025-11-01', end: '2025-12-01' }, 'DAILY', today)).toEqual([]);
  });
});

describe('billingRangeFor', () => {
  it('turns a log period into whole Cost Explorer days, end exclusive', () => {
    expect(billingRangeFor({ start: '2025-11-03T10:00:00Z', end: '2025-11-04T09:00:00Z' })).toEqual({ start: '2025-11-03', end: '2025-11-05' });
    expect(billingRangeFor({ start: '2025-11-03T00:00:00Z', end: '2025-11-05T00:00:00Z' })).toEqual({ start: '2025-11-03', end: '2025-11-05' });
    expect(billingRangeFor({ start: '2025-11-03', end: '2025-11-05' })).toEqual({ start: '2025-11-03', end: '2025-11-05' });
    expect(billingRangeFor({ start: '2025-11-30T23:00:00Z', end: '2025-11-30T23:30:00Z' })).toEqual({ start: '2025-11-30', end: '2025-12-01' });
    expect(() => billingRangeFor({ start: 'garbage', end: 'x' })).toThrow(UsageError);
  });
});
