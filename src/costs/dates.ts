/**
 * Date ranges as Cost Explorer takes them: YYYY-MM-DD, start inclusive, end
 * exclusive, start no later than today. Cost Explorer keeps the current month
 * and the 13 before it at DAILY and MONTHLY granularity; with multi-year data
 * enabled, up to 38 months at MONTHLY. Pure: `today` is passed in.
 */
import { UsageError } from '../errors.js';

export const GRANULARITIES = ['DAILY', 'MONTHLY'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Months before the current one Cost Explorer keeps by default (DAILY and MONTHLY). */
const DEFAULT_HISTORY_MONTHS = 13;
/** Months before the current one with multi-year data enabled (MONTHLY only; 38 months in all). */
const MULTI_YEAR_HISTORY_MONTHS = 37;

export interface DateRange {
  start: string;
  end: string;
}

/** Whether `s` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** UTC date of `now` as YYYY-MM-DD. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** First day of the month `monthsBack` months before the month of `day` (YYYY-MM-DD). */
export function monthStartBefore(day: string, monthsBack: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 - monthsBack;
  const d = new Date(Date.UTC(y, m, 1));
  return d.toISOString().slice(0, 10);
}

/** The earlier of two ISO dates (they sort as strings; Math.min would not take them). */
export function earlier(a: string, b: string): string {
  return b < a ? b : a;
}

/** The later of two ISO dates. */
export function later(a: string, b: string): string {
  return b > a ? b : a;
}

/** Whole days from a to b (YYYY-MM-DD, b exclusive). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Checks the format and order of --start/--end (any source). */
export function checkRangeShape(range: DateRange): void {
  for (const [flag, v] of [['--start', range.start], ['--end', range.end]] as const) {
    if (!isIsoDate(v)) throw new UsageError(`${flag} ${JSON.stringify(v)} is not a date: use YYYY-MM-DD`);
  }
  if (range.end <= range.start) {
    throw new UsageError(`--end ${range.end} must be after --start ${range.start} (the end date is exclusive)`);
  }
}

/**
 * Checks a range for a live Cost Explorer query. Returns notes for ranges that
 * are allowed only with multi-year data enabled.
 */
export function checkLiveRange(range: DateRange, granularity: Granularity, today: string): string[] {
  checkRangeShape(range);
  if (range.start > today) {
    throw new UsageError(`--start ${range.start} is in the future: Cost Explorer needs a start no later than today (${today})`);
  }
  const dailyFloor = monthStartBefore(today, DEFAULT_HISTORY_MONTHS);
  if (granularity === 'DAILY' && range.start < dailyFloor) {
    throw new UsageError(
      `--start ${range.start} is too far back for DAILY: Cost Explorer keeps daily data from ${dailyFloor} (this month and the 13 before); use --granularity MONTHLY or a later start`,
    );
  }
  const monthlyFloor = monthStartBefore(today, MULTI_YEAR_HISTORY_MONTHS);
  if (range.start < monthlyFloor) {
    throw new UsageError(`--start ${range.start} is too far back: Cost Explorer keeps at most 38 months (from ${monthlyFloor}), with multi-year data enabled`);
  }
  if (range.start < dailyFloor) {
    return [`${range.start} is more than 14 months back: Cost Explorer answers only if multi-year data is enabled for the account`];
  }
  return [];
}

/**
 * The Cost Explorer range (whole days, end exclusive) that covers a period
 * given as dates or ISO timestamps, e.g. analyze's log period
 * 2025-11-03T10:00:00Z .. 2025-11-04T09:00:00Z → 2025-11-03 .. 2025-11-05.
 */
export function billingRangeFor(period: { start: string; end: string }): DateRange {
  const start = period.start.slice(0, 10);
  const endDay = period.end.slice(0, 10);
  const t = Date.parse(period.end);
  const midnight = Date.parse(`${endDay}T00:00:00Z`);
  // A bare date is already exclusive; a timestamp past midnight needs its whole day.
  const end = period.end.length <= 10 || t === midnight ? endDay : new Date(midnight + 86_400_000).toISOString().slice(0, 10);
  const range = { start, end: end > start ? end : new Date(Date.parse(`${start}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) };
  if (!isIsoDate(range.start) || !isIsoDate(range.end)) throw new UsageError(`cannot turn ${period.start}..${period.end} into Cost Explorer dates`);
  return range;
}
