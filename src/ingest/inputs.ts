/**
 * Inputs as values: what an input is, which files are logs, gzip detection
 * over a byte stream, lines of a byte stream, and how a read failure is
 * worded. Pure: opening files, walking folders and stdin live in the
 * in-process engine (src/engines/inprocess/inputs.ts).
 */
import { InputError } from '../errors.js';
import { GzipError, gunzipMembers, startsGzip, type GunzippedWhole } from './gunzip.js';
import { LineChunker, MAX_LINE_BYTES, type LineBlock } from './lineChunker.js';

export interface InputSource {
  /** File path, or '-' for stdin. */
  path: string;
  /** What error messages call it ("file:line"). */
  display: string;
  /** Bytes on disk (compressed when gzip), when known: for progress. */
  size?: number;
  /** The file's bytes, read ahead while earlier files were read (small files of a tree): read from here, not the file. */
  prefetched?: Promise<Buffer>;
  /**
   * The prefetched bytes gunzipped ahead too, when they are gzip that reads to its end (see gunzipWhole): read from
   * here; undefined (the promise's value) when they must be read through the decompressor as ever. Never rejects.
   */
  inflated?: Promise<GunzippedWhole | undefined>;
}

export const STDIN_DISPLAY = '<stdin>';

/** Log files picked up when walking a directory (each optionally .gz). */
export const LOG_EXTENSIONS = ['.json', '.jsonl', '.log', '.csv'] as const;

export function isLogFileName(name: string): boolean {
  const lower = name.toLowerCase();
  const base = lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
  return LOG_EXTENSIONS.some((ext) => base.endsWith(ext));
}

/** Why a whole input could not be read (to its end). */
export type InputReadKind = 'missing' | 'unreadable' | 'truncated' | 'corrupt' | 'not-gzip';

/** A read failure of a whole input (missing file, truncated gzip); `reason` has no file prefix. */
export class InputReadError extends InputError {
  readonly reason: string;
  readonly kind: InputReadKind;
  constructor(reason: string, display: string, options?: { cause?: unknown; kind?: InputReadKind }) {
    super(reason, display, options);
    this.reason = reason;
    this.kind = options?.kind ?? 'unreadable';
  }
}

/** An input given more than once (the same file by another path, or inside a folder also given): read once. */
export interface RepeatedInput {
  file: string;
  sameAs: string;
}

export interface OpenInputHooks {
  /** Bytes read from the file or stdin (before decompression), as they are read: for progress. */
  onRawBytes?: (n: number) => void;
  /** Bytes after the last gzip member that are not gzip data: ignored, as `gzip -d` does, and reported. */
  onTrailingGarbage?: (bytes: number) => void;
}

/**
 * Decompressed bytes of a raw byte stream: gunzipped when it starts with the
 * gzip magic bytes (1f 8b), as is otherwise. `gzName` (the file is called
 * .gz) makes a stream without the signature an InputReadError (not-gzip); a
 * truncated or corrupt gzip surfaces as InputReadError after every byte
 * before the break was delivered.
 */
export async function* decompressBytes(src: AsyncGenerator<Buffer>, display: string, gzName: boolean, hooks: OpenInputHooks): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 2) {
    const r = await src.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    headLen += r.value.length;
  }
  const first = head.length === 1 ? head[0]! : Buffer.concat(head);
  if (!startsGzip(first)) {
    if (gzName && first.length > 0) {
      throw new InputReadError('not gzip (it does not start with the gzip signature 1f 8b): the file was not read; decompress it or fix its name', display, { kind: 'not-gzip' });
    }
    if (first.length > 0) yield first;
    if (!done) yield* src;
    return;
  }
  const all = (async function* (): AsyncGenerator<Buffer> {
    yield first;
    if (!done) yield* src;
  })();
  try {
    yield* gunzipMembers(all, hooks);
  } catch (e) {
    if (e instanceof GzipError) {
      const truncated = e.failure.kind === 'truncated';
      throw new InputReadError(truncated ? 'truncated gzip (unexpected end of file)' : `corrupt gzip (${e.failure.kind === 'corrupt' ? e.failure.detail : ''})`, display, {
        cause: e,
        kind: truncated ? 'truncated' : 'corrupt',
      });
    }
    throw e;
  }
}

/** One line of an input: its text, or (`overlong`) the byte length of a line too long to keep. */
export interface InputLine {
  line: string;
  lineNo: number;
  /** Set when the line was longer than the line limit: `line` is then '' and this is its length in bytes. */
  overlong?: number;
}

/**
 * Lines of any byte stream (already decompressed), in linear time: a line
 * longer than `maxLineBytes` (default MAX_LINE_BYTES) comes out as
 * `{ line: '', overlong: bytes }` without ever being held whole.
 */
export async function* readLinesFrom(
  stream: NodeJS.ReadableStream | AsyncIterable<Buffer | string>,
  opts: {
    maxLineBytes?: number;
    /** Asked at the end: false when the stream broke off (a truncated gzip), so its unfinished last line is not a line. */
    complete?: () => boolean;
  } = {},
): AsyncGenerator<InputLine> {
  const chunker = new LineChunker(0, opts.maxLineBytes ?? MAX_LINE_BYTES);
  const blocks: LineBlock[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunker.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, blocks);
    yield* linesOf(blocks);
  }
  if (opts.complete?.() === false) chunker.endAtBreak(blocks);
  else chunker.end(blocks);
  yield* linesOf(blocks);
}

function* linesOf(blocks: LineBlock[]): Generator<InputLine> {
  for (const b of blocks) {
    if (b.kind === 'overlong') {
      yield { line: '', lineNo: b.line, overlong: b.bytes };
      continue;
    }
    const text = b.bytes.toString('utf8');
    let lineNo = b.startLine;
    // A byte-order mark is not part of the first line.
    let start = lineNo === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (start < text.length) yield { line: stripCr(text.slice(start)), lineNo };
        break;
      }
      yield { line: stripCr(text.slice(start, nl)), lineNo: lineNo++ };
      start = nl + 1;
    }
  }
  blocks.length = 0;
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/**
 * A whole-input read failure as one sentence for a report, naming the file and
 * how far it was read: "x.gz is truncated after line 58; the rest of the file was not read".
 */
export function describeReadFailure(e: InputReadError, display: string, linesRead: number): string {
  if (e.kind === 'truncated') {
    return linesRead === 0 ? `${display} is truncated before the end of its first line; nothing of it could be read` : `${display} is truncated after line ${linesRead}; the rest of the file was not read`;
  }
  if (e.kind === 'corrupt') return `${display} has ${e.reason} after line ${linesRead}; the rest of the file was not read`;
  if (e.kind === 'not-gzip') return `${display} is ${e.reason}`;
  return `${display}: ${e.reason}`;
}

/** What a skipped overlong line is called in reports. */
export function overlongReason(bytes: number, maxLineBytes: number = MAX_LINE_BYTES): string {
  return `line of ${bytes.toLocaleString('en-US')} bytes is longer than the ${formatMiB(maxLineBytes)} line limit: skipped (logs have one record per line)`;
}

function formatMiB(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n.toLocaleString('en-US')} bytes`;
}
