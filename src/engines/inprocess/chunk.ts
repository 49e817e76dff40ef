/**
 * Processes a chunk of JSON-lines text: parse, label, accumulate. The same
 * code runs in worker threads and in-process. Pure of process/console.
 *
 * De-duplication: a record with a request ID counts once; a later record with
 * the same request ID, model and token counts is dropped as a duplicate. In
 * process the context's `seen` set decides at once. In a worker the records
 * of a chunk that carry an ID wait (parsed and labeled) in a `DeferredChunk`
 * while the main thread, which sees every chunk's keys in input order, says
 * which are duplicates; so both modes keep the same first occurrence.
 */
import { isAscii } from 'node:buffer';
import { parseJsonLine, readJsonLine, type JsonReadFormat } from '../../ingest/index.js';
import type { TrafficEvent, TrafficRecord } from '../../types.js';
import { InputError } from '../../errors.js';
import { addDuplicate, addFacts, addFailed, addInvalid, noteProblems, type Accumulator, type RecordFacts } from '../../analyze/accumulate.js';
import { recordFacts, type FactsContext } from '../../analyze/facts.js';
import type { BottomK } from '../../analyze/sample.js';
import { fmix32, keyOfWords, sampleKey, fileHash } from '../../analyze/sample.js';
import type { KeySet } from './keySet.js';

/** One skipped line for `--skipped`: an invalid line, a dropped duplicate, or a file-level break. */
export interface SkipEntry {
  file: string;
  line: number;
  kind: 'invalid' | 'duplicate' | 'file';
  reason: string;
}

export interface ChunkContext extends FactsContext {
  acc: Accumulator;
  /** --sample: keep the k lines with the smallest seeded hash (bottom-k sampling). */
  sample?: BottomK<SampledItem>;
  seed?: number;
  /** --strict: the first bad record is an InputError naming file:line. */
  strict?: boolean;
  /** De-duplication keys seen so far (in-process; absent in worker threads, where the main thread decides). */
  seen?: SeenKeys;
  /** Receives every skipped line as it is skipped (--skipped). */
  onSkip?: (s: SkipEntry) => void;
}

/** What de-duplication needs of a set of dedupeKey strings (a Set, or the compact KeySet). */
interface SeenKeys {
  has(key: string): boolean;
  add(key: string): unknown;
}

/** A record's outcome, kept until its duplicate verdict (worker threads) or sampled. */
type PendingRecord = { kind: 'facts'; facts: RecordFacts; problems?: string[] } | { kind: 'failed'; errorCode: string; problems?: string[] };

export type SampledItem = { file: string; fileIndex: number; line: number; dedupe?: string } & (PendingRecord | { kind: 'invalid'; reason: string });

/** Records of one chunk that wait for the main thread's duplicate verdict. */
export interface DeferredChunk {
  keys: string[];
  lines: number[];
  ids: string[];
  items: PendingRecord[];
}

export type ChunkFormat = JsonReadFormat;

/**
 * The key a duplicate shares with its original: a 96-bit hash of request ID,
 * model and token counts (undefined without a request ID). A hash, not the
 * text, because one key per record is held for the whole run (~70 bytes
 * instead of several hundred); two different requests share one with a
 * chance of about n² / 2^97 (below 10^-11 for a billion records).
 */
export function dedupeKey(r: TrafficRecord): string | undefined {
  const id = r.requestId;
  if (id === undefined) return undefined;
  // Written out without closures or arrays (it runs on every request); the same steps as feeding the
  // length and code units of ID and model, then each count's low and high 32 bits.
  let a = 0x811c9dc5;
  let b = 0x41c6ce57;
  let c = 0x9e3779b9;
  for (let p = 0; p < 2; p++) {
    const s = p === 0 ? id : r.modelId;
    let x = s.length;
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x ^ (a >>> 15), 0x5bd1e995);
    c = Math.imul(c ^ x ^ (b >>> 13), 0x27d4eb2f);
    for (let i = 0; i < s.length; i++) {
      x = s.charCodeAt(i);
      a = Math.imul(a ^ x, 0x01000193);
      b = Math.imul(b ^ x ^ (a >>> 15), 0x5bd1e995);
      c = Math.imul(c ^ x ^ (b >>> 13), 0x27d4eb2f);
    }
  }
  const t = r.tokens;
  for (let k = 0; k < 8; k++) {
    const n = k < 2 ? t.input : k < 4 ? t.output : k < 6 ? t.cacheRead : t.cacheWrite;
    const x = k % 2 === 0 ? n >>> 0 : Math.floor(n / 4294967296);
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x ^ (a >>> 15), 0x5bd1e995);
    c = Math.imul(c ^ x ^ (b >>> 13), 0x27d4eb2f);
  }
  a = fmix32(a ^ c);
  b = fmix32(b ^ a);
  c = fmix32(c ^ b);
  return keyOfWords(a, b, c);
}


