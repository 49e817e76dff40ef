/**
 * The staged row of DuckDB's one-pass push-down (stagedQueries), kept small for a multi-GB log's table to stay
 * in memory: the ARN only when grouping by role, the timestamp as a TIMESTAMP (the day derived from it), the
 * request ID as its 128-bit MD5. The report's figures stay those of the text columns (aggregationQueries).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregationQueries, stagedQueries } from '../../src/engines/sql/aggregation.js';
import { DUCKDB, lit } from '../../src/engines/sql/dialect.js';

function record(team: string, requestId: string | undefined, timestamp: string, input = 100): string {
  return JSON.stringify({
    timestamp,
    identity: { arn: `arn:aws:sts::123456789012:assumed-role/${team}-role/s` },
    region: 'us-east-1',
    ...(requestId === undefined ? {} : { requestId }),
    operation: 'Converse',
    modelId: 'amazon.nova-lite-v1:0',
    input: { inputTokenCount: input, cacheReadInputTokenCount: 0, cacheWriteInputTokenCount: 0 },
    output: { outputTokenCount: 7 },
    requestMetadata: { team },
  });
}

const LONG = 'a'.repeat(200);
const LINES = [
  // IDs equal but for their last character, past a long common prefix: two requests.
  record('prefix', `${LONG}1`, '2025-11-03T10:00:00Z'),
  record('prefix', `${LONG}2`, '2025-11-03T10:00:00Z'),
  // The same ID, model and tokens twice: one request and one duplicate (a third copy with other tokens is a request).
  record('same', 'req-1', '2025-11-03T11:00:00.500Z'),
  record('same', 'req-1', '2025-11-03T11:00:00Z'),
  record('same', 'req-1', '2025-11-04T00:00:00.000Z', 101),
  // No ID: never a duplicate.
  record('none', undefined, '0005-02-03T04:05:06.007Z'),
  record('none', undefined, '0005-02-03T04:05:06.007Z'),
];
const SOURCE = `SELECT 'mem.jsonl' AS file, line FROM (VALUES ${LINES.map((l) => `(${lit(l)})`).join(', ')}) v(line)`;

describe('the staged row (DuckDB, one pass)', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects();
  const plain = (xs: Record<string, unknown>[]) => xs.map((x) => JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? Number(v) : v))) as Record<string, unknown>);
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
  });
  afterAll(() => {
    conn.closeSync();
    db.closeSync();
  });

  it('merges equal request IDs only, and gives the timestamps and days as text', async () => {
    const spec = { groupBy: ['team', 'day'], perStratum: 10, seed: 1, promptBounds: [] };
    const q = stagedQueries(DUCKDB, SOURCE, spec, 'dedupe');
    await conn.run(q.stage);
    const got = plain(await rows(`SELECT tag0 AS team, day, requests, duplicates, tin, min_ts, max_ts FROM (${q.aggregate}) a ORDER BY team, day`));
    expect(got).toEqual([
      { team: 'none', day: '0005-02-03', requests: 2, duplicates: 0, tin: 200, min_ts: '0005-02-03T04:05:06.007Z', max_ts: '0005-02-03T04:05:06.007Z' },
      { team: 'prefix', day: '2025-11-03', requests: 2, duplicates: 0, tin: 200, min_ts: '2025-11-03T10:00:00.000Z', max_ts: '2025-11-03T10:00:00.000Z' },
      { team: 'same', day: '2025-11-03', requests: 1, duplicates: 1, tin: 100, min_ts: '2025-11-03T11:00:00.000Z', max_ts: '2025-11-03T11:00:00.500Z' },
      { team: 'same', day: '2025-11-04', requests: 1, duplicates: 0, tin: 101, min_ts: '2025-11-04T00:00:00.000Z', max_ts: '2025-11-04T00:00:00.000Z' },
    ]);
    // The same rows as the two-query definition (Athena's), which keeps the text.
    const two = aggregationQueries(DUCKDB, `SELECT file, row_number() OVER () AS pos, line FROM (${SOURCE}) s`, spec);
    const sorted = (xs: Record<string, unknown>[]) => plain(xs).map((x) => JSON.stringify(x)).sort();
    // The two-query aggregate (Athena's) also counts copies it cannot de-duplicate: none here.
    const twoRows = await rows(two.aggregate);
    expect(twoRows.map((r) => [Number(r.conflicting), Number(r.mixed)])).toEqual(twoRows.map(() => [0, 0]));
    expect(sorted(await rows(q.aggregate))).toEqual(sorted(twoRows.map(({ conflicting: _, mixed: __, ...r }) => r)));
  });

  it('keeps the ARN only when grouping by role, the timestamp as a TIMESTAMP and the request ID as 128 bits', async () => {
    const types = async (groupBy: string[], table: string) => {
      await conn.run(stagedQueries(DUCKDB, SOURCE, { groupBy, perStratum: 10, seed: 1, promptBounds: [] }, table).stage);
      return Object.fromEntries((await rows(`SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ${lit(table)}`)).map((r) => [r.column_name, r.data_type]));
    };
    const byTeam = await types(['team'], 'by_team');
    expect(byTeam).not.toHaveProperty('arn');
    expect(byTeam).not.toHaveProperty('day');
    expect(byTeam.ts).toBe('TIMESTAMP');
    expect(byTeam.request_key).toBe('UHUGEINT');
    expect(await types(['role'], 'by_role')).toHaveProperty('arn', 'VARCHAR');
    const q = stagedQueries(DUCKDB, SOURCE, { groupBy: ['role'], perStratum: 10, seed: 1, promptBounds: [] }, 'by_role');
    expect(plain(await rows(`SELECT arn, SUM(requests) AS requests FROM (${q.aggregate}) a GROUP BY arn ORDER BY arn`)).map((r) => [r.arn, r.requests])).toEqual([
      ['arn:aws:sts::123456789012:assumed-role/none-role/s', 2],
      ['arn:aws:sts::123456789012:assumed-role/prefix-role/s', 2],
      ['arn:aws:sts::123456789012:assumed-role/same-role/s', 2],
    ]);
  });
});
