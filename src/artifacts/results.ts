/**
 * The results JSONL contract (`tokor eval --out`, docs/results.md): one
 * result per line. Every reader — calibrate, gate, report, eval --resume —
 * checks lines with this schema, so a line is valid or invalid the same way
 * everywhere. Other tools may write results: only schemaVersion, datasetId,
 * itemId, tier and pass are required; unknown keys are kept (a custom
 * confidence field is one).
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, readFileSync, write as fsWrite } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { InputError, at } from '../errors.js';
import { latestByKey } from '../eval/results.js';
import { resultJson } from '../eval/resultLine.js';
import { RESULTS_SCHEMA_VERSION, type EvalResult } from '../eval/types.js';
import { fsCode, fsFailure } from '../io/fsErrors.js';
import { writeOutput } from '../io/outputs.js';
import { checkArtifact, jsonLines, jsonSyntaxError, keyPath, shown, tokorDocument, type ArtifactSpec, type Problem } from './read.js';

;

const text = (what: string) => z.string({ error: `expected ${what} (a string)` });
const nonEmpty = (what: string) => text(what).min(1, `expected ${what}, got an empty string`);
/** Scores, grader scores and confidences are fractions. */
export const unitInterval = z
  .number({ error: 'expected a number between 0 and 1' })
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1');
/** A call's latency past a week (a batch job's included) is a fault in the file (1e300 printed as "1e+300 ms"). */
export const MAX_LATENCY_MS = 604_800_000;
const tokens = z.number({ error: 'expected a token count' }).int('expected a whole number of tokens, at most 2^53 − 1').min(0, 'must be ≥ 0');
/** USD amounts are finite and never negative. */
// At most 10^15 USD a call: sums of a run's costs stay far inside the double range (1e308 a line made them Infinity, savings NaN).
export const usdAmount = z
  .number({ error: 'expected an amount in USD (a number ≥ 0)' })
  .min(0, 'must be ≥ 0 (a cost cannot be negative)')
  .max(1e15, 'must be at most 1e15 USD (the cost of one call)');

const GraderResultSchema = z.looseObject({
  grader: nonEmpty('the grader name'),
  pass: z.boolean({ error: 'expected true or false' }),
  score: unitInterval,
  reason: text('the grader’s reason').optional(),
});

const ResultLineSchema = z.looseObject({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION, { error: `expected ${RESULTS_SCHEMA_VERSION}` }),
  datasetId: nonEmpty('the dataset id'),
  itemId: nonEmpty('the item id'),
  tier: nonEmpty('the tier name'),
  pass: z.boolean({ error: 'expected true or false' }),
  model: text('the model ID').optional(),
  score: unitInterval.optional(),
  inputTokens: tokens.optional(),
  outputTokens: tokens.optional(),
  cacheReadTokens: tokens.optional(),
  cacheWriteTokens: tokens.optional(),
  costUsd: usdAmount.nullable().optional(),
  latencyMs: z.number({ error: 'expected milliseconds' }).min(0, 'must be ≥ 0').max(MAX_LATENCY_MS, 'must be at most a week (604800000 ms)').optional(),
  output: text('the answer text').optional(),
  graders: z.array(GraderResultSchema, { error: 'expected a list of {grader, pass, score, reason}' }).optional(),
  error: text('the error').optional(),
  task: text('the task').optional(),
  category: text('the category').optional(),
  confidence: unitInterval.optional(),
  invokedModel: text('the invoked model ID').optional(),
  source: z.enum(['live', 'cache', 'replay'], { error: 'expected live, cache or replay' }).optional(),
});

/** One results line as read: the required keys, the optional ones when present, unknown keys kept. */
export type ResultLine = z.infer<typeof ResultLineSchema>;

const RESULTS_SPEC: ArtifactSpec<ResultLine> = {
  name: 'results line',
  schema: ResultLineSchema,
  version: RESULTS_SCHEMA_VERSION,
  hint: 'each line is one `tokor eval --out` result (docs/results.md)',
};

export interface ResultLineOptions {
  /** A results field other than `confidence` that holds the confidence signal: checked like `confidence`. */
  confidenceField?: string;
}

