/**
 * Input discovery and byte/line streams: files as given, directory trees as
 * exported to S3 (AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz),
 * stdin ('-'); gzip detected by magic bytes, whatever the file is called.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipWhole, startsGzip, type GunzippedWhole } from '../../ingest/gunzip.js';
import { InputError } from '../../errors.js';
import { fsFailure, fsReason } from '../../io/fsErrors.js';
import { InputReadError, LOG_EXTENSIONS, STDIN_DISPLAY, decompressBytes, isLogFileName, readLinesFrom, type InputLine, type InputSource, type OpenInputHooks, type RepeatedInput } from '../../ingest/inputs.js';

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

/**
 * Decompressed bytes of an input, as an async iterable of Buffers; gzip is
 * detected by its magic bytes. Read errors, a truncated or corrupt gzip, and
 * a file named `.gz` that is not gzip surface as InputReadError naming it
 * (after every byte before the break was delivered).
 */
export function inputBytes(src: InputSource, hooks: OpenInputHooks = {}, reading?: ChunkReuse): AsyncGenerator<Buffer> {
  if (src.prefetched && src.inflated) return gunzippedAhead(src.prefetched, src.inflated, src.display, /\.gz$/i.test(src.path), hooks);
  const raw: AsyncIterable<Buffer | string> =
    src.path === '-'
      ? process.stdin
      : src.prefetched
        ? prefetchedChunks(src.prefetched)
        : reading
          ? fileChunks(src.path, reading)
          : createReadStream(src.path, { highWaterMark: READ_BYTES });
  return decompressed(raw, src.display, src.path !== '-' && /\.gz$/i.test(src.path), hooks);
}

const READ_BYTES = 256 * 1024;

/**
 * Whether a file's reader may read into the buffer of the chunk before last (set by the consumer once it copies
 * each chunk out before asking for the next but one); never for gzip, whose chunks the decompressor holds.
 */
export interface ChunkReuse {
  reuse: boolean;
  /**
   * Where to read the next chunk of up to `size` bytes while `reuse` holds: the free end of the buffer the
   * consumer gathers its block in, so that the chunk needs no copy there (without it, the two buffers).
   */
  into?: (size: number) => Buffer | undefined;
}

/**
 * A file's bytes in chunks of up to READ_BYTES. While `reading.reuse` says so, each is read where
 * `reading.into` says (the consumer's own buffer), else into two buffers in turn; before that, into a new buffer
 * per read. (A stream's new buffer per read is garbage the main thread's heap only frees at its next full
 * collection, up to 64 MB of it.)
 */
async function* fileChunks(file: string, reading: ChunkReuse): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    const two = [Buffer.allocUnsafeSlow(READ_BYTES), Buffer.allocUnsafeSlow(READ_BYTES)];
    let gzip: boolean | undefined;
    for (let k = 0; ; k ^= 1) {
      const reuse = reading.reuse && gzip === false;
      const buf = reuse ? (reading.into?.(READ_BYTES) ?? two[k]!) : Buffer.allocUnsafeSlow(READ_BYTES);
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      gzip ??= buf[0] === 0x1f && (bytesRead < 2 || buf[1] === 0x8b);
      yield reuse || bytesRead === READ_BYTES ? buf.subarray(0, bytesRead) : Buffer.from(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

/** A file's bytes read ahead, as one chunk (none for an empty file); a failed read fails here, as reading it would. */
async function* prefetchedChunks(bytes: Promise<Buffer>): AsyncGenerator<Buffer> {
  const b = await bytes;
  if (b.length > 0) yield b;
}

/**
 * A file read and gunzipped ahead: its inflated bytes, the hooks called as reading it would call them (all of its
 * bytes read, then the trailing garbage); else (not gzip, or gzip that does not read to its end) its bytes read
 * through the decompressor, which reports the break where reading the file would.
 */
async function* gunzippedAhead(bytes: Promise<Buffer>, inflated: Promise<GunzippedWhole | undefined>, display: string, gzName: boolean, hooks: OpenInputHooks): AsyncGenerator<Buffer> {
  const whole = await inflated;
  if (whole === undefined) {
    yield* decompressed(prefetchedChunks(bytes), display, gzName, hooks);
    return;
  }
  hooks.onRawBytes?.((await bytes).length);
  // In pieces the size of a file's reads: a block is cut from at most one more than it holds (pendingRoom).
  for (const part of whole.parts) {
    for (let at = 0; at < part.length; at += READ_BYTES) yield part.subarray(at, at + READ_BYTES);
  }
  if (whole.garbage !== undefined) hooks.onTrailingGarbage?.(whole.garbage);
}

/** Files read ahead are at most this large, as listed (prefetchInputs). */
const READ_AHEAD_MAX_BYTES = 1 << 20;
/**
 * Of those, gzip files that inflate to at most this many bytes are inflated ahead too (4 files ahead then hold at
 * most 4 × 2 MiB inflated; 4 × 8 MiB held 26 MB more at peak on a tree of objects of up to 6 MB inflated); larger
 * ones are inflated as they are read.
 */
const INFLATE_AHEAD_MAX_BYTES = 2 << 20;

/**
 * Starts reading ahead the small files among `inputs[from, from + count)` (at most `maxBytes` each, as listed):
 * on a tree of small gzip objects, each object's opening and reading otherwise waits on the thread pool in turn
 * while the workers go idle. Gzip files are inflated ahead as well, in one call per member on the thread pool, when
 * they inflate to at most `inflateMaxBytes` (see gunzipWhole): the stream that inflates a file as it is read costs
 * this thread a settled write per 16 KiB and a 1 MiB buffer per file, and waits on each. A failed read is left for
 * the reader of that file to report.
 */
export function prefetchInputs(inputs: InputSource[], from: number, count: number, maxBytes = READ_AHEAD_MAX_BYTES, inflateMaxBytes = INFLATE_AHEAD_MAX_BYTES): void {
  for (let i = from; i < Math.min(inputs.length, from + count); i++) {
    const src = inputs[i]!;
    if (src.prefetched || src.path === '-' || src.size === undefined || src.size > maxBytes) continue;
    const bytes = readFile(src.path);
    bytes.catch(() => undefined);
    src.prefetched = bytes;
    if (inflateMaxBytes > 0) src.inflated = bytes.then((b) => (startsGzip(b) ? gunzipWhole(b, inflateMaxBytes) : undefined)).catch(() => undefined);
  }
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

async function* decompressed(raw: AsyncIterable<Buffer | string>, display: string, gzName: boolean, hooks: OpenInputHooks): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]();
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
    yield* decompressBytes(source(), display, gzName, hooks);
  } finally {
    // Closes the file when the consumer stops early.
    await it.return?.();
  }
}

/** Lines of an input (decompressed), 1-based numbers; handles \r\n; strips a leading BOM; skips nothing. */
export async function* readLines(src: InputSource, opts: { maxLineBytes?: number } & OpenInputHooks = {}): AsyncGenerator<InputLine> {
  yield* readLinesFrom(inputBytes(src, opts), opts);
}

