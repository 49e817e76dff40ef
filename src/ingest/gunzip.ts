/**
 * Gzip decompression that keeps what it can, as `gzip -d` does: every member
 * of a multi-member file in turn (S3 exports concatenate them), trailing
 * garbage after the last member reported and ignored (not a reason to lose the
 * file), a truncated or corrupt member reported after the data before it was
 * delivered. Node's Gunzip stream drops the output of the write in which it
 * meets trailing garbage, so members are parsed here (RFC 1952 header and
 * trailer) and inflated by zlib's raw inflater, whose `bytesWritten` tells
 * exactly where each member's deflate data ends.
 */
import zlib from 'node:zlib';

/** Why a gzip stream could not be read to its end. */
/** Whether bytes start with gzip's signature, 1f 8b (both bytes: a file of one byte is no gzip). */
export function startsGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export type GzipFailure = { kind: 'truncated' } | { kind: 'corrupt'; detail: string };

export class GzipError extends Error {
  constructor(readonly failure: GzipFailure) {
    super(failure.kind === 'truncated' ? 'truncated gzip (unexpected end of file)' : `corrupt gzip (${failure.detail})`);
    this.name = 'GzipError';
  }
}

export interface GunzipHooks {
  /** Called once when bytes follow the last member that are not another member (nor zero padding). */
  onTrailingGarbage?: (bytes: number) => void;
}

/** Input slice fed to the inflater per step: bounds the output held at once (deflate expands at most ~1032×). */
const FEED = 16 * 1024;
/**
 * The inflater's output buffer. zlib's default (16 KiB) returns a 16 KiB piece per trip to the thread pool, and each
 * piece then costs a callback, a slice and a pass through every async reader above: on Bedrock's gzip objects (about
 * 11× compression) that was a sixth of the run's CPU. A slice fed then comes out in one piece (or a few).
 */
const OUT_CHUNK = 1024 * 1024;

const FTEXT_MASK = 0xe0; // reserved flag bits must be zero
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

/** Buffered reads over an async byte iterator, with put-back. */
class ByteReader {
  private parts: Buffer[] = [];
  private size = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  get buffered(): number {
    return this.size;
  }

  /** Ensures at least n bytes are buffered; false when the input ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.size < n) {
      if (!(await this.pull())) return false;
    }
    return true;
  }

  /** The next buffered bytes (all of them), or the next chunk; undefined at the end. */
  async next(): Promise<Buffer | undefined> {
    if (this.size === 0 && !(await this.pull())) return undefined;
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return b;
  }

  peek(n: number): Buffer {
    if (this.parts[0]!.length < n) this.parts = [Buffer.concat(this.parts, this.size)];
    return this.parts[0]!.subarray(0, n);
  }

  skip(n: number): void {
    while (n > 0) {
      const p = this.parts[0]!;
      if (p.length <= n) {
        this.parts.shift();
        this.size -= p.length;
        n -= p.length;
      } else {
        this.parts[0] = p.subarray(n);
        this.size -= n;
        n = 0;
      }
    }
  }

  unshift(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.unshift(b);
    this.size += b.length;
  }

  /** Reads and drops everything left; returns how many bytes that was. */
  async drain(): Promise<number> {
    let n = this.size;
    this.parts = [];
    this.size = 0;
    for (let b = await this.pullRaw(); b !== undefined; b = await this.pullRaw()) n += b.length;
    return n;
  }

  private async pull(): Promise<boolean> {
    const b = await this.pullRaw();
    if (b === undefined) return false;
    this.parts.push(b);
    this.size += b.length;
    return true;
  }

  private async pullRaw(): Promise<Buffer | undefined> {
    if (this.done) return undefined;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return undefined;
    }
    return r.value;
  }
}

/** Skips a zero-terminated header field; false when the input ends first. */
async function skipZeroTerminated(r: ByteReader): Promise<boolean> {
  for (;;) {
    if (!(await r.fill(1))) return false;
    const b = r.peek(r.buffered);
    const z = b.indexOf(0);
    if (z >= 0) {
      r.skip(z + 1);
      return true;
    }
    r.skip(b.length);
  }
}

