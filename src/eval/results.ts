/**
 * The results JSONL file (`tokor eval --out`): one EvalResult per line,
 * appended as items finish, each line whole in one write call so a killed
 * run leaves a valid file (at worst a cut last line, which --resume drops).
 */
import { closeSync, fsyncSync, openSync, write as fsWrite } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { readResultLines } from '../artifacts/results.js';
import { fsCode, fsFailure } from '../io/fsErrors.js';
import { writeOutput } from '../io/outputs.js';
import type { EvalResult } from './types.js';

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
    if (fsCode(e) === 'ENOENT') return { results: [], problems: [], truncatedTail: false };
    throw fsFailure(e, file, 'read', 'results');
  }
  return parseResultsText(text, file);
}

/**
 * The lines of a results text, each checked with the results schema
 * (src/artifacts/results.ts), the same check calibrate, gate and report make:
 * a line they would refuse is a problem here (its item is run again).
 */
export function parseResultsText(text: string, file: string): ResultsFileContents {
  const results: EvalResult[] = [];
  const problems: string[] = [];
  let truncatedTail = false;
  for (const r of readResultLines(text, file)) {
    if ('problem' in r) {
      if (r.cut) truncatedTail = true;
      problems.push(`${file}:${r.line}: ${r.problem}`);
    } else {
      // Finished lines are written back as they were read (resume rewrites the file).
      results.push(r.result as EvalResult);
    }
  }
  return { results, problems, truncatedTail };
}

/** The last line per (dataset, item, tier): later lines supersede earlier ones. */
export function latestByKey(results: Iterable<EvalResult>): Map<string, EvalResult> {
  const m = new Map<string, EvalResult>();
  for (const r of results) m.set(resultKey(r), r);
  return m;
}

const q = JSON.stringify as (s: string) => string;

/** A JSON number as JSON.stringify writes it (null when not finite). */
function num(x: number): string {
  return Number.isFinite(x) ? `${x}` : 'null';
}

/**
 * A result line as JSON: the same text as JSON.stringify(r) for the runner's
 * results (its keys in its order), written field by field. JSON.stringify
 * walks each object's layout and escapes every key on every line; this writes
 * the known keys as literals and was the largest single cost of the harness
 * per item (bench/eval.mjs). Anything unexpected — a missing or mistyped
 * field, an extra key — takes JSON.stringify itself, so the output is always
 * exactly JSON.stringify's.
 */
