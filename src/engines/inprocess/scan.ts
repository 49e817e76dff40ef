/**
 * The in-process engine's scan: traffic logs → an Accumulator. The one reader
 * (readInput.ts) cuts JSON-lines files into ~1 MB blocks of whole lines (in linear time, lines over the line limit
 * skipped unread) and handed to worker threads (one per core); small inputs,
 * CSV, --strict and sources run under vitest stay in-process, through the
 * very same chunk code. Whatever the mode, de-duplication keeps the first
 * occurrence in input order and skipped lines are reported in input order,
 * so both modes give the same report.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_LINE_BYTES, describeMixed, describeReadFailure, overlongReason, pendingRoom, type InputSource, type RepeatedInput } from '../../ingest/index.js';
import { InputError, RuntimeFailure } from '../../errors.js';
import type { Difficulty } from '../../types.js';
import type { LogFormatName } from '../../ingest/formats/index.js';
import type { RouterModel } from '../../artifacts/router.js';
import { addFileIssue, mergeAccumulators, newAccumulator, type Accumulator, type FileIssue } from '../../analyze/accumulate.js';
import { mergeSessions, type SessionAcc } from '../../analyze/sessions.js';
import { boundProfile, mergePackedProfile, type PackedProfile } from '../../drift/profile.js';
import { BottomK } from '../../analyze/sample.js';
import { labelerFor } from '../../analyze/labelerFor.js';
import { listInputs, prefetchInputs } from './inputs.js';
import { DEDUPE_KEYS, KeySet, KeySpill, KnownRepeats } from './keySet.js';
import { BLOCK_BYTES, interrupted, readInput, type ReadProgress } from './readInput.js';
import type { ScanRequest, ScanResult } from '../types.js';
import {
  accumulateSample,
  addRecord,
  duplicateReason,
  findDuplicates,
  processChunk,
  sampleInvalid,
  skipLine,
  type ChunkContext,
  type ChunkFormat,
  type SampledItem,
  type SkipEntry,
} from './chunk.js';

export type ScanOptions = ScanRequest;
export type ScanProgress = ReadProgress;
export type { ScanResult };

export interface WorkerInit {
  groupBy: string[];
  router?: RouterModel;
  measured?: [string, Difficulty][];
  sessionKey?: string;
  promptBounds?: number[];
  sampleSize?: number;
  seed?: number;
  /** Send skipped lines back with each chunk (for --skipped). */
  collectSkips?: boolean;
}
export type WorkerRequest =
  | { type: 'chunk'; seq: number; file: string; fileIndex: number; startLine: number; format: ChunkFormat; bytes: Uint8Array }
  | { type: 'verdict'; seq: number; duplicates: number[] }
  | { type: 'finish' };
export type WorkerReply =
  /**
   * keys: packed (keySet.ts packKeys); lines and ids only with collectSkips. The chunk's shared buffer is free
   * again. sessions and profile: the chunk's session turns and traffic profile, here when it needs no verdict,
   * else with its 'done'.
   */
  | { type: 'parsed'; seq: number; file: string; keys: Uint32Array; lines: number[]; ids: string[]; skips: SkipEntry[]; needsVerdict: boolean; sessions?: SessionAcc; profile?: PackedProfile }
  | { type: 'done'; seq: number; sessions: SessionAcc; profile?: PackedProfile }
  | { type: 'result'; acc: Accumulator; sample?: { keys: number[]; items: SampledItem[]; seen: number } }
  | { type: 'error'; message: string; stack?: string };

/**
 * A small young generation per worker keeps peak RSS flat (each isolate would
 * otherwise grow semi-spaces of tens of MB for JSON.parse garbage that dies
 * young anyway); measured in `npm run bench`. Not smaller: with 8 or 12 MB more of
 * a chunk's records survive into the old generation, which grows by 4 times what
 * survives (below): peak RSS 304–323 MB against 264–267 MB on the 1.27 GB log
 * (24 MB: the same, 32 MB: 294–298 MB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };
/**
 * V8's heap growing factor while worker threads read (a V8 flag, so process-wide; the default, 0, is V8's own
 * choice between 1.1 and 4). With V8's choice the main thread, whose live heap is small (~13 MB) beside its
 * young generation (16 MB semi-spaces), ends each mark-compact with less room in the old generation than a
 * young generation's worth, which starts the next incremental mark-compact at once: ~230 in a row on the
 * 1.27 GB benchmark log, with their concurrent marking on both cores. Growing each heap to 4× its live size
 * leaves the room (11 mark-compacts); the workers' live heaps are ~20 MB, so theirs stay near 80 MB.
 * Measured on that log: 17% less CPU, peak RSS 40 MB more, the same report.
 */
