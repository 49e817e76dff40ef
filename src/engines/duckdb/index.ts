/**
 * The DuckDB engine (`--engine duckdb`): analyze's aggregation pushed down to
 * an embedded DuckDB (@duckdb/node-api) over local files, folders, `.gz`, and
 * `s3://` paths or globs (DuckDB's httpfs extension, credentials from the
 * standard AWS chain). DuckDB reads each line as text; the one SQL definition
 * (../sql/aggregation.ts) extracts, aggregates and samples; tokor prices,
 * labels and builds the report (../sql/collect.ts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError, Interrupted, RuntimeFailure } from '../../errors.js';
import { startsGzip, tokorLine, type InputSource, type RepeatedInput } from '../../ingest/index.js';
import { inProcessEngine, inputBytes, listInputs, prefetchInputs, readInput } from '../inprocess/index.js';
import type { ScanRequest, ScanResult, TrafficEngine } from '../types.js';
import { stagedQueries, takeCopies, type StagedQueries } from '../sql/aggregation.js';
import { DEFAULT_PER_STRATUM, refuseInProcessOnly, scanResult, toAccumulator, uncountableCopies, type ComplexBlock, type ComplexLine } from '../sql/collect.js';
import { DUCKDB, lit } from '../sql/dialect.js';
import { LINE_BYTES, LONG_LINE_BYTES, accountsFor, isLongLine, linesSql } from './lines.js';
import { LineSet, findLines } from './findLines.js';
import { fsFailure } from '../../io/fsErrors.js';

const REMOTE = /^(s3|s3a|s3n|gs|gcs|r2|https?):\/\//i;

async function scanDuckdb(req: ScanRequest): Promise<ScanResult> {
  refuseInProcessOnly(req, 'duckdb');
  // s3:// and other URLs are read by DuckDB itself; local globs ('logs/**/*.json.gz', quoted) are expanded by DuckDB, then read as files.
  const remote = req.paths.filter((p) => REMOTE.test(p));
  const threads = os.availableParallelism();
  const { conn, spill, close } = await openDuckdb(threads);
  const stop = () => conn.interrupt();
  req.signal?.addEventListener('abort', stop, { once: true });
  try {
    const local: string[] = [];
    for (const p of req.paths) {
      if (REMOTE.test(p)) continue;
      if (!/[*?[]/.test(p) || existsSync(p)) {
        local.push(p);
        continue;
      }
      const found = (await run(conn, `SELECT file FROM glob(${lit(p)}) ORDER BY file`, req)).getRowObjects().map((r) => String(r.file));
      if (found.length === 0) throw new InputError('no file matches this pattern', p);
      local.push(...found);
    }
    const repeated: RepeatedInput[] = [];
    const inputs = local.length ? await listInputs(local, repeated) : [];
    await checkLocalInputs(inputs);
    const files = [...inputs.map((i) => i.path), ...remote];
    const display = new Map(inputs.map((i) => [i.path, i.display]));
    if (remote.length) await prepareRemote(conn);
    // Every later read of the lines uses the buffer the staging pass read them with: the first read's (lines.ts),
    // or, when a line is longer, the largest. An s3:// object's size is not checked (below): the largest from the start.
    const sizes = req.lineBytes ?? { first: LINE_BYTES, long: LONG_LINE_BYTES };
    let lineBytes = remote.length ? sizes.long : sizes.first;
    const lines = (of: string[]) => linesSql(of, lineBytes);
    const perStratum = req.labelSample?.perStratum ?? DEFAULT_PER_STRATUM;
    const seed = req.labelSample?.seed ?? 1;
    // One pass parses the logs into a table of the fields tokor needs; the aggregate and the strata come
    // from that table; the sampled lines' text is read back without parsing JSON.
    const staged = () => stagedQueries(DUCKDB, `SELECT filename AS file, line FROM ${lines(files)}`, { groupBy: req.groupBy, perStratum, seed, promptBounds: req.promptBounds ?? [] }, TABLE);
    let q = staged();
    /** Stages the lines; false when they are to be read again with the largest buffer. */
    const stage = async (): Promise<boolean> => {
      try {
        await run(conn, q.stage, req);
      } catch (e) {
        // With the first read's buffer, a longer line fails DuckDB's reader in more ways than it names (a line
        // too long; a file it cannot read in parallel; "Expected Number of Columns: 1 Found: 2" where the line
        // crosses a buffer, seen with eight logs each ending in a 17 MiB line): any failure is read again with
        // the largest buffer, whose failure is the one reported. The table is not created.
        if (lineBytes < sizes.long && !(e instanceof Interrupted)) return false;
        throw e;
      }
      const left = await lastLineLeftOut(conn, q, inputs, req);
      if (!left) return true;
      if (lineBytes < sizes.long) {
        await run(conn, `DROP TABLE ${TABLE}`, req);
        return false;
      }
      throw new InputError(`its last line (${left.missing.toLocaleString('en-US')} bytes) is longer than DuckDB's line reader takes, and it left the line out: use --engine inprocess, which skips it as too long`, left.display);
    };
    if (!(await stage())) {
      lineBytes = sizes.long;
      await run(conn, `SET memory_limit = '${memoryLimitMb(threads, true)}MB'`, req);
      q = staged();
      await stage();
    }
    const rows = (await run(conn, q.aggregate, req)).getRowObjects();
    const conflicts = (await run(conn, q.duplicateConflicts, req)).getRowObjects()[0]!;
    const conflicting = Number(conflicts.conflicting as bigint) + Number(conflicts.mixed as bigint);
    if (conflicting > 0) throw uncountableCopies('DuckDB', conflicting, 'use --engine inprocess');
    // Files as DuckDB names them (an s3:// glob's objects, by name), in input order: local files as given, then remote objects.
    const index = new Map(files.map((f, i) => [f, i]));
    const withComplex = (await run(conn, q.complexFiles, req))
      .getRowObjects()
      .map((r) => ({ file: String(r.file), n: Number(r.n as bigint) }))
      .sort(({ file: a }, { file: b }) => (index.get(a) ?? files.length) - (index.get(b) ?? files.length) || (a < b ? -1 : a > b ? 1 : 0));
    // The lines tokor parses itself, file by file, numbered within their file. A local file is read again by
    // tokor's reader, which finds them by their bytes; DuckDB numbers an s3:// object's rows (WITH ORDINALITY,
    // on one thread), so only objects holding such lines are numbered.
    const sources = new Map(inputs.map((i) => [i.path, i]));
    async function* complex(): AsyncGenerator<ComplexLine | ComplexBlock> {
      for (const { file, n } of withComplex) {
        const shown = display.get(file) ?? file;
        const fileIndex = index.get(file) ?? 0;
        const src = sources.get(file);
        if (src) {
          const wanted = new LineSet();
          for await (const r of streamRows(conn, q.complexLines(file), req)) wanted.add(String(r.line));
          let found = 0;
          for await (const f of findLines(src, wanted, { ...(req.maxLineBytes !== undefined ? { maxLineBytes: req.maxLineBytes } : {}), ...(req.signal ? { signal: req.signal } : {}) })) {
            if (f.kind === 'block') {
              found += f.found;
              yield { file: shown, fileIndex, startLine: f.startLine, bytes: f.bytes };
            } else {
              found++;
              yield { file: shown, fileIndex, line: f.line, text: '', overlong: f.bytes };
            }
          }
          if (found !== n) throw new RuntimeFailure(`${shown}: DuckDB left ${n} lines to tokor and tokor's reader found ${found} of them: the two read the file's lines differently; use --engine inprocess`);
          continue;
        }
        const fileLines = `SELECT ordinality AS pos, line FROM ${lines([file])} WITH ORDINALITY`;
        for await (const r of streamRows(conn, q.numbered(fileLines, file), req)) {
          yield { file: shown, fileIndex, line: Number(r.pos as bigint), text: String(r.line) };
        }
      }
    }
    // The sample's text comes back sorted (by hash, then text). A sort of more than about SAMPLE_PAGE_BYTES of
    // text outgrows DuckDB's memory limit, and DuckDB then ends the stream early without an error (a grouping
    // that samples nearly every record of a 3.7 GB log returned 90,112 of 794,338 lines). So a larger sample is
    // written out in one more read of the logs, by ranges of hashes of about that much text, into the spill
    // directory (Parquet), and each range is read back sorted on its own.
    const totals = (await run(conn, q.wantedTotals, req)).getRowObjects()[0]!;
    const sampleLines = Number(totals.lines as bigint);
    const pages = Math.max(1, Math.ceil(Number(totals.bytes as bigint) / (req.samplePageBytes ?? SAMPLE_PAGE_BYTES)));
    const row = (r: Record<string, unknown>) => ({ line: String(r.line), h: r.h, copies: Number(r.copies as bigint) });
    async function* fetched() {
      if (pages === 1) {
        for await (const r of streamRowsOrOneThread(conn, q.fetch, req)) yield row(r);
        return;
      }
      const dir = path.join(spill, 'sample');
      await run(conn, q.pagedCopy(dir, pages), req);
      for (let p = 1; p <= pages; p++) {
        // A range none of whose lines was read again has no folder: allOf reports the shortfall.
        if (!existsSync(path.join(dir, `page=${p}`))) continue;
        for await (const r of streamRowsOrOneThread(conn, q.page(dir, p), req)) yield row(r);
      }
    }
    const sample = allOf(takeCopies(fetched()), sampleLines, 'the sample');
    const { acc, labeled, estimated } = await toAccumulator({ rows, sample, complex: complex(), threads: req.workers ?? os.availableParallelism(), perStratum }, req, repeated);
    const shown = [...inputs.map((i) => i.display), ...remote];
    return scanResult(acc, shown, inputs.reduce((n, i) => n + (i.size ?? 0), 0), labeled, estimated, seed);
  } finally {
    req.signal?.removeEventListener('abort', stop);
    await close();
  }
}

