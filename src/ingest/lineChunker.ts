/**
 * Cuts a byte stream into blocks of whole lines in linear time and bounded
 * memory. Every byte is scanned for newlines once (each chunk when it
 * arrives, never the pending buffer again) and copied at most once more (when
 * a block is joined), so a line without a newline costs what its bytes cost.
 * A line longer than `maxLineBytes` is never held whole: its bytes are dropped
 * as they arrive and it comes out as an `overlong` event with its number and
 * length, so the reader can report it as a skipped line.
 */

/** Lines longer than this many bytes are skipped with a reason (see docs/analyze.md). */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

export type LineBlock =
  /** Whole lines `startLine`…; ends with a newline except the last block of a stream. */
  | { kind: 'lines'; bytes: Buffer; startLine: number; lines: number }
  /** Line `line` had `bytes` bytes (at least; counted up to its newline or the end). */
  | { kind: 'overlong'; line: number; bytes: number };

function countNewlines(buf: Uint8Array): number {
  let n = 0;
  let i = -1;
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  while ((i = b.indexOf(10, i + 1)) !== -1) n++;
  return n;
}

export class LineChunker {
  /** The number of the next line to come out. */
  nextLine = 1;
  /** The pending bytes: the chunks that hold them (without `alloc`), or copied into `pending` (with it). */
  private parts: Buffer[] = [];
  private pending: Buffer | undefined;
  private size = 0;
  /** Offset in the pending bytes just after their last newline (0: none). */
  private cut = 0;
  /** While dropping an overlong line: its number and the bytes seen so far. */
  private skipping: { line: number; bytes: number } | undefined;

  /**
   * @param minBlock whole lines are held back until at least this many bytes are pending (0: every chunk's whole lines at once)
   * @param alloc where pending bytes are kept (a buffer of exactly the size asked for; a block is the start of
   *   one): with it, chunks are copied in as they are pushed (unless read into room()), so the caller may reuse a
   *   chunk's memory once push() returns and hand blocks on without another copy; without it, chunks are held
   *   until their bytes are cut into blocks, and a block that lies in one chunk is a view of it
   */
  constructor(
    private readonly minBlock: number,
    readonly maxLineBytes: number = MAX_LINE_BYTES,
    private readonly alloc?: (size: number) => Buffer,
  ) {}

  /** The pending bytes of an unfinished line (and of lines held back for a fuller block). */
  get pendingBytes(): number {
    return this.size;
  }

  push(chunk: Buffer, out: LineBlock[] = []): LineBlock[] {
    while (chunk.length > 0) {
      if (this.skipping) {
        const nl = chunk.indexOf(10);
        if (nl < 0) {
          this.skipping.bytes += chunk.length;
          return out;
        }
        this.skipping.bytes += nl;
        out.push({ kind: 'overlong', line: this.skipping.line, bytes: this.skipping.bytes });
        this.skipping = undefined;
        this.nextLine++;
        chunk = chunk.subarray(nl + 1);
        continue;
      }
      const partial = this.size - this.cut;
      if (partial + chunk.length > this.maxLineBytes) {
        // Rare: walk this chunk line by line so no line longer than the limit is kept.
        const nl = chunk.indexOf(10);
        if (nl >= 0 && partial + nl <= this.maxLineBytes) {
          this.append(chunk.subarray(0, nl + 1), nl);
          chunk = chunk.subarray(nl + 1);
          continue;
        }
        if (this.cut > 0) out.push(this.take(this.cut));
        this.skipping = { line: this.nextLine, bytes: this.size };
        this.parts = [];
        this.size = 0;
        continue;
      }
      this.append(chunk, chunk.lastIndexOf(10));
      chunk = chunk.subarray(chunk.length);
      if (this.cut > 0 && this.size >= this.minBlock) out.push(this.take(this.cut));
    }
    return out;
  }