/** Checks one parsed line; the problem names the key path. */
export function checkResultLine(value: unknown, opts: ResultLineOptions = {}): { ok: true; value: ResultLine } | { ok: false; problem: Problem } {
  const r = checkArtifact(RESULTS_SPEC, value);
  if (!r.ok) return r;
  const field = opts.confidenceField;
  if (field && field !== 'confidence') {
    const v = r.value[field];
    if (v !== undefined) {
      const c = unitInterval.safeParse(v);
      if (!c.success) {
        return { ok: false, problem: { path: [field], message: `${keyPath([field])}: the confidence signal ${c.error.issues[0]!.message} (got ${shown(v)}); ${RESULTS_SPEC.hint}` } };
      }
    }
  }
  return r;
}

/** One line of a results file: valid, or the reason (with its key path) it is not. */
export type ResultLineRead = { line: number; result: ResultLine } | { line: number; problem: string; cut?: boolean };

/**
 * Every non-empty line of a results text, checked. A newer schemaVersion is an
 * InputError (nothing in such a file can be trusted); other bad lines come
 * back as problems so that each reader decides: calibrate and gate stop at the
 * first, eval --resume runs those items again. `cut` marks a last line without
 * a newline that is not JSON (a run killed mid-write).
 */
export function* readResultLines(text: string, file: string, opts: ResultLineOptions = {}): Generator<ResultLineRead> {
  const unterminated = !text.endsWith('\n');
  let last: [number, string] | undefined;
  for (const entry of jsonLines(text)) {
    if (!last) refuseDocument(entry[1], () => text, file);
    if (last) yield checkRawLine(last[1], last[0], file, opts, false);
    last = entry;
  }
  if (last) yield checkRawLine(last[1], last[0], file, opts, unterminated);
}

/**
 * The same, streamed from a file (results files can hold millions of lines),
 * with the sha256 of the bytes read. InputError when the file cannot be read.
 */
export async function* streamResultLines(file: string, opts: ResultLineOptions & { onHash?: (sha256: string) => void } = {}): AsyncGenerator<ResultLineRead> {
  const hash = createHash('sha256');
  let endsWithNewline = true;
  let last: [number, string] | undefined;
  try {
    const stream = createReadStream(file);
    stream.on('data', (chunk) => {
      hash.update(chunk);
      if (chunk.length) endsWithNewline = chunk[chunk.length - 1] === 10;
    });
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    let n = 0;
    for await (const raw of rl) {
      n++;
      if (!raw.trim()) continue;
      if (!last && (await isDocumentStart(raw, file))) {
        stream.destroy();
        refuseDocument(raw, () => readFileSync(file, 'utf8'), file);
      }
      if (last) yield checkRawLine(last[1], last[0], file, opts, false);
      last = [n, raw];
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw fsFailure(e, file, 'read', 'the results');
  }
  if (last) yield checkRawLine(last[1], last[0], file, opts, !endsWithNewline);
  opts.onHash?.(hash.digest('hex'));
}

function checkRawLine(raw: string, line: number, file: string, opts: ResultLineOptions, unterminated: boolean): ResultLineRead {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    if (unterminated) return { line, problem: 'cut-off last line (a run stopped mid-write)', cut: true };
    return { line, problem: `not valid JSON (${jsonSyntaxError(raw).reason}); ${RESULTS_SPEC.hint}` };
  }
  const r = checkResultLine(value, opts);
  if (r.ok) return { line, result: r.value };
  if (r.problem.path[0] === 'schemaVersion' && NEWER.test(r.problem.message)) throw new InputError(r.problem.message, at(file, line));
  return { line, problem: r.problem.message };
}

const NEWER = /written by a newer tokor/;

/** Files read whole to say what they are when their first line is not JSON (a pretty-printed tokor JSON) are at most this big. */
const MAX_DOCUMENT_CHECK = 64 * 1024 * 1024;

/** A first line that opens a multi-line JSON document, in a file small enough to read whole. */
async function isDocumentStart(raw: string, file: string): Promise<boolean> {
  if (!raw.trimStart().startsWith('{') || isJson(raw)) return false;
  return (await stat(file)).size <= MAX_DOCUMENT_CHECK;
}

