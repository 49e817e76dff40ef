/**
 * The de-duplication keys seen so far, compact: one 96-bit key (dedupeKey's six UTF-16 code units, read as
 * three 32-bit words) per request with an ID, in an open-addressing table of 32-bit words, with no object per
 * key for the garbage collector to walk: 12 bytes per slot, at most three quarters full (16 to 32 bytes per key).
 * Three quarters, not half: the table is the main thread's largest array with the sessions' turns, and linear
 * probing at that load still finds a key in a few probes (the main thread checks one key per request).
 *
 * Exact duplicate detection needs one key per request for the whole run, so the table alone would grow with
 * the input. It is bounded instead: past `room` keys it takes no more, and what it does with a key it has no
 * room for is its overflow's business. A scan's first reading writes them to a KeySpill (disk); when a key
 * repeats there, the scan reads the logs a second time with the repeated keys as a KnownRepeats (memory
 * for those keys only). The table fills the same way in both readings: the same keys arrive in the same order.
 */
import { mkdtempSync, appendFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyWord } from '../../analyze/sample.js';
import { fsFailure } from '../../io/fsErrors.js';

/** Words per key. */
const W = 3;
const INITIAL_SLOTS = 1 << 12;

/**
 * Keys the table holds by default before its overflow takes over: 2,097,152 keys, a table of 4,194,304 slots,
 * 48 MiB (about 2 million requests: ~8 GB of invocation logs with bodies of the benchmark's shape).
 */
export const DEDUPE_KEYS = 1 << 21;

/** Where keys go that a full KeySet has no room for. */
export interface KeyOverflow {
  /** Whether (a, b, c) was seen before; with `mark`, remembers it. */
  seenBefore(a: number, b: number, c: number, mark: boolean): boolean;
}

export class KeySet {
  /** W words per slot; a slot of three zero words is empty (the all-zero key itself is kept in `zero`). */
  private table = new Uint32Array(INITIAL_SLOTS * W);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private zero = false;

  /** `room`: keys the table takes; beyond them, keys go to `overflow` (none: the table grows without bound). */
  constructor(
    private readonly room = Number.POSITIVE_INFINITY,
    private readonly overflow?: KeyOverflow,
  ) {}

  /** Keys in the table (not those of its overflow). */
  get size(): number {
    return this.count + (this.zero ? 1 : 0);
  }

  has(key: string): boolean {
    return this.check(keyWord(key, 0), keyWord(key, 2), keyWord(key, 4), false);
  }

  add(key: string): this {
    this.check(keyWord(key, 0), keyWord(key, 2), keyWord(key, 4), true);
    return this;
  }

  /** Whether the key at `keys[i * 3 …]` was seen; marks it seen. Keys as packKeys lays them out. */
  seenBefore(keys: Uint32Array, i: number): boolean {
    return this.check(keys[i * W]!, keys[i * W + 1]!, keys[i * W + 2]!, true);
  }

  /** Whether the key is in the table (with `mark`, put there when there is room) or, when the table is full, seen by the overflow. */
  check(a: number, b: number, c: number, mark: boolean): boolean {
    const room = this.size < this.room || !this.overflow;
    if (this.find(a, b, c, mark && room)) return true;
    return !room && this.overflow!.seenBefore(a, b, c, mark);
  }

  /** Whether (a, b, c) is in the table; with `insert`, adds it when it is not. */
  private find(a: number, b: number, c: number, insert: boolean): boolean {
    if ((a | b | c) === 0) {
      const had = this.zero;
      if (insert) this.zero = true;
      return had;
    }
    const t = this.table;
    // a is already mixed (fmix32): its low bits are a good slot index.
    let slot = a & this.mask;
    for (;;) {
      const at = slot * W;
      const x = t[at]!;
      const y = t[at + 1]!;
      const z = t[at + 2]!;
      if ((x | y | z) === 0) break;
      if (x === a && y === b && z === c) return true;
      slot = (slot + 1) & this.mask;
    }
    if (!insert) return false;
    const at = slot * W;
    t[at] = a;
    t[at + 1] = b;
    t[at + 2] = c;
    if (++this.count * 4 > (this.mask + 1) * 3) this.grow();
    return false;
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    this.table = new Uint32Array(slots * W);
    this.mask = slots - 1;
    this.count = 0;
    for (let at = 0; at < old.length; at += W) {
      const a = old[at]!;
      const b = old[at + 1]!;
      const c = old[at + 2]!;
      if ((a | b | c) !== 0) this.find(a, b, c, true);
    }
  }
}

