/**
 * --sample N: seeded bottom-k sampling. Every line gets a pseudo-random key
 * from (seed, file, line number); the N smallest keys form a uniform random
 * sample without replacement. Unlike a sequential reservoir it is mergeable
 * across worker threads and does not depend on the order chunks arrive in,
 * and lines whose key cannot enter the sample are never parsed.
 */

/** FNV-1a of the file name mixed with the seed. */
export function fileHash(file: string, seed: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < file.length; i++) {
    h ^= file.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: mixes every input bit into every output bit. */
/** Three 32-bit words as a 96-bit key of six UTF-16 code units (de-duplication and session keys). */
export function keyOfWords(a: number, b: number, c: number): string {
  return String.fromCharCode(a & 0xffff, a >>> 16, b & 0xffff, b >>> 16, c & 0xffff, c >>> 16);
}

/** Word `at / 2` of a key made by keyOfWords (two code units from `at`). */
export function keyWord(key: string, at: number): number {
  return (key.charCodeAt(at) | (key.charCodeAt(at + 1) << 16)) >>> 0;
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A well-mixed 32-bit key for a line (murmur3 finalizer). */
export function sampleKey(fileH: number, line: number): number {
  return fmix32((fileH ^ Math.imul(line, 0x9e3779b1)) >>> 0);
}

/** A bounded max-heap keeping the k smallest keys. */
export class BottomK<T> {
  keys: number[] = [];
  items: T[] = [];
  seen = 0;
  constructor(readonly k: number) {}

  /** Whether an item with this key would enter the sample. */
  wants(key: number): boolean {
    return this.keys.length < this.k || key < this.keys[0]!;
  }

  push(key: number, item: T): void {
    if (this.keys.length < this.k) {
      this.keys.push(key);
      this.items.push(item);
      this.siftUp(this.keys.length - 1);
    } else if (key < this.keys[0]!) {
      this.keys[0] = key;
      this.items[0] = item;
      this.siftDown(0);
    }
  }

  /** Merges another heap's contents (from a worker) into this one. */
  merge(other: { keys: number[]; items: T[]; seen: number }): void {
    this.seen += other.seen;
    other.keys.forEach((k, i) => {
      this.push(k, other.items[i]!);
    });
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! >= this.keys[i]!) break;
      this.swap(i, p);
      i = p;
    }
  }

  private siftDown(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.keys[l]! > this.keys[m]!) m = l;
      if (r < n && this.keys[r]! > this.keys[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
  }
}
