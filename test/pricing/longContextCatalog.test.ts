/**
 * The bundled catalogs' long-prompt rates (longContext): which rows carry them, and what a request just over
 * a row's `above` costs against one at exactly `above` (hand-computed dollars, so a missing or wrong block fails).
 */
import { describe, expect, it } from 'vitest';
import { type ModelPrice, type TokenAmounts, costOf, moneyToDecimal, rateToPico } from '../../src/pricing/index.js';
import { catalog as cat, builtinPrice as price, tokens, promptOf } from '../helpers/builtinPrices.js';



const usd = (t: TokenAmounts, p: ModelPrice, batch = false) => moneyToDecimal(costOf(t, p, { promptTokens: promptOf(t), batch }));

describe('a request just over `above` pays the long rates on every token; one at exactly `above` pays the base rates', () => {
  it('Claude Sonnet 4.5 on the Claude API: over 200K prompt tokens (cache reads and writes count) → $6 / $22.50 / $0.60 / $7.50', () => {
    const p = price('claude-sonnet-4-5-20250929');
    const over = tokens({ input: 150_000, cacheRead: 40_000, cacheWrite: 10_001, output: 2_000 });
    // 150,000 × $6 + 40,000 × $0.60 + 10,001 × $7.50 + 2,000 × $22.50 (per 1M) = 0.9 + 0.024 + 0.0750075 + 0.045
    expect(usd(over, p)).toBe('1.0440075');
    const at = tokens({ input: 150_000, cacheRead: 40_000, cacheWrite: 10_000, output: 2_000 });
    // 0.45 + 0.012 + 0.0375 + 0.03
    expect(usd(at, p)).toBe('0.5295');
  });

  it('Claude Sonnet 4 on the Claude API, batch: the long batch rates $3 / $11.25', () => {
    const p = price('claude-sonnet-4-20250514');
    expect(usd(tokens({ input: 200_001, output: 1_000 }), p, true)).toBe('0.611253'); // 0.600003 + 0.01125
    expect(usd(tokens({ input: 200_000, output: 1_000 }), p, true)).toBe('0.3075'); // 0.3 + 0.0075
  });

  it('Claude Haiku 5.5: over 100K prompt tokens every token costs 5x, 1-hour cache writes $1', () => {
    const p = price('claude-haiku-5-5');
    expect(usd(tokens({ input: 100_001, output: 1_000 }), p)).toBe('0.0525005'); // 0.0500005 + 0.0025
    expect(usd(tokens({ input: 100_000, output: 1_000 }), p)).toBe('0.0105'); // 0.01 + 0.0005
    const oneHour = (input: number) => ({ ...tokens({ input, cacheWrite: 50_000, output: 1_000 }), cacheWrite1h: 50_000 });
    expect(usd(oneHour(50_001), p)).toBe('0.0775005'); // 0.0250005 + 0.05 + 0.0025
    expect(usd(oneHour(50_000), p)).toBe('0.0155'); // 0.005 + 0.01 + 0.0005
  });

  it('Claude Haiku 5.5 with US-only inference: the long rates × 1.1', () => {
    const p = price('claude-haiku-5-5', 'us');
    expect(usd(tokens({ input: 100_001, output: 1_000 }), p)).toBe('0.05775055'); // 100,001 × $0.55 + 1,000 × $2.75
  });

  it('Bedrock Claude Sonnet 4.5 at a regional profile, batch: $3.30 / $12.375 over 200K', () => {
    const p = price('us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us-east-1');
    expect(usd(tokens({ input: 250_000, output: 1_000 }), p, true)).toBe('0.837375'); // 0.825 + 0.012375
    expect(usd(tokens({ input: 200_000, output: 1_000 }), p, true)).toBe('0.33825'); // 0.33 + 0.00825
  });

  it('Bedrock Claude Sonnet 4 (us-west-2): $6 / $22.50, cache read $0.60', () => {
    const p = price('anthropic.claude-sonnet-4-20250514-v1:0', 'us-west-2');
    expect(usd(tokens({ input: 100_000, cacheRead: 100_001, output: 1_000 }), p)).toBe('0.6825006'); // 0.6 + 0.0600006 + 0.0225
    expect(usd(tokens({ input: 100_000, cacheRead: 100_000, output: 1_000 }), p)).toBe('0.345'); // 0.3 + 0.03 + 0.015
  });

  it('Gemini 3.1 Pro Preview on Vertex: over 200K → $4 / $18', () => {
    const p = price('gemini-3.1-pro-preview');
    expect(usd(tokens({ input: 200_001, output: 1_000 }), p)).toBe('0.818004'); // 0.800004 + 0.018
    expect(usd(tokens({ input: 200_000, output: 1_000 }), p)).toBe('0.412'); // 0.4 + 0.012
  });

  it('GPT-5.4: over 272K → $5 / $0.50 cached / $22.50', () => {
    const p = price('gpt-5.4-2026-03-05');
    expect(usd(tokens({ input: 200_001, cacheRead: 72_000, output: 10_000 }), p)).toBe('1.261005'); // 1.000005 + 0.036 + 0.225
    expect(usd(tokens({ input: 200_000, cacheRead: 72_000, output: 10_000 }), p)).toBe('0.668'); // 0.5 + 0.018 + 0.15
  });

  it('GPT-5.6 Sol on Azure, batch (supportsBatch: 50% of the long rates) → $10 / $45 halved', () => {
    const p = price('azure/gpt-5.6-sol');
    expect(usd(tokens({ input: 272_001, output: 2_000 }), p, true)).toBe('1.405005'); // (2.72001 + 0.09) / 2, rounded half up per part
    expect(usd(tokens({ input: 272_000, output: 2_000 }), p, true)).toBe('0.71'); // (1.36 + 0.06) / 2
  });
});