/** Bytes as MiB, as a message gives them (64 MiB; 0.25 MiB). */
const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;

/** The staged records' table. */
const TABLE = 'tokor_records';

/**
 * The first local file, in input order, whose size the lines DuckDB read from it do not account for
 * (lines.ts, accountsFor): DuckDB left out its last line. A gzip file's size is its trailer's (its last
 * member's, modulo 2^32); when that does not account for the lines (several members), the file is inflated
 * and counted (a file that does not inflate to its end is left to DuckDB, which read it).
 */
async function lastLineLeftOut(conn: DuckDBConnection, q: StagedQueries, inputs: InputSource[], req: ScanRequest): Promise<{ display: string; missing: number } | undefined> {
  if (inputs.length === 0) return undefined;
  const read = new Map((await run(conn, q.linesPerFile(inputs.map((i) => i.path)), req)).getRowObjects().map((r) => [String(r.file), { bytes: Number(r.bytes as bigint), lines: Number(r.lines as bigint) }]));
  for (const src of inputs) {
    const { bytes, lines } = read.get(src.path) ?? { bytes: 0, lines: 0 };
    let size = src.size ?? (await stat(src.path)).size;
    if (/\.gz$/i.test(src.path)) {
      const trailer = await gzipTrailer(src.path, size);
      if (trailer !== undefined && accountsFor(trailer, bytes, lines, true)) continue;
      const inflated = await inflatedSize(src);
      if (inflated === undefined) continue;
      size = inflated;
    }
    if (!accountsFor(size, bytes, lines)) return { display: src.display, missing: size - bytes - lines };
  }
  return undefined;
}

