/**
 * Processes a chunk of JSON-lines text: parse, label, accumulate. The same
 * code runs in worker threads and in-process. Pure of process/console.
 */
import { parseJsonLine } from '../ingest/index.js';
import type { TrafficRecord } from '../types.js';
import { InputError } from '../errors.js';
import { addFacts, addFailed, addInvalid, noteProblems, type Accumulator, type RecordFacts } from './accumulate.js';
import { recordFacts, type FactsContext } from './facts.js';
import type { BottomK } from './sample.js';
import { sampleKey, fileHash } from './sample.js';

export interface ChunkContext extends FactsContext {
  acc: Accumulator;
  /** --sample: keep the k lines with the smallest seeded hash (bottom-k sampling). */
  sample?: BottomK<SampledItem>;
  seed?: number;
  /** --strict: the first bad record is an InputError naming file:line. */
  strict?: boolean;
}

export type SampledItem = { kind: 'facts'; facts: RecordFacts } | { kind: 'failed'; record: Pick<TrafficRecord, 'errorCode' | 'problems'> } | { kind: 'invalid'; file: string; line: number; reason: string };

/** Handles one text chunk that ends at a line boundary; `startLine` is the 1-based number of its first line. */
export function processChunk(text: string, file: string, startLine: number, format: 'bedrock' | 'openai', ctx: ChunkContext): void {
  const fh = ctx.sample ? fileHash(file, ctx.seed ?? 0) : 0;
  let lineNo = startLine;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = n;
    let line = text.slice(pos, end);
    pos = end + 1;
    const thisLine = lineNo++;
    if (line.length === 0) continue;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.trim().length === 0) continue;
    if (ctx.sample) {
      const key = sampleKey(fh, thisLine);
      ctx.sample.seen++;
      if (!ctx.sample.wants(key)) continue;
      ctx.sample.push(key, toSampled(line, file, thisLine, format, ctx));
      continue;
    }
    handleLine(line, file, thisLine, format, ctx);
  }
}

function handleLine(line: string, file: string, lineNo: number, format: 'bedrock' | 'openai', ctx: ChunkContext): void {
  const ev = parseJsonLine(format, line, { file, line: lineNo });
  if (ev.kind === 'record') addRecord(ev.record, ctx);
  else if (ctx.strict) throw new InputError(ev.skipped.reason, `${file}:${lineNo}`);
  else addInvalid(ctx.acc, file, lineNo, ev.skipped.reason);
}

/** Adds one parsed record (failed calls are counted apart). */
export function addRecord(r: TrafficRecord, ctx: ChunkContext): void {
  if (r.errorCode) {
    addFailed(ctx.acc, r);
    return;
  }
  noteProblems(ctx.acc, r);
  addFacts(ctx.acc, recordFacts(r, ctx));
}

function toSampled(line: string, file: string, lineNo: number, format: 'bedrock' | 'openai', ctx: ChunkContext): SampledItem {
  const ev = parseJsonLine(format, line, { file, line: lineNo });
  if (ev.kind === 'skipped') return { kind: 'invalid', file, line: lineNo, reason: ev.skipped.reason };
  const r = ev.record;
  if (r.errorCode) return { kind: 'failed', record: { errorCode: r.errorCode, problems: r.problems } };
  const facts = recordFacts(r, ctx);
  if (r.problems) (facts as RecordFacts & { problems?: string[] }).problems = r.problems;
  return { kind: 'facts', facts };
}

/** Replays sampled items into an accumulator. */
export function accumulateSample(acc: Accumulator, items: SampledItem[]): void {
  for (const it of items) {
    if (it.kind === 'invalid') addInvalid(acc, it.file, it.line, it.reason);
    else if (it.kind === 'failed') addFailed(acc, { ...it.record, source: { file: '', line: 0 }, modelId: '', tags: {}, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } });
    else {
      const p = (it.facts as RecordFacts & { problems?: string[] }).problems;
      if (p) for (const x of p) acc.problems[x] = (acc.problems[x] ?? 0) + 1;
      addFacts(acc, it.facts);
    }
  }
}