describe('which rows carry long-context rates', () => {
  const withBlock = cat.prices
    .filter((p) => p.longContext)
    .map((p) => `${p.key}@${p.region}>${p.longContext!.above}`)
    .sort();

  it('the models whose sources price long prompts higher, at their thresholds', () => {
    expect(withBlock).toEqual(
      [
        ...['global', 'us'].map((r) => `anthropic/claude-haiku-5-5@${r}>100000`),
        'anthropic/claude-sonnet-4-5@global>200000',
        'anthropic/claude-sonnet-4@global>200000',
        ...['eu-central-1', 'global', 'us-east-1', 'us-west-2'].flatMap((r) => [
          `anthropic.claude-haiku-5-5@${r}>100000`,
          `anthropic.claude-sonnet-4-5@${r}>200000`,
          `anthropic.claude-sonnet-4@${r}>200000`,
        ]),
        ...['gpt-5.4', 'gpt-5.4-pro', 'gpt-5.5', 'gpt-5.6-luna', 'gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-6-astra'].map((m) => `azure-openai/${m}@global>272000`),
        ...['gpt-5.4', 'gpt-5.4-pro', 'gpt-5.5', 'gpt-5.5-pro', 'gpt-5.6-luna', 'gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-6-astra', 'gpt-6-luna', 'gpt-6-sol']
          .concat(['gpt-6.1-sol', 'gpt-6.1-terra', 'gpt-6.2-astra', 'gpt-6.2-sol'])
          .map((m) => `openai/${m}@global>272000`),
        ...['global', 'regional'].map((r) => `vertex/claude-haiku-5-5@${r}>100000`),
        ...['global', 'regional'].map((r) => `vertex/claude-sonnet-4-5@${r}>200000`),
        'vertex/claude-sonnet-4@global>200000',
        ...['gemini-2.5-pro', 'gemini-3-pro-preview', 'gemini-3.1-pro-preview'].map((m) => `vertex/${m}@global>200000`),
      ].sort(),
    );
  });

  it('flat across the window: Opus 4.6 / Sonnet 4.6 (since the 1M GA) and later Claude models, 400K-context GPT-5 models, Gemini Flash', () => {
    for (const [id, region] of [
      ['claude-opus-4-6', undefined], ['claude-sonnet-4-6', 'us'], ['claude-opus-4-7', undefined], ['claude-sonnet-5-5', undefined],
      ['global.anthropic.claude-sonnet-4-6', 'us-east-1'], ['us.anthropic.claude-opus-4-6-v1', 'us-east-1'],
      ['gpt-5', undefined], ['gpt-5.4-mini', undefined], ['gpt-5.3-codex', undefined], ['gemini-3.5-flash', undefined],
    ] as const) {
      expect(price(id, region).longContext, `${id} ${region ?? ''}`).toBeUndefined();
    }
  });

  it('every long rate is at least the row rate it replaces (a long prompt never costs less)', () => {
    for (const p of cat.prices) {
      const long = p.longContext;
      if (!long) continue;
      for (const f of ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'batchInput', 'batchOutput'] as const) {
        if (p[f] === undefined) continue;
        expect(rateToPico(long[f]!) >= rateToPico(p[f]!), `${p.key}@${p.region} ${f}`).toBe(true);
      }
    }
  });
});
