/** The compact de-duplication key set: the answers of a Set of the same dedupeKey strings, through growth. */
import { describe, expect, it } from 'vitest';
import { KeySet, KeySpill, KnownRepeats, packKeys } from '../../src/engines/inprocess/keySet.js';
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

  it('past its room: the first reading spills the new keys and finds those that repeat; the second answers as a Set', () => {
    // 5,000 keys, then every key once more, then the first 700 a third time; room for 1,000.
    const all: string[] = [];
    for (let i = 0; i < 5000; i++) all.push(key(`r-${i}`, i % 5));
    for (let i = 0; i < 5000; i++) all.push(key(`r-${i}`, i % 5));
    for (let i = 0; i < 700; i++) all.push(key(`r-${i}`, i % 5));
    const words = packKeys(all);
    const spill = new KeySpill();
    try {
      const first = new KeySet(1000, spill);
      const answers = all.map((_, i) => first.seenBefore(words, i));
      // The table's 1,000 keys are found again; the others were taken as new and written.
      expect(answers.filter(Boolean).length).toBe(1000 + 700);
      expect(first.size).toBe(1000);
      expect(spill.spilled).toBe(all.length - 1000 - 1700);
      const repeats = spill.repeats();
      expect(repeats.size).toBe(4000);
      const set = new Set<string>();
      const second = new KeySet(1000, new KnownRepeats(repeats));
      all.forEach((k, i) => {
        expect(second.seenBefore(words, i)).toBe(set.has(k));
        set.add(k);
      });
      expect(second.has(key('never-seen'))).toBe(false);
    } finally {
      spill.dispose();
    }
  });

  it('spilled keys that never repeat: no repeats, the first reading stands', () => {
    const all = Array.from({ length: 3000 }, (_, i) => key(`u-${i}`));
    const words = packKeys(all);
    const spill = new KeySpill();
    try {
      const first = new KeySet(100, spill);
      expect(all.some((_, i) => first.seenBefore(words, i))).toBe(false);
      expect(spill.spilled).toBe(2900);
      expect(spill.repeats().size).toBe(0);
    } finally {
      spill.dispose();
    }
  });
});
