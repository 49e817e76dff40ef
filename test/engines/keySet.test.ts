/** The compact de-duplication key set: the answers of a Set of the same dedupeKey strings, through growth. */
import { describe, expect, it } from 'vitest';
import { KeySet, packKeys } from '../../src/engines/inprocess/keySet.js';
import { dedupeKey } from '../../src/engines/inprocess/chunk.js';
import type { TrafficRecord } from '../../src/types.js';

const key = (id: string, input = 10): string =>
  dedupeKey({ source: { file: 'f', line: 1 }, modelId: 'm', requestId: id, tags: {}, tokens: { input, output: 1, cacheRead: 0, cacheWrite: 0 } } as TrafficRecord)!;

describe('KeySet', () => {
  it('answers as a Set of the keys would, across many growths, by string and packed', () => {
    const set = new Set<string>();
    const keys = new KeySet();
    const packed = new KeySet();
    // 30,000 keys, every third one repeated later: the table grows from 4,096 slots several times.
    const all: string[] = [];
    for (let i = 0; i < 30_000; i++) all.push(key(`req-${i}`, i % 7));
    for (let i = 0; i < 30_000; i += 3) all.push(key(`req-${i}`, i % 7));
    const words = packKeys(all);
    all.forEach((k, i) => {
      const seen = set.has(k);
      expect(keys.has(k)).toBe(seen);
      keys.add(k);
      expect(packed.seenBefore(words, i)).toBe(seen);
      set.add(k);
    });
    expect(keys.size).toBe(set.size);
    expect(packed.size).toBe(set.size);
    expect(keys.has(key('never-seen'))).toBe(false);
  });

  it('keeps the all-zero key apart from the empty slots', () => {
    const zero = String.fromCharCode(0, 0, 0, 0, 0, 0);
    const keys = new KeySet();
    expect(keys.has(zero)).toBe(false);
    keys.add(zero);
    expect(keys.has(zero)).toBe(true);
    expect(keys.size).toBe(1);
  });
});
