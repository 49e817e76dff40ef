/**
 * What both SQL engines do with their query results: aggregate rows become
 * PushdownRows, sampled lines are parsed and labeled by tokor's own parser and
 * labeler, and the lines the SQL left to tokor ("complex") go through the
 * in-process reader's chunk code, so they count exactly as they would there.
 */
import { InputError, RuntimeFailure } from '../../errors.js';
import { MAX_LINE_BYTES, overlongReason, parseJsonLine } from '../../ingest/index.js';
import { addFileIssue, newAccumulator, type Accumulator } from '../../analyze/accumulate.js';
import { labelerFor } from '../../analyze/labelerFor.js';
import { startPushdown, type PushdownRow } from '../../analyze/pushdown.js';
import { addRecord, skipLine, type ChunkContext } from '../inprocess/chunk.js';
import type { ScanRequest, ScanResult } from '../types.js';
import { KeySet } from '../inprocess/keySet.js';
import { openBlockSink, type BlockSink } from '../inprocess/scan.js';
import { sampledPerStratum, tagDimensions } from './aggregation.js';
import { labelSample } from './labelSample.js';

/** A line the SQL did not read: tokor parses it. `line` is its 1-based number in its file (0 when the engine cannot tell). */
export interface ComplexLine {
  file: string;
  fileIndex: number;
  line: number;
  /** The line's text ('' when it is over the line limit). */
  text: string;
  /** Over the line limit: its size in bytes (its text is not read). */
  overlong?: number;
}

/** Lines left to tokor in place in a block of their file's lines, the others blanked: numbered by their position. */
export interface ComplexBlock {
  file: string;
  fileIndex: number;
  /** The 1-based number of the block's first line. */
  startLine: number;
  bytes: Buffer;
}

type ComplexLines = Iterable<ComplexLine | ComplexBlock> | AsyncIterable<ComplexLine | ComplexBlock>;

/**
 * What an engine hands back. The sample and the complex lines may be streams (DuckDB streams them from
 * its result, a chunk at a time): they are read once, complex lines first, and not kept.
 */
export interface EngineOutput {
  /** Aggregate rows by column name (values as the engine gives them: numbers, bigints or strings). */
  rows: Record<string, unknown>[];
  /** Whole records of the stratified sample. */
  sample: Iterable<string> | AsyncIterable<string>;
  /**
   * In input order. Read before the sample; given as a function, after it (Athena hands both in one stream
   * of rows: the sample is read as it comes, the lines tokor parses itself are kept until it ends).
   */
  complex: ComplexLines | (() => ComplexLines);
  /** Worker threads for the complex blocks and the sample (0 or 1: this thread). */
  threads?: number;
  /** The sample's size per stratum: a stratum of no more lines (duplicates counted) is sampled whole. */
  perStratum: number;
}

/** Records labeled per stratum when the flag does not say (a stratum this small or smaller is labeled whole). */
export const DEFAULT_PER_STRATUM = 1000;

/**
 * The refusal of copies of a request an engine cannot de-duplicate as the in-process reader does (which copy came
 * first decides there): `n` request IDs whose plain copies differ, or with a plain copy and one tokor parses itself
 * (aggregateQuery's `conflicting` and `mixed`); `wayOut` the advice at the end.
 */
export function uncountableCopies(engine: 'DuckDB' | 'Athena', n: number, wayOut: string): InputError {
  return new InputError(
    `${n.toLocaleString('en-US')} request ID${n === 1 ? ' has copies' : 's have copies'} that ${engine} cannot de-duplicate as tokor does (they differ in Region, day, service tier, error, cache TTL or a --group-by value, or tokor parses one copy itself): tokor counts the first copy of a request, and ${engine} cannot tell which came first; ${wayOut}`,
  );
}

/** Flags of analyze that only the in-process engine has: a one-line refusal names the first one given. */
export function refuseInProcessOnly(req: ScanRequest, engine: string): void {
  const no = (flag: string, why: string) => {
    throw new InputError(`${flag} is not available with --engine ${engine} (${why}); use --engine inprocess`);
  };
  if (req.format !== undefined && req.format !== 'bedrock') no(`--log-format ${req.format}`, 'it reads Bedrock invocation logs');
  if (req.csvMap) no('--map', 'it reads Bedrock invocation logs');
  if (req.strict) no('--strict', 'lines are aggregated where the data lives');
  if (req.onSkip) no('--skipped', 'lines are aggregated where the data lives');
  if (req.dedupeKeys !== undefined) no('--dedupe-keys', 'duplicates are dropped in SQL');
  if (req.measured) no('--labels', 'measured labels need every record’s task cluster');
  if (req.sample) no('--sample', `it labels a stratified sample itself: --label-sample sets its size per stratum`);
  if (req.paths.includes('-')) no('reading stdin', 'the engine reads files');
}

