/**
 * Input discovery and byte/line streams: files as given, directory trees as
 * exported to S3 (AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz),
 * stdin ('-'); gzip detected by magic bytes, whatever the file is called.
 */
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { fsFailure, fsReason } from '../io/fsErrors.js';

export interface InputSource {
  /** File path, or '-' for stdin. */
  path: string;
  /** What error messages call it ("file:line"). */
  display: string;
}

export const STDIN_DISPLAY = '<stdin>';

/** Log files picked up when walking a directory (each optionally .gz). */
export const LOG_EXTENSIONS = ['.json', '.jsonl', '.log', '.csv'] as const;

export function isLogFileName(name: string): boolean {
  const lower = name.toLowerCase();
  const base = lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
  return LOG_EXTENSIONS.some((ext) => base.endsWith(ext));
}

/** A read failure of a whole input (missing file, truncated gzip); `reason` has no file prefix. */
export class InputReadError extends InputError {
  readonly reason: string;
  constructor(reason: string, display: string, options?: { cause?: unknown }) {
    super(reason, display, options);
    this.reason = reason;
  }
}

/**
 * Resolves paths to input sources: files as given, directories walked
 * recursively in sorted order (log extensions only; dot-entries skipped),
 * '-' for stdin. Throws InputError for a missing path or a directory with no logs.
 */
export async function listInputs(paths: string[]): Promise<InputSource[]> {
  const out: InputSource[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: '-', display: STDIN_DISPLAY });
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
      out.push(...found);
    } else {
      out.push({ path: p, display: p });
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
    else if (st.isFile() && isLogFileName(name)) out.push({ path: full, display: full });
  }
}

/** Decompressed bytes of an input; read errors and corrupt gzip surface as InputReadError naming it. */
export function openInput(src: InputSource): NodeJS.ReadableStream {
  const raw: NodeJS.ReadableStream = src.path === '-' ? process.stdin : createReadStream(src.path, { highWaterMark: 256 * 1024 });
  return decompressStream(raw, src.display);
}

/** Wraps a byte stream: gunzips it when it starts with the gzip magic bytes (1f 8b). */
export function decompressStream(raw: NodeJS.ReadableStream, display: string): NodeJS.ReadableStream {
  return Readable.from(decompressed(raw, display), { objectMode: false });
}

function readFailure(e: unknown, display: string): InputReadError {
  if (e instanceof InputReadError) return e;
  const err = e as NodeJS.ErrnoException;
  const reason =
    err.code === 'ENOENT'
      ? 'no such file or directory'
      : err.code === 'EISDIR'
        ? 'is a directory'
        : `cannot read (${fsReason(e)})`;
  return new InputReadError(reason, display, { cause: e });
}

async function* decompressed(raw: NodeJS.ReadableStream, display: string): AsyncGenerator<Buffer> {
  const it = (raw as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  try {
    yield* decompressedFrom(it, display);
  } finally {
    // Closes the file when the consumer stops early.
    await it.return?.();
  }
}

async function* decompressedFrom(it: AsyncIterator<Buffer | string>, display: string): AsyncGenerator<Buffer> {
  const head: Buffer[] = [];
  let headLen = 0;
  let done = false;
  try {
    while (headLen < 2) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      head.push(b);
      headLen += b.length;
    }
  } catch (e) {
    throw readFailure(e, display);
  }
  const first = head.length === 1 ? head[0]! : Buffer.concat(head);
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  if (!gzip) {
    if (first.length > 0) yield first;
    if (done) return;
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      }
    } catch (e) {
      throw readFailure(e, display);
    }
    return;
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield first;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
  };
  const gunzip = createGunzip();
  const source = Readable.from(rest(), { objectMode: false });
  let sourceError: unknown;
  source.on('error', (e) => {
    sourceError = e;
    gunzip.destroy(e);
  });
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    if (sourceError !== undefined) throw readFailure(sourceError, display);
    throw new InputReadError(`truncated or corrupt gzip (${(e as Error).message})`, display, { cause: e });
  } finally {
    source.destroy();
  }
}

/** Lines of an input (decompressed), 1-based numbers; handles \r\n; strips a leading BOM; skips nothing. */
export async function* readLines(src: InputSource): AsyncIterable<{ line: string; lineNo: number }> {
  yield* readLinesFrom(openInput(src));
}

/** Lines of any byte stream (already decompressed). */
export async function* readLinesFrom(stream: NodeJS.ReadableStream): AsyncGenerator<{ line: string; lineNo: number }> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 0;
  let first = true;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl >= 0 && carry !== '') {
      let line = carry + text.slice(0, nl);
      carry = '';
      if (line.endsWith('\r')) line = line.slice(0, -1);
      yield { line, lineNo: ++lineNo };
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { line: text.slice(start, end), lineNo: ++lineNo };
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    carry = start === 0 ? carry + text : text.slice(start);
  }
  carry += decoder.end();
  if (carry !== '') {
    if (carry.endsWith('\r')) carry = carry.slice(0, -1);
    yield { line: carry, lineNo: ++lineNo };
  }
}
