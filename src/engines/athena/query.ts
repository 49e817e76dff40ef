/**
 * One Athena query, start to last row: StartQueryExecution, GetQueryExecution
 * until SUCCEEDED (QUEUED and RUNNING wait with backoff; FAILED and CANCELLED
 * throw with Athena's reason), then every page of GetQueryResults (NextToken),
 * all at once (runAthenaQuery) or as they are read (streamAthenaQuery).
 * An abort (Ctrl-C) stops the running query with StopQueryExecution, so it
 * stops scanning (and costing) at once.
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type Row,
} from '@aws-sdk/client-athena';
import { InputError, Interrupted, RuntimeFailure } from '../../errors.js';

export interface QueryTarget {
  workgroup?: string;
  /** s3:// prefix for result files (the workgroup's when absent). */
  output?: string;
  /** Database the query runs in (the table name may also qualify it). */
  database?: string;
}

export interface QueryOutcome {
  id: string;
  rows: Record<string, string | null>[];
  bytesScanned: number;
}

/** A query that has run: its rows are read page by page (GetQueryResults), a page at a time in memory. */
export interface StreamedQuery {
  id: string;
  bytesScanned: number;
  rows: AsyncIterable<Record<string, string | null>>;
}

export interface QueryHooks {
  signal?: AbortSignal;
  /** Waits between polls; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onState?: (state: string) => void;
}

/** Guard against an endpoint that never stops paging. */
const MAX_PAGES = 100_000;

export async function runAthenaQuery(client: AthenaClient, sql: string, target: QueryTarget, hooks: QueryHooks = {}): Promise<QueryOutcome> {
  const q = await streamAthenaQuery(client, sql, target, hooks);
  const rows: Record<string, string | null>[] = [];
  for await (const r of q.rows) rows.push(r);
  return { id: q.id, rows, bytesScanned: q.bytesScanned };
}

/** Runs the query to its end; its rows are then read as they are iterated. */
export async function streamAthenaQuery(client: AthenaClient, sql: string, target: QueryTarget, hooks: QueryHooks = {}): Promise<StreamedQuery> {
  const sleep = hooks.sleep ?? defaultSleep;
  const started = await call(() =>
    client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        ...(target.workgroup ? { WorkGroup: target.workgroup } : {}),
        ...(target.output ? { ResultConfiguration: { OutputLocation: target.output } } : {}),
        ...(target.database ? { QueryExecutionContext: { Database: target.database } } : {}),
      }),
    ),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new RuntimeFailure('Athena started a query without an ID');
  const stop = async (): Promise<never> => {
    try {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // Stopping is best effort: the interruption is what the user asked for.
    }
    throw new Interrupted(`interrupted: Athena query ${id} stopped; nothing was written`);
  };
  let wait = 100;
  let bytesScanned = 0;
  for (;;) {
    if (hooks.signal?.aborted) return stop();
    const q = await call(() => client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })));
    const status = q.QueryExecution?.Status;
    const state = status?.State ?? 'UNKNOWN';
    hooks.onState?.(state);
    bytesScanned = q.QueryExecution?.Statistics?.DataScannedInBytes ?? bytesScanned;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason = (status?.StateChangeReason ?? 'no reason given').split('\n')[0];
      throw new RuntimeFailure(`Athena query ${id} ${state.toLowerCase()}: ${reason}`);
    }
    try {
      await sleep(wait, hooks.signal);
    } catch {
      return stop();
    }
    wait = Math.min(wait * 2, 2000);
  }
  return { id, bytesScanned, rows: resultRows(client, id, hooks) };
}

async function* resultRows(client: AthenaClient, id: string, hooks: QueryHooks): AsyncGenerator<Record<string, string | null>> {
  let names: string[] | undefined;
  let token: string | undefined;
  let first = true;
  for (let page = 0; page < MAX_PAGES; page++) {
    if (hooks.signal?.aborted) throw new Interrupted('interrupted while reading Athena results: nothing was written');
    const r = await call(() => client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, ...(token ? { NextToken: token } : {}) })));
    names ??= (r.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    const data = r.ResultSet?.Rows ?? [];
    // A SELECT's first row is its header.
    for (const row of first ? data.slice(1) : data) yield toObject(names, row);
    first = false;
    token = r.NextToken;
    if (!token) return;
  }
  throw new RuntimeFailure(`Athena query ${id}: more than ${MAX_PAGES} result pages`);
}

function toObject(names: string[], row: Row): Record<string, string | null> {
  const o: Record<string, string | null> = {};
  for (const [i, n] of names.entries()) o[n] = row.Data?.[i]?.VarCharValue ?? null;
  return o;
}

/** AWS errors as one line: a request Athena refused is the user's to fix (exit 2), anything else a runtime failure. */
async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as Error & { name?: string; $metadata?: { httpStatusCode?: number } };
    const message = (err.message ?? String(e)).split('\n')[0] ?? '';
    if (err.name === 'InvalidRequestException' || err.name === 'ResourceNotFoundException') throw new InputError(`Athena refused the request: ${message}`);
    if (/credential/i.test(err.name ?? '') || /credential/i.test(message)) throw new InputError(`no AWS credentials for Athena (${message}); set a profile (--profile) or AWS_* variables`);
    throw new RuntimeFailure(`Athena call failed: ${err.name ? `${err.name}: ` : ''}${message}`);
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
