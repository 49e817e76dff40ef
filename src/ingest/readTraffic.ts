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
import { checkLogFormat, detectFormat } from './detectFormat.js';
import { InputReadError, type InputSource, listInputs, readLines } from './inputs.js';
import { parseJsonLine } from './parseJsonLine.js';

export interface ReadTrafficOptions {
  /** Forces the format of every file (`--log-format`); detected per file otherwise. */
  format?: LogFormat;
  csvMap?: CsvColumnMap;
  /** Stop at the first bad record with an InputError "file:line: reason". */
  strict?: boolean;
  /** Called as each file starts (progress). */
  onFile?: (file: string) => void;
}

type Line = { line: string; lineNo: number };

interface ReaderContext {
  display: string;
  strict: boolean;
  csvMap: CsvColumnMap | undefined;
}

type FormatReader = (lines: AsyncIterable<Line>, ctx: ReaderContext) => AsyncIterable<TrafficEvent>;

function jsonLinesReader(format: 'bedrock' | 'openai'): FormatReader {
  return async function* (lines, ctx) {
    for await (const { line, lineNo } of lines) {
      if (isBlank(line)) continue;
      const ev = parseJsonLine(format, line, { file: ctx.display, line: lineNo });
      if (ctx.strict && ev.kind === 'skipped') throw new InputError(ev.skipped.reason, at(ctx.display, lineNo));
      yield ev;
    }
  };
}

/** Registry of readers by log format. */
export const FORMAT_READERS: Record<LogFormat, FormatReader> = {
  bedrock: jsonLinesReader('bedrock'),
  openai: jsonLinesReader('openai'),
  csv: (lines, ctx) => readCsvEvents(lines, ctx.display, { csvMap: ctx.csvMap, strict: ctx.strict }),
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
  constructor(src: InputSource) {
    this.it = readLines(src)[Symbol.asyncIterator]();
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
  /** Reads ahead to the first non-blank line; returns it (or '' at end of input). */
  async sample(): Promise<string> {
    for (;;) {
      const l = await this.next();
      if (l === undefined) return '';
      this.head.push(l);
      if (!isBlank(l.line)) return l.line;
    }
  }
  async *lines(): AsyncGenerator<Line> {
    while (this.head.length > 0) yield this.head.shift()!;
    for (let l = await this.next(); l !== undefined; l = await this.next()) yield l;
  }
}

/** TrafficEvents from every input, in order. Empty input → zero events (the caller decides). */
export async function* readTraffic(paths: string[], opts: ReadTrafficOptions = {}): AsyncIterable<TrafficEvent> {
  const forced = opts.format === undefined ? undefined : checkLogFormat(opts.format);
  const inputs = await listInputs(paths);
  const strict = opts.strict === true;
  for (const src of inputs) {
    opts.onFile?.(src.display);
    const guarded = new GuardedLines(src);
    const sample = await guarded.sample();
    const format = forced ?? detectFormat(sample, src.path === '-' ? '' : src.path);
    yield* FORMAT_READERS[format](guarded.lines(), { display: src.display, strict, csvMap: opts.csvMap });
    if (guarded.failure !== undefined) {
      if (strict) throw guarded.failure;
      yield {
        kind: 'skipped',
        skipped: {
          source: { file: src.display, line: guarded.lastLine + 1 },
          reason: `${guarded.failure.reason}; ${guarded.lastLine} line(s) read before it`,
        },
      };
    }
  }
}
