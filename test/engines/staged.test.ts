/**
 * DuckDB's one-pass push-down (stagedQueries) against the two-query definition (aggregationQueries,
 * which Athena runs): the same aggregate rows, the same sampled lines, the same lines left to tokor.
 */
import { describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBListValue, type DuckDBStructValue } from '@duckdb/node-api';
import { aggregationQueries, stagedQueries } from '../../src/engines/sql/aggregation.js';
import { DUCKDB, lit } from '../../src/engines/sql/dialect.js';

const FILES = ['fixtures/ingest/bedrock-bodies.jsonl', 'fixtures/ingest/bedrock-edge-cases.jsonl', 'fixtures/ingest/bad-lines.jsonl', 'fixtures/analyze/mixed/invocations.jsonl'];

describe('stagedQueries (DuckDB, one pass)', () => {
  it('gives the rows, sample and complex lines of aggregationQueries', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const lines = `read_csv([${FILES.map(lit).join(', ')}], columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false, auto_detect = false, filename = true)`;
      const numberedSource = `SELECT filename AS file, ordinality AS pos, line FROM ${lines} WITH ORDINALITY`;
      const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects();
      const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
      for (const spec of [
        { groupBy: ['team', 'role', 'day', 'region'], perStratum: 1000, seed: 1 },
        { groupBy: ['team'], perStratum: 1, seed: 7 },
      ]) {
        const two = aggregationQueries(DUCKDB, numberedSource, spec);
        const one = stagedQueries(DUCKDB, `SELECT filename AS file, line FROM ${lines}`, numberedSource, spec, `t${spec.seed}`);
        const expectedLines = await rows(two.lines);
        await conn.run(one.stage);
        // Rows without a request ID carry a random key of their own: compare the rows, not that key.
        expect(sorted(await rows(one.aggregate))).toEqual(sorted(await rows(two.aggregate)));
        expect(sorted((await rows(one.fetch)).map((r) => r.line))).toEqual(sorted(expectedLines.filter((l) => l.part === 'sample').map((l) => l.line)));
        expect(Number((await rows(one.complex))[0]!.n)).toBeGreaterThan(0);
        const numbered = await rows(one.numbered);
        const hits = numbered.flatMap((r) => ((r.hits as DuckDBListValue | null)?.items ?? []).map((h) => (h as DuckDBStructValue).entries).map((e) => [r.file, e.pos, e.line]));
        expect(sorted(hits)).toEqual(sorted(expectedLines.filter((l) => l.part === 'complex').map((l) => [l.file, l.pos, l.line])));
        const firsts = await rows(`SELECT file, MIN(pos) AS first FROM (${numberedSource}) s GROUP BY file`);
        expect(sorted(numbered.map((r) => [r.file, r.first]))).toEqual(sorted(firsts.map((r) => [r.file, r.first])));
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
