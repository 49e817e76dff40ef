/**
 * The Cost Explorer adapter (tokor costs, analyze --cost-explorer live): the only
 * code importing @aws-sdk/client-cost-explorer.
 * GetCostAndUsage with RECORD_TYPE = Usage, grouped by SERVICE and USAGE_TYPE,
 * every page (NextPageToken), retrying LimitExceededException with backoff.
 * Errors become one line: exit 3 for AWS/runtime failures (permissions, data not
 * available, network), exit 2 when Cost Explorer rejects the request itself
 * (ValidationException, BillExpirationException: the range the user asked for)
 * or when no credentials are configured. Credentials are never printed.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { RuntimeFailure, UsageError, type TokorError } from '../errors.js';
import { adviceFor, classifyError, noAwsCredentialsAdvice } from '../errorAdvice.js';
import { redactSecrets } from '../redact.js';
import type { RawCostPage } from '../artifacts/costExplorer.js';
import type { DateRange, Granularity } from '../costs/dates.js';
import { type CostMetric, USAGE_METRIC } from '../costs/response.js';

/** Cost Explorer has a single endpoint, in us-east-1. */
const COST_EXPLORER_REGION = 'us-east-1';

export interface PageProgress {
  page: number;
  groups: number;
  periods: number;
  more: boolean;
}

export interface FetchOptions {
  range: DateRange;
  granularity: Granularity;
  /** The cost metric reported (UnblendedCost by default; requested beside UnblendedCost and UsageQuantity). */
  metric?: CostMetric;
  profile?: string;
  /** --endpoint-url: a Cost Explorer-compatible endpoint (tests, proxies). */
  endpoint?: string;
  /** Retries of LimitExceededException before giving up. */
  maxRetries?: number;
  /** Backoff before retry n (0-based), in ms. */
  backoffMs?: (attempt: number) => number;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (p: PageProgress) => void;
  /** Guard against an endpoint that never stops paging. */
  maxPages?: number;
}

export interface FetchResult {
  /** The pages as returned (checked by the caller with parseCostPage). */
  pages: RawCostPage[];
  metric: CostMetric;
  retries: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** 1 s, 2 s, 4 s … capped at 20 s. */
function defaultBackoff(attempt: number): number {
  return Math.min(20_000, 1000 * 2 ** attempt);
}

/** The request tokor sends (without the page token). Exported so tests can compare. */
export function buildRequest(range: DateRange, granularity: Granularity, metric: CostMetric = 'UnblendedCost'): GetCostAndUsageCommandInput {
  return {
    TimePeriod: { Start: range.start, End: range.end },
    Granularity: granularity,
    Filter: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } },
    Metrics: [...new Set(['UnblendedCost', metric, USAGE_METRIC])],
    GroupBy: [
      { Type: 'DIMENSION', Key: 'SERVICE' },
      { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
    ],
  };
}

function createClient(opts: Pick<FetchOptions, 'profile' | 'endpoint'>): CostExplorerClient {
  // The SDK warns on every run that its 2027 releases need Node 22: not actionable for tokor users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new CostExplorerClient({
    region: COST_EXPLORER_REGION,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    // Plain HTTP/1.1, so any endpoint (including a local one) works.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 10_000, requestTimeout: 60_000 }),
    // tokor retries LimitExceededException itself (with an injectable sleep).
    maxAttempts: 1,
  });
}

