/** TextKeyMap: a Map of texts, looked up without hashing them whole. */
import { describe, expect, it } from 'vitest';
import { TextKeyMap } from '../../src/classify/textKeyMap.js';

/** A fresh copy of a text (what each parsed record carries), not the same string object. */
const copy = (s: string) => JSON.parse(JSON.stringify(s)) as string;

/** Texts of one length that differ only at position 1, which no sample reads (1,000 units: samples at 0, 66, 133, …). */
const variants = (n: number) => Array.from({ length: n }, (_, i) => `x${String.fromCharCode(0x4e00 + i)}${'y'.repeat(998)}`);

describe('TextKeyMap', () => {
  it('finds a key by an equal text, not only by the same string object', () => {
    const m = new TextKeyMap<number>();
    const system = `You are a support agent. ${'Be brief. '.repeat(500)}`;
    m.set(system, 1);
    expect(m.get(copy(system))).toBe(1);
    expect(m.get(`${system} `)).toBeUndefined();
    expect(m.get(system.slice(0, -1))).toBeUndefined();
    expect(m.get('')).toBeUndefined();
  });

  it('tells apart texts that share their length and every sampled unit, in a list and past it in a Map', () => {
    const texts = variants(20);
    const m = new TextKeyMap<number>();
    texts.forEach((t, i) => {
      m.set(t, i);
      // Every key so far is still found, by a copy, whichever holds it.
      for (let j = 0; j <= i; j++) expect(m.get(copy(texts[j]!))).toBe(j);
      expect(m.size).toBe(i + 1);
    });
    expect(m.get(variants(21)[20]!)).toBeUndefined();
  });

  it('replaces the value of a key set again, without counting it twice', () => {
    const m = new TextKeyMap<string>();
    for (const t of [...variants(12), '', 'short']) {
      m.set(t, 'a');
      m.set(copy(t), 'b');
    }
    expect(m.size).toBe(14);
    expect(m.get('')).toBe('b');
    expect(m.get(variants(12)[11]!)).toBe('b');
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get('short')).toBeUndefined();
  });
});
