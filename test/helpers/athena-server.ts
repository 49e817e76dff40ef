/**
 * A local Amazon Athena: node:http on 127.0.0.1 speaking Athena's AWS JSON 1.1
 * protocol (POST /, X-Amz-Target: AmazonAthena.<Operation>, errors as
 * {"__type", "Message"}) for StartQueryExecution, GetQueryExecution (QUEUED,
 * then RUNNING, then SUCCEEDED or FAILED), GetQueryResults (pages of
 * `pageSize` rows, the header row first, NextToken) and StopQueryExecution.
 *
 * It really runs the SQL it receives: in one embedded DuckDB, where a view
 * plays the table `tokor athena ddl` creates (line, "$path" and the
 * account / log_region / datehour partitions taken from the file paths) and
 * macros give DuckDB the Trino functions the query uses (and a JSONPath
 * key step written ["key"] is read as DuckDB's ."key"). Tests drive the
 * real AthenaClient (through the built CLI) against it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LINE_BYTES, linesSql } from '../../src/engines/duckdb/lines.js';

interface AthenaRequest {
  operation: string;
  body: Record<string, unknown>;
}

export interface AthenaServerOptions {
  /** Tables by name (database.table) → the log files (JSON lines, .gz by name) each holds. */
  tables: Record<string, string[]>;
  /** Result rows per GetQueryResults page (the header row counts on the first). */
  pageSize?: number;
  /** Keep every query RUNNING until it is stopped (Ctrl-C tests). */
  hold?: boolean;
}

export interface AthenaServer {
  url: string;
  requests: AthenaRequest[];
  /** The SQL of each StartQueryExecution, in order. */
  queries: string[];
  close(): Promise<void>;
}

interface Execution {
  id: string;
  sql: string;
  polls: number;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  reason?: string;
  columns: string[];
  rows: (string | null)[][];
}

/** Trino functions the aggregation uses, for DuckDB. */
export const TRINO_MACROS = [
  'CREATE MACRO json_parse(x) AS CAST(x AS JSON)',
  'CREATE MACRO json_format(x) AS CAST(x AS VARCHAR)',
  'CREATE MACRO json_extract_scalar(x, p) AS json_extract_string(x, p)',
  'CREATE MACRO regexp_like(x, p) AS regexp_matches(x, p)',
  'CREATE MACRO to_utf8(x) AS x',
  'CREATE MACRO xxhash64(x) AS hash(x)',
  'CREATE MACRO element_at(l, i) AS l[i]',
  'CREATE MACRO array_max(l) AS list_max(l)',
];

