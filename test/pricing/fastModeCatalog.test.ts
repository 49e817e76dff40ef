/**
 * The bundled catalog's Claude fast-mode rows (anthropic/<model>-fast): that the fast variant tokor names for a
 * `usage.speed: "fast"` request finds its row, what a request costs there (hand-computed dollars, so a missing or
 * wrong row fails), and the rules every fast row follows: the standard row's caching multipliers on top of the fast
 * input rate, US-only inference at 1.1x, no batch rates, no long-context block.
 */
import { describe, expect, it } from 'vitest';
import { type ModelPrice, type TokenAmounts, builtinCatalog, costOf, fastModelId, moneyToDecimal, resolvePrice } from '../../src/pricing/index.js';

const cat = builtinCatalog();

function price(id: string, region?: string): ModelPrice {
  const r = resolvePrice(cat, id, region);
  if (!r) throw new Error(`${id} (${region ?? 'no region'}) does not resolve`);
  expect(r.note).toBeUndefined();
  return r.price;
}

const tokens = (t: Partial<TokenAmounts>): TokenAmounts => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, ...t });
const usd = (t: TokenAmounts, p: ModelPrice) => moneyToDecimal(costOf(t, p, { promptTokens: Number(t.input) + Number(t.cacheRead) + Number(t.cacheWrite) }));

/** The models Anthropic has offered fast mode on (some since removed: their rows stay for older logs). */
const FAST_MODELS = ['claude-opus-4-6', 'claude-opus-4-7', 'claude-opus-4-8', 'claude-opus-5', 'claude-opus-5-5', 'claude-fable-5-2', 'claude-mythos-5-2'];

describe('the fast variant of a Claude API model resolves to its own row', () => {
  it('fastModelId(claude-opus-5-5) → anthropic/claude-opus-5-5-fast at $8 / $40, not the standard $4 / $20', () => {
    const p = price(fastModelId('claude-opus-5-5'));
    expect(p).toMatchObject({ key: 'anthropic/claude-opus-5-5-fast', region: 'global', input: '8', output: '40' });
  });

  it('dated, dotted and gateway spellings reach the same rows', () => {
    expect(price(fastModelId('claude-opus-4-6-20260205')).key).toBe('anthropic/claude-opus-4-6-fast');
    expect(price('anthropic/claude-opus-4.6-fast').key).toBe('anthropic/claude-opus-4-6-fast'); // OpenRouter, Vercel AI Gateway
    expect(price('claude-opus-5-fast-20260723').key).toBe('anthropic/claude-opus-5-fast'); // OpenRouter's dated ID
    expect(price(fastModelId('claude-fable-5-2[1m]')).key).toBe('anthropic/claude-fable-5-2-fast');
  });
});

describe('hand-computed dollars on the fast rows', () => {
  it('Claude Opus 5 fast: 1,000 input + 100 output tokens = $0.015; with 10,000 cache reads and 2,000 5-minute cache writes $0.05', () => {
    const p = price(fastModelId('claude-opus-5'));
    // 1,000 × $10 + 100 × $50 (per 1M) = 0.01 + 0.005
    expect(usd(tokens({ input: 1_000, output: 100 }), p)).toBe('0.015');
    // + 10,000 × $1 (0.1x of $10) + 2,000 × $12.50 (1.25x) = 0.015 + 0.01 + 0.025
    expect(usd(tokens({ input: 1_000, output: 100, cacheRead: 10_000, cacheWrite: 2_000 }), p)).toBe('0.05');
  });

  it('Claude Opus 5.5 fast with US-only inference: cache reads at 0.05x of the fast input, every rate × 1.1', () => {
    const p = price(fastModelId('claude-opus-5-5'), 'us');
    expect(p.region).toBe('us');
    // 1,000 × $8.80 + 100 × $44 + 10,000 × $0.44 = 0.0088 + 0.0044 + 0.0044
    expect(usd(tokens({ input: 1_000, output: 100, cacheRead: 10_000 }), p)).toBe('0.0176');
  });

  it('Claude Fable 5.2 fast: 1-hour cache writes at $32 (2x of $16)', () => {
    const p = price(fastModelId('claude-fable-5-2'));
    // 1,000 × $16 + 100 × $80 + 5,000 × $32 = 0.016 + 0.008 + 0.16
    expect(usd({ ...tokens({ input: 1_000, output: 100, cacheWrite: 5_000 }), cacheWrite1h: 5_000 }, p)).toBe('0.184');
  });

  it('Claude Opus 4.6 fast is flat over 200K prompt tokens: 300,000 input + 1,000 output = $9.15 at $30 / $150', () => {
    const p = price(fastModelId('claude-opus-4-6'));
    expect(usd(tokens({ input: 300_000, output: 1_000 }), p)).toBe('9.15'); // 9 + 0.15
  });
});

describe('every fast row', () => {
  const rowOf = (key: string, region: string) => cat.prices.find((p) => p.key === key && p.region === region);
  const ratio = (a: string | undefined, b: string) => Number(a) / Number(b);

  it.each(FAST_MODELS)('%s: global and us rows, the standard caching multipliers on the fast input, us = global × 1.1, no batch, no long-context block', (model) => {
    const std = rowOf(`anthropic/${model}`, 'global')!;
    const fast = rowOf(`anthropic/${model}-fast`, 'global')!;
    const us = rowOf(`anthropic/${model}-fast`, 'us')!;
    expect(std).toBeDefined();
    expect(fast).toBeDefined();
    expect(us).toBeDefined();
    expect(Number(fast.input)).toBeGreaterThan(Number(std.input));
    expect(ratio(fast.output, fast.input)).toBeCloseTo(ratio(std.output, std.input), 12);
    for (const rate of ['cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const) {
      expect(ratio(fast[rate], fast.input)).toBeCloseTo(ratio(std[rate], std.input), 12);
    }
    for (const rate of ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const) {
      expect(Number(us[rate])).toBeCloseTo(Number(fast[rate]) * 1.1, 9);
    }
    for (const row of [fast, us]) {
      expect(row).not.toHaveProperty('batchInput');
      expect(row).not.toHaveProperty('batchOutput');
      expect(row.supportsBatch).toBeUndefined();
      expect(row.longContext).toBeUndefined();
      expect(row.notes).toMatch(/derived|Derived/);
    }
  });

  it('no other model has a fast row', () => {
    const fastKeys = new Set(cat.prices.filter((p) => p.key.endsWith('-fast')).map((p) => p.key));
    expect([...fastKeys].sort()).toEqual(FAST_MODELS.map((m) => `anthropic/${m}-fast`).sort());
  });
});