  /** The rest at the end of the stream: the last line (without a newline) or the overlong line being dropped. */
  end(out: LineBlock[] = []): LineBlock[] {
    if (this.skipping) {
      out.push({ kind: 'overlong', line: this.skipping.line, bytes: this.skipping.bytes });
      this.skipping = undefined;
      this.nextLine++;
    } else if (this.size > 0) {
      out.push(this.take(this.size));
    }
    return out;
  }

  /**
   * The whole lines pending when the stream breaks off (a truncated gzip): the
   * unfinished line after them is dropped, and its number is `nextLine` after.
   */
  endAtBreak(out: LineBlock[] = []): LineBlock[] {
    if (!this.skipping && this.cut > 0) out.push(this.take(this.cut));
    this.parts = [];
    this.size = 0;
    this.cut = 0;
    this.skipping = undefined;
    return out;
  }

  /**
   * With `alloc`: the free room for the next `size` bytes after the pending ones, for the caller to read the
   * next chunk into; pushed from there, the chunk is not copied again (copying into a buffer another thread
   * reads costs the main thread about 0.3 s of CPU per GB).
   */
  room(size: number): Buffer | undefined {
    if (!this.alloc || this.skipping) return undefined;
    this.reserve(this.size + size);
    return this.pending!.subarray(this.size, this.size + size);
  }

  /** Makes `pending` at least `need` bytes long, keeping its bytes. */
  private reserve(need: number): void {
    if (!this.pending || need > this.pending.length) {
      const room = this.alloc!(Math.max(need, pendingRoom(this.minBlock)));
      if (this.pending) room.set(this.pending.subarray(0, this.size));
      this.pending = room;
    }
  }

  private append(b: Buffer, lastNl: number): void {
    if (lastNl >= 0) this.cut = this.size + lastNl + 1;
    if (this.alloc) {
      const inPlace = this.pending !== undefined && b.buffer === this.pending.buffer && b.byteOffset === this.pending.byteOffset + this.size && this.size + b.length <= this.pending.length;
      if (!inPlace) {
        this.reserve(this.size + b.length);
        this.pending!.set(b, this.size);
      }
    } else this.parts.push(b);
    this.size += b.length;
  }

  private take(n: number): LineBlock {
    let bytes: Buffer;
    if (this.alloc) {
      // The block keeps the buffer; the bytes after it move to a new one.
      const all = this.pending!;
      bytes = all.subarray(0, n);
      this.pending = undefined;
      if (this.size > n) {
        this.pending = this.alloc(Math.max(this.size - n, pendingRoom(this.minBlock)));
        this.pending.set(all.subarray(n, this.size));
      }
    } else if (this.parts.length === 1) {
      const all = this.parts[0]!;
      bytes = all.subarray(0, n);
      this.parts = n < all.length ? [all.subarray(n)] : [];
    } else {
      // Only the block's n bytes are joined; the bytes after it stay where they are, in the parts that hold them.
      bytes = Buffer.allocUnsafe(n);
      let at = 0;
      let k = 0;
      for (; at < n; k++) {
        const part = this.parts[k]!;
        const m = Math.min(part.length, n - at);
        bytes.set(m === part.length ? part : part.subarray(0, m), at);
        at += m;
        if (m < part.length) {
          this.parts[k] = part.subarray(m);
          break;
        }
      }
      this.parts = this.parts.slice(k);
    }
    this.size -= n;
    this.cut = 0;
    const nl = countNewlines(bytes);
    const lines = nl + (bytes[bytes.length - 1] === 10 ? 0 : 1);
    const block: LineBlock = { kind: 'lines', bytes, startLine: this.nextLine, lines };
    this.nextLine += lines;
    return block;
  }
}

/**
 * The size LineChunker gathers blocks of `minBlock` bytes in: a block is cut once minBlock bytes are pending, so a
 * block and a read of up to a quarter of one more (the file reader's 256 KiB for 1 MiB blocks), and the start of a
 * line; a larger read grows it.
 */
export function pendingRoom(minBlock: number): number {
  return minBlock + (minBlock >> 2) + (64 << 10);
}