const HEAP_GROWING_PERCENT = 300;
/** Pools running (the flag is set while there is one). */
let pools = 0;

/**
 * The size of the shared buffers chunks travel to workers in: a block is about 1 MB of whole lines, read into
 * one of these as it comes (what LineChunker gathers a block in).
 */
const CHUNK_BUFFER_BYTES = pendingRoom(BLOCK_BYTES);
/** Files read ahead of the one being read (small ones, inflated ahead when small gzip: see prefetchInputs). */
const PREFETCH_FILES = 4;

/**
 * Below this much input, starting workers costs more than it saves: two isolates to start and warm up, and a
 * message's round trip per block. Measured on a quiet 2-core machine (load 1.5; the same reports either way),
 * wall time one thread against worker threads, 3–4 alternating pairs: 40 MB 0.65 against 0.85 s, 127 MB 1.03
 * against 1.17 s, 192 MB 1.40 against 1.41 s (even; workers spend 0.6 s more CPU), 253 MB 1.80 against 1.63 s,
 * 1.27 GB about 1.6× faster with workers. (16 MB before: measured on a busy machine.)
 */
const WORKER_MIN_BYTES = 192 << 20;
/**
 * What a gzip file's stored byte counts for against WORKER_MIN_BYTES: it is the inflated bytes that are parsed,
 * and JSON logs inflate about 7× (the bundled sample: 1.5 MB stored, 10.5 MB of records) to 10.6–11.5×
 * (Bedrock-shaped objects of generated trees). So a tree of small objects of 127 MB of records (12 MB stored) is
 * read on one thread, as the same records in one plain file are: 1.51 s against 1.71 s with workers (3 pairs,
 * load 1.5).
 */
const GZIP_WEIGHT = 10;

export async function scanTraffic(opts: ScanOptions): Promise<ScanResult> {
  const repeated: RepeatedInput[] = [];
  const inputs = await listInputs(opts.paths, repeated);
  // Keys beyond the table's room go to disk; stdin cannot be read twice, so with it every key stays in memory.
  const room = inputs.some((i) => i.path === '-') ? Number.POSITIVE_INFINITY : (opts.dedupeKeys ?? DEDUPE_KEYS);
  const spill = new KeySpill();
  try {
    const first = await scanOnce(opts, inputs, repeated, new KeySet(room, spill));
    if (spill.spilled === 0) return first;
    const repeats = spill.repeats();
    spill.dispose();
    if (repeats.size === 0) return first;
    // Requests the first reading counted as new repeat among the keys it had no room for: read again, dropping them.
    await opts.onReread?.({ keptKeys: room, repeatedKeys: repeats.size });
    return await scanOnce(opts, inputs, repeated, new KeySet(room, new KnownRepeats(repeats)));
  } finally {
    spill.dispose();
  }
}

