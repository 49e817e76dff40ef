/**
 * Reads GetCostAndUsage responses (saved by `aws ce get-cost-and-usage`, or the
 * pages the SDK returned) into flat groups. Pure: validates the shape and names
 * the source and JSON path of anything wrong.
 */
import { InputError } from '../errors.js';
import { type Fixed, parseFixed } from './decimal.js';
import { isIsoDate } from './dates.js';

export const COST_METRICS = ['UnblendedCost', 'AmortizedCost'] as const;
export type CostMetric = (typeof COST_METRICS)[number];
export const USAGE_METRIC = 'UsageQuantity';

/** One response page and where it came from (a file path, or "page 3"). */
export interface CostPage {
  source: string;
  body: unknown;
}

export interface Period {
  start: string;
  end: string;
}

/** One group of one period: a (SERVICE, USAGE_TYPE) pair and its metrics. */
export interface CostGroup {
  source: string;
  period: Period;
  estimated: boolean;
  service: string;
  usageType: string;
  cost: Fixed;
  /** Undefined when the response has no UsageQuantity metric. */
  quantity?: Fixed;
  unit: string;
}

export interface PeriodInfo extends Period {
  estimated: boolean;
}

export interface CostPages {
  groups: CostGroup[];
  periods: PeriodInfo[];
  notes: string[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates and flattens several pages. `metric` is the cost metric to read
 * (UnblendedCost unless --amortized). Throws InputError naming the source.
 */
export function readCostPages(pages: CostPage[], metric: CostMetric): CostPages {
  const groups: CostGroup[] = [];
  const periods = new Map<string, PeriodInfo>();
  const notes: string[] = [];
  const seen = new Map<string, string>();
  let assumedKeys = false;

  for (const page of pages) {
    const fail = (msg: string): never => {
      throw new InputError(msg, page.source);
    };
    const body = page.body;
    if (!isObject(body) || !Array.isArray(body.ResultsByTime)) {
      fail('not a GetCostAndUsage response: no ResultsByTime array (save the output of `aws ce get-cost-and-usage --output json`)');
    }
    const b = body as Json;
    const keyIndex = groupKeyIndex(b.GroupDefinitions, fail);
    if (keyIndex.assumed) assumedKeys = true;
    if (typeof b.NextPageToken === 'string' && b.NextPageToken !== '') {
      notes.push(`${page.source} has a NextPageToken: Cost Explorer had more pages; pass them too or the totals are short`);
    }

    (b.ResultsByTime as unknown[]).forEach((r, i) => {
      const at = `ResultsByTime[${i}]`;
      if (!isObject(r)) fail(`${at} is not an object`);
      const result = r as Json;
      const tp = result.TimePeriod;
      if (!isObject(tp) || typeof tp.Start !== 'string' || typeof tp.End !== 'string') fail(`${at}.TimePeriod needs Start and End`);
      const { Start: start, End: end } = tp as { Start: string; End: string };
      if (/T/.test(start) || /T/.test(end)) fail(`${at}.TimePeriod is hourly (${start}): use DAILY or MONTHLY granularity`);
      if (!isIsoDate(start) || !isIsoDate(end)) fail(`${at}.TimePeriod ${JSON.stringify(start)}..${JSON.stringify(end)} is not YYYY-MM-DD`);
      if (end <= start) fail(`${at}.TimePeriod ends (${end}) before it starts (${start})`);
      const estimated = result.Estimated === true;
      const pkey = `${start}/${end}`;
      const prev = periods.get(pkey);
      periods.set(pkey, { start, end, estimated: (prev?.estimated ?? false) || estimated });

      const rawGroups = result.Groups;
      if (rawGroups === undefined) {
        if (hasAmounts(result.Total)) fail(`${at} has totals but no Groups: group the query by SERVICE and USAGE_TYPE`);
        return;
      }
      if (!Array.isArray(rawGroups)) fail(`${at}.Groups is not an array`);
      (rawGroups as unknown[]).forEach((g, j) => {
        const gat = `${at}.Groups[${j}]`;
        if (!isObject(g)) fail(`${gat} is not an object`);
        const grp = g as Json;
        const keys = grp.Keys;
        if (!Array.isArray(keys) || keys.length <= Math.max(keyIndex.service, keyIndex.usageType) || !keys.every((k) => typeof k === 'string')) {
          fail(`${gat}.Keys must hold the SERVICE and USAGE_TYPE values`);
        }
        const service = (keys as string[])[keyIndex.service]!;
        const usageType = (keys as string[])[keyIndex.usageType]!;
        const metrics = grp.Metrics;
        if (!isObject(metrics)) fail(`${gat}.Metrics is missing`);
        const m = metrics as Json;
        const costMetric = m[metric];
        if (!isObject(costMetric)) {
          const has = Object.keys(m).join(', ') || 'none';
          fail(
            `${gat} has no ${metric} metric (it has: ${has})${metric === 'UnblendedCost' && 'AmortizedCost' in m ? '; run with --amortized' : ''}`,
          );
        }
        const cost = amount(costMetric as Json, `${gat}.Metrics.${metric}`, fail);
        const costUnit = (costMetric as Json).Unit;
        if (typeof costUnit === 'string' && costUnit !== '' && costUnit !== 'USD') {
          fail(`${gat}.Metrics.${metric} is in ${costUnit}: tokor reports USD`);
        }
        const usage = m[USAGE_METRIC];
        const quantity = isObject(usage) ? amount(usage, `${gat}.Metrics.${USAGE_METRIC}`, fail) : undefined;
        const unit = isObject(usage) && typeof usage.Unit === 'string' ? usage.Unit : '';
        const dup = `${pkey}\u0000${service}\u0000${usageType}`;
        const first = seen.get(dup);
        if (first !== undefined) {
          fail(`${service} / ${usageType} for ${start} appears twice (also in ${first}): the same page or an overlapping range was given twice`);
        }
        seen.set(dup, page.source);
        groups.push({ source: page.source, period: { start, end }, estimated, service, usageType, cost, ...(quantity !== undefined ? { quantity } : {}), unit });
      });
    });
  }
  if (assumedKeys) notes.push('no GroupDefinitions in the response: group keys read as [SERVICE, USAGE_TYPE]');
  if (groups.length > 0 && groups.every((g) => g.quantity === undefined)) {
    notes.push('no UsageQuantity metric: token counts and implied per-token rates are unavailable');
  }
  const sorted = [...periods.values()].sort((a, b) => (a.start === b.start ? a.end.localeCompare(b.end) : a.start.localeCompare(b.start)));
  return { groups, periods: sorted, notes };
}

function hasAmounts(total: unknown): boolean {
  return isObject(total) && Object.keys(total).length > 0;
}

function amount(metric: Json, at: string, fail: (msg: string) => never): Fixed {
  const raw = metric.Amount;
  if (typeof raw !== 'string' && typeof raw !== 'number') fail(`${at}.Amount is missing`);
  const value = parseFixed(String(raw));
  if (value === undefined) fail(`${at}.Amount is not a number: ${JSON.stringify(raw)}`);
  return value as Fixed;
}

function groupKeyIndex(defs: unknown, fail: (msg: string) => never): { service: number; usageType: number; assumed: boolean } {
  if (defs === undefined) return { service: 0, usageType: 1, assumed: true };
  if (!Array.isArray(defs)) fail('GroupDefinitions is not an array');
  const keys = (defs as unknown[]).map((d) => (isObject(d) ? d.Key : undefined));
  const service = keys.indexOf('SERVICE');
  const usageType = keys.indexOf('USAGE_TYPE');
  if (service < 0 || usageType < 0) {
    const got = keys.filter((k) => typeof k === 'string').join(', ') || 'nothing';
    fail(
      `grouped by ${got}: tokor needs the response of get-cost-and-usage --group-by Type=DIMENSION,Key=SERVICE Type=DIMENSION,Key=USAGE_TYPE`,
    );
  }
  return { service, usageType, assumed: false };
}
