/**
 * The lines the SQL leaves to tokor, found in a local file by tokor's reader and kept in place in blocks of
 * the file's lines (the others blanked): the line numbers DuckDB gives
 * the same rows (WITH ORDINALITY, how they were numbered before), through a BOM, CRLF, blank lines, repeated
 * lines, gzip, and a line of the same length and middle as a wanted one that is not one of them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckdb } from '../../src/engines/duckdb/index.js';
import { LineSet, findLines } from '../../src/engines/duckdb/findLines.js';
import { LINE_BYTES, linesSql } from '../../src/engines/duckdb/lines.js';
import { listInputs } from '../../src/engines/inprocess/index.js';

const line = (id: string, text: string) => JSON.stringify({ requestId: id, modelId: 'm', body: text });
const stream = line('s1', 'streamed — ünïcode');
const twin = line('s2', 'x'.repeat(200));
// Same byte length and the same 32 bytes in the middle as `twin`, different elsewhere.
const lookalike = line('s3', 'x'.repeat(200));
const LINES = [stream, '', line('p1', 'plain'), twin, '   ', lookalike, line('p2', 'plain'), stream, twin];
const WANTED = [stream, twin];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tokor-findlines-'));
  const text = `\ufeff${LINES.join('\r\n')}\r\n`;
  await writeFile(path.join(dir, 'crlf.jsonl'), text);
  await writeFile(path.join(dir, 'crlf.jsonl.gz'), gzipSync(Buffer.from(text)));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function found(file: string): Promise<[number, string][]> {
  const [src] = await listInputs([path.join(dir, file)], []);
  const wanted = new LineSet();
  for (const t of WANTED) wanted.add(t);
  const out: [number, string][] = [];
  for await (const f of findLines(src!, wanted, {})) {
    if (f.kind !== 'block') throw new Error('no line here is over the limit');
    // The block's lines in place: the found ones as they are in the file, the others empty.
    f.bytes
      .toString('utf8')
      .split('\n')
      .forEach((l, i) => {
        if (l) out.push([f.startLine + i, l.replace(/^\ufeff/, '').replace(/\r$/, '')]);
      });
  }
  return out;
}

describe('findLines', () => {
  it('numbers the wanted lines as DuckDB numbers its rows, the lookalike left out', async () => {
    expect(lookalike.length).toBe(twin.length);
    const { conn, close } = await openDuckdb(1);
    try {
      const file = path.join(dir, 'crlf.jsonl').replace(/'/g, "''");
      const rows = (
        await conn.runAndReadAll(
          `SELECT ordinality AS pos, line FROM ${linesSql([file], LINE_BYTES)} WITH ORDINALITY`,
        )
      ).getRowObjects();
      const byDuckdb = rows.filter((r) => WANTED.includes(String(r.line))).map((r) => [Number(r.pos as bigint), String(r.line)]);
      expect(byDuckdb).toEqual([
        [1, stream],
        [4, twin],
        [8, stream],
        [9, twin],
      ]);
      expect(await found('crlf.jsonl')).toEqual(byDuckdb);
      expect(await found('crlf.jsonl.gz')).toEqual(byDuckdb);
    } finally {
      await close();
    }
  });

  it('LineSet: a line is in it by its whole bytes, not by its length and middle alone', () => {
    const set = new LineSet();
    set.add(twin);
    set.add(twin);
    expect(set.size).toBe(1);
    const b = Buffer.from(`${lookalike}\n${twin}`);
    expect(set.has(b, 0, lookalike.length)).toBe(false);
    expect(set.has(b, lookalike.length + 1, b.length)).toBe(true);
  });
});