export function resultJson(r: EvalResult): string {
  const keys = orderedKeys(r, RUNNER_ORDER);
  if (
    keys < 0 ||
    typeof r.schemaVersion !== 'number' ||
    typeof r.datasetId !== 'string' ||
    typeof r.itemId !== 'string' ||
    typeof r.tier !== 'string' ||
    typeof r.model !== 'string' ||
    typeof r.pass !== 'boolean' ||
    typeof r.score !== 'number' ||
    typeof r.inputTokens !== 'number' ||
    typeof r.outputTokens !== 'number' ||
    typeof r.cacheReadTokens !== 'number' ||
    typeof r.cacheWriteTokens !== 'number' ||
    (r.costUsd !== null && typeof r.costUsd !== 'number') ||
    typeof r.latencyMs !== 'number' ||
    typeof r.output !== 'string' ||
    !Array.isArray(r.graders)
  ) {
    return JSON.stringify(r);
  }
  let graders = '';
  for (const g of r.graders) {
    if (orderedKeys(g, GRADER_ORDER) !== 4 || typeof g.grader !== 'string' || typeof g.pass !== 'boolean' || typeof g.score !== 'number' || typeof g.reason !== 'string') return JSON.stringify(r);
    graders += `${graders ? ',' : ''}{"grader":${q(g.grader)},"pass":${g.pass},"score":${num(g.score)},"reason":${q(g.reason)}}`;
  }
  let line =
    `{"schemaVersion":${num(r.schemaVersion)},"datasetId":${q(r.datasetId)},"itemId":${q(r.itemId)},"tier":${q(r.tier)},"model":${q(r.model)},` +
    `"pass":${r.pass},"score":${num(r.score)},"inputTokens":${num(r.inputTokens)},"outputTokens":${num(r.outputTokens)},` +
    `"cacheReadTokens":${num(r.cacheReadTokens)},"cacheWriteTokens":${num(r.cacheWriteTokens)},"costUsd":${r.costUsd === null ? 'null' : num(r.costUsd)},` +
    `"latencyMs":${num(r.latencyMs)},"output":${q(r.output)},"graders":[${graders}]`;
  let seen = 15;
  // The optional keys, in the order the runner adds them.
  if (r.error !== undefined) {
    if (typeof r.error !== 'string') return JSON.stringify(r);
    line += `,"error":${q(r.error)}`;
    seen++;
  }
  if (r.task !== undefined) {
    if (typeof r.task !== 'string') return JSON.stringify(r);
    line += `,"task":${q(r.task)}`;
    seen++;
  }
  if (r.category !== undefined) {
    if (typeof r.category !== 'string') return JSON.stringify(r);
    line += `,"category":${q(r.category)}`;
    seen++;
  }
  if (r.confidence !== undefined) {
    if (typeof r.confidence !== 'number') return JSON.stringify(r);
    line += `,"confidence":${num(r.confidence)}`;
    seen++;
  }
  if (r.invokedModel !== undefined) {
    if (typeof r.invokedModel !== 'string') return JSON.stringify(r);
    line += `,"invokedModel":${q(r.invokedModel)}`;
    seen++;
  }
  if (r.source !== undefined) {
    if (typeof r.source !== 'string') return JSON.stringify(r);
    line += `,"source":${q(r.source)}`;
    seen++;
  }
  // A key present but undefined (which JSON.stringify leaves out): it decides.
  if (seen !== keys) return JSON.stringify(r);
  return `${line}}`;
}

const RUNNER_ORDER: readonly string[] = ['schemaVersion', 'datasetId', 'itemId', 'tier', 'model', 'pass', 'score', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costUsd', 'latencyMs', 'output', 'graders', 'error', 'task', 'category', 'confidence', 'invokedModel', 'source'];
const GRADER_ORDER: readonly string[] = ['grader', 'pass', 'score', 'reason'];

/** How many own enumerable keys `o` has if they all appear in `order`, in that order; else -1. */
function orderedKeys(o: object, order: readonly string[]): number {
  let i = 0;
  let n = 0;
  for (const k in o) {
    while (i < order.length && order[i] !== k) i++;
    if (i === order.length) return -1;
    i++;
    n++;
  }
  return n;
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
      throw fsFailure(e, file, 'write', 'results');
    }
  }

  /** Queues one result line; throws if an earlier write failed (e.g. a full disk). */
  write(r: EvalResult): void {
    if (this.failure) throw this.failure;
    if (this.fd === undefined) throw new Error('results writer is closed');
    this.queue.push(`${resultJson(r)}\n`);
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
        this.failure = fsFailure(err, this.file, 'write', 'results');
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
    await writeFile(file, '').catch((e: unknown) => {
      throw fsFailure(e, file, 'write', 'results');
    });
    return { writer: new ResultsWriter(file), finished: new Map(), dropped: 0, problems: [] };
  }
  const { results, problems } = await readResultsFile(file);
  const latest = latestByKey(results);
  const finished = new Map([...latest].filter(([, r]) => !r.error));
  const dropped = results.length + problems.length - finished.size;
  // Dropped lines go by replacing the file (a temporary file beside it, then a rename): a kill keeps one whole version.
  if (dropped > 0) await writeOutput(file, [...finished.values()].map((r) => `${JSON.stringify(r)}\n`).join(''));
  return { writer: new ResultsWriter(file), finished, dropped, problems };
}