/** A gzip file's last four bytes: its last member's size, modulo 2^32. */
async function gzipTrailer(file: string, size: number): Promise<number | undefined> {
  if (size < 18) return undefined;
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, size - 4);
    return bytesRead === 4 ? b.readUInt32LE(0) : undefined;
  } finally {
    await fh.close();
  }
}

/** A gzip file's bytes once inflated, counted as tokor's reader inflates them; undefined if it does not read to its end. */
async function inflatedSize(src: InputSource): Promise<number | undefined> {
  let n = 0;
  try {
    for await (const b of inputBytes(src)) n += b.length;
  } catch {
    return undefined;
  }
  return n;
}

/** At most this much of the sample's text is sorted at a time (within the memory limit, memoryLimitMb). */
const SAMPLE_PAGE_BYTES = 256 << 20;

/**
 * The items of `items`, then a failure if they were fewer than `expected`: DuckDB ends a streamed result early,
 * without an error, when it runs out of memory while returning it.
 */
export async function* allOf<T>(items: AsyncIterable<T>, expected: number, what: string): AsyncGenerator<T> {
  let n = 0;
  for await (const x of items) {
    n++;
    yield x;
  }
  if (n < expected) throw new RuntimeFailure(`DuckDB returned ${n.toLocaleString('en-US')} of ${what}'s ${expected.toLocaleString('en-US')} lines (it stops a result early when it runs out of memory; or the logs changed while they were read): try a smaller --label-sample, a coarser --group-by, or --engine inprocess`);
}