/** Reads a member header; 'end' at a clean end of input, 'garbage' when the bytes are not a gzip header. */
async function readHeader(r: ByteReader): Promise<'ok' | 'end' | 'garbage' | 'truncated'> {
  if (!(await r.fill(1))) return 'end';
  const have = await r.fill(10);
  const h = r.peek(Math.min(10, r.buffered));
  if (h[0] !== 0x1f || (h.length > 1 && h[1] !== 0x8b) || (h.length > 2 && h[2] !== 8) || (h.length > 3 && (h[3]! & FTEXT_MASK) !== 0)) return 'garbage';
  if (!have) return 'truncated';
  const flags = h[3]!;
  r.skip(10);
  if (flags & FEXTRA) {
    if (!(await r.fill(2))) return 'truncated';
    const xlen = r.peek(2).readUInt16LE(0);
    r.skip(2);
    if (!(await r.fill(xlen))) return 'truncated';
    r.skip(xlen);
  }
  if (flags & FNAME && !(await skipZeroTerminated(r))) return 'truncated';
  if (flags & FCOMMENT && !(await skipZeroTerminated(r))) return 'truncated';
  if (flags & FHCRC) {
    if (!(await r.fill(2))) return 'truncated';
    r.skip(2);
  }
  return 'ok';
}

/** Skips zero bytes (padding some writers put between or after members). */
async function skipZeros(r: ByteReader): Promise<void> {
  while (await r.fill(1)) {
    const b = r.peek(r.buffered);
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    r.skip(i);
    if (i < b.length) return;
  }
}

const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** Runs a write or end on the inflater and waits until it is processed, or the inflater failed (its error is then recorded). */
async function settle(inf: zlib.InflateRaw, act: (done: () => void) => void): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      inf.off('close', done);
      resolve();
    };
    inf.once('close', done);
    act(done);
  });
  // An error is emitted on the next tick after the write that caused it.
  if (inf.destroyed) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Inflates one member's deflate data, then checks its trailer (CRC-32 where Node has it, and length). */
async function* inflateMember(r: ByteReader): AsyncGenerator<Buffer> {
  const inf = zlib.createInflateRaw({ chunkSize: OUT_CHUNK });
  const out: Buffer[] = [];
  let error: Error | undefined;
  inf.on('data', (d: Buffer) => out.push(d));
  inf.on('error', (e) => (error = e));
  let fed = 0;
  let crc = 0;
  let size = 0;
  const emit = function* (): Generator<Buffer> {
    for (const b of out) {
      if (crc32) crc = crc32(b, crc);
      size = (size + b.length) >>> 0;
      yield b;
    }
    out.length = 0;
  };
  try {
    for (;;) {
      const chunk = await r.next();
      if (chunk === undefined) {
        // The input ended inside the deflate data (a complete member always has a trailer after it).
        await settle(inf, (done) => inf.end(done));
        yield* emit();
        if (error && !/unexpected end of file/i.test(error.message)) throw new GzipError({ kind: 'corrupt', detail: error.message });
        throw new GzipError({ kind: 'truncated' });
      }
      let ended = false;
      for (let off = 0; off < chunk.length && !ended; off += FEED) {
        const slice = chunk.subarray(off, Math.min(off + FEED, chunk.length));
        await settle(inf, (done) => inf.write(slice, done));
        fed += slice.length;
        if (error) {
          yield* emit();
          throw new GzipError({ kind: 'corrupt', detail: error.message });
        }
        yield* emit();
        if (inf.bytesWritten < fed) {
          // The deflate data ended inside this slice: the rest belongs to the trailer and what follows.
          ended = true;
          r.unshift(chunk.subarray(off + slice.length - (fed - inf.bytesWritten)));
        }
      }
      if (ended) break;
    }
  } finally {
    inf.removeAllListeners('data');
    inf.destroy();
  }
  await checkTrailer(r, crc, size);
}

