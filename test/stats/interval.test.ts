import { describe, expect, it } from 'vitest';
import { normalQuantile, wilson, wilsonLower, zFor } from '../../src/stats/interval.js';
import { BottomK, fileHash, sampleKey } from '../../src/analyze/sample.js';
import { seededRandom, shuffled } from '../../src/stats/random.js';
import { quantile } from '../../src/stats/quantile.js';

describe('normal quantile', () => {
  it('matches published z values', () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
    expect(zFor(0.9)).toBeCloseTo(1.644854, 5);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
  it('rejects levels outside (0,1)', () => {
    expect(() => zFor(1)).toThrow(RangeError);
  });
});

describe('wilson', () => {
  it('matches the textbook interval for 50/100', () => {
    const [lo, hi] = wilson(50, 100);
    expect(lo).toBeCloseTo(0.4038, 4);
    expect(hi).toBeCloseTo(0.5962, 4);
  });
  it('stays inside [0,1] at the edges and is honest about n = 0', () => {
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(10, 10)[1]).toBe(1);
    expect(wilson(0, 10)[1]).toBeGreaterThan(0.2);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
  it('one-sided lower bound uses the one-sided z', () => {
    expect(wilsonLower(90, 100, 0.95)).toBeCloseTo(wilson(90, 100, 0.9)[0], 10);
    expect(wilsonLower(90, 100, 0.95)).toBeGreaterThan(wilson(90, 100, 0.95)[0]);
  });
});

describe('bottom-k sampling', () => {
  it('keeps exactly the k smallest keys, whatever the order of arrival', () => {
    const rand = seededRandom(7);
    const keys = Array.from({ length: 1000 }, () => Math.floor(rand() * 2 ** 32));
    const a = new BottomK<number>(25);
    for (const k of keys) a.push(k, k);
    const b = new BottomK<number>(25);
    const c = new BottomK<number>(25);
    shuffled(keys, seededRandom(3)).forEach((k, i) => {
      (i % 2 ? b : c).push(k, k);
    });
    b.merge(c);
    const expected = [...keys].sort((x, y) => x - y).slice(0, 25);
    expect([...a.items].sort((x, y) => x - y)).toEqual(expected);
    expect([...b.items].sort((x, y) => x - y)).toEqual(expected);
  });
  it('line keys are spread uniformly (a sample of 10% hits each decile of lines about equally)', () => {
    const fh = fileHash('logs/a.json.gz', 1);
    const heap = new BottomK<number>(1000);
    for (let line = 1; line <= 10_000; line++) heap.push(sampleKey(fh, line), line);
    const deciles = new Array(10).fill(0);
    for (const line of heap.items) deciles[Math.floor((line - 1) / 1000)]++;
    for (const d of deciles) {
      expect(d).toBeGreaterThan(60);
      expect(d).toBeLessThan(140);
    }
  });
  it('a different seed gives a different sample', () => {
    const pick = (seed: number) => {
      const h = new BottomK<number>(10);
      const fh = fileHash('f', seed);
      for (let line = 1; line <= 500; line++) h.push(sampleKey(fh, line), line);
      return [...h.items].sort((x, y) => x - y);
    };
    expect(pick(1)).toEqual(pick(1));
    expect(pick(1)).not.toEqual(pick(2));
  });
});

describe('quantile', () => {
  it('interpolates', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.95)).toBe(5);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
});
