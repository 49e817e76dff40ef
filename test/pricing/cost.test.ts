import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, costOf, moneyToDecimal, priceTokens, resolvePrice, type ModelPrice } from '../../src/pricing/index.js';
import type { TokenCounts } from '../../src/types.js';

const tokens = (t: Partial<TokenCounts>): TokenCounts => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, ...t });

const base: ModelPrice = {
  key: 'test.model',
  name: 'Test',
  provider: 'bedrock',
  region: 'us-east-1',
  input: '2',
  output: '10',
  source: 'test',
  effectiveDate: '2025-01-01',
};

describe('costOf', () => {
  it('multiplies token counts by per-token rates, part by part', () => {
    const p: ModelPrice = { ...base, cacheRead: '0.2', cacheWrite5m: '2.5', cacheWrite1h: '4' };
    const b = priceTokens(tokens({ input: 1_000_000, output: 500_000, cacheRead: 2_000_000, cacheWrite: 100_000 }), p);
    expect(moneyToDecimal(b.input)).toBe('2');
    expect(moneyToDecimal(b.output)).toBe('5');
    expect(moneyToDecimal(b.cacheRead)).toBe('0.4');
    expect(moneyToDecimal(b.cacheWrite)).toBe('0.25');
    expect(moneyToDecimal(b.total)).toBe('7.65');
    expect(b.notes).toEqual([]);
    // 1-hour cache writes use the 1h rate
    expect(moneyToDecimal(costOf(tokens({ cacheWrite: 100_000 }), p, { cacheWriteTtl: '1h' }))).toBe('0.4');
  });

  it('prices cache tokens at the input rate when the entry lists no cache rate, and says so', () => {
    const b = priceTokens(tokens({ cacheRead: 1_000_000, cacheWrite: 1_000_000 }), base);
    expect(moneyToDecimal(b.cacheRead)).toBe('2');
    expect(moneyToDecimal(b.cacheWrite)).toBe('2');
    expect(b.notes).toEqual(['test.model: no cache-read rate, input rate used', 'test.model: no cache-write rate, input rate used']);
  });

  it('uses the 5m cache-write rate for 1h writes when no 1h rate is listed', () => {
    const p: ModelPrice = { ...base, cacheWrite5m: '2.5' };
    const b = priceTokens(tokens({ cacheWrite: 1_000_000 }), p, { cacheWriteTtl: '1h' });
    expect(moneyToDecimal(b.cacheWrite)).toBe('2.5');
    expect(b.notes).toEqual(['test.model: no 1h cache-write rate, 5m rate used']);
  });

  it('batch: listed batch rates, else 50% when the model supports batch, else on-demand with a note', () => {
    const t = tokens({ input: 1_000_000, output: 1_000_000 });
    expect(moneyToDecimal(costOf(t, { ...base, batchInput: '0.5', batchOutput: '3' }, { batch: true }))).toBe('3.5');
    const half = priceTokens(t, { ...base, supportsBatch: true }, { batch: true });
    expect(moneyToDecimal(half.total)).toBe('6');
    expect(half.notes[0]).toMatch(/50% of on-demand/);
    const none = priceTokens(t, base, { batch: true });
    expect(moneyToDecimal(none.total)).toBe('12');
    expect(none.notes[0]).toMatch(/no batch price known, on-demand price used/);
    // halving rounds half up at the picodollar: 1 token at 1 pico/token
    expect(costOf(tokens({ input: 1 }), { ...base, input: '0.000001', supportsBatch: true }, { batch: true })).toBe(1n);
  });

  it('prices bigint token totals past 2^53 exactly, the same as numbers below it', () => {
    const p: ModelPrice = { ...base, cacheRead: '0.2', supportsBatch: true };
    const big = 2n ** 60n + 1n;
    // $2 per 1M input = 2,000,000 picodollars per token; $10 output; $0.2 cache read; batch halves (rounded half up).
    expect(costOf({ input: big, output: 3n, cacheRead: big, cacheWrite: 0 }, p)).toBe(big * 2_000_000n + 3n * 10_000_000n + big * 200_000n);
    expect(costOf({ input: big, output: 0, cacheRead: 0, cacheWrite: 0 }, p, { batch: true })).toBe((big * 2_000_000n + 1n) / 2n);
    expect(costOf({ input: 123n, output: 4n, cacheRead: 0n, cacheWrite: 0n }, p)).toBe(costOf(tokens({ input: 123, output: 4 }), p));
    expect(() => costOf({ input: -1n, output: 0, cacheRead: 0, cacheWrite: 0 }, p)).toThrow(RangeError);
  });

  it('rejects impossible token counts', () => {
    expect(() => costOf(tokens({ input: -1 }), base)).toThrow(RangeError);
    expect(() => costOf(tokens({ output: 1.5 }), base)).toThrow(/non-negative integer/);
  });

  it('anchors: the Cost Explorer example amounts follow from the built-in prices', () => {
    const cat = builtinCatalog();
    // Sonnet 4.5 global: 12.5M input → $37.50, 1.2M output → $18, 40M cache read → $12, 2M cache write → $7.50
    const sonnet = resolvePrice(cat, 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us-east-1')!.price;
    const s = priceTokens(tokens({ input: 12_500_000, output: 1_200_000, cacheRead: 40_000_000, cacheWrite: 2_000_000 }), sonnet);
    expect([s.input, s.output, s.cacheRead, s.cacheWrite].map(moneyToDecimal)).toEqual(['37.5', '18', '12', '7.5']);
    // Haiku 4.5 batch, regional: 10M input → $5.50, 1M output → $2.75
    const haiku = resolvePrice(cat, 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'us-east-1')!.price;
    const h = priceTokens(tokens({ input: 10_000_000, output: 1_000_000 }), haiku, { batch: true });
    expect([h.input, h.output].map(moneyToDecimal)).toEqual(['5.5', '2.75']);
    // Nova Lite: 50M input → $3
    const nova = resolvePrice(cat, 'amazon.nova-lite-v1:0', 'us-east-1')!.price;
    expect(moneyToDecimal(costOf(tokens({ input: 50_000_000, cacheRead: 1_000_000 }), nova))).toBe('3.015');
  });
});

describe('cache writes split by TTL (tokens.cacheWrite1h)', () => {
  const p: ModelPrice = { ...base, input: '3.3', output: '16.5', cacheWrite5m: '4.125', cacheWrite1h: '6.6' };

  it('prices the 1-hour part at the 1h rate and the rest at the 5m rate: $0.016005', () => {
    const t = { ...tokens({ input: 100, output: 50, cacheWrite: 3000 }), cacheWrite1h: 1000 };
    const b = priceTokens(t, p);
    expect(moneyToDecimal(b.total)).toBe('0.016005');
    expect(moneyToDecimal(b.cacheWrite)).toBe('0.01485');
    expect(moneyToDecimal(b.cacheWrite1h!)).toBe('0.0066');
    expect(costOf(t, p)).toBe(b.total);
    // the record's split wins over the option
    expect(costOf(t, p, { cacheWriteTtl: '1h' })).toBe(b.total);
    // without the split: all at 5m, the old mispricing
    expect(moneyToDecimal(costOf(tokens({ input: 100, output: 50, cacheWrite: 3000 }), p))).toBe('0.01353');
  });

  it('falls back to the 5m rate for the 1h part when no 1h rate is listed, with a note', () => {
    const b = priceTokens({ ...tokens({ cacheWrite: 3000 }), cacheWrite1h: 1000 }, { ...p, cacheWrite1h: undefined });
    expect(moneyToDecimal(b.total)).toBe('0.012375');
    expect(b.notes).toEqual(['test.model: no 1h cache-write rate, 5m rate used']);
  });

  it('rejects more 1-hour writes than writes', () => {
    expect(() => costOf({ ...tokens({ cacheWrite: 10 }), cacheWrite1h: 11 }, p)).toThrow(RangeError);
  });

  it('property: the fast path equals the bigint breakdown with a split too', () => {
    const count = fc.nat({ max: 5_000_000 });
    fc.assert(
      fc.property(
        fc.constantFrom(...builtinCatalog().prices),
        fc.record({ input: count, output: count, cacheRead: count, cacheWrite: count }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (price, t, share, batch) => {
          const split = { ...t, cacheWrite1h: Math.floor(t.cacheWrite * share) };
          const b = priceTokens(split, price, { batch });
          expect(costOf(split, price, { batch })).toBe(b.total);
          expect(b.total).toBe(b.input + b.output + b.cacheRead + b.cacheWrite);
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });
});

describe('costOf fast path', () => {
  const cat = builtinCatalog();

  it('property: costOf equals the exact part-by-part bigint breakdown, for every built-in price and option', () => {
    const count = fc.nat({ max: 5_000_000 });
    fc.assert(
      fc.property(
        fc.constantFrom(...cat.prices),
        fc.record({ input: count, output: count, cacheRead: count, cacheWrite: count }),
        fc.boolean(),
        fc.constantFrom<'5m' | '1h'>('5m', '1h'),
        (price, t, batch, ttl) => {
          const opts = { batch, cacheWriteTtl: ttl };
          const b = priceTokens(t, price, opts);
          expect(costOf(t, price, opts)).toBe(b.total);
          expect(b.total).toBe(b.input + b.output + b.cacheRead + b.cacheWrite);
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  it('stays exact past 2^53 picodollars (falls back to bigint)', () => {
    const opus = resolvePrice(cat, 'anthropic.claude-opus-4-1-20250805-v1:0', 'us-east-1')!.price;
    const t = tokens({ output: 200_000_000, input: 123_456_789 }); // $15,000 + $1,851.851835
    expect(moneyToDecimal(costOf(t, opus))).toBe('16851.851835');
  });
});
