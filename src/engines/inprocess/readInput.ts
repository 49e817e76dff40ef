/**
 * The one traffic reader: one input (file or stdin) → the pieces of it, in
 * input order. Every command that reads traffic goes through here — analyze
 * (scan.ts, which hands JSON-lines blocks to worker threads) and label
 * (readTraffic.ts, which parses them into TrafficEvents) — so format
 * detection, gzip, line limits and read failures are decided once.
 *
 * JSON-lines text comes out as blocks of whole lines (about `blockBytes`;
 * lines over the line limit as `overlong`, never held whole); CSV, whose
 * records may span lines, comes out parsed, as TrafficEvents. A break in the
 * input (truncated or corrupt gzip, a .gz that is not gzip) ends the file's
 * pieces with a `break`; any other read error is thrown.
 */
import {
  InputReadError,
  LineChunker,
  MAX_DOCUMENT_BYTES,
  MAX_LINE_BYTES,
  countTextLines,
  documentTooLarge,
  FormatSample,
  readCsvEvents,
  readJsonDocument,
  readLinesFrom,
  readsWhole,
  type CsvColumnMap,
  type FormatVotes,
  type InputSource,
  type JsonReadFormat,
} from '../../ingest/index.js';
import { InputError, Interrupted } from '../../errors.js';
import type { TrafficEvent } from '../../types.js';
import type { LogFormatName } from '../../ingest/formats/index.js';
import { inputBytes, type ChunkReuse } from './inputs.js';

/** A JSON-lines file's format, or 'auto' when its first lines mix formats (each line is then read in its own). */
type BlockFormat = JsonReadFormat;

export type InputPiece =
  /** The file's first lines mix records of several formats (votes of each). */
  | { kind: 'mixed'; votes: FormatVotes }
  /** Whole JSON lines; `startLine` is the 1-based number of the first, `lines` how many. */
  | { kind: 'block'; startLine: number; lines: number; bytes: Buffer; format: BlockFormat }
  /** A JSON line longer than the line limit: skipped unread. */
  | { kind: 'overlong'; line: number; bytes: number }
  /** Comes once before a CSV file's rows (its records may depend on everything read before). */
  | { kind: 'csv' }
  /** Comes once before the events of a file read whole (a multi-line JSON document, a Claude Code transcript). */
  | { kind: 'whole' }
  /** A CSV row or a record of a file read whole: a record, or a skip with its reason. */
  | { kind: 'event'; event: TrafficEvent }
  /** The input broke off (truncated, corrupt, not gzip) after `linesRead` whole lines. */
  | { kind: 'break'; error: InputReadError; linesRead: number }
  /** Bytes after the last gzip member that are not gzip: ignored, as gzip -d does. */
  | { kind: 'garbage'; bytes: number };

/** Where reading is; the reader updates it as it goes (what progress bars show). */
export interface ReadProgress {
  /** Decompressed bytes read. */
  bytes: number;
  /** JSON lines handed out in blocks. */
  lines: number;
  file: string;
  /** Bytes read from the inputs as stored (compressed when gzip). */
  inputBytes: number;
  /** The inputs' total size as stored, when known (not for stdin): progress = inputBytes / totalBytes. */
  totalBytes?: number;
}

export interface ReadInputOptions {
  /** Forces the format (`--log-format`); detected from the first bytes otherwise. */
  format?: LogFormatName;
  csvMap?: CsvColumnMap;
  strict?: boolean;
  /** Lines longer than this many bytes are skipped unread (default MAX_LINE_BYTES, 32 MiB). */
  maxLineBytes?: number;
  /** JSON-lines blocks hold about this many bytes of whole lines (default 1 MiB). */
  blockBytes?: number;
  /**
   * Where JSON-lines blocks are gathered (a buffer of exactly the size asked for; a block is the start of one, and
   * nothing more is written into a buffer once a block in it is handed out): a consumer that hands blocks on in
   * buffers of its own gets them there with no copy. With it, a plain file is read straight into the buffer a
   * block is gathered in (LineChunker.room), not into a new buffer per read.
   */
  blockBuffer?: (size: number) => Buffer;
  /** Stops reading (Ctrl-C): the reader throws Interrupted, also while it waits for data. */
  signal?: AbortSignal;
  progress?: ReadProgress;
}