/**
 * An in-memory DuckDB with tokor's settings: bounded memory whatever the input, spilling what outgrows the
 * limit (the staged records, the groups that find duplicates, sorts) to a directory of its own that `close`
 * removes.
 */
export async function openDuckdb(threads = os.availableParallelism()): Promise<{ conn: DuckDBConnection; spill: string; close: () => Promise<void> }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const spill = await mkdtemp(path.join(os.tmpdir(), 'tokor-duckdb-')).catch((e: unknown) => {
    throw fsFailure(e, os.tmpdir(), 'write', "DuckDB's spill directory (temporary files; TMPDIR sets where)");
  });
  try {
    const instance = await DuckDBInstance.create(':memory:', duckdbSettings(spill, threads));
    const conn = await instance.connect();
    const close = async () => {
      conn.closeSync();
      instance.closeSync();
      await rm(spill, { recursive: true, force: true });
    };
    return { conn, spill, close };
  } catch (e) {
    await rm(spill, { recursive: true, force: true });
    throw duckdbFailure(e);
  }
}

/**
 * What DuckDB may hold in memory before it spills to disk: a base for the staged records and the joins, and
 * per reading thread room for the reader's buffers and the blocks it fills from them. Without a limit DuckDB
 * takes up to 80% of the machine's memory and keeps what it read: 2.3 GB of RSS on a 1.27 GB log. With 128 MB
 * per thread, about one run in six on a busy machine failed with "could not allocate block of size 64.0 MiB":
 * the reader's buffers cannot be spilled. Read again with LONG_LINE_BYTES buffers (lines.ts), 384 MB per thread:
 * with 256 MB, four small logs each ending in a 17 MiB line ran out of memory (711 of 732 MiB used), and eight
 * such logs fit in 384 MB.
 */
function memoryLimitMb(threads: number, longLines = false): number {
  return 256 + (longLines ? 384 : 256) * Math.max(1, threads);
}

/** The settings every DuckDB run of tokor's opens with: bounded memory, spilling to `spill`, no ordering kept. */
function duckdbSettings(spill: string, threads: number): Record<string, string> {
  return {
    threads: String(threads),
    memory_limit: `${memoryLimitMb(threads)}MB`,
    temp_directory: spill,
    // Aggregates and the sample do not depend on the order rows arrive in (line numbers come from WITH ORDINALITY).
    preserve_insertion_order: 'false',
  };
}

async function run(conn: DuckDBConnection, sql: string, req: ScanRequest) {
  if (req.signal?.aborted) throw new Interrupted('interrupted: nothing was written');
  try {
    return await conn.runAndReadAll(sql);
  } catch (e) {
    if (req.signal?.aborted) throw new Interrupted('interrupted while DuckDB was reading: nothing was written');
    throw duckdbFailure(e, req.lineBytes?.long);
  }
}

