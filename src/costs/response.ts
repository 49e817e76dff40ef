/**
 * Reads GetCostAndUsage responses (saved by `aws ce get-cost-and-usage`, or the
 * pages the SDK returned), already checked against their schema
 * (src/artifacts/costExplorer.ts), into flat groups. Pure: checks what the
 * schema cannot (dates, duplicates, group keys) and names the source and JSON
 * path of anything wrong.
 */
import type { CostExplorerPage, CostPage } from '../artifacts/costExplorer.js';
import type { Money } from '../pricing/types.js';
import type { BillProvider } from './meters.js';
import type { ParsedUsageType } from './usageTypes.js';
import { isIsoDate } from './dates.js';

export const COST_METRICS = ['UnblendedCost', 'AmortizedCost', 'NetUnblendedCost', 'NetAmortizedCost'] as const;
export type CostMetric = (typeof COST_METRICS)[number];
/** Before or after amortizing upfront commitments (--amortized); --net picks the after-discount twin. */
export type BaseCostMetric = 'UnblendedCost' | 'AmortizedCost';

/** The metric a bill is read at: --amortized and --net, as Cost Explorer names it. */
export function costMetricOf(opts: { amortized?: boolean; net?: boolean }): CostMetric {
  const base: BaseCostMetric = opts.amortized ? 'AmortizedCost' : 'UnblendedCost';
  return opts.net ? `Net${base}` : base;
}
export const USAGE_METRIC = 'UsageQuantity';

export type { CostPage };

export interface Period {
  start: string;
  end: string;
}

/**
 * One billed line of one period, from any bill format: for Cost Explorer a
 * (SERVICE, USAGE_TYPE) group and its metrics; other readers fill the same
 * fields (src/artifacts/bills/).
 */
export interface CostGroup {
  /** Who billed it (default 'aws'). */
  provider?: BillProvider;
  /** Grouping keys: tags (`tag:team`), IAM principal, inference profile, project, workspace. */
  groups?: Readonly<Record<string, string>>;
  /**
   * How the reader classified the line: undefined → parseUsageType(service, usageType)
   * (AWS usage types); null → not model inference (listed under other services).
   */
  parsed?: ParsedUsageType | null;
  source: string;
  period: Period;
  estimated: boolean;
  service: string;
  usageType: string;
  cost: Money;
  /** Undefined when the response has no UsageQuantity metric. */
  quantity?: Money;
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

/**
 * Validates and flattens several pages. `metric` is the cost metric to read
 * (UnblendedCost unless --amortized). Pages come checked with the Cost
 * Explorer response schema (src/artifacts/costExplorer.ts); InputError names
 * the file, the line when known, and the JSON path.
 */
export function readCostPages(pages: CostPage[], metric: CostMetric): CostPages {
  const groups: CostGroup[] = [];
  const periods = new Map<string, PeriodInfo>();
  const notes: string[] = [];
  const seen = new Map<string, string>();
  let assumedKeys = false;

  for (const page of pages) {
    const fail = (path: (string | number)[], msg: string): never => {
      throw page.problem(path, msg);
    };
    const b = page.body;
    const keyIndex = groupKeyIndex(b.GroupDefinitions, fail);
    if (keyIndex.assumed) assumedKeys = true;
    if (typeof b.NextPageToken === 'string' && b.NextPageToken !== '') {
      notes.push(`${page.source} has a NextPageToken: Cost Explorer had more pages; pass them too or the totals are short`);
    }

    b.ResultsByTime.forEach((result, i) => {
      const at = ['ResultsByTime', i];
      const { Start: start, End: end } = result.TimePeriod;
      if (/T/.test(start) || /T/.test(end)) fail([...at, 'TimePeriod'], `is hourly (${start}): use DAILY or MONTHLY granularity`);
      if (!isIsoDate(start) || !isIsoDate(end)) fail([...at, 'TimePeriod'], `${JSON.stringify(start)}..${JSON.stringify(end)} is not YYYY-MM-DD`);
      if (end <= start) fail([...at, 'TimePeriod'], `ends (${end}) before it starts (${start})`);
      const estimated = result.Estimated === true;
      const pkey = `${start}/${end}`;
      const prev = periods.get(pkey);
      periods.set(pkey, { start, end, estimated: (prev?.estimated ?? false) || estimated });

      if (result.Groups === undefined) {
        if (result.Total && Object.keys(result.Total).length > 0) fail(at, 'has totals but no Groups: group the query by SERVICE and USAGE_TYPE');
        return;
      }
      result.Groups.forEach((grp, j) => {
        const gat = [...at, 'Groups', j];
        const keys = grp.Keys;
        if (keys.length <= Math.max(keyIndex.service, keyIndex.usageType)) fail([...gat, 'Keys'], 'must hold the SERVICE and USAGE_TYPE values');
        const service = keys[keyIndex.service]!;
        const usageType = keys[keyIndex.usageType]!;
        const costMetric = grp.Metrics[metric];
        if (!costMetric) {
          const has = Object.keys(grp.Metrics).join(', ') || 'none';
          fail([...gat, 'Metrics'], `has no ${metric} metric (it has: ${has})${metricHint(metric, grp.Metrics)}`);
        }
        const cost = costMetric!.Amount;
        const costUnit = costMetric!.Unit;
        if (typeof costUnit === 'string' && costUnit !== '' && costUnit !== 'USD') fail([...gat, 'Metrics', metric, 'Unit'], `is ${costUnit}: tokor reports USD`);
        const usage = grp.Metrics[USAGE_METRIC];
        const quantity = usage?.Amount;
        const unit = usage?.Unit ?? '';
        const dup = `${pkey}\u0000${service}\u0000${usageType}`;
        const first = seen.get(dup);
        if (first !== undefined) {
          fail(gat, `${service} / ${usageType} for ${start} appears twice (also in ${first}): the same page or an overlapping range was given twice`);
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

function groupKeyIndex(defs: CostExplorerPage['GroupDefinitions'], fail: (path: (string | number)[], msg: string) => never): { service: number; usageType: number; assumed: boolean } {
  if (defs === undefined) return { service: 0, usageType: 1, assumed: true };
  const keys = defs.map((d) => d.Key);
  const service = keys.indexOf('SERVICE');
  const usageType = keys.indexOf('USAGE_TYPE');
  if (service < 0 || usageType < 0) {
    const got = keys.filter((k) => typeof k === 'string').join(', ') || 'nothing';
    fail(
      ['GroupDefinitions'],
      `grouped by ${got}: tokor needs the response of get-cost-and-usage --group-by Type=DIMENSION,Key=SERVICE Type=DIMENSION,Key=USAGE_TYPE`,
    );
  }
  return { service, usageType, assumed: false };
}

/** Which flags read a metric the response has, when it lacks the one asked for. */
function metricHint(asked: CostMetric, has: Record<string, unknown>): string {
  const flags: Record<CostMetric, string> = { UnblendedCost: 'without --amortized or --net', AmortizedCost: 'with --amortized', NetUnblendedCost: 'with --net', NetAmortizedCost: 'with --amortized --net' };
  const other = COST_METRICS.find((m) => m !== asked && m in has);
  return other ? `; run ${flags[other]}` : '';
}