/** The first bytes of a file that its format is detected from (up to FORMAT_SAMPLE_RECORDS records). */
const SAMPLE_BYTES = 1 << 20;
export const BLOCK_BYTES = 1 << 20;

/** The pieces of one input, in order; returns the format it was read in. */
export async function* readInput(input: InputSource, opts: ReadInputOptions = {}): AsyncGenerator<InputPiece, LogFormatName> {
  const progress = opts.progress ?? { bytes: 0, lines: 0, file: input.display, inputBytes: 0 };
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const signal = opts.signal;
  let garbage: number | undefined;
  // Chunks are held (format detection, CSV, documents read whole) until blocks are gathered by copying.
  const reading: ChunkReuse | undefined = opts.blockBuffer ? { reuse: false } : undefined;
  const bytes = inputBytes(
    input,
    {
      onRawBytes: (n) => (progress.inputBytes += n),
      onTrailingGarbage: (n) => (garbage = n),
    },
    reading,
  );
  let failure: InputReadError | undefined;
  /** The next decompressed chunk; a break in the input ends it and is kept in `failure`. */
  const pull = async (): Promise<Buffer | undefined> => {
    try {
      const r = await (signal ? orInterrupted(bytes.next(), signal, progress) : bytes.next());
      if (signal?.aborted) throw interrupted(progress);
      if (r.done) return undefined;
      progress.bytes += r.value.length;
      return r.value;
    } catch (e) {
      if (e instanceof InputReadError && (e.kind === 'truncated' || e.kind === 'corrupt' || e.kind === 'not-gzip')) {
        failure = e;
        return undefined;
      }
      throw e;
    }
  };
  try {
    const head: Buffer[] = [];
    let format = opts.format;
    let mixed = false;
    // Sampled even when the format is forced: a pretty-printed JSON document is read whole whatever its format.
    let headBytes = 0;
    // Each chunk's whole lines are sampled as it comes: most logs' first records decide the format well before
    // SAMPLE_BYTES, and a tree of small gzip objects then decodes a fraction of each for it, not its first MiB.
    const sample = new FormatSample(input.display);
    let sampled = 0;
    while (headBytes < SAMPLE_BYTES) {
      const b = await pull();
      if (b === undefined) break;
      head.push(b);
      headBytes += b.length;
      if (headBytes >= SAMPLE_BYTES) break;
      const nl = b.lastIndexOf(10);
      if (nl >= 0) {
        const upTo = headBytes - b.length + nl + 1;
        sample.addBytes(headSlice(head, sampled, upTo));
        sampled = upTo;
        if (sample.full) break;
      }
    }
    if (!sample.full) sample.addBytes(headSlice(head, sampled, Math.min(headBytes, SAMPLE_BYTES)), true);
    // A document's format may take the whole sample's text.
    while (sample.document && headBytes < SAMPLE_BYTES) {
      const b = await pull();
      if (b === undefined) break;
      head.push(b);
      headBytes += b.length;
    }
    const guess = sample.guess(() => headText(head));
    if (format === undefined) {
      format = guess.format;
      // Mixed samples, and objects no format claims, are read record by record in their own format.
      mixed = guess.mixed || guess.unknown === true;
      if (guess.mixed) yield { kind: 'mixed', votes: guess.votes };
    }
    const rest = async function* (): AsyncGenerator<Buffer> {
      yield* head;
      // Handed on: not held for the rest of the file.
      head.length = 0;
      for (let b = await pull(); b !== undefined; b = await pull()) yield b;
    };
    let linesRead: number;
    if (format === 'csv') {
      yield { kind: 'csv' };
      let last = 0;
      const lines = (async function* () {
        for await (const l of readLinesFrom(rest(), { maxLineBytes, complete: () => failure === undefined })) {
          last = l.lineNo;
          yield l;
        }
      })();
      const events = readCsvEvents(lines, input.display, { csvMap: opts.csvMap, strict: opts.strict, maxLineBytes });
      let r = await events.next();
      for (; !r.done; r = await events.next()) yield { kind: 'event', event: r.value };
      format = r.value;
      linesRead = last;
    } else if (readsWhole(format, guess)) {
      yield { kind: 'whole' };
      const parts: Buffer[] = [];
      let size = 0;
      for await (const b of rest()) {
        size += b.length;
        if (size > MAX_DOCUMENT_BYTES) throw new InputError(documentTooLarge(), input.display);
        parts.push(b);
      }
      const text = Buffer.concat(parts).toString('utf8');
      const events: TrafficEvent[] = [];
      readJsonDocument(mixed ? 'auto' : format, text, input.display, (event) => events.push(event));
      if (failure && !events.some((e) => e.kind === 'record')) {
        // Cut off before anything could be read (a gzip that ends inside its first line reads as one broken
        // document): the break says so, not a "malformed JSON document" of what was left.
        linesRead = 0;
      } else {
        for (const event of events) yield { kind: 'event', event };
        linesRead = countTextLines(text);
      }
    } else {
      const blockFormat: BlockFormat = mixed ? 'auto' : format;
      const chunker = new LineChunker(opts.blockBytes ?? BLOCK_BYTES, maxLineBytes, opts.blockBuffer);
      // The chunker copies each chunk before the next is read (format detection's chunks are handed over first);
      // the next ones are read straight into the room after its pending bytes.
      if (reading) {
        reading.reuse = true;
        reading.into = (size) => chunker.room(size);
      }
      const blocks: import('../../ingest/index.js').LineBlock[] = [];
      const drain = function* (): Generator<InputPiece> {
        for (const b of blocks) {
          if (b.kind === 'overlong') yield { kind: 'overlong', line: b.line, bytes: b.bytes };
          else {
            progress.lines += b.lines;
            yield { kind: 'block', startLine: b.startLine, lines: b.lines, bytes: b.bytes, format: blockFormat };
          }
        }
        blocks.length = 0;
      };
      for await (const b of rest()) {
        chunker.push(b, blocks);
        yield* drain();
      }
      if (failure) chunker.endAtBreak(blocks);
      else chunker.end(blocks);
      yield* drain();
      linesRead = chunker.nextLine - 1;
    }
    if (failure) yield { kind: 'break', error: failure, linesRead };
    if (garbage !== undefined) yield { kind: 'garbage', bytes: garbage };
    return format;
  } finally {
    // Closes the file when the consumer stops early (not awaited: after Ctrl-C a read may still wait on stdin).
    bytes.return(undefined).catch(() => undefined);
  }
}

/** The head's bytes from `from` to `to` (what the format sample reads next). */
function headSlice(head: Buffer[], from: number, to: number): Buffer {
  let at = 0;
  const parts: Buffer[] = [];
  for (const b of head) {
    const lo = Math.max(from - at, 0);
    const hi = Math.min(to - at, b.length);
    if (lo < hi) parts.push(lo === 0 && hi === b.length ? b : b.subarray(lo, hi));
    at += b.length;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** The text formats are detected from: the first SAMPLE_BYTES of the first chunks (their copy is not kept). */
function headText(head: Buffer[]): string {
  const all = Buffer.concat(head);
  return all.toString('utf8', 0, Math.min(all.length, SAMPLE_BYTES));
}

/** Ctrl-C while reading: what was read is not reported. */
export function interrupted(p: { file: string; lines: number }): Interrupted {
  return new Interrupted(`interrupted while reading ${p.file} (after ${p.lines.toLocaleString('en-US')} lines): nothing was written`);
}

function orInterrupted<T>(p: Promise<T>, signal: AbortSignal, progress: ReadProgress): Promise<T> {
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