/** A query's rows, a chunk at a time: what is streamed this way is never all in memory. */
async function* streamRows(conn: DuckDBConnection, sql: string, req: ScanRequest): AsyncGenerator<Record<string, unknown>> {
  if (req.signal?.aborted) throw new Interrupted('interrupted: nothing was written');
  try {
    const result = await conn.stream(sql);
    const names = result.columnNames();
    // Values read from each chunk's column vectors: about half the CPU of the library's row objects (the
    // sample's 19,831 lines, 83 MB of text: 0.31 s against 0.66 s).
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const columns = names.map((_, c) => chunk!.getColumnVector(c));
      for (let i = 0; i < chunk.rowCount; i++) {
        const row: Record<string, unknown> = {};
        for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]!.getItem(i);
        yield row;
      }
    }
  } catch (e) {
    if (req.signal?.aborted) throw new Interrupted('interrupted while DuckDB was reading: nothing was written');
    throw duckdbFailure(e, req.lineBytes?.long);
  }
}

/**
 * `streamRows`, run once more on one thread when DuckDB runs out of memory before the first row. The sample's
 * sort (`fetch`) holds the sampled lines' text: with a sample near the whole log (many strata: --group-by
 * role,day,region,team on a 1.27 GB log samples 298k of its 301k lines) the sort and each reading thread's
 * pinned buffers outgrow the memory limit on two threads, not on one. No row has reached tokor then, so
 * nothing is read twice.
 */
export async function* streamRowsOrOneThread(conn: DuckDBConnection, sql: string, req: ScanRequest): AsyncGenerator<Record<string, unknown>> {
  let started = false;
  try {
    for await (const r of streamRows(conn, sql, req)) {
      started = true;
      yield r;
    }
  } catch (e) {
    if (started || !(e instanceof RuntimeFailure) || !e.message.includes('Out of Memory Error')) throw e;
    const threads = String((await run(conn, `SELECT current_setting('threads') AS n`, req)).getRowObjects()[0]?.n);
    await run(conn, 'SET threads = 1', req);
    try {
      yield* streamRows(conn, sql, req);
    } finally {
      await run(conn, `SET threads = ${Number(threads)}`, req);
    }
  }
}

/** DuckDB's message, first line only, as one of tokor's errors. */
function duckdbFailure(e: unknown, longLineBytes = LONG_LINE_BYTES): Error {
  const full = (e as Error).message ?? String(e);
  const message = full.split('\n')[0] ?? full;
  const file = () => /^\s*file = (.+)$/m.exec(full)?.[1]?.trim();
  if (isLongLine(full)) {
    const where = file();
    return new InputError(`${where ? 'holds' : 'a log holds'} a line longer than DuckDB's line reader takes (${mib(longLineBytes)}): use --engine inprocess, which skips it as too long`, where);
  }
  if (/No files found|does not exist|Could not open|HTTP 40[34]|Unable to connect|httpfs/i.test(message)) return new InputError(`DuckDB could not read the logs: ${message}`);
  // DuckDB reads lines with its CSV reader (one column, no quotes), which stops where a line ends in a carriage
  // return and another does not, or holds a stray carriage return or the column delimiter: tokor's reader takes
  // such a file (a CR before the newline is JSON whitespace), so name the file and the way out.
  if (/CSV Parser state machine|Expected Number of Columns|too many columns/i.test(message)) {
    return new InputError(`DuckDB's line reader cannot split this file into lines as tokor does (a line ends in a carriage return and another does not, or a line holds a stray carriage return or a \\x01 byte): use --engine inprocess`, file());
  }
  return new RuntimeFailure(`DuckDB failed: ${message}`);
}