/** Fetches every page of GetCostAndUsage for the range. */
export async function fetchCostAndUsage(opts: FetchOptions): Promise<FetchResult> {
  const client = createClient(opts);
  const sleep = opts.sleep ?? defaultSleep;
  const backoff = opts.backoffMs ?? defaultBackoff;
  const maxRetries = opts.maxRetries ?? 5;
  const maxPages = opts.maxPages ?? 1000;
  const request = buildRequest(opts.range, opts.granularity, opts.metric);
  const pages: RawCostPage[] = [];
  const tokens = new Set<string>();
  let token: string | undefined;
  let retries = 0;
  try {
    do {
      let out: GetCostAndUsageCommandOutput | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          out = await client.send(new GetCostAndUsageCommand({ ...request, ...(token ? { NextPageToken: token } : {}) }));
          break;
        } catch (e) {
          if (errorName(e) === 'LimitExceededException' && attempt < maxRetries) {
            retries++;
            await sleep(backoff(attempt));
            continue;
          }
          throw toTokorError(e, attempt, opts.profile);
        }
      }
      const { $metadata: _meta, ...body } = out;
      pages.push({ source: `Cost Explorer page ${pages.length + 1}`, body });
      token = out.NextPageToken || undefined;
      opts.onProgress?.({
        page: pages.length,
        groups: (out.ResultsByTime ?? []).reduce((n, r) => n + (r.Groups?.length ?? 0), 0),
        periods: out.ResultsByTime?.length ?? 0,
        more: token !== undefined,
      });
      if (token !== undefined) {
        if (tokens.has(token)) throw new RuntimeFailure('Cost Explorer returned the same NextPageToken twice: stopping');
        if (pages.length >= maxPages) throw new RuntimeFailure(`Cost Explorer still had more pages after ${maxPages}: narrow the date range`);
        tokens.add(token);
      }
    } while (token !== undefined);
  } finally {
    client.destroy();
  }
  return { pages, metric: opts.metric ?? 'UnblendedCost', retries };
}

function errorName(e: unknown): string {
  if (typeof e !== 'object' || e === null) return '';
  const err = e as { name?: unknown; code?: unknown; Code?: unknown };
  return String(err.name ?? err.code ?? err.Code ?? '');
}

/** The service's message, one line, short, with credentials removed (the one redaction, src/redact.ts). */
function serviceMessage(e: unknown): string {
  const raw = typeof e === 'object' && e !== null ? String((e as { message?: unknown }).message ?? '') : String(e);
  return redactSecrets(raw.replace(/\s+/g, ' ')).trim().slice(0, 240);
}

/** Maps an SDK/network error to a one-line TokorError (exit 2 or 3). */
export function toTokorError(e: unknown, retriesDone = 0, profile?: string): TokorError {
  const name = errorName(e);
  const msg = serviceMessage(e);
  const detail = msg && msg !== name && msg !== 'UnknownError' ? `: ${msg}` : '';
  // Credentials and access: the classification and advice eval and label use too (src/errorAdvice.ts).
  const kind = classifyError(name, undefined, msg);
  const ctx = { service: 'cost-explorer' as const, profile };
  switch (kind) {
    case 'access-denied':
      return new RuntimeFailure(`Cost Explorer denied access${detail} (${adviceFor(kind, ctx)})`);
    case 'rejected-credentials':
    case 'expired-credentials':
      return new RuntimeFailure(`Cost Explorer rejected the credentials (${name}): ${adviceFor(kind, ctx)}`);
    case 'no-credentials':
      if (name === 'CredentialsProviderError') return new UsageError(noAwsCredentialsAdvice(profile));
      break;
    default:
      break;
  }
  switch (name) {
    case 'DataUnavailableException':
      return new RuntimeFailure(
        `Cost Explorer has no data for this request${detail} (just enabled? data appears within 24 hours; multi-year or hourly data must be enabled first)`,
      );
    case 'LimitExceededException':
      return new RuntimeFailure(`Cost Explorer kept throttling (LimitExceededException) after ${retriesDone} retries: try again later`);
    case 'ValidationException':
      return new UsageError(`Cost Explorer rejected the request${detail}`);
    case 'BillExpirationException':
      return new UsageError(`Cost Explorer: the requested period has expired${detail}; choose a more recent range`);
    case 'RequestChangedException':
    case 'InvalidNextTokenException':
      return new RuntimeFailure(`Cost Explorer: the data changed while paging (${name}): run the command again`);
    default: {
      const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
      if (typeof code === 'string' && /^E[A-Z]+/.test(code)) {
        return new RuntimeFailure(`cannot reach Cost Explorer (${code})${detail && code !== msg ? detail : ''}`);
      }
      return new RuntimeFailure(`Cost Explorer request failed${name ? ` (${name})` : ''}${detail}`);
    }
  }
}
