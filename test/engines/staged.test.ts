/**
 * DuckDB's one-pass push-down (stagedQueries) against the two-query definition (aggregationQueries,
 * which Athena runs): the same aggregate rows, the same sampled lines, the same lines left to tokor.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { aggregationQueries, stagedQueries, takeCopies } from '../../src/engines/sql/aggregation.js';
import { LINE_BYTES, linesSql } from '../../src/engines/duckdb/lines.js';
import { DUCKDB } from '../../src/engines/sql/dialect.js';

// typed-reader-edges: the shapes DuckDB's typed reader cannot tell apart (an array, a string or an empty object
// where an object is read; a null cacheDetails), which must go the exact way. conflicting-copies and parsed-copy:
// a request of each kind whose copies neither engine can de-duplicate as tokor does.
const FILES = [
  'fixtures/ingest/bedrock-bodies.jsonl',
  'fixtures/ingest/bedrock-edge-cases.jsonl',
  'fixtures/ingest/bad-lines.jsonl',
  'fixtures/analyze/mixed/invocations.jsonl',
  'fixtures/engines/typed-reader-edges.jsonl',
  'fixtures/engines/streamed-bodies.jsonl',
  'fixtures/engines/conflicting-copies.jsonl',
  'fixtures/engines/parsed-copy.jsonl',
];

async function* toAsync<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

/** An aggregate row without the counts of copies it cannot de-duplicate (columns of aggregationQueries' aggregate only). */
function withoutConflicting(row: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...row };
  delete rest.conflicting;
  delete rest.mixed;
  return rest;
}

describe('stagedQueries (DuckDB, one pass)', () => {
  it('gives the rows, sample and complex lines of aggregationQueries', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      // As the engine runs (duckdbSettings): pagedCopy's row groups by bytes need it.
      await conn.run('SET preserve_insertion_order = false');
      const lines = linesSql(FILES, LINE_BYTES);
      const numberedSource = `SELECT filename AS file, ordinality AS pos, line FROM ${lines} WITH ORDINALITY`;
      const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects();
      const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
      for (const spec of [
        { groupBy: ['team', 'role', 'day', 'region'], perStratum: 1000, seed: 1, promptBounds: [] },
        { groupBy: ['team'], perStratum: 1, seed: 7, promptBounds: [] },
      ]) {
        const two = aggregationQueries(DUCKDB, numberedSource, spec);
        const one = stagedQueries(DUCKDB, `SELECT filename AS file, line FROM ${lines}`, spec, `t${spec.seed}`);
        const expectedLines = await rows(two.lines);
        await conn.run(one.stage);
        // Rows without a request ID carry a random key of their own: compare the rows, not that key. The two-query
        // aggregate (Athena's) also counts the copies it cannot de-duplicate, which the staged pass counts apart.
        const twoRows = await rows(two.aggregate);
        const [conflicts] = await rows(one.duplicateConflicts);
        const total = (column: string) => twoRows.reduce((n, r) => n + Number(r[column]), 0);
        // Both files hold copies of one request (fx-dup-1, the same model and tokens): plain copies for two teams,
        // and a plain copy beside one tokor parses itself. Each kind counts its request ID once.
        expect({ conflicting: total('conflicting'), mixed: total('mixed') }).toEqual({ conflicting: Number(conflicts!.conflicting), mixed: Number(conflicts!.mixed) });
        expect({ conflicting: total('conflicting'), mixed: total('mixed') }).toEqual({ conflicting: 1, mixed: 1 });
        expect(sorted(await rows(one.aggregate))).toEqual(sorted(twoRows.map(withoutConflicting)));
        const fetched: string[] = [];
        const fetchRows = (await rows(one.fetch)).map((r) => ({ line: String(r.line), h: r.h, copies: Number(r.copies) }));
        for await (const line of takeCopies(toAsync(fetchRows))) fetched.push(line);
        const sampled = expectedLines.filter((l) => l.part === 'sample').map((l) => String(l.line));
        expect(sorted(fetched)).toEqual(sorted(sampled));
        // The totals count the sample's lines and their bytes.
        const [totals] = await rows(one.wantedTotals);
        expect(Number(totals!.lines)).toBe(sampled.length);
        expect(Number(totals!.bytes)).toBe(sampled.reduce((n, l) => n + Buffer.byteLength(l), 0));
        // Written out by ranges of hashes, each read back sorted: the pages in order give the same rows in the same order.
        const dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-staged-'));
        try {
          await conn.run(one.pagedCopy(dir, 3));
          const pages = readdirSync(dir).sort();
          expect(pages).toEqual(['page=1', 'page=2', 'page=3'].slice(0, Math.min(3, Number(totals!.hashes))));
          const paged: Record<string, unknown>[] = [];
          for (let p = 1; p <= pages.length; p++) paged.push(...(await rows(one.page(dir, p))));
          expect(paged).toEqual(await rows(one.fetch));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        // The lines left to tokor, numbered within their file: a position less its file's first, plus one.
        const firsts = new Map((await rows(`SELECT file, MIN(pos) AS first FROM (${numberedSource}) s GROUP BY file`)).map((r) => [r.file, BigInt(r.first as bigint)]));
        const complex = expectedLines.filter((l) => l.part === 'complex').map((l) => [l.file, BigInt(l.pos as bigint) - firsts.get(l.file)! + 1n, l.line]);
        expect(complex.length).toBeGreaterThan(0);
        const files = (await rows(one.complexFiles)).map((r) => String(r.file));
        expect(files).toEqual([...new Set(complex.map((c) => String(c[0])))].sort());
        const hits: unknown[] = [];
        for (const file of files) {
          const fileLines = `SELECT ordinality AS pos, line FROM ${linesSql([file], LINE_BYTES)} WITH ORDINALITY`;
          const got = await rows(one.numbered(fileLines, file));
          // In order within the file.
          expect(got.map((r) => r.pos)).toEqual([...got.map((r) => r.pos)].sort((a, b) => Number(a) - Number(b)));
          hits.push(...got.map((r) => [file, r.pos, r.line]));
        }
        expect(sorted(hits)).toEqual(sorted(complex));
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
