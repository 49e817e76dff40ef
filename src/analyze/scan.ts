/**
 * Reads traffic logs into an Accumulator. JSON-lines files are cut into
 * ~1 MB chunks at line boundaries and handed to worker threads (one per core);
 * small inputs, CSV, --strict and sources run under vitest stay in-process,
 * through the very same chunk code.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Readable } from 'node:stream';
import { detectFormat, listInputs, openInput, readCsvEvents, readLinesFrom, type CsvColumnMap, type InputSource } from '../ingest/index.js';
import { InputError, Interrupted, RuntimeFailure, TokorError } from '../errors.js';
import { fsFailure } from '../io/fsErrors.js';
import type { Difficulty, LogFormat } from '../types.js';
import { addInvalid, mergeAccumulators, newAccumulator, type Accumulator } from './accumulate.js';
import { accumulateSample, addRecord, processChunk, type ChunkContext, type SampledItem } from './chunk.js';
import { BottomK } from './sample.js';
import { labelerFor } from './labelerFor.js';

export interface ScanOptions {
  paths: string[];
  format?: LogFormat;
  csvMap?: CsvColumnMap;
  strict?: boolean;
  groupBy: string[];
  measured?: Map<string, Difficulty>;
  classifierFile?: string;
  sample?: { size: number; seed: number };
  /** Worker threads; default: one per core when the input is large, 0 = in-process. */
  workers?: number;
  onProgress?: (p: ScanProgress) => void;
  /** Stops reading (Ctrl-C): the scan throws Interrupted at the next chunk. */
  signal?: AbortSignal;
}

export interface ScanProgress {
  bytes: number;
  lines: number;
  file: string;
}

export interface ScanResult {
  acc: Accumulator;
  files: string[];
  formats: Partial<Record<LogFormat, number>>;
  bytesRead: number;
  sample?: { size: number; of: number; seed: number };
}

export interface WorkerInit {
  groupBy: string[];
  classifierFile?: string;
  measured?: [string, Difficulty][];
  sampleSize?: number;
  seed?: number;
}
export type WorkerRequest = { type: 'chunk'; id: number; file: string; startLine: number; format: 'bedrock' | 'openai'; bytes: Uint8Array } | { type: 'finish' };
export type WorkerReply =
  | { type: 'done'; id: number }
  | { type: 'result'; acc: Accumulator; sample?: { keys: number[]; items: SampledItem[]; seen: number } }
  | { type: 'error'; message: string; stack?: string };

const CHUNK_BYTES = 1 << 20;
/**
 * A small young generation per worker keeps peak RSS flat (each isolate would
 * otherwise grow semi-spaces of tens of MB for JSON.parse garbage that dies
 * young anyway); measured in `npm run bench`.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };
/** Below this much input, starting workers costs more than it saves. */
const WORKER_MIN_BYTES = 16 << 20;

export async function scanTraffic(opts: ScanOptions): Promise<ScanResult> {
  const inputs = await listInputs(opts.paths);
  const ctx: ChunkContext = {
    acc: newAccumulator(opts.groupBy),
    labeler: await labelerFor(opts.classifierFile),
    groupBy: opts.groupBy,
    measured: opts.measured,
    sample: opts.sample ? new BottomK<SampledItem>(opts.sample.size) : undefined,
    seed: opts.sample?.seed,
    strict: opts.strict,
  };
  const pool = shouldUseWorkers(opts, inputs) ? new WorkerPool(workerCount(opts), opts, ctx) : undefined;
  const formats: Partial<Record<LogFormat, number>> = {};
  const progress = { bytes: 0, lines: 0, file: '' };
  try {
    for (const input of inputs) {
      progress.file = input.display;
      const format = await scanFile(input, opts, ctx, pool, progress);
      if (format) formats[format] = (formats[format] ?? 0) + 1;
    }
    if (pool) await pool.finish();
  } finally {
    pool?.terminate();
  }
  let acc = ctx.acc;
  let sample: ScanResult['sample'];
  if (ctx.sample && opts.sample) {
    const sampled = newAccumulator(opts.groupBy);
    accumulateSample(sampled, ctx.sample.items);
    sample = { size: ctx.sample.items.length, of: ctx.sample.seen + acc.read, seed: opts.sample.seed };
    // CSV rows are not bottom-k sampled (they are read whole): fold them in.
    acc = mergeAccumulators(sampled, acc);
  }
  return { acc, files: inputs.map((i) => i.display), formats, bytesRead: progress.bytes, sample };
}

