/**
 * The DuckDB engine's memory is bounded whatever the input: its DuckDB has a memory limit that grows with
 * the reading threads only, spills to a directory of its own (removed on close), and does not keep row order.
 * Without these DuckDB takes up to 80% of the machine's memory and keeps what it read (2.3 GB of RSS on a
 * 1.27 GB log).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { allOf, duckdbEngine, openDuckdb, streamRowsOrOneThread } from '../../src/engines/duckdb/index.js';
import type { ScanRequest } from '../../src/engines/types.js';

describe('openDuckdb', () => {
  it('limits memory by thread count, spills to its own directory and removes it on close', async () => {
    const setting = async (threads: number) => {
      const db = await openDuckdb(threads);
      try {
        const row = (
          await db.conn.runAndReadAll(
            `SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t, current_setting('preserve_insertion_order') AS o, current_setting('threads') AS n`,
          )
        ).getRowObjects()[0]!;
        expect(existsSync(db.spill)).toBe(true);
        expect(db.spill.startsWith(os.tmpdir())).toBe(true);
        return { m: row.m, t: row.t, o: row.o, n: row.n, spill: db.spill };
      } finally {
        await db.close();
        expect(existsSync(db.spill)).toBe(false);
      }
    };
    const two = await setting(2);
    const three = await setting(3);
    // DuckDB prints the limit in its own units (732.4 MiB for 768 MB): compare as bytes.
    const bytes = (s: unknown) => {
      const m = /^([0-9.]+) (KiB|MiB|GiB)$/.exec(String(s));
      if (!m) throw new Error(`unexpected memory_limit ${String(s)}`);
      return Number(m[1]) * 1024 ** ({ KiB: 1, MiB: 2, GiB: 3 } as const)[m[2] as 'KiB' | 'MiB' | 'GiB'];
    };
    expect(bytes(two.m)).toBeCloseTo(768e6, -6);
    expect(bytes(three.m)).toBeCloseTo(1024e6, -6);
    expect(two.t).toBe(two.spill);
    expect(two.o).toBe(false);
    expect(Number(two.n)).toBe(2);
  });
});

describe('streamRowsOrOneThread', () => {
  it('runs a query once more on one thread when DuckDB runs out of memory before its first row', async () => {
    const db = await openDuckdb(2);
    try {
      // Out of memory on more than one thread only (as the sample's sort of a near-whole-log sample is).
      const sql = `SELECT CASE WHEN current_setting('threads') > 1 THEN error('Out of Memory Error: failed to pin block') ELSE 1 END AS x, current_setting('threads') AS n FROM range(3)`;
      const rows = [];
      for await (const r of streamRowsOrOneThread(db.conn, sql, { paths: [], groupBy: [] } as unknown as ScanRequest)) rows.push(r);
      expect(rows.map((r) => [Number(r.x), Number(r.n)])).toEqual([
        [1, 1],
        [1, 1],
        [1, 1],
      ]);
      // The setting comes back; another error is no reason to retry.
      expect(Number((await db.conn.runAndReadAll(`SELECT current_setting('threads') AS n`)).getRowObjects()[0]!.n)).toBe(2);
      const other = streamRowsOrOneThread(db.conn, `SELECT error('something else') AS x`, { paths: [], groupBy: [] } as unknown as ScanRequest);
      await expect(other.next()).rejects.toThrow(/something else/);
    } finally {
      await db.close();
    }
  });
});

describe('allOf: a result DuckDB ended early', () => {
  async function* items(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
  const drain = async (it: AsyncIterable<number>) => {
    const got: number[] = [];
    for await (const x of it) got.push(x);
    return got;
  };

  it('passes every item on, and fails when fewer came than expected, naming both counts', async () => {
    expect(await drain(allOf(items(3), 3, 'the sample'))).toEqual([0, 1, 2]);
    await expect(drain(allOf(items(2), 90_113, 'the sample'))).rejects.toThrow(/DuckDB returned 2 of the sample's 90,113 lines .*--label-sample/);
  });
});

describe('the DuckDB engine, a sample larger than one sort', () => {
  it('writes the sample out by ranges of hashes and reads each back sorted: the same result as one sorted read', async () => {
    const req = (samplePageBytes?: number): ScanRequest => ({
      paths: ['fixtures/sample'],
      groupBy: ['team', 'role'],
      workers: 0,
      labelSample: { seed: 1 },
      ...(samplePageBytes !== undefined ? { samplePageBytes } : {}),
    });
    const whole = await duckdbEngine.scan(req());
    // Each of the bundled sample's records is a line of well over 300 bytes: 16 KB pages of a sample of more
    // than 1,000 of them make more than 18 ranges.
    const paged = await duckdbEngine.scan(req(16 << 10));
    expect(whole.labelSample?.size ?? whole.acc.valid).toBeGreaterThan(1000);
    expect(paged.labelSample).toEqual(whole.labelSample);
    expect(paged.acc).toEqual(whole.acc);
  });
});
