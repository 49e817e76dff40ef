/**
 * A Map keyed by texts that arrive as fresh string objects: every log record parses its own copy of its
 * system prompt, its caller's ARN, its prompt's opening words. A Map hashes every character of each string
 * object it has not seen before, so a memo keyed by a system prompt paid, on every request, a pass over the
 * whole prompt (up to 16 KB) before it could answer. Here a lookup reads the text's length and a few code
 * units spread over it, and compares the text whole only with the keys that share them (a native
 * comparison, many times faster than V8's hashing loop). Keys that share their samples beyond a few (texts
 * of one length that differ only between the sampled places) go to a plain Map, as they would have anyway.
 * Pure.
 */

/** Code units sampled per key (all of a shorter key). */
const SAMPLES = 16;
/** Keys a sample holds in a list before they move to a Map. */
const MAX_SHARED = 8;

interface Entry<V> {
  key: string;
  value: V;
}

export class TextKeyMap<V> {
  private readonly bySample = new Map<number, Entry<V>[] | Map<string, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const shared = this.bySample.get(sampleOf(key));
    if (shared === undefined) return undefined;
    if (shared instanceof Map) return shared.get(key);
    for (let i = 0; i < shared.length; i++) {
      const e = shared[i]!;
      if (e.key === key) return e.value;
    }
    return undefined;
  }

  set(key: string, value: V): this {
    const sample = sampleOf(key);
    const shared = this.bySample.get(sample);
    if (shared === undefined) {
      this.bySample.set(sample, [{ key, value }]);
      this.count++;
    } else if (shared instanceof Map) {
      if (!shared.has(key)) this.count++;
      shared.set(key, value);
    } else {
      const e = shared.find((x) => x.key === key);
      if (e !== undefined) e.value = value;
      else {
        this.count++;
        if (shared.length < MAX_SHARED) shared.push({ key, value });
        else this.bySample.set(sample, new Map([...shared.map((x) => [x.key, x.value] as const), [key, value]]));
      }
    }
    return this;
  }

  clear(): void {
    this.bySample.clear();
    this.count = 0;
  }
}

/** The length and SAMPLES code units at even steps from the first to the last, mixed into a small integer (cheap for a Map to hash). */
function sampleOf(s: string): number {
  const n = s.length;
  let h = n | 0;
  if (n <= SAMPLES) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    for (let k = 0; k < SAMPLES; k++) h = Math.imul(h ^ s.charCodeAt(Math.floor((k * (n - 1)) / (SAMPLES - 1))), 0x01000193);
  }
  return (h ^ (h >>> 15)) & 0x3fffffff;
}