export function duplicateReason(requestId: string): string {
  const id = requestId.length > 80 ? `${requestId.slice(0, 80)}…` : requestId;
  return `duplicate: request ID ${JSON.stringify(id)} with the same model and tokens was already counted`;
}

/** Decodes one line; a chunk's first line as the whole chunk was once decoded (a leading BOM dropped). */
const LINE_DECODER = new TextDecoder('utf-8', { ignoreBOM: true });
const FIRST_LINE_DECODER = new TextDecoder('utf-8');

/**
 * Handles one chunk of UTF-8 JSON lines that ends at a line boundary; `startLine` is the
 * 1-based number of its first line. With `deferred`, records that carry a
 * request ID are parsed and labeled but wait there for applyVerdict.
 *
 * Lines are cut on the bytes and decoded one by one: a line of ASCII becomes a one-byte string,
 * which JSON.parse and every scan after it read several times faster than a slice of a chunk decoded
 * whole (one non-ASCII character anywhere makes the whole chunk's string two bytes per character).
 * The text of each line is the same (a newline byte never sits inside a multi-byte character).
 */
export function processChunk(chunk: Uint8Array, file: string, fileIndex: number, startLine: number, format: ChunkFormat, ctx: ChunkContext, deferred?: DeferredChunk): void {
  const fh = ctx.sample ? fileHash(file, ctx.seed ?? 0) : 0;
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let lineNo = startLine;
  let pos = 0;
  const n = bytes.length;
  // One callback for the chunk, not one per line.
  const emit = (ev: TrafficEvent): void => {
    if (ev.kind === 'record') addRecord(ev.record, ctx, deferred);
    else skipLine(ctx, file, fileIndex, ev.skipped.source.line, ev.skipped.reason);
  };
  while (pos < n) {
    let end = bytes.indexOf(10, pos);
    if (end === -1) end = n;
    const start = pos;
    pos = end + 1;
    const thisLine = lineNo++;
    if (end === start) continue;
    if (bytes[end - 1] === 13) end--;
    const view = bytes.subarray(start, end);
    // ASCII (most lines) is its own Latin-1: copied into a one-byte string without UTF-8 decoding.
    const line = isAscii(view) ? bytes.toString('latin1', start, end) : (start === 0 ? FIRST_LINE_DECODER : LINE_DECODER).decode(view);
    if (line.trim().length === 0) continue;
    if (ctx.sample) {
      const key = sampleKey(fh, thisLine);
      const s = ctx.sample;
      // One record per line: rejected unparsed. A line that may hold several (a CloudWatch page, an OTLP
      // batch, a JSON array) is parsed first, so each record is a sample candidate of its own and counts
      // in `seen` (the sample rate) even when none of them is kept.
      const several = mayHoldSeveral(line);
      if (!several) {
        s.seen++;
        if (!s.wants(key)) continue;
      }
      parseJsonLine(format, line, { file, line: thisLine }).forEach((ev, i) => {
        const k = i === 0 ? key : fmix32((key ^ Math.imul(i, 0x85ebca6b)) >>> 0);
        if (i > 0 || several) s.seen++;
        if (s.wants(k)) s.push(k, toSampled(ev, file, fileIndex, thisLine, ctx));
      });
      continue;
    }
    readJsonLine(format, line, { file, line: thisLine }, emit);
  }
}

/**
 * Whether a JSON line may hold several records: a top-level array, or a wrapper of many (CloudWatch
 * `events`/`logEvents`, OTLP `resourceSpans`/`resourceLogs`). A false positive only costs a parse.
 */