export async function toAccumulator(out: EngineOutput, req: ScanRequest, repeated: { file: string; sameAs: string }[] = []): Promise<{ acc: Accumulator; labeled: number; estimated: boolean }> {
  const groupBy = req.groupBy;
  const tagDims = tagDimensions(groupBy);
  const acc = newAccumulator(groupBy);
  for (const r of repeated) {
    const message = r.file === r.sameAs ? `${r.file} is given more than once: read once` : `${r.file} is the same file as ${r.sameAs}: read once`;
    addFileIssue(acc, { file: r.file, kind: 'repeated-path', message });
  }
  const labeler = labelerFor(req.router);
  const seen = new KeySet();
  const promptBounds = req.promptBounds ?? [];
  const ctx: ChunkContext = { acc, labeler, groupBy, seen, promptBounds };
  const maxLineBytes = req.maxLineBytes ?? MAX_LINE_BYTES;
  const threads = out.threads ?? 1;
  // Blocks go to worker threads as the in-process engine's blocks do (started with the first block: none for
  // Athena's lines or a log without such lines); single lines are read here, in their turn.
  const addComplex = async (lines: ComplexLines) => {
    let sink: BlockSink | undefined;
    try {
      for await (const c of lines) {
        if ('bytes' in c) await (sink ??= openBlockSink(ctx, seen, { groupBy, promptBounds, ...(req.router ? { router: req.router } : {}) }, threads)).block(c.file, c.fileIndex, c.startLine, 'bedrock', c.bytes);
        else if (sink) sink.local(() => addComplexLine(c, ctx, maxLineBytes));
        else addComplexLine(c, ctx, maxLineBytes);
      }
      await sink?.finish();
    } finally {
      sink?.terminate();
    }
  };
  if (typeof out.complex !== 'function') await addComplex(out.complex);
  const rows = out.rows.map(toRow(tagDims.length, groupBy.includes('role')));
  const sink = disagreement(() => startPushdown(acc, rows, groupBy, tagDims, sampledPerStratum({ perStratum: out.perStratum })));
  await labelSample(out.sample, { groupBy, promptBounds, ...(req.router ? { router: req.router } : {}) }, (f) => disagreement(() => sink.add(f)), threads);
  const result = disagreement(() => sink.finish());
  if (typeof out.complex === 'function') await addComplex(out.complex());
  return { acc, labeled: result.sampled, estimated: result.estimatedStrata > 0 };
}

/** The pushdown's own errors (the sample does not fit the rows: the SQL and the parser disagree) as one line. */
function disagreement<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw new RuntimeFailure((e as Error).message);
  }
}

/** A line the SQL left to tokor, read as the in-process reader reads it. */
function addComplexLine(c: ComplexLine, ctx: ChunkContext, maxLineBytes: number): void {
  let text = c.text;
  if (c.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  const bytes = c.overlong ?? Buffer.byteLength(text);
  if (bytes > maxLineBytes) {
    skipLine(ctx, c.file, c.fileIndex, c.line, overlongReason(bytes, maxLineBytes));
    return;
  }
  for (const ev of parseJsonLine('bedrock', text, { file: c.file, line: c.line })) {
    if (ev.kind === 'record') addRecord(ev.record, ctx);
    else skipLine(ctx, c.file, c.fileIndex, ev.skipped.source.line, ev.skipped.reason);
  }
}

function toRow(tags: number, role: boolean): (r: Record<string, unknown>) => PushdownRow {
  return (r) => ({
    errorCode: text(r.err),
    modelId: text(r.model) ?? '',
    priceRegion: text(r.price_region) ?? '',
    groupRegion: text(r.group_region),
    batch: r.batch === true || r.batch === 'true',
    ttl: r.ttl === '1h' ? '1h' : '5m',
    over: Number(int(r.pover)),
    service: r.svc === 'flex' || r.svc === 'priority' ? r.svc : 'standard',
    windowOver: Number(int(r.wover)),
    day: text(r.day) ?? '',
    arn: role ? text(r.arn) : null,
    tags: Array.from({ length: tags }, (_, i) => text(r[`tag${i}`])),
    requests: Number(int(r.requests)),
    duplicates: Number(int(r.duplicates)),
    exceed: Number(int(r.exceed)),
    input: int(r.tin),
    output: int(r.tout),
    cacheRead: int(r.tcr),
    cacheWrite: int(r.tcw),
    cacheWrite1h: int(r.tcw1h),
    minTs: text(r.min_ts),
    maxTs: text(r.max_ts),
  });
}

function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function int(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return BigInt(v);
  if (v === null || v === undefined) return 0n;
  throw new RuntimeFailure(`the engine returned ${JSON.stringify(v)} where a whole number was expected`);
}

/** The scan result both engines return. */
export function scanResult(acc: Accumulator, files: string[], bytesRead: number, labeled: number, estimated: boolean, seed: number): ScanResult {
  return {
    acc,
    files,
    formats: files.length ? { bedrock: files.length } : {},
    bytesRead,
    ...(estimated ? { labelSample: { size: labeled, of: acc.valid, seed } } : {}),
  };
}