/** One reading of the inputs into an accumulator, de-duplicated by `seen`. */
async function scanOnce(opts: ScanOptions, inputs: InputSource[], repeated: RepeatedInput[], seen: KeySet): Promise<ScanResult> {
  // One set for the whole run: the workers' chunks and the rows read on this thread (CSV, whole files) alike.
  const ctx: ChunkContext = {
    acc: newAccumulator(opts.groupBy),
    labeler: labelerFor(opts.router),
    groupBy: opts.groupBy,
    measured: opts.measured,
    sessionKey: opts.sessionKey,
    promptBounds: opts.promptBounds,
    sample: opts.sample ? new BottomK<SampledItem>(opts.sample.size) : undefined,
    seed: opts.sample?.seed,
    strict: opts.strict,
    seen,
    onSkip: opts.onSkip,
  };
  for (const r of repeated) {
    const message = r.file === r.sameAs ? `${r.file} is given more than once: read once` : `${r.file} is the same file as ${r.sameAs}: read once`;
    addFileIssue(ctx.acc, { file: r.file, kind: 'repeated-path', message });
  }
  const sink: BlockSink = shouldUseWorkers(opts, inputs) ? new WorkerPool(workerCount(opts), opts, ctx, seen) : new InProcess(ctx);
  const formats: Partial<Record<LogFormatName, number>> = {};
  const sizes = inputs.map((i) => i.size);
  const progress: ScanProgress = { bytes: 0, lines: 0, file: '', inputBytes: 0 };
  if (sizes.every((s) => s !== undefined)) progress.totalBytes = sizes.reduce<number>((a, b) => a + b!, 0);
  try {
    for (const [index, input] of inputs.entries()) {
      progress.file = input.display;
      prefetchInputs(inputs, index + 1, PREFETCH_FILES);
      const format = await scanFile(input, index, opts, ctx, sink, progress);
      // Read: its bytes go with it.
      input.prefetched = undefined;
      input.inflated = undefined;
      if (format) formats[format] = (formats[format] ?? 0) + 1;
    }
    await sink.finish();
  } finally {
    sink.terminate();
  }
  let acc = ctx.acc;
  let sample: ScanResult['sample'];
  if (ctx.sample && opts.sample) {
    const sampled = newAccumulator(opts.groupBy);
    accumulateSample(sampled, ctx.sample.items, opts.onSkip);
    sample = { size: ctx.sample.items.length, of: ctx.sample.seen + acc.read, seed: opts.sample.seed };
    // CSV rows are not bottom-k sampled (they are read whole): fold them in.
    acc = mergeAccumulators(sampled, acc);
  }
  return { acc, files: inputs.map((i) => i.display), formats, bytesRead: progress.bytes, sample };
}

async function scanFile(input: InputSource, fileIndex: number, opts: ScanOptions, ctx: ChunkContext, sink: BlockSink, progress: ScanProgress): Promise<LogFormatName> {
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const blockBuffer = sink.blockBuffer?.bind(sink);
  const pieces = readInput(input, { format: opts.format, csvMap: opts.csvMap, strict: opts.strict, maxLineBytes, signal: opts.signal, progress, ...(blockBuffer ? { blockBuffer } : {}) });
  for (let r = await pieces.next(); ; r = await pieces.next()) {
    if (r.done) {
      opts.onProgress?.(progress);
      return r.value;
    }
    const p = r.value;
    switch (p.kind) {
      case 'mixed':
        fileIssue(ctx, sink, { file: input.display, kind: 'mixed-formats', message: describeMixed(input.display, p.votes) });
        break;
      case 'block':
        await sink.block(input.display, fileIndex, p.startLine, p.format, p.bytes);
        opts.onProgress?.(progress);
        break;
      case 'overlong': {
        const reason = overlongReason(p.bytes, maxLineBytes);
        sink.local(() => (ctx.sample ? sampleInvalid(ctx, input.display, fileIndex, p.line, reason) : skipLine(ctx, input.display, fileIndex, p.line, reason)));
        break;
      }
      case 'csv':
      case 'whole':
        // Records of earlier files decide which of these rows are duplicates: let the workers catch up.
        await sink.idle();
        break;
      case 'event': {
        // CSV rows and files read whole are read on this thread.
        if (opts.signal?.aborted) throw interrupted({ file: input.display, lines: ctx.acc.read });
        const ev = p.event;
        if (ev.kind === 'skipped') skipLine(ctx, ev.skipped.source.file, fileIndex, ev.skipped.source.line, ev.skipped.reason);
        else {
          addRecord(ev.record, ctx);
          boundProfile(ctx.acc.profile);
        }
        break;
      }
      case 'break': {
        const message = describeReadFailure(p.error, input.display, p.linesRead);
        if (opts.strict) throw new InputError(message);
        const kind = p.error.kind === 'not-gzip' ? 'not-gzip' : p.error.kind === 'truncated' ? 'truncated' : 'corrupt';
        fileIssue(ctx, sink, { file: input.display, kind, ...(kind === 'not-gzip' ? {} : { line: p.linesRead + 1 }), message });
        break;
      }
      case 'garbage':
        fileIssue(ctx, sink, {
          file: input.display,
          kind: 'trailing-garbage',
          message: `${input.display} has ${p.bytes.toLocaleString('en-US')} byte${p.bytes === 1 ? '' : 's'} of trailing garbage after its gzip data: ignored, as gzip -d does`,
        });
        break;
    }
  }
}