async function scanFile(input: InputSource, opts: ScanOptions, ctx: ChunkContext, pool: WorkerPool | undefined, progress: ScanProgress): Promise<LogFormat | undefined> {
  const stream = openInput(input);
  let format: LogFormat | undefined = opts.format;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  const decoder = new TextDecoder();
  const flush = async (final: boolean): Promise<void> => {
    if (pendingBytes === 0) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const cut = final ? buf.length : buf.lastIndexOf(10) + 1;
    if (cut <= 0) return;
    const head = buf.subarray(0, cut);
    const rest = buf.subarray(cut);
    pending = rest.length ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
    const lines = countNewlines(head) + (final && head[head.length - 1] !== 10 ? 1 : 0);
    const startLine = line;
    line += lines;
    progress.lines += lines;
    const fmt = format as 'bedrock' | 'openai';
    if (pool) await pool.send(input.display, startLine, fmt, head);
    else processChunk(decoder.decode(head), input.display, startLine, fmt, ctx);
    opts.onProgress?.(progress);
  };
  const chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      // Ctrl-C stops a read that waits for data too (a slow pipe, stdin).
      const next = await (opts.signal ? orInterrupted(chunks.next(), opts.signal, progress) : chunks.next());
      if (next.done) break;
      if (opts.signal?.aborted) throw interrupted(progress);
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      progress.bytes += chunk.length;
      if (format === undefined) format = detectFormat(chunk.subarray(0, 65536).toString('utf8'), input.display);
      if (format === 'csv') {
        // CSV quotes may span lines: csv-parse reads it whole, from the chunk already taken onwards.
        const rest = Readable.from((async function* () {
          yield chunk;
          for (let n = await chunks.next(); !n.done; n = await chunks.next()) yield n.value;
        })());
        await scanCsv(rest, input.display, opts, ctx);
        return 'csv';
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) await flush(false);
    }
    await flush(true);
  } catch (e) {
    if (!isCorruptGzip(e)) {
      if (e instanceof TokorError) throw e;
      throw fsFailure(e, input.display, 'read');
    }
    // Keep every whole line before the break; the break itself is one counted skip.
    if (opts.strict) throw new InputError(`truncated or corrupt gzip after line ${line - 1 + countNewlines(Buffer.concat(pending))}`, input.display);
    await flush(false);
    addInvalid(ctx.acc, input.display, line, 'truncated or corrupt gzip: the rest of the file is unreadable');
  }
  return format;
}

async function scanCsv(stream: NodeJS.ReadableStream, display: string, opts: ScanOptions, ctx: ChunkContext): Promise<void> {
  for await (const ev of readCsvEvents(readLinesFrom(stream), display, { csvMap: opts.csvMap, strict: opts.strict })) {
    if (opts.signal?.aborted) throw interrupted({ file: display, lines: ctx.acc.read, bytes: 0 });
    if (ev.kind === 'skipped') addInvalid(ctx.acc, ev.skipped.source.file, ev.skipped.source.line, ev.skipped.reason);
    else addRecord(ev.record, ctx);
  }
}

function orInterrupted<T>(p: Promise<T>, signal: AbortSignal, progress: ScanProgress): Promise<T> {
  if (signal.aborted) return Promise.reject(interrupted(progress));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(interrupted(progress));
    signal.addEventListener('abort', stop, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', stop);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(e);
      },
    );
  });
}

function interrupted(p: ScanProgress): Interrupted {
  return new Interrupted(`interrupted while reading ${p.file} (after ${p.lines.toLocaleString('en-US')} lines): nothing was written`);
}