/** s3:// paths: DuckDB's httpfs extension with the standard AWS credential chain (env, profile, SSO, instance role). */
async function prepareRemote(conn: DuckDBConnection): Promise<void> {
  try {
    await conn.run('LOAD httpfs');
  } catch {
    try {
      await conn.run('INSTALL httpfs');
      await conn.run('LOAD httpfs');
    } catch (e) {
      throw new InputError(`s3:// paths need DuckDB's httpfs extension, which could not be installed (${(e as Error).message.split('\n')[0]}); copy the logs locally or run once where DuckDB can download it`);
    }
  }
  try {
    await conn.run(`CREATE OR REPLACE SECRET tokor_s3 (TYPE s3, PROVIDER credential_chain)`);
  } catch {
    // No aws extension or no credentials: public buckets and AWS_* variables still work.
  }
}

/** Files read ahead of the one being checked (small ones, inflated ahead when small gzip: see prefetchInputs). */
const CHECK_AHEAD = 16;

/**
 * The engine reads Bedrock invocation logs in JSON lines, gzip named `.gz`:
 * anything else is refused in one line, before DuckDB starts. Small files are
 * read ahead, CHECK_AHEAD at a time, and let go once checked: on a tree of
 * small gzip objects as Bedrock writes them, each check otherwise waits on the
 * thread pool in turn (474 objects took 0.99 s, one at a time).
 */
async function checkLocalInputs(inputs: InputSource[]): Promise<void> {
  const letGo = (src: InputSource) => {
    src.prefetched = undefined;
    src.inflated = undefined;
  };
  try {
    for (let i = 0; i < inputs.length; i++) {
      prefetchInputs(inputs, i, CHECK_AHEAD);
      await checkLocalInput(inputs[i]!);
      letGo(inputs[i]!);
    }
  } finally {
    // A refused file, and those read ahead past it.
    inputs.forEach(letGo);
  }
}

async function checkLocalInput(src: InputSource): Promise<void> {
  const gz = await startsWithGzip(src);
  if (gz !== /\.gz$/i.test(src.path)) {
    throw new InputError(gz ? 'is gzip but not named .gz: DuckDB decompresses by name; rename it or use --engine inprocess' : 'is named .gz but is not gzip; use --engine inprocess, which reports it', src.display);
  }
  // The first block is the first whole lines read: their format is all this asks.
  const pieces = readInput(src, { blockBytes: 1 });
  try {
    for (let r = await pieces.next(); !r.done; r = await pieces.next()) {
      const p = r.value;
      if (p.kind === 'block') {
        if (p.format !== 'bedrock') throw new InputError(notBedrock(p.bytes, p.format), src.display);
        break;
      }
      if (p.kind === 'csv' || p.kind === 'whole' || p.kind === 'mixed') throw new InputError('is not JSON lines of Bedrock invocation logs: --engine duckdb reads those; use --engine inprocess', src.display);
      if (p.kind === 'break') throw new InputError(`${p.error.reason}; use --engine inprocess, which reads what comes before the break`, src.display);
    }
  } finally {
    await pieces.return(undefined as never);
  }
}

/** Why a JSON-lines file is not for DuckDB: tokor's own results or labels say what they are; other logs name their format. */
function notBedrock(block: Buffer, format: string): string {
  const end = block.indexOf(10);
  let first: unknown;
  try {
    first = JSON.parse(block.toString('utf8', 0, end < 0 ? block.length : end));
  } catch {
    first = undefined;
  }
  const own = first !== null && typeof first === 'object' && !Array.isArray(first) ? tokorLine(first as Record<string, unknown>) : undefined;
  if (own) return `is not a traffic log: its first line is ${own}`;
  return `holds ${format === 'auto' ? 'records of several formats' : `${format} records`}: --engine duckdb reads Bedrock invocation logs; use --engine inprocess`;
}

async function startsWithGzip(src: InputSource): Promise<boolean> {
  // A file read ahead: its first bytes are in memory (a failed read is left for readInput to report).
  const ahead = await src.prefetched?.catch(() => undefined);
  if (ahead) return startsGzip(ahead);
  const fh = await open(src.path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return startsGzip(b.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

export const duckdbEngine: TrafficEngine = {
  name: 'duckdb',
  scan: scanDuckdb,
  // `tokor label` reads whole records one by one: the in-process reader does that.
  read: inProcessEngine.read,
};