export async function startAthenaServer(opts: AthenaServerOptions): Promise<AthenaServer> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const m of TRINO_MACROS) await conn.run(m);
  const sizes = new Map<string, number>();
  for (const [table, files] of Object.entries(opts.tables)) {
    const [db, name] = table.split('.');
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${db}`);
    await conn.run(`CREATE VIEW ${db}.${name} AS
      SELECT line, filename AS "$path",
        regexp_extract(filename, 'AWSLogs/([0-9]{12})/', 1) AS account,
        regexp_extract(filename, 'BedrockModelInvocationLogs/([a-z0-9-]+)/', 1) AS log_region,
        regexp_extract(filename, '([0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2})/[^/]*$', 1) AS datehour
      FROM ${linesSql(files, LINE_BYTES)}`);
    sizes.set(`"${db}"."${name}"`, files.reduce((n, f) => n + statSync(f).size, 0));
  }
  // Bytes scanned: the files of the table the query names (Athena reports what it read).
  const scannedBy = (sql: string) => [...sizes].filter(([t]) => sql.includes(t)).reduce((n, [, b]) => n + b, 0);
  const pageSize = opts.pageSize ?? 1000;
  const executions = new Map<string, Execution>();
  const requests: AthenaRequest[] = [];
  const queries: string[] = [];
  let running: Promise<unknown> = Promise.resolve();

  const handle = async (operation: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> => {
    const error = (type: string, message: string) => ({ status: 400, body: { __type: type, Message: message } });
    const exec = () => executions.get(String(body.QueryExecutionId));
    switch (operation) {
      case 'StartQueryExecution': {
        const sql = String(body.QueryString ?? '');
        queries.push(sql);
        const e: Execution = { id: `q-${executions.size + 1}`, sql, polls: 0, state: 'QUEUED', columns: [], rows: [] };
        executions.set(e.id, e);
        // One query at a time, as a small workgroup would.
        running = running.then(() => runSql(conn, e));
        return { status: 200, body: { QueryExecutionId: e.id } };
      }
      case 'GetQueryExecution': {
        const e = exec();
        if (!e) return error('InvalidRequestException', `QueryExecution ${String(body.QueryExecutionId)} was not found`);
        await running;
        e.polls++;
        // QUEUED on the first poll, RUNNING on the second, then the outcome (or RUNNING for ever when holding).
        const state = e.state === 'CANCELLED' ? 'CANCELLED' : e.polls === 1 ? 'QUEUED' : e.polls === 2 || opts.hold ? 'RUNNING' : e.state;
        return {
          status: 200,
          body: {
            QueryExecution: {
              QueryExecutionId: e.id,
              Query: e.sql,
              Status: { State: state, ...(state === 'FAILED' ? { StateChangeReason: e.reason } : {}) },
              Statistics: { DataScannedInBytes: state === 'SUCCEEDED' ? scannedBy(e.sql) : 0 },
            },
          },
        };
      }
      case 'GetQueryResults': {
        const e = exec();
        if (e?.state !== 'SUCCEEDED' || e.polls < 3) return error('InvalidRequestException', 'Query has not yet finished');
        const all = [e.columns, ...e.rows];
        const start = body.NextToken ? Number(String(body.NextToken).slice(5)) : 0;
        const size = Math.min(pageSize, Number(body.MaxResults ?? 1000));
        const page = all.slice(start, start + size);
        const next = start + size < all.length ? `page-${start + size}` : undefined;
        return {
          status: 200,
          body: {
            ResultSet: {
              Rows: page.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
              ResultSetMetadata: { ColumnInfo: e.columns.map((c) => ({ Name: c, Type: 'varchar' })) },
            },
            ...(next ? { NextToken: next } : {}),
          },
        };
      }
      case 'StopQueryExecution': {
        const e = exec();
        if (e) e.state = 'CANCELLED';
        return { status: 200, body: {} };
      }
      default:
        return error('UnknownOperationException', `unexpected ${operation}`);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AmazonAthena.') ? target.slice('AmazonAthena.'.length) : target;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = {};
      }
      requests.push({ operation, body });
      void handle(operation, body).then((r) => {
        const payload = JSON.stringify(r.body);
        res.writeHead(r.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${requests.length}`, 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queries,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running.catch(() => undefined);
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Trino's SQL as DuckDB runs it, with TRINO_MACROS: Trino's JSONPath names a key that is no identifier as
 * ["key"], DuckDB's as ."key" (the same step); Trino's transform(list, x -> …) is DuckDB's list_transform and
 * its ARRAY(JSON) DuckDB's JSON[] (a macro can take neither a lambda nor a type).
 */
export function trinoForDuckdb(sql: string): string {
  return sql
    .replace(/\["([A-Za-z0-9_-]+)"\]/g, '."$1"')
    .replace(/\btransform\(/g, 'list_transform(')
    .replace(/ AS ARRAY\(JSON\)/g, ' AS JSON[]');
}

/** Runs the query in DuckDB; every value comes back as Athena gives it: text, or null. */
async function runSql(conn: DuckDBConnection, e: Execution): Promise<void> {
  try {
    const sql = trinoForDuckdb(e.sql);
    const reader = await conn.runAndReadAll(sql);
    e.columns = reader.columnNames();
    e.rows = reader.getRows().map((r) => r.map((v) => (v === null ? null : typeof v === 'boolean' ? String(v) : String(v))));
    if (e.state !== 'CANCELLED') e.state = 'SUCCEEDED';
  } catch (err) {
    e.state = 'FAILED';
    e.reason = (err as Error).message.split('\n')[0];
  }
}
