/**
 * `tokor costs` core: a CostsReport from saved GetCostAndUsage responses
 * (offline) or from Cost Explorer (live). No console, no process: progress goes
 * through onProgress.
 */
import { UsageError } from '../errors.js';
import { readCostExplorerFiles } from '../artifacts/costExplorer.js';
import { type DateRange, type Granularity, checkLiveRange, checkRangeShape, utcDate } from './dates.js';
import { type PageProgress, fetchCostAndUsage } from './explorer.js';
import { type CostsReport, buildCostsReport } from './report.js';
import { type CostMetric, readCostPages } from './response.js';
import type { ModelMap } from './usageTypes.js';

export interface CostsOptions {
  start?: string;
  end?: string;
  granularity?: Granularity;
  amortized?: boolean;
  profile?: string;
  endpoint?: string;
  /** Saved responses: each file holds one response object or an array of pages. */
  files?: string[];
  modelMap?: ModelMap;
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

/** Builds the costs report from files or from Cost Explorer. */
export async function loadCostsReport(opts: CostsOptions): Promise<CostsReport> {
  const metric: CostMetric = opts.amortized ? 'AmortizedCost' : 'UnblendedCost';
  const hasRange = opts.start !== undefined || opts.end !== undefined;
  if (hasRange && (opts.start === undefined || opts.end === undefined)) {
    throw new UsageError('give both --start and --end (YYYY-MM-DD, end exclusive)');
  }
  const range: DateRange | undefined = hasRange ? { start: opts.start!, end: opts.end! } : undefined;

  if (opts.files && opts.files.length > 0) {
    if (range) checkRangeShape(range);
    const pages = await readCostExplorerFiles(opts.files);
    const read = readCostPages(pages, metric);
    return buildCostsReport(read, {
      source: { kind: 'file', files: opts.files, pages: pages.length },
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
    amortized: opts.amortized ?? false,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  const read = readCostPages(fetched.pages, fetched.metric);
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

export { reconcile, scaleToBill, billedCeiling, type BilledCeiling } from './reconcile.js';
export type { AnalyzeTotals, BilledSavings, ExplainedModel, ExplainedSpend, ReconcileOptions, Reconciliation } from './reconcile.js';
export { billingRangeFor, type DateRange, type Granularity } from './dates.js';
export { renderCosts } from './render.js';
export type { CostsReport, CostRow, ModelCost } from './report.js';
export { TOKEN_KINDS, type TokenKind } from './usageTypes.js';