function isCorruptGzip(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  const text = `${(e as Error).message} ${String((e as { cause?: { message?: string } }).cause?.message ?? '')}`;
  return code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file|incorrect header|truncated or corrupt gzip/i.test(text);
}

function countNewlines(buf: Uint8Array): number {
  let n = 0;
  let i = -1;
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  while ((i = b.indexOf(10, i + 1)) !== -1) n++;
  return n;
}

function workerFile(): string | undefined {
  // Workers need the compiled .js; under vitest the sources are .ts and run in-process.
  const url = new URL('./worker.js', import.meta.url);
  const file = fileURLToPath(url);
  return import.meta.url.endsWith('.js') && existsSync(file) ? file : undefined;
}

function shouldUseWorkers(opts: ScanOptions, inputs: InputSource[]): boolean {
  if (opts.workers === 0 || opts.strict || !workerFile()) return false;
  if (opts.workers !== undefined) return opts.workers > 0;
  let bytes = 0;
  for (const i of inputs) {
    if (i.path === '-') return true;
    try {
      bytes += statSync(i.path).size;
    } catch {
      /* listInputs already checked it exists */
    }
  }
  return bytes >= WORKER_MIN_BYTES && os.availableParallelism() > 1;
}

function workerCount(opts: ScanOptions): number {
  return opts.workers && opts.workers > 0 ? opts.workers : Math.max(1, os.availableParallelism());
}

/** Round-robin pool with at most two chunks in flight per worker. */
class WorkerPool {
  private readonly workers: Worker[];
  private readonly inflight: number[];
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private next = 0;
  private id = 0;

  constructor(
    n: number,
    opts: ScanOptions,
    private readonly ctx: ChunkContext,
  ) {
    const init: WorkerInit = {
      groupBy: opts.groupBy,
      classifierFile: opts.classifierFile,
      measured: opts.measured ? [...opts.measured] : undefined,
      sampleSize: opts.sample?.size,
      seed: opts.sample?.seed,
    };
    this.workers = Array.from({ length: n }, () => new Worker(workerFile()!, { workerData: init, execArgv: [], resourceLimits: WORKER_LIMITS }));
    this.inflight = this.workers.map(() => 0);
    this.workers.forEach((w, i) => {
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'done') {
          this.inflight[i]!--;
          this.wake();
        } else if (m.type === 'error') this.fail(new RuntimeFailure(`analyze worker failed: ${m.message}`));
      });
      w.on('error', (e) => this.fail(new RuntimeFailure(`analyze worker failed: ${e.message}`)));
    });
  }

  async send(file: string, startLine: number, format: 'bedrock' | 'openai', bytes: Buffer): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      const i = this.pick();
      if (i >= 0) {
        this.inflight[i]!++;
        // Copy into a transferable buffer of our own: the source may be a pooled slab.
        const own = new Uint8Array(bytes.length);
        own.set(bytes);
        this.workers[i]!.postMessage({ type: 'chunk', id: this.id++, file, startLine, format, bytes: own } satisfies WorkerRequest, [own.buffer]);
        return;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async finish(): Promise<void> {
    const results = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<Extract<WorkerReply, { type: 'result' }>>((resolve, reject) => {
            w.on('message', (m: WorkerReply) => {
              if (m.type === 'result') resolve(m);
              else if (m.type === 'error') reject(new RuntimeFailure(`analyze worker failed: ${m.message}`));
            });
            w.postMessage({ type: 'finish' } satisfies WorkerRequest);
          }),
      ),
    );
    for (const r of results) {
      mergeAccumulators(this.ctx.acc, r.acc);
      if (r.sample && this.ctx.sample) this.ctx.sample.merge(r.sample);
    }
  }

  terminate(): void {
    for (const w of this.workers) void w.terminate();
  }

  private pick(): number {
    for (let k = 0; k < this.workers.length; k++) {
      const i = (this.next + k) % this.workers.length;
      if (this.inflight[i]! < 2) {
        this.next = i + 1;
        return i;
      }
    }
    return -1;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake();
  }
}
