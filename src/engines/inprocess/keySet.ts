/**
 * The de-duplication keys seen so far, compact: one 96-bit key (dedupeKey's six UTF-16 code units, read as
 * three 32-bit words) per request with an ID, in an open-addressing table of 32-bit words. Exact duplicate
 * detection needs one key per request for the whole run, so this is the one structure of the in-process
 * reader that grows with the input: 12 bytes per key at most half full (24 bytes per request at worst, ~7 MB
 * per 300,000 requests), with no object per key for the garbage collector to walk.
 */

import { keyWord } from '../../analyze/sample.js';

/** Words per key. */
const W = 3;
const INITIAL_SLOTS = 1 << 12;

export class KeySet {
  /** W words per slot; a slot of three zero words is empty (the all-zero key itself is kept in `zero`). */
  private table = new Uint32Array(INITIAL_SLOTS * W);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private zero = false;

  get size(): number {
    return this.count + (this.zero ? 1 : 0);
  }

  has(key: string): boolean {
    return this.find(keyWord(key, 0), keyWord(key, 2), keyWord(key, 4), false);
  }

  add(key: string): this {
    this.find(keyWord(key, 0), keyWord(key, 2), keyWord(key, 4), true);
    return this;
  }

  /** Whether the key at `keys[i * 3 …]` was seen; marks it seen. Keys as packKeys lays them out. */
  seenBefore(keys: Uint32Array, i: number): boolean {
    return this.find(keys[i * W]!, keys[i * W + 1]!, keys[i * W + 2]!, true);
  }

  /** Whether (a, b, c) is in the set; with `insert`, adds it when it is not. */
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
    if (++this.count * 2 > this.mask + 1) this.grow();
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
