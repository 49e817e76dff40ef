/**
 * Traffic as a stream of events: paths → TrafficEvents, one file after
 * another, through the one reader (readInput.ts) that analyze uses too.
 * Malformed lines and unusable records are `skipped` events (file:line +
 * reason); `strict` turns the first one into an InputError. A file that
 * cannot be read to its end (truncated gzip) ends with a skipped event, or an
 * InputError when strict. Used by `tokor label` and the programmatic API.
 */
import type { TrafficEvent } from '../../types.js';
import type { LogFormatName } from '../../ingest/formats/index.js';
import { InputError, at } from '../../errors.js';
import { checkLogFormat, describeReadFailure, overlongReason, parseJsonLine, MAX_LINE_BYTES, type CsvColumnMap } from '../../ingest/index.js';
import { listInputs } from './inputs.js';
import { readInput } from './readInput.js';

export interface ReadTrafficOptions {
  /** Forces the format of every file (`--log-format`); detected per file otherwise. */
  format?: LogFormatName;
  csvMap?: CsvColumnMap;
  /** Stop at the first bad record with an InputError "file:line: reason". */
  strict?: boolean;
  /** Called as each file starts (progress). */
  onFile?: (file: string) => void;
  /** Lines longer than this are skipped with a reason (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** Stops reading (Ctrl-C): the reader throws Interrupted. */
  signal?: AbortSignal;
}

/** TrafficEvents from every input, in order. Empty input → zero events (the caller decides). */
export async function* readTraffic(paths: string[], opts: ReadTrafficOptions = {}): AsyncIterable<TrafficEvent> {
  const format = opts.format === undefined ? undefined : checkLogFormat(opts.format);
  const inputs = await listInputs(paths);
  const strict = opts.strict === true;
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const decoder = new TextDecoder();
  for (const src of inputs) {
    opts.onFile?.(src.display);
    const display = src.display;
    const check = (ev: TrafficEvent): TrafficEvent => {
      if (strict && ev.kind === 'skipped') throw new InputError(ev.skipped.reason, at(display, ev.skipped.source.line));
      return ev;
    };
    for await (const p of readInput(src, { format, csvMap: opts.csvMap, strict, maxLineBytes, signal: opts.signal })) {
      switch (p.kind) {
        case 'block': {
          const text = decoder.decode(p.bytes);
          let lineNo = p.startLine;
          // A byte-order mark is not part of the first line.
          let start = lineNo === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
          while (start < text.length) {
            let nl = text.indexOf('\n', start);
            if (nl < 0) nl = text.length;
            let line = text.slice(start, nl);
            if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
            if (!isBlank(line)) for (const ev of parseJsonLine(p.format, line, { file: display, line: lineNo })) yield check(ev);
            lineNo++;
            start = nl + 1;
          }
          break;
        }
        case 'overlong':
          yield check({ kind: 'skipped', skipped: { source: { file: display, line: p.line }, reason: overlongReason(p.bytes, maxLineBytes) } });
          break;
        case 'event':
          yield check(p.event);
          break;
        case 'break':
          if (strict) throw p.error;
          yield { kind: 'skipped', skipped: { source: { file: display, line: p.linesRead + 1 }, reason: describeReadFailure(p.error, display, p.linesRead) } };
          break;
        case 'mixed':
        case 'csv':
        case 'whole':
        case 'garbage':
          // Said by analyze's report; a stream of events has no place for them.
          break;
      }
    }
  }
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