function mayHoldSeveral(line: string): boolean {
  return MULTI_RECORD.test(line);
}
const MULTI_RECORD = /^\s*\[|"(?:events|logEvents|resourceSpans|resourceLogs|scopeSpans)"\s*:/;

/** Counts an invalid line (or throws, with --strict). */
export function skipLine(ctx: ChunkContext, file: string, fileIndex: number, line: number, reason: string): void {
  if (ctx.strict) throw new InputError(reason, `${file}:${line}`);
  addInvalid(ctx.acc, file, line, reason, fileIndex);
  ctx.onSkip?.({ file, line, kind: 'invalid', reason });
}

function pendingOf(r: TrafficRecord, ctx: ChunkContext): PendingRecord {
  // Literals, not spreads: this runs on every request.
  if (r.errorCode) return r.problems ? { kind: 'failed', errorCode: r.errorCode, problems: r.problems } : { kind: 'failed', errorCode: r.errorCode };
  const facts = recordFacts(r, ctx);
  return r.problems ? { kind: 'facts', facts, problems: r.problems } : { kind: 'facts', facts };
}

function addPending(acc: Accumulator, p: PendingRecord): void {
  if (p.kind === 'failed') {
    addFailed(acc, p);
    return;
  }
  noteProblems(acc, p);
  addFacts(acc, p.facts);
}

/** Adds one parsed record (failed calls are counted apart; duplicates dropped, or deferred to the main thread's verdict). */
export function addRecord(r: TrafficRecord, ctx: ChunkContext, deferred?: DeferredChunk): void {
  const key = dedupeKey(r);
  if (key !== undefined) {
    if (deferred) {
      deferred.keys.push(key);
      deferred.lines.push(r.source.line);
      deferred.ids.push(r.requestId!);
      deferred.items.push(pendingOf(r, ctx));
      return;
    }
    if (ctx.seen) {
      if (ctx.seen.has(key)) {
        addDuplicate(ctx.acc);
        ctx.onSkip?.({ file: r.source.file, line: r.source.line, kind: 'duplicate', reason: duplicateReason(r.requestId!) });
        return;
      }
      ctx.seen.add(key);
    }
  }
  addPending(ctx.acc, pendingOf(r, ctx));
}

/** Accumulates a deferred chunk's records, except the duplicates the main thread found (their indexes). */
export function applyVerdict(acc: Accumulator, d: DeferredChunk, duplicates: number[]): void {
  let next = 0;
  d.items.forEach((p, i) => {
    if (duplicates[next] === i) {
      next++;
      addDuplicate(acc);
    } else addPending(acc, p);
  });
}

/**
 * The main thread's side of the verdict: which of a chunk's keys were seen
 * before (indexes, ascending), marking the others seen.
 */
export function findDuplicates(seen: KeySet, keys: Uint32Array): number[] {
  const dups: number[] = [];
  const n = keys.length / 3;
  for (let i = 0; i < n; i++) if (seen.seenBefore(keys, i)) dups.push(i);
  return dups;
}

function toSampled(ev: TrafficEvent, file: string, fileIndex: number, lineNo: number, ctx: ChunkContext): SampledItem {
  if (ev.kind === 'skipped') return { kind: 'invalid', file, fileIndex, line: lineNo, reason: ev.skipped.reason };
  const dedupe = dedupeKey(ev.record);
  return { ...pendingOf(ev.record, ctx), file, fileIndex, line: lineNo, ...(dedupe !== undefined ? { dedupe } : {}) };
}

/** An overlong or otherwise unreadable line as a sample candidate (sampled like any other line). */
export function sampleInvalid(ctx: ChunkContext, file: string, fileIndex: number, line: number, reason: string): void {
  const s = ctx.sample!;
  const key = sampleKey(fileHash(file, ctx.seed ?? 0), line);
  s.seen++;
  if (s.wants(key)) s.push(key, { kind: 'invalid', file, fileIndex, line, reason });
}

/**
 * Replays sampled items into an accumulator in input order, dropping
 * duplicates among them (the first occurrence stays), and reports skips.
 */
export function accumulateSample(acc: Accumulator, items: SampledItem[], onSkip?: (s: SkipEntry) => void): void {
  const ordered = [...items].sort((a, b) => a.fileIndex - b.fileIndex || a.line - b.line);
  const seen = new Set<string>();
  for (const it of ordered) {
    if (it.kind === 'invalid') {
      addInvalid(acc, it.file, it.line, it.reason, it.fileIndex);
      onSkip?.({ file: it.file, line: it.line, kind: 'invalid', reason: it.reason });
      continue;
    }
    if (it.dedupe !== undefined) {
      if (seen.has(it.dedupe)) {
        addDuplicate(acc);
        onSkip?.({ file: it.file, line: it.line, kind: 'duplicate', reason: 'duplicate: the same request ID, model and tokens were already counted' });
        continue;
      }
      seen.add(it.dedupe);
    }
    addPending(acc, it);
  }
}
