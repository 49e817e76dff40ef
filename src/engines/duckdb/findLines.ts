/**
 * The lines the SQL leaves to tokor, found again in a local file by tokor's own reader, so that they carry
 * the line numbers the in-process reader gives them (DuckDB numbers rows only on one thread: a second read of
 * the whole file, slower than this one). The staged table holds their text; a line of the file is one of them
 * when its byte length, 32 bytes from its middle and its MD5 digest match one of those texts (the digest only
 * for the few lines whose length and middle match: reading costs little more than finding the newlines).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../errors.js';
import type { InputSource } from '../../ingest/index.js';
import { readInput } from '../inprocess/index.js';

const WINDOW = 32;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Wanted {
  window: Buffer;
  digest: string;
}

function windowOf(start: number, end: number): [number, number] {
  const length = end - start;
  if (length <= WINDOW) return [start, end];
  const from = start + ((length - WINDOW) >> 1);
  return [from, from + WINDOW];
}

function digestOf(bytes: Buffer, start: number, end: number): string {
  return createHash('md5').update(bytes.subarray(start, end)).digest('base64');
}

/** A set of line texts (as DuckDB reads them: no line break, no byte order mark), looked up by their bytes. */
export class LineSet {
  private readonly byLength = new Map<number, Wanted[]>();
  size = 0;

  add(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    const [ws, we] = windowOf(0, bytes.length);
    const digest = digestOf(bytes, 0, bytes.length);
    let list = this.byLength.get(bytes.length);
    if (!list) this.byLength.set(bytes.length, (list = []));
    if (list.some((w) => w.digest === digest)) return;
    list.push({ window: Buffer.from(bytes.subarray(ws, we)), digest });
    this.size++;
  }

  has(bytes: Buffer, start: number, end: number): boolean {
    const list = this.byLength.get(end - start);
    if (!list) return false;
    const [ws, we] = windowOf(start, end);
    let digest: string | undefined;
    for (const w of list) {
      if (bytes.compare(w.window, 0, w.window.length, ws, we) !== 0) continue;
      digest ??= digestOf(bytes, start, end);
      if (w.digest === digest) return true;
    }
    return false;
  }

  /** Whether a line of this many bytes could be one of them (for lines too long to be read). */
  hasLength(length: number): boolean {
    return this.byLength.has(length);
  }
}

/**
 * What findLines hands on: a block of the file's lines with every line not in the set blanked (an empty line:
 * the others keep their numbers, and the in-process reader passes over empty lines), or a line in the set too
 * long to be read (its number and size).
 */
export type FoundPiece = { kind: 'block'; startLine: number; bytes: Buffer; found: number } | { kind: 'overlong'; line: number; bytes: number };

/** The lines of `src` whose text is in `wanted`, in file order, in place in blocks of the file's lines. */
export async function* findLines(src: InputSource, wanted: LineSet, opts: { maxLineBytes?: number; signal?: AbortSignal }): AsyncGenerator<FoundPiece> {
  const pieces = readInput(src, { format: 'bedrock', ...(opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  for await (const p of pieces) {
    if (p.kind === 'overlong') {
      if (wanted.hasLength(p.bytes) || wanted.hasLength(p.bytes - 1)) yield { kind: 'overlong', line: p.line, bytes: p.bytes };
      continue;
    }
    if (p.kind === 'break') throw new InputError(`${p.error.reason}; use --engine inprocess, which reads what comes before the break`, src.display);
    if (p.kind !== 'block') continue;
    const bytes = p.bytes;
    const n = bytes.length;
    let out: Buffer | undefined;
    let at = 0;
    let found = 0;
    let lineNo = p.startLine;
    let pos = 0;
    while (pos < n) {
      let end = bytes.indexOf(10, pos);
      if (end === -1) end = n;
      const from = pos;
      pos = end + 1;
      const thisLine = lineNo++;
      let start = from;
      let last = end;
      if (last > start && bytes[last - 1] === 13) last--;
      if (thisLine === 1 && last - start >= 3 && bytes.compare(BOM, 0, 3, start, start + 3) === 0) start += 3;
      if (wanted.has(bytes, start, last)) {
        if (!out) {
          // The lines before the first one found, as empty lines (each took at least its own line break).
          out = Buffer.allocUnsafe(n);
          at = thisLine - p.startLine;
          out.fill(10, 0, at);
        }
        found++;
        at += bytes.copy(out, at, from, Math.min(end + 1, n));
      } else if (out && end < n) out[at++] = 10;
    }
    if (out) yield { kind: 'block', startLine: p.startLine, bytes: out.subarray(0, at), found };
  }
}
