/**
 * Streamed responses (InvokeModelWithResponseStream, the body logged as an array of chunks) read in SQL, in
 * both dialects: per record the tokens the parser (src/ingest/parseBedrockRecord.ts) reads — Anthropic
 * message_start / message_delta usage, Converse-stream and Nova metadata.usage, Titan and Llama counts, the
 * last chunk's invocation metrics overriding them, the first cache-write TTL split — and only the records
 * the SQL cannot read exactly (a count that is no plain integer, a cacheDetails split, a body held as a
 * string, no count at all) left to tokor. Each fixture record names its case in requestMetadata.case; the
 * cases named complex-… are the ones tokor must parse itself.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregationQueries, stagedQueries } from '../../src/engines/sql/aggregation.js';
import { LINE_BYTES, linesSql } from '../../src/engines/duckdb/lines.js';
import { DUCKDB, TRINO } from '../../src/engines/sql/dialect.js';
import { parseBedrockRecord } from '../../src/ingest/parseBedrockRecord.js';
import { TRINO_MACROS, trinoForDuckdb } from '../helpers/athena-server.js';

const FILE = 'fixtures/engines/streamed-bodies.jsonl';
const LINES = readFileSync(FILE, 'utf8').split('\n').filter((l) => l !== '');
const LINES_SQL = linesSql([FILE], LINE_BYTES);
const SPEC = { groupBy: ['case'], perStratum: 1000, seed: 3, promptBounds: [] };

interface Tokens {
  err: string | null;
  tin: number;
  tout: number;
  tcr: number;
  tcw: number;
  tcw1h: number;
  ttl: string;
  exceed: number;
}

/** Per case, the tokens the parser reads; the cases it leaves to tokor. */
function expected(): { plain: Map<string, Tokens>; complex: Set<string> } {
  const plain = new Map<string, Tokens>();
  const complex = new Set<string>();
  for (const [i, line] of LINES.entries()) {
    const obj = JSON.parse(line) as { requestMetadata: { case: string } };
    const name = obj.requestMetadata.case;
    if (name.startsWith('complex-')) {
      complex.add(line);
      continue;
    }
    const r = parseBedrockRecord(obj, { file: FILE, line: i + 1 });
    plain.set(name, {
      err: r.errorCode ?? null,
      tin: r.tokens.input,
      tout: r.tokens.output,
      tcr: r.tokens.cacheRead,
      tcw: r.tokens.cacheWrite,
      tcw1h: r.tokens.cacheWrite1h ?? 0,
      ttl: r.cacheWriteTtl ?? '5m',
      exceed: r.problems?.includes('1h cache writes exceed cache writes') ? 1 : 0,
    });
  }
  return { plain, complex };
}

function byCase(rows: Record<string, unknown>[]): Map<string, Tokens> {
  const out = new Map<string, Tokens>();
  for (const r of rows) {
    const n = (k: string) => Number(r[k] as bigint | number);
    out.set(String(r.tag0), { err: (r.err as string | null) ?? null, tin: n('tin'), tout: n('tout'), tcr: n('tcr'), tcw: n('tcw'), tcw1h: n('tcw1h'), ttl: String(r.ttl), exceed: n('exceed') });
  }
  return out;
}

let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  for (const m of TRINO_MACROS) await conn.run(m);
});
afterAll(() => {
  conn?.closeSync();
  db?.closeSync();
});
const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects();

describe('streamed responses in SQL', () => {
  const want = expected();

  it('the fixture has the shapes: plain cases and the ones left to tokor', () => {
    expect(want.plain.size).toBeGreaterThan(30);
    expect(want.complex.size).toBe(8);
  });

  for (const [name, d, asRun] of [
    ['DuckDB', DUCKDB, (s: string) => s],
    ['Athena (Trino)', TRINO, trinoForDuckdb],
  ] as const) {
    it(`${name}: the parser's tokens per record, only the complex-… records left to tokor`, async () => {
      const q = aggregationQueries(d, `SELECT filename AS file, ordinality AS pos, line FROM ${LINES_SQL} WITH ORDINALITY`, SPEC);
      expect(byCase(await rows(asRun(q.aggregate)))).toEqual(want.plain);
      const lines = await rows(asRun(q.lines));
      expect(new Set(lines.filter((l) => l.part === 'complex').map((l) => String(l.line)))).toEqual(want.complex);
    });
  }

  it('DuckDB, one pass: leaves to tokor as well a chunk its typed facts cannot be sure of, which the JSON facts read', async () => {
    // A key ending in "okens" that holds text, outside the usage object; a cacheDetails key outside it: the typed
    // facts ask it of the chunk's whole text. The third line is the same record as it is logged.
    const file = 'fixtures/engines/streamed-typed-unsure.jsonl';
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    const source = linesSql([file], LINE_BYTES);
    const json = aggregationQueries(DUCKDB, `SELECT filename AS file, ordinality AS pos, line FROM ${source} WITH ORDINALITY`, SPEC);
    const read = byCase(await rows(json.aggregate));
    expect([...read.keys()].sort()).toEqual(['typed-sure', 'typed-unsure-cache-details', 'typed-unsure-text-key']);
    expect((await rows(json.lines)).filter((l) => l.part === 'complex')).toEqual([]);
    const q = stagedQueries(DUCKDB, `SELECT filename AS file, line FROM ${source}`, SPEC, 'unsure');
    await conn.run(q.stage);
    expect(byCase(await rows(q.aggregate))).toEqual(new Map([['typed-sure', read.get('typed-sure')]]));
    expect(new Set((await rows(q.complexLines(file))).map((r) => String(r.line)))).toEqual(new Set(lines.slice(0, 2)));
  });

  it('DuckDB, one pass (the typed reader): the same tokens and the same lines left to tokor', async () => {
    const q = stagedQueries(DUCKDB, `SELECT filename AS file, line FROM ${LINES_SQL}`, SPEC, 'streamed');
    await conn.run(q.stage);
    expect(byCase(await rows(q.aggregate))).toEqual(want.plain);
    const files = (await rows(q.complexFiles)).map((r) => String(r.file));
    expect(files).toEqual([FILE]);
    expect(new Set((await rows(q.complexLines(FILE))).map((r) => String(r.line)))).toEqual(want.complex);
  });
});