/** Reads a member's trailer and checks it against what was inflated (CRC-32 where Node has it, and length mod 2^32). */
async function checkTrailer(r: ByteReader, crc: number, size: number): Promise<void> {
  if (!(await r.fill(8))) throw new GzipError({ kind: 'truncated' });
  const trailer = r.peek(8);
  const wantCrc = trailer.readUInt32LE(0);
  const wantSize = trailer.readUInt32LE(4);
  r.skip(8);
  if (crc32 && crc >>> 0 !== wantCrc) throw new GzipError({ kind: 'corrupt', detail: 'CRC-32 mismatch' });
  if (size !== wantSize) throw new GzipError({ kind: 'corrupt', detail: 'length mismatch' });
}

/**
 * The decompressed bytes of a gzip stream whose first bytes are `first` and the
 * rest `it`. Throws GzipError (after yielding everything before the break)
 * when a member is truncated or corrupt.
 */
export async function* gunzipMembers(it: AsyncIterator<Buffer>, hooks: GunzipHooks = {}): AsyncGenerator<Buffer> {
  const r = new ByteReader(it);
  for (let member = 0; ; member++) {
    if (member > 0) await skipZeros(r);
    const h = await readHeader(r);
    if (h === 'end') return;
    if (h === 'garbage') {
      if (member === 0) throw new GzipError({ kind: 'corrupt', detail: 'not a gzip header' });
      hooks.onTrailingGarbage?.(await r.drain());
      return;
    }
    if (h === 'truncated') throw new GzipError({ kind: 'truncated' });
    yield* inflateMember(r);
  }
}

/** What gunzipMembers makes of a whole gzip file that reads to its end: the bytes, and the trailing garbage it reports. */
export interface GunzippedWhole {
  parts: Buffer[];
  /** Bytes after the last member that are not another member (what onTrailingGarbage is called with). */
  garbage?: number;
}

/**
 * The decompressed bytes of a gzip file held whole in memory, each member inflated in one call on libuv's thread
 * pool (a small file's inflating then runs while the file before it is parsed, and costs this thread one callback,
 * not a stream's trip per slice): exactly what gunzipMembers yields and reports for the same bytes, or undefined
 * whenever that may differ or the output would pass `maxBytes` (a truncated or corrupt member, a header cut short,
 * no gzip header): the caller then reads the file through gunzipMembers, which says where it breaks.
 */
export async function gunzipWhole(bytes: Buffer, maxBytes: number): Promise<GunzippedWhole | undefined> {
  // The last member's trailer says how long it inflates (mod 2^32): the one output buffer is sized to fit it.
  const hint = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  if (hint > maxBytes) return undefined;
  const r = new ByteReader(
    (async function* () {
      yield bytes;
    })(),
  );
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for (let member = 0; ; member++) {
      if (member > 0) await skipZeros(r);
      const h = await readHeader(r);
      if (h === 'end') return { parts };
      if (h === 'garbage') return member === 0 ? undefined : { parts, garbage: await r.drain() };
      if (h === 'truncated' || r.buffered === 0) return undefined;
      const inflated = await inflateRawWhole(r.peek(r.buffered), maxBytes - total, hint);
      if (inflated === undefined) return undefined;
      const { out, consumed } = inflated;
      r.skip(consumed);
      await checkTrailer(r, crc32 ? crc32(out) : 0, out.length >>> 0);
      if (out.length > 0) parts.push(out);
      total += out.length;
    }
  } catch (e) {
    if (e instanceof GzipError) return undefined;
    throw e;
  }
}

/** Inflates raw deflate data in one call: its output and how many input bytes its deflate stream took; undefined on any error. */
function inflateRawWhole(data: Buffer, maxBytes: number, hint: number): Promise<{ out: Buffer; consumed: number } | undefined> {
  // One output buffer of the expected size (a few more bytes, so that the stream's end is seen without a second trip).
  const chunkSize = Math.min(Math.max(hint + 64, 64 * 1024), Math.max(maxBytes + 64, 64));
  return new Promise((resolve) => {
    try {
      zlib.inflateRaw(data, { info: true, chunkSize, maxOutputLength: Math.max(maxBytes, 1) } as zlib.ZlibOptions, (err, result) => {
        const r = result as unknown as { buffer: Buffer; engine: zlib.InflateRaw } | undefined;
        resolve(err || !r ? undefined : { out: r.buffer, consumed: r.engine.bytesWritten });
      });
    } catch {
      resolve(undefined);
    }
  });
}
