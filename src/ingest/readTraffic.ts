/**
 * The reader entry point: paths → TrafficEvents, one file after another, the
 * format detected per file unless forced. Malformed lines and unusable records
 * are `skipped` events (file:line + reason); `strict` turns the first one into
 * an InputError. A file that cannot be read to its end (truncated gzip) ends
 * with a skipped event, or an InputError when strict.
 */
import type { LogFormat, TrafficEvent } from '../types.js';
import { InputError, at } from '../errors.js';
import { type CsvColumnMap, readCsvEvents } from './csv.js';
import { FORMAT_SAMPLE_RECORDS, checkLogFormat, guessFormat } from './detectFormat.js';
import { InputReadError, describeReadFailure, type InputLine, type InputSource, listInputs, overlongReason, readLines } from './inputs.js';
import { MAX_LINE_BYTES } from './lineChunker.js';
import { parseJsonLine } from './parseJsonLine.js';

export interface ReadTrafficOptions {
  /** Forces the format of every file (`--log-format`); detected per file otherwise. */
  format?: LogFormat;
  csvMap?: CsvColumnMap;
  /** Stop at the first bad record with an InputError "file:line: reason". */
  strict?: boolean;
  /** Called as each file starts (progress). */
  onFile?: (file: string) => void;
  /** Lines longer than this are skipped with a reason (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
}

type Line = InputLine;

interface ReaderContext {
  display: string;
  strict: boolean;
  csvMap: CsvColumnMap | undefined;
  /** JSON-lines files whose sample mixes formats are read per line ('auto'). */
  mixed: boolean;
  maxLineBytes: number;
}

type FormatReader = (lines: AsyncIterable<Line>, ctx: ReaderContext) => AsyncIterable<TrafficEvent>;

function jsonLinesReader(format: 'bedrock' | 'openai'): FormatReader {
  return async function* (lines, ctx) {
    for await (const { line, lineNo, overlong } of lines) {
      const loc = { file: ctx.display, line: lineNo };
      let ev: TrafficEvent;
      if (overlong !== undefined) ev = { kind: 'skipped', skipped: { source: loc, reason: overlongReason(overlong, ctx.maxLineBytes) } };
      else if (isBlank(line)) continue;
      else ev = parseJsonLine(ctx.mixed ? 'auto' : format, line, loc);
      if (ctx.strict && ev.kind === 'skipped') throw new InputError(ev.skipped.reason, at(ctx.display, lineNo));
      yield ev;
    }
  };
}

/** Registry of readers by log format. */
export const FORMAT_READERS: Record<LogFormat, FormatReader> = {
  bedrock: jsonLinesReader('bedrock'),
  openai: jsonLinesReader('openai'),
  csv: (lines, ctx) => readCsvEvents(lines, ctx.display, { csvMap: ctx.csvMap, strict: ctx.strict, maxLineBytes: ctx.maxLineBytes }),
};

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Lines of one input with read failures captured instead of thrown (so readers finish cleanly). */
class GuardedLines {
  failure: InputReadError | undefined;
  lastLine = 0;
  private readonly it: AsyncIterator<Line>;
  private readonly head: Line[] = [];
  constructor(src: InputSource, maxLineBytes: number) {
    this.it = readLines(src, { maxLineBytes })[Symbol.asyncIterator]();
  }
  private async next(): Promise<Line | undefined> {
    if (this.failure !== undefined) return undefined;
    try {
      const r = await this.it.next();
      if (r.done) return undefined;
      this.lastLine = r.value.lineNo;
      return r.value;
    } catch (e) {
      if (e instanceof InputReadError) {
        this.failure = e;
        return undefined;
      }
      throw e;
    }
  }
  /** Reads ahead up to the first FORMAT_SAMPLE_RECORDS non-blank lines (or SAMPLE_BYTES); returns their text. */
  async sample(): Promise<string> {
    const texts: string[] = [];
    let bytes = 0;
    while (texts.length < FORMAT_SAMPLE_RECORDS && bytes < SAMPLE_BYTES) {
      const l = await this.next();
      if (l === undefined) break;
      this.head.push(l);
      if (l.overlong !== undefined || isBlank(l.line)) continue;
      texts.push(l.line);
      bytes += l.line.length;
    }
    return texts.join('\n');
  }
  async *lines(): AsyncGenerator<Line> {
    while (this.head.length > 0) yield this.head.shift()!;
    for (let l = await this.next(); l !== undefined; l = await this.next()) yield l;
  }
}

/** Sampled text for format detection, at most (whole lines). */
const SAMPLE_BYTES = 1 << 20;

/** TrafficEvents from every input, in order. Empty input → zero events (the caller decides). */
export async function* readTraffic(paths: string[], opts: ReadTrafficOptions = {}): AsyncIterable<TrafficEvent> {
  const forced = opts.format === undefined ? undefined : checkLogFormat(opts.format);
  const inputs = await listInputs(paths);
  const strict = opts.strict === true;
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  for (const src of inputs) {
    opts.onFile?.(src.display);
    const guarded = new GuardedLines(src, maxLineBytes);
    const guess = forced === undefined ? guessFormat(await guarded.sample(), src.path === '-' ? '' : src.path) : undefined;
    const format = forced ?? guess!.format;
    yield* FORMAT_READERS[format](guarded.lines(), { display: src.display, strict, csvMap: opts.csvMap, mixed: guess?.mixed === true, maxLineBytes });
    if (guarded.failure !== undefined) {
      if (strict) throw guarded.failure;
      yield {
        kind: 'skipped',
        skipped: { source: { file: src.display, line: guarded.lastLine + 1 }, reason: describeReadFailure(guarded.failure, src.display, guarded.lastLine) },
      };
    }
  }
}