function fileIssue(ctx: ChunkContext, sink: BlockSink, issue: FileIssue): void {
  sink.local(() => {
    addFileIssue(ctx.acc, issue);
    ctx.onSkip?.({ file: issue.file, line: issue.line ?? 0, kind: 'file', reason: issue.message });
  });
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
    if (i.size === undefined) return true;
    bytes += /\.gz$/i.test(i.path) ? i.size * GZIP_WEIGHT : i.size;
  }
  return bytes >= WORKER_MIN_BYTES && os.availableParallelism() > 1;
}

function workerCount(opts: ScanOptions): number {
  return opts.workers && opts.workers > 0 ? opts.workers : Math.max(1, os.availableParallelism());
}

/**
 * A sink for blocks of JSON lines of another engine (the lines DuckDB leaves to tokor, in place, the others
 * blanked), accumulated into `ctx` as scanTraffic accumulates its blocks: on `threads` worker threads when
 * there are two or more and the compiled worker is there, else on this thread. `ctx.seen` must be `seen`.
 */
export function openBlockSink(ctx: ChunkContext, seen: KeySet, opts: Pick<ScanOptions, 'groupBy' | 'router' | 'sessionKey' | 'promptBounds'>, threads: number): BlockSink {
  return threads > 1 && workerFile() ? new WorkerPool(threads, { paths: [], ...opts }, ctx, seen) : new InProcess(ctx);
}

/** What a chunk's accounting leaves for the main thread to merge in input order. */
interface ChunkParts {
  sessions: SessionAcc;
  profile: PackedProfile | undefined;
}

/** Where blocks of lines go: processed here, or by worker threads. */
export interface BlockSink {
  block(file: string, fileIndex: number, startLine: number, format: ChunkFormat, bytes: Buffer): Promise<void>;
  /**
   * A buffer for the reader to gather a block's bytes in (sinks that hand blocks on in buffers of their own):
   * a block at its start then comes to block() and goes on with no copy; the reader writes no more into it.
   */
  blockBuffer?(size: number): Buffer;
  /** Runs `fn` on this thread after every block handed over before it was accounted (input order). */
  local(fn: () => void): void;
  /** Resolves when every block handed over so far is accounted. */
  idle(): Promise<void>;
  /** Accounts everything and merges it into the context's accumulator. */
  finish(): Promise<void>;
  terminate(): void;
}

class InProcess implements BlockSink {
  constructor(private readonly ctx: ChunkContext) {}
  block(file: string, fileIndex: number, startLine: number, format: ChunkFormat, bytes: Buffer): Promise<void> {
    processChunk(bytes, file, fileIndex, startLine, format, this.ctx);
    // The profile is bounded after each chunk, as WorkerPool bounds it after merging each chunk's.
    boundProfile(this.ctx.acc.profile);
    return Promise.resolve();
  }
  local(fn: () => void): void {
    fn();
  }
  idle(): Promise<void> {
    return Promise.resolve();
  }
  finish(): Promise<void> {
    return Promise.resolve();
  }
  terminate(): void {}
}

/**
 * Chunks handed to a worker and not yet parsed, at most, and chunks parsed and waiting for their duplicate verdict
 * (their records held in the worker), at most, per worker. One each: two of each let the workers run further ahead
 * of the main thread, which only grows their heaps (the chunks' records and garbage, under a heap growing factor
 * of 4) and does not make the work faster (the next block is read and copied while a worker parses, so a worker
 * waits only for a message's round trip). On the 1.27 GB benchmark log: peak RSS 267 MB instead of 323 MB, the
 * same CPU time (medians of three, load average 8–10).
 */
const CHUNKS_IN_FLIGHT = 1;
const CHUNKS_AWAITING = 1;

/**
 * Round-robin pool with at most CHUNKS_IN_FLIGHT chunks in flight per worker. Chunks and
 * local steps get sequence numbers; the main thread handles each chunk's
 * de-duplication keys and skipped lines strictly in that order (whatever
 * order the workers finish in), so the first occurrence of a request wins and
 * skips are reported in input order, as in-process.
 */
