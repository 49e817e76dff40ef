/**
 * Input discovery and byte/line streams: files as given, directory trees as
 * exported to S3 (AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz),
 * stdin ('-'); gzip detected by magic bytes, whatever the file is called.
 */
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { fsFailure, fsReason } from '../io/fsErrors.js';
import { GzipError, gunzipMembers } from './gunzip.js';
import { LineChunker, MAX_LINE_BYTES, type LineBlock } from './lineChunker.js';

export interface InputSource {
  /** File path, or '-' for stdin. */
  path: string;
  /** What error messages call it ("file:line"). */
  display: string;
  /** Bytes on disk (compressed when gzip), when known: for progress. */
  size?: number;
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

/**
 * Resolves paths to input sources: files as given, directories walked
 * recursively in sorted order (log extensions only; dot-entries skipped),
 * '-' for stdin. A file reached twice (the same path twice, a tree and a
 * sub-folder of it, a symlink) is kept once, where it was first reached.
 * Throws InputError for a missing path or a directory with no logs.
 */
export async function listInputs(paths: string[], repeated: RepeatedInput[] = []): Promise<InputSource[]> {
  const out: InputSource[] = [];
  const seen = new Map<string, string>();
  const add = async (src: InputSource): Promise<void> => {
    let key = src.path;
    if (key !== '-') {
      try {
        key = await realpath(src.path);
      } catch {
        /* unreadable: reported when read */
      }
    }
    const first = seen.get(key);
    if (first !== undefined) {
      repeated.push({ file: src.display, sameAs: first });
      return;
    }
    seen.set(key, src.display);
    out.push(src);
  };
  for (const p of paths) {
    if (p === '-') {
      await add({ path: '-', display: STDIN_DISPLAY });
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw code === 'ENOENT' ? new InputError('no such file or directory', p) : fsFailure(e, p, 'read');
    }
    if (st.isDirectory()) {
      const found: InputSource[] = [];
      await walk(p, found, new Set());
      if (found.length === 0) {
        throw new InputError(`directory has no log files (${LOG_EXTENSIONS.map((e) => `*${e}`).join(', ')}, optionally .gz)`, p);
      }
      for (const f of found) await add(f);
    } else {
      await add({ path: p, display: p, size: st.size });
    }
  }
  return out;
}

async function walk(dir: string, out: InputSource[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return; // symlink loop
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.map((e) => e.name).filter((n) => !n.startsWith('.'));
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const full = join(dir, name);
    let st;
    try {
      st = await stat(full);
    } catch {
      continue; // dangling symlink
    }
    if (st.isDirectory()) await walk(full, out, seen);
    else if (st.isFile() && isLogFileName(name)) out.push({ path: full, display: full, size: st.size });
  }
}

export interface OpenInputHooks {
  /** Bytes read from the file or stdin (before decompression), as they are read: for progress. */
  onRawBytes?: (n: number) => void;
  /** Bytes after the last gzip member that are not gzip data: ignored, as `gzip -d` does, and reported. */
  onTrailingGarbage?: (bytes: number) => void;
}

/**
 * Decompressed bytes of an input, as an async iterable of Buffers; gzip is
 * detected by its magic bytes. Read errors, a truncated or corrupt gzip, and
 * a file named `.gz` that is not gzip surface as InputReadError naming it
 * (after every byte before the break was delivered).
 */
export function inputBytes(src: InputSource, hooks: OpenInputHooks = {}): AsyncGenerator<Buffer> {
  const raw: NodeJS.ReadableStream = src.path === '-' ? process.stdin : createReadStream(src.path, { highWaterMark: 256 * 1024 });
  return decompressed(raw, src.display, src.path !== '-' && /\.gz$/i.test(src.path), hooks);
}

/** The same as a byte stream. */
export function openInput(src: InputSource, hooks: OpenInputHooks = {}): NodeJS.ReadableStream {
  return Readable.from(inputBytes(src, hooks), { objectMode: false });
}

/** Wraps a byte stream: gunzips it when it starts with the gzip magic bytes (1f 8b). */
export function decompressStream(raw: NodeJS.ReadableStream, display: string, hooks: OpenInputHooks = {}): NodeJS.ReadableStream {
  return Readable.from(decompressed(raw, display, false, hooks), { objectMode: false });
}

function readFailure(e: unknown, display: string): InputReadError {
  if (e instanceof InputReadError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return new InputReadError('no such file or directory', display, { cause: e, kind: 'missing' });
  const reason = err.code === 'EISDIR' ? 'is a directory' : `cannot read (${fsReason(e)})`;
  return new InputReadError(reason, display, { cause: e });
}

async function* decompressed(raw: NodeJS.ReadableStream, display: string, gzName: boolean, hooks: OpenInputHooks): AsyncGenerator<Buffer> {
  const it = (raw as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const source = async function* (): AsyncGenerator<Buffer> {
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        hooks.onRawBytes?.(b.length);
        yield b;
      }
    } catch (e) {
      throw readFailure(e, display);
    }
  };
  try {
    yield* decompressedFrom(source(), display, gzName, hooks);
  } finally {
    // Closes the file when the consumer stops early.
    await it.return?.();
  }
}

async function* decompressedFrom(src: AsyncGenerator<Buffer>, display: string, gzName: boolean, hooks: OpenInputHooks): AsyncGenerator<Buffer> {
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
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  if (!gzip) {
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

/** Lines of an input (decompressed), 1-based numbers; handles \r\n; strips a leading BOM; skips nothing. */
export async function* readLines(src: InputSource, opts: { maxLineBytes?: number } & OpenInputHooks = {}): AsyncGenerator<InputLine> {
  yield* readLinesFrom(inputBytes(src, opts), opts);
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
