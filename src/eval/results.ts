/**
 * The results JSONL file (`tokor eval --out`): one EvalResult per line,
 * appended as items finish, each line whole in one write call so a killed
 * run leaves a valid file (at worst a cut last line, which --resume drops).
 */
import { closeSync, fsyncSync, openSync, write as fsWrite } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { InputError, RuntimeFailure } from '../errors.js';
import { RESULTS_SCHEMA_VERSION, type EvalResult } from './types.js';

/** The identity of a result: one line per (dataset, item, tier). */
export function resultKey(r: { datasetId: string; itemId: string; tier: string }): string {
  return `${r.datasetId}\u0000${r.itemId}\u0000${r.tier}`;
}

export interface ResultsFileContents {
  /** Parsed lines in file order (duplicates kept; see latestByKey). */
  results: EvalResult[];
  /** "file:line: reason" for lines that could not be read. */
  problems: string[];
  /** Whether the file ended in a cut line (a run killed mid-write). */
  truncatedTail: boolean;
}

/** Reads a results file; missing file → empty. Lines from a newer schema are an error. */
export async function readResultsFile(file: string): Promise<ResultsFileContents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { results: [], problems: [], truncatedTail: false };
    throw new InputError(`cannot read results: ${(e as Error).message}`, file);
  }
  return parseResultsText(text, file);
}

export function parseResultsText(text: string, file: string): ResultsFileContents {
  const results: EvalResult[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  let truncatedTail = false;
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    const isLast = i === lines.length - 1; // no newline after it: possibly cut
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      if (isLast) truncatedTail = true;
      problems.push(`${file}:${i + 1}: ${isLast ? 'cut-off last line' : 'not JSON'}`);
      return;
    }
    const why = checkResult(obj);
    if (why) {
      problems.push(`${file}:${i + 1}: ${why}`);
      return;
    }
    const r = obj as EvalResult;
    if (r.schemaVersion > RESULTS_SCHEMA_VERSION) {
      throw new InputError(`results schemaVersion ${r.schemaVersion} is newer than this tokor understands (${RESULTS_SCHEMA_VERSION}); upgrade tokor`, `${file}:${i + 1}`);
    }
    results.push(r);
  });
  return { results, problems, truncatedTail };
}

function checkResult(o: unknown): string | undefined {
  if (!o || typeof o !== 'object') return 'not an object';
  const r = o as Record<string, unknown>;
  if (typeof r.schemaVersion !== 'number') return 'schemaVersion missing';
  for (const k of ['datasetId', 'itemId', 'tier'] as const) if (typeof r[k] !== 'string') return `${k} must be a string`;
  if (typeof r.pass !== 'boolean') return 'pass must be true or false';
  return undefined;
}

/** The last line per (dataset, item, tier): later lines supersede earlier ones. */
export function latestByKey(results: Iterable<EvalResult>): Map<string, EvalResult> {
  const m = new Map<string, EvalResult>();
  for (const r of results) m.set(resultKey(r), r);
  return m;
}

/**
 * Appends result lines as results arrive. Lines are group-committed: the lines
 * of one turn of the event loop go out together in one write call right after
 * it (setImmediate), and while a write is in flight the next lines queue up
 * for the one after, so a busy run does not pay a system call per item on the
 * main thread. A line is never split across write calls (short writes aside),
 * so a killed run leaves whole lines plus at worst one cut last line, which
 * --resume drops; lines still queued at a SIGKILL are simply run again
 * (the response cache, written before the line, makes that free).
 */
export class ResultsWriter {
  private fd: number | undefined;
  private queue: string[] = [];
  private writing = false;
  private scheduled = false;
  private failure: Error | undefined;
  private idle: (() => void)[] = [];

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, 'a');
    } catch (e) {
      throw new InputError(`cannot open results for writing: ${(e as Error).message}`, file);
    }
  }

  /** Queues one result line; throws if an earlier write failed (e.g. a full disk). */
  write(r: EvalResult): void {
    if (this.failure) throw this.failure;
    if (this.fd === undefined) throw new Error('results writer is closed');
    this.queue.push(`${JSON.stringify(r)}\n`);
    if (!this.writing && !this.scheduled) {
      // Lines that arrive in the same turn of the event loop go out in one write.
      this.scheduled = true;
      setImmediate(this.kick);
    }
  }

  private readonly kick = (): void => {
    this.scheduled = false;
    if (!this.writing && this.queue.length > 0 && this.fd !== undefined) this.pump();
  };

  private pump(): void {
    const fd = this.fd!;
    let buf = Buffer.from(this.queue.join(''));
    this.queue = [];
    this.writing = true;
    const done = (err: NodeJS.ErrnoException | null, written: number): void => {
      if (err) {
        this.failure = new RuntimeFailure(`cannot write results to ${this.file}: ${err.message}`);
      } else if (written < buf.length) {
        buf = buf.subarray(written);
        fsWrite(fd, buf, 0, buf.length, null, done);
        return;
      }
      if (!this.failure && this.queue.length > 0) return this.pump();
      this.writing = false;
      for (const resolve of this.idle.splice(0)) resolve();
    };
    fsWrite(fd, buf, 0, buf.length, null, done);
  }

  /** Resolves when every queued line is in the file. */
  async flush(): Promise<void> {
    if (!this.writing && this.queue.length > 0 && !this.failure) this.pump();
    if (this.writing) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.fd === undefined) return;
    try {
      await this.flush();
    } finally {
      try {
        fsyncSync(this.fd);
      } catch {
        /* fsync is best effort (e.g. /dev/stdout) */
      }
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

export interface OpenedResults {
  writer: ResultsWriter;
  /** Finished results already in the file (resume): their items are not run again. */
  finished: Map<string, EvalResult>;
  /** Lines dropped on resume: errored items (to retry), a cut last line, unreadable lines. */
  dropped: number;
  problems: string[];
}

/**
 * Opens the results file. Without resume it starts empty. With resume it keeps
 * the finished lines (no error), drops errored, unreadable and cut lines by
 * rewriting the file (temp + rename) when needed, and appends from there.
 */
export async function openResults(file: string, opts: { resume: boolean }): Promise<OpenedResults> {
  if (!opts.resume) {
    await writeFile(file, '').catch((e: Error) => {
      throw new InputError(`cannot write results: ${e.message}`, file);
    });
    return { writer: new ResultsWriter(file), finished: new Map(), dropped: 0, problems: [] };
  }
  const { results, problems } = await readResultsFile(file);
  const latest = latestByKey(results);
  const finished = new Map([...latest].filter(([, r]) => !r.error));
  const dropped = results.length + problems.length - finished.size;
  if (dropped > 0) {
    const tmp = `${file}.resume.tmp`;
    await writeFile(tmp, [...finished.values()].map((r) => `${JSON.stringify(r)}\n`).join(''));
    await rename(tmp, file);
  }
  return { writer: new ResultsWriter(file), finished, dropped, problems };
}
