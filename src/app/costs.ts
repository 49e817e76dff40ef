/**
 * `tokor costs` and `tokor analyze --cost-explorer`: billed spend from saved
 * bills (offline) or Cost Explorer (live), and its reconciliation with the
 * logs. The only place the costs domain meets files and AWS; no console, no
 * process: progress goes through onProgress.
 */
import { InputError, UsageError } from '../errors.js';
import { parseCostPage } from '../artifacts/costExplorer.js';
import { readBills } from '../artifacts/bills/index.js';
import { fetchCostAndUsage, type PageProgress } from '../providers/costExplorer.js';
import type { AnalyzeReport } from '../analyze/report.js';
import { type DateRange, type Granularity, billingRangeFor, checkLiveRange, checkRangeShape, utcDate } from '../costs/dates.js';
import { type AnalyzeReconciliation, reconcileAnalyze } from '../costs/reconcile.js';
import { type CostsReport, buildCostsReport } from '../costs/report.js';
import { costMetricOf, readCostPages } from '../costs/response.js';
import type { ModelMap } from '../costs/usageTypes.js';
import type { Catalog } from '../pricing/types.js';
import type { Context } from './context.js';

export interface CostsOptions {
  start?: string;
  end?: string;
  granularity?: Granularity;
  amortized?: boolean;
  /** --net: after-discount costs (CUR 2.0's net_ columns, Cost Explorer's NetUnblendedCost / NetAmortizedCost); refused for other bill formats. */
  net?: boolean;
  profile?: string;
  endpoint?: string;
  /** Saved bills (docs/costs.md): each file's format is detected. */
  files?: string[];
  modelMap?: ModelMap;
  /** Prices for usage (token) reports; the built-in catalog when absent. */
  catalog?: Catalog;
  /** "Now" for the live range checks (tests). */
  now?: Date;
  onProgress?: (p: PageProgress) => void;
  sleep?: (ms: number) => Promise<void>;
}

function validEndpoint(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    return url;
  } catch {
    throw new UsageError(`--endpoint-url ${JSON.stringify(url)} is not an http(s) URL`);
  }
}

/** `tokor costs`: the report from the flags, file paths resolved against the context. */
export async function runCosts(ctx: Context, opts: CostsOptions): Promise<CostsReport> {
  return loadCostsReport({ ...opts, ...(opts.files ? { files: opts.files.map(ctx.fromCwd), catalog: await ctx.catalog() } : {}) });
}

/** Builds the costs report from files or from Cost Explorer. */
export async function loadCostsReport(opts: CostsOptions): Promise<CostsReport> {
  const metric = costMetricOf(opts);
  const hasRange = opts.start !== undefined || opts.end !== undefined;
  if (hasRange && (opts.start === undefined || opts.end === undefined)) {
    throw new UsageError('give both --start and --end (YYYY-MM-DD, end exclusive)');
  }
  const range: DateRange | undefined = hasRange ? { start: opts.start!, end: opts.end! } : undefined;

  if (opts.files && opts.files.length > 0) {
    if (range) checkRangeShape(range);
    const read = await readBills(opts.files, { metric: opts.amortized ? 'AmortizedCost' : 'UnblendedCost', ...(opts.net ? { net: true } : {}), ...(opts.catalog ? { catalog: opts.catalog } : {}) });
    return buildCostsReport(read.lines, {
      source: { kind: 'file', files: opts.files, pages: read.pages },
      sources: read.kinds,
      metric,
      ...(range ? { period: range } : {}),
      ...(opts.granularity ? { granularity: opts.granularity } : {}),
      ...(opts.modelMap ? { modelMap: opts.modelMap } : {}),
    });
  }

  if (!range) throw new UsageError('give --start and --end (YYYY-MM-DD, end exclusive), or --from-file');
  const granularity = opts.granularity ?? 'DAILY';
  const rangeNotes = checkLiveRange(range, granularity, utcDate(opts.now ?? new Date()));
  const endpoint = opts.endpoint !== undefined ? validEndpoint(opts.endpoint) : undefined;
  const fetched = await fetchCostAndUsage({
    range,
    granularity,
    metric,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  const read = readCostPages(fetched.pages.map(parseCostPage), fetched.metric);
  const report = buildCostsReport(read, {
    source: { kind: 'live', ...(endpoint ? { endpoint } : {}), pages: fetched.pages.length },
    metric: fetched.metric,
    period: range,
    granularity,
    ...(opts.modelMap ? { modelMap: opts.modelMap } : {}),
  });
  if (fetched.retries > 0) report.notes.push(`Cost Explorer throttled the query: ${fetched.retries} retr${fetched.retries === 1 ? 'y' : 'ies'}`);
  report.notes.unshift(...rangeNotes);
  return report;
}

/** The bill `tokor analyze` reconciles with: a saved file, or "live" (Cost Explorer over the logs' days). */
export interface BillOptions {
  /** --bill: saved bills (any source, folders too), or ['live']. */
  bill?: string[];
  /** --cost-explorer (alias of --bill): a saved bill, or 'live'. */
  costExplorer?: string;
  profile?: string;
  endpointUrl?: string;
  /** Prices for usage (token) reports given as the bill; the built-in catalog when absent. */
  catalog?: Catalog;
  /** --amortized, --net: which cost the bill is read at (as for tokor costs). */
  amortized?: boolean;
  net?: boolean;
}

/** Reconciles an analyze report with its bill (a value; see attachReconciliation). */
export async function reconcileWithBill(report: Pick<AnalyzeReport, 'byModel' | 'period' | 'sample' | 'byDay'>, opts: BillOptions): Promise<AnalyzeReconciliation> {
  const files = opts.bill ?? (opts.costExplorer !== undefined ? [opts.costExplorer] : []);
  const flag = opts.bill ? '--bill' : '--cost-explorer';
  if (files.length === 0) throw new UsageError('give --bill FILE… (or --cost-explorer FILE|live)');
  const live = files.length === 1 && files[0] === 'live';
  const period = report.period;
  if (!period) throw new InputError('the logs have no parseable timestamps, so their period cannot be matched to the bill', flag);
  const metric = { ...(opts.amortized ? { amortized: true } : {}), ...(opts.net ? { net: true } : {}) };
  const costs = live
    ? await loadCostsReport({ ...billingRangeFor(period), profile: opts.profile, endpoint: opts.endpointUrl, ...metric })
    : await loadCostsReport({ files, ...metric, ...(opts.catalog ? { catalog: opts.catalog } : {}) });
  return reconcileAnalyze(costs, { ...report, period }, live ? 'Cost Explorer (live)' : files.join(', '));
}

/** `tokor analyze --cost-explorer`: sets `report.reconciliation` and returns it (called by the analyze command). */
export async function attachReconciliation(report: AnalyzeReport, opts: BillOptions): Promise<AnalyzeReconciliation> {
  const reconciliation = await reconcileWithBill(report, opts);
  report.reconciliation = reconciliation;
  return reconciliation;
}