class WorkerPool implements BlockSink {
  private readonly workers: Worker[];
  private readonly inflight: number[];
  /**
   * Shared buffers chunks travel in, free for the next chunks, and those a worker is reading (by sequence
   * number): allocated once, not per chunk, so the main thread's heap sees no new buffer per megabyte read
   * (each would count towards its next garbage collection).
   */
  private readonly pool: SharedArrayBuffer[] = [];
  private readonly lent = new Map<number, SharedArrayBuffer>();
  /** Every shared buffer of this pool (those blockBuffer() gives out come back to block() with a block in them). */
  private readonly ours = new WeakSet<SharedArrayBuffer>();

  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private next = 0;
  private seq = 0;
  /** Sequence number of the next step to run, and the steps that wait for their turn. */
  private turn = 0;
  private readonly ready = new Map<number, () => void>();
  /** Chunks whose records wait in a worker for their duplicate verdict. */
  private awaiting = 0;
  /**
   * Chunks' session turns and traffic profiles (null for a local step, which has none) until they are merged
   * into the context's accumulator, in sequence order (chunk by chunk in input order, whichever worker finishes
   * first), and the sequence number of the next to merge.
   */
  private readonly parts = new Map<number, ChunkParts | null>();
  private nextParts = 0;
  private stopping = false;
  private rejectFailed: (e: Error) => void = () => undefined;
  /** Rejects with the first failure: what finish() races its replies against. */
  private readonly failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));

  constructor(
    n: number,
    opts: ScanOptions,
    private readonly ctx: ChunkContext,
    /** The de-duplication keys (the context's `seen`). */
    private readonly seen: KeySet,
  ) {
    const init: WorkerInit = {
      groupBy: opts.groupBy,
      router: opts.router,
      measured: opts.measured ? [...opts.measured] : undefined,
      sessionKey: opts.sessionKey,
      promptBounds: opts.promptBounds,
      sampleSize: opts.sample?.size,
      seed: opts.sample?.seed,
      collectSkips: opts.onSkip !== undefined && opts.sample === undefined,
    };
    if (pools++ === 0) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    this.workers = Array.from({ length: n }, () => new Worker(workerFile()!, { workerData: init, execArgv: [], resourceLimits: WORKER_LIMITS }));
    this.inflight = this.workers.map(() => 0);
    this.workers.forEach((w, i) => {
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'parsed') {
          // The worker is free for the next chunk; this one's records wait there for the verdict.
          const lent = this.lent.get(m.seq);
          this.lent.delete(m.seq);
          if (lent && this.pool.length < 2 * this.workers.length + 2) this.pool.push(lent);
          this.release(i);
          if (m.needsVerdict) this.awaiting++;
          else this.chunkParts(m.seq, { sessions: m.sessions!, profile: m.profile });
          this.step(m.seq, () => this.onParsed(i, m));
        } else if (m.type === 'done') {
          this.chunkParts(m.seq, { sessions: m.sessions, profile: m.profile });
          this.awaiting--;
          this.wake();
        }
        else if (m.type === 'error') this.fail(new RuntimeFailure(`analyze worker failed: ${m.message}`));
      });
      w.on('error', (e) => this.fail(new RuntimeFailure(`analyze worker failed: ${e.message}`)));
      // A worker that dies (out of memory, killed) must fail the run, not leave it waiting for its reply.
      w.on('exit', (code) => {
        if (!this.stopping) this.fail(new RuntimeFailure(`analyze worker stopped unexpectedly (exit code ${code})`));
      });
    });
    this.failed.catch(() => undefined);
  }

  async block(file: string, fileIndex: number, startLine: number, format: ChunkFormat, bytes: Buffer): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      const i = this.pick();
      if (i >= 0) {
        this.inflight[i]!++;
        const seq = this.seq++;
        // The worker reads the block in place, in a shared buffer of ours: where blockBuffer() put it, or a copy
        // (the source may be a pooled slab).
        let own: Uint8Array;
        if (bytes.buffer instanceof SharedArrayBuffer && this.ours.has(bytes.buffer)) own = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
        else {
          own = new Uint8Array(this.buffer(bytes.length), 0, bytes.length);
          own.set(bytes);
        }
        this.lent.set(seq, own.buffer as SharedArrayBuffer);
        this.workers[i]!.postMessage({ type: 'chunk', seq, file, fileIndex, startLine, format, bytes: own } satisfies WorkerRequest);
        return;
      }
      await this.wait();
    }
  }

  blockBuffer(size: number): Buffer {
    return Buffer.from(this.buffer(size), 0, size);
  }

  local(fn: () => void): void {
    const seq = this.seq++;
    this.chunkParts(seq, null);
    this.step(seq, fn);
  }

  /** Merges chunks' session turns and profiles into the context's accumulator in sequence order, as they become ready. */
  private chunkParts(seq: number, parts: ChunkParts | null): void {
    this.parts.set(seq, parts);
    while (this.parts.has(this.nextParts)) {
      const s = this.parts.get(this.nextParts)!;
      this.parts.delete(this.nextParts++);
      try {
        if (s) {
          mergeSessions(this.ctx.acc.sessions, s.sessions);
          if (s.profile) {
            const acc = this.ctx.acc;
            acc.profile = mergePackedProfile(acc.profile, s.profile);
            boundProfile(acc.profile);
          }
        }
      } catch (e) {
        this.fail(e as Error);
      }
    }
  }

  private buffer(size: number): SharedArrayBuffer {
    for (let k = this.pool.length - 1; k >= 0; k--) {
      const b = this.pool[k]!;
      if (b.byteLength >= size) {
        this.pool.splice(k, 1);
        return b;
      }
    }
    const shared = new SharedArrayBuffer(Math.max(size, CHUNK_BUFFER_BYTES));
    this.ours.add(shared);
    return shared;
  }

  async idle(): Promise<void> {
    while (!(this.turn === this.seq && this.nextParts === this.seq && this.awaiting === 0 && this.inflight.every((n) => n === 0))) {
      if (this.failure) throw this.failure;
      await this.wait();
    }
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    await this.idle();
    const results = await Promise.race([
      this.failed,
      Promise.all(
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
      ),
    ]);
    // The workers' heaps go before the merge (the run's last peak of memory): all they had is in `results`.
    await this.stop();
    for (const r of results) {
      mergeAccumulators(this.ctx.acc, r.acc);
      if (r.sample && this.ctx.sample) this.ctx.sample.merge(r.sample);
    }
  }

  terminate(): void {
    void this.stop();
  }

  private async stop(): Promise<void> {
    if (!this.stopping && --pools === 0) v8.setFlagsFromString('--heap-growing-percent=0');
    this.stopping = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** A chunk's keys and skips, in turn: mark keys seen, send the verdict, report skips (duplicates among them) in line order. */
  private onParsed(worker: number, m: Extract<WorkerReply, { type: 'parsed' }>): void {
    const duplicates = m.needsVerdict ? findDuplicates(this.seen, m.keys) : [];
    if (m.needsVerdict) this.workers[worker]!.postMessage({ type: 'verdict', seq: m.seq, duplicates } satisfies WorkerRequest);
    const onSkip = this.ctx.onSkip;
    if (!onSkip) return;
    const entries = m.skips.concat(duplicates.map((i) => ({ file: m.file, line: m.lines[i]!, kind: 'duplicate' as const, reason: duplicateReason(m.ids[i]!) })));
    if (duplicates.length > 0) entries.sort((a, b) => a.line - b.line);
    for (const e of entries) onSkip(e);
  }

  /** Runs step `seq` when all steps before it have run. */
  private step(seq: number, fn: () => void): void {
    this.ready.set(seq, fn);
    while (this.ready.has(this.turn)) {
      const f = this.ready.get(this.turn)!;
      this.ready.delete(this.turn);
      this.turn++;
      try {
        f();
      } catch (e) {
        this.fail(e as Error);
      }
    }
    this.wake();
  }

  private release(i: number): void {
    this.inflight[i]!--;
    this.wake();
  }

  private wait(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r));
  }

  private pick(): number {
    // Chunks parsed but not yet accounted hold their records: bound them too.
    if (this.awaiting >= CHUNKS_AWAITING * this.workers.length) return -1;
    for (let k = 0; k < this.workers.length; k++) {
      const i = (this.next + k) % this.workers.length;
      if (this.inflight[i]! < CHUNKS_IN_FLIGHT) {
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
    if (this.failure === undefined) this.rejectFailed(e);
    this.failure ??= e;
    this.wake();
  }
}