/** Spill files: a key's file is chosen by its first word's top bits, so each file holds 1/PARTS of the keys. */
const PARTS = 256;
/** Keys buffered per file before they are appended to it: 8 KiB per file, 2 MiB in all. */
const BUFFERED_KEYS = 682;

/**
 * The first reading's overflow: every key the table had no room for is written to disk, in one of PARTS files
 * by its bits, and taken as new (it cannot be in the table, which takes no more keys). `repeats()` then reads
 * one file at a time (1/PARTS of the spilled keys in memory) and returns the keys that came more than once:
 * the duplicates the first reading counted as new requests.
 */
export class KeySpill implements KeyOverflow {
  private dir: string | undefined;
  /** Allocated with the first key spilled: most runs spill none. */
  private buffers: Uint32Array[] | undefined;
  private readonly filled = new Uint32Array(PARTS);
  /** Keys written (or buffered) so far. */
  spilled = 0;

  seenBefore(a: number, b: number, c: number, mark: boolean): boolean {
    if (!mark) return false;
    const part = a >>> 24;
    this.buffers ??= Array.from({ length: PARTS }, () => new Uint32Array(BUFFERED_KEYS * W));
    const buf = this.buffers[part]!;
    const at = this.filled[part]! * W;
    buf[at] = a;
    buf[at + 1] = b;
    buf[at + 2] = c;
    if (++this.filled[part]! === BUFFERED_KEYS) this.flush(part);
    this.spilled++;
    return false;
  }

  private file(part: number): string {
    this.dir ??= spillIo(os.tmpdir(), 'write', () => mkdtempSync(path.join(os.tmpdir(), 'tokor-keys-')));
    return path.join(this.dir, `${part}.keys`);
  }

  private flush(part: number): void {
    const n = this.filled[part]!;
    if (n === 0 || !this.buffers) return;
    const buf = this.buffers[part]!;
    const file = this.file(part);
    spillIo(file, 'write', () => appendFileSync(file, new Uint8Array(buf.buffer, buf.byteOffset, n * W * 4)));
    this.filled[part] = 0;
  }

  /** The keys written more than once (none: the first reading's counts stand). */
  repeats(): KeySet {
    const repeated = new KeySet();
    for (let part = 0; part < PARTS; part++) {
      this.flush(part);
      if (!this.dir || !existsSync(this.file(part))) continue;
      const file = this.file(part);
      const bytes = spillIo(file, 'read', () => readFileSync(file));
      // A copy, aligned for 32-bit words (a read buffer may start anywhere in a pooled slab).
      const keys = new Uint32Array(bytes.byteLength / 4);
      new Uint8Array(keys.buffer).set(bytes);
      const once = new KeySet();
      for (let i = 0; i < keys.length / W; i++) if (once.seenBefore(keys, i)) repeated.seenBefore(keys, i);
    }
    return repeated;
  }

  /** Removes the spill files. */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** A spill file's I/O, failing in one line that says what the files are and where they go. */
function spillIo<T>(where: string, direction: 'read' | 'write', io: () => T): T {
  try {
    return io();
  } catch (e) {
    throw fsFailure(e, where, direction, 'the de-duplication keys beyond --dedupe-keys (temporary files; TMPDIR sets where)');
  }
}

/**
 * The second reading's overflow: of the keys the table has no room for, only those the first reading found
 * repeated can be duplicates; the first occurrence of each is kept, the later ones are duplicates.
 */
export class KnownRepeats implements KeyOverflow {
  private readonly taken = new KeySet();
  constructor(private readonly repeats: KeySet) {}

  seenBefore(a: number, b: number, c: number, mark: boolean): boolean {
    if (!this.repeats.check(a, b, c, false)) return false;
    return this.taken.check(a, b, c, mark);
  }
}

/** dedupeKey strings packed three words each (what a worker sends the main thread: one transferable buffer). */
export function packKeys(keys: readonly string[]): Uint32Array {
  const out = new Uint32Array(keys.length * W);
  keys.forEach((k, i) => {
    out[i * W] = keyWord(k, 0);
    out[i * W + 1] = keyWord(k, 2);
    out[i * W + 2] = keyWord(k, 4);
  });
  return out;
}