function isJson(raw: string): boolean {
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}

/** An InputError naming the file for what it is when it is one tokor JSON document, not results lines. */
function refuseDocument(first: string, text: () => string, file: string): void {
  if (!first.trimStart().startsWith('{') || isJson(first)) return;
  const what = tokorDocument(text());
  if (what) throw new InputError(`this is ${what}, not eval results (JSON lines); ${RESULTS_SPEC.hint}`, file);
}

/** The results writer's buffer size: a turn's lines (about 64 of ~0.5 KB at the default concurrency) fit many times over. */
const CHUNK = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;

// ------------------------------------------------ the results file of a run
// `tokor eval --out`: appended per item as it arrives, each line whole in one
// write call so a killed run leaves a valid file (at worst a cut last line,
// which --resume drops).

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

/**
 * Appends result lines as results arrive. Lines are group-committed: the lines
 * of one turn of the event loop go out together in one write call right after
 * it (setImmediate), and while a write is in flight the next lines queue up
 * for the one after, so a busy run does not pay a system call per item on the
 * main thread. A line is never split across write calls (short writes aside),
 * so a killed run leaves whole lines plus at worst one cut last line, which
 * --resume drops; lines still queued at a SIGKILL are simply run again
 * (the response cache, written before the line, makes that free).
 *
 * Each line is encoded into the pending UTF-8 buffer as it is written rather
 * than kept as a string until the write: the line's text dies young, and a
 * write is the bytes already there (no join, no Buffer.from per batch). Two
 * buffers take turns, one filling while the other is being written
 * (bench/eval.mjs: fewer bytes kept alive per item, less GC work per item).
 */
export class ResultsWriter {
  private fd: number | undefined;
  /** Lines not yet handed to a write call: `pending[0, used)`. */
  private pending: Buffer = EMPTY;
  private used = 0;
  /** The other buffer, free again once its write is done. */
  private spare: Buffer | undefined;
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
    const line = resultJson(r);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, and 1 for the newline.
    const room = line.length * 3 + 1;
    if (this.used + room > this.pending.length) this.grow(room);
    this.used += this.pending.write(line, this.used);
    this.pending[this.used++] = NEWLINE;
    if (!this.writing && !this.scheduled) {
      // Lines that arrive in the same turn of the event loop go out in one write.
      this.scheduled = true;
      setImmediate(this.kick);
    }
  }

  /** A pending buffer with room for `room` more bytes, the lines queued so far copied over. */
  private grow(room: number): void {
    const next = Buffer.allocUnsafe(Math.max(CHUNK, 2 * this.pending.length, this.used + room));
    this.pending.copy(next, 0, 0, this.used);
    this.pending = next;
  }

  private readonly kick = (): void => {
    this.scheduled = false;
    if (!this.writing && this.used > 0 && this.fd !== undefined) this.pump();
  };

  private pump(): void {
    const fd = this.fd!;
    const full = this.pending;
    let buf = full.subarray(0, this.used);
    this.pending = this.spare ?? EMPTY;
    this.spare = undefined;
    this.used = 0;
    this.writing = true;
    const done = (err: NodeJS.ErrnoException | null, written: number): void => {
      if (err) {
        this.failure = fsFailure(err, this.file, 'write', 'results');
      } else if (written < buf.length) {
        buf = buf.subarray(written);
        fsWrite(fd, buf, 0, buf.length, null, done);
        return;
      }
      // An ordinary buffer is kept for the next turn; one grown by a burst of lines is let go.
      if (full.length <= CHUNK) this.spare = full;
      if (!this.failure && this.used > 0) {
        this.pump();
        return;
      }
      this.writing = false;
      for (const resolve of this.idle.splice(0)) resolve();
    };
    fsWrite(fd, buf, 0, buf.length, null, done);
  }

  /** Resolves when every queued line is in the file. */
  async flush(): Promise<void> {
    if (!this.writing && this.used > 0 && !this.failure) this.pump();
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
