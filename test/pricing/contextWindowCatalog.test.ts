/**
 * The bundled catalogs' context windows (contextWindow: prompt and answer) and input limits (maxInputTokens: the
 * prompt alone): the default tier ladder's Bedrock models carry a window in every region row, a few spot values as
 * the providers state them, and every window set is sane against the row's own long-prompt threshold.
 */
import { describe, expect, it } from 'vitest';
import { catalog as cat, builtinPrice as price } from '../helpers/builtinPrices.js';



describe("the default ladder's models carry a context window in every Bedrock region row", () => {
  const ladder: Array<[key: string, window: number]> = [
    ['amazon.nova-lite', 300_000],
    ['anthropic.claude-haiku-4-5', 200_000],
    ['anthropic.claude-sonnet-4-5', 1_000_000],
  ];
  for (const [key, window] of ladder) {
    it(`${key}: ${window.toLocaleString('en-US')} tokens in each of its rows`, () => {
      const rows = cat.prices.filter((p) => p.provider === 'bedrock' && p.key === key);
      // Nova Lite: us-east-1, us-west-2, eu-central-1; the Claude models add the global. profile.
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const p of rows) expect({ region: p.region, contextWindow: p.contextWindow }).toEqual({ region: p.region, contextWindow: window });
    });
  }

  it('the same models resolve to their window through a logged Bedrock ID', () => {
    expect(price('us.amazon.nova-lite-v1:0', 'us-east-1').contextWindow).toBe(300_000);
    expect(price('global.anthropic.claude-haiku-4-5-20251001-v1:0', 'us-east-1').contextWindow).toBe(200_000);
    expect(price('eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu-central-1').contextWindow).toBe(1_000_000);
  });
});

describe('spot values', () => {
  it('Claude on the API and Vertex: Haiku 4.5 200K, Opus 4.5 200K, Sonnet 4.6 and Haiku 5.5 1M', () => {
    expect(price('claude-haiku-4-5-20251001').contextWindow).toBe(200_000);
    expect(price('vertex/claude-haiku-4-5').contextWindow).toBe(200_000);
    expect(price('claude-opus-4-5-20251101').contextWindow).toBe(200_000);
    expect(price('claude-sonnet-4-6').contextWindow).toBe(1_000_000);
    expect(price('claude-haiku-5-5').contextWindow).toBe(1_000_000);
  });

  it('Nova: Micro 128K, Pro 300K, Premier and Nova 2 Lite 1M', () => {
    expect(price('amazon.nova-micro-v1:0', 'us-east-1').contextWindow).toBe(128_000);
    expect(price('amazon.nova-pro-v1:0', 'us-east-1').contextWindow).toBe(300_000);
    expect(price('amazon.nova-premier-v1:0', 'us-east-1').contextWindow).toBe(1_000_000);
    expect(price('global.amazon.nova-2-lite-v1:0', 'us-east-1').contextWindow).toBe(1_000_000);
  });

  it('OpenAI: the total window, and the input limit where one is stated apart (GPT-5 272K of 400K; GPT-5.4 922K of 1.05M)', () => {
    expect([price('gpt-4.1').contextWindow, price('gpt-4.1').maxInputTokens]).toEqual([1_047_576, undefined]);
    expect([price('gpt-4o').contextWindow, price('gpt-4o').maxInputTokens]).toEqual([128_000, undefined]);
    expect(price('gpt-5')).toMatchObject({ contextWindow: 400_000, maxInputTokens: 272_000 });
    expect(price('gpt-5.4')).toMatchObject({ contextWindow: 1_050_000, maxInputTokens: 922_000 });
    expect(price('azure-openai/gpt-5')).toMatchObject({ contextWindow: 400_000, maxInputTokens: 272_000 });
  });

  it('Claude Fable 5.2 and Mythos 5.1 (AWS model cards): 1M on the API, fast mode and Bedrock', () => {
    expect(price('claude-fable-5-2').contextWindow).toBe(1_000_000);
    expect(price('anthropic/claude-fable-5-2-fast').contextWindow).toBe(1_000_000);
    expect(price('claude-mythos-5-1', 'us').contextWindow).toBe(1_000_000);
    expect(price('global.anthropic.claude-fable-5-2', 'us-east-1').contextWindow).toBe(1_000_000);
  });

  it('older Mistral models on Bedrock: 32K (Mixtral 8x7B, Mistral Large 24.02, Small 24.02, 7B); Large 24.07 128K', () => {
    expect(price('mistral.mixtral-8x7b-instruct-v0:1', 'us-west-2').contextWindow).toBe(32_000);
    expect(price('mistral.mistral-large-2402-v1:0', 'us-east-1').contextWindow).toBe(32_000);
    expect(price('mistral.mistral-small-2402-v1:0', 'us-east-1').contextWindow).toBe(32_000);
    expect(price('mistral.mistral-7b-instruct-v0:2', 'us-east-1').contextWindow).toBe(32_000);
    expect(price('mistral.mistral-large-2407-v1:0', 'us-west-2').contextWindow).toBe(128_000);
  });

  it('Gemini on Vertex: 1,048,576 input tokens (its output limit apart, no window of both stated)', () => {
    for (const id of ['vertex/gemini-2.5-pro', 'vertex/gemini-2.5-flash']) expect([price(id).contextWindow, price(id).maxInputTokens]).toEqual([undefined, 1_048_576]);
  });
});

describe('every window set is sane', () => {
  const withWindow = cat.prices.filter((p) => p.contextWindow !== undefined);

  it('a good share of the bundled rows carry one', () => {
    expect(withWindow.length).toBeGreaterThan(200);
  });

  it('a whole number of at least 1,000 tokens, at most 10M', () => {
    for (const p of withWindow) {
      const w = p.contextWindow as number;
      expect({ key: p.key, region: p.region, ok: Number.isInteger(w) && w >= 1_000 && w <= 10_000_000 }).toEqual({
        key: p.key,
        region: p.region,
        ok: true,
      });
    }
  });

  it("a row's long-prompt threshold is below its window and its input limit (a long prompt must fit)", () => {
    const limit = (p: (typeof cat.prices)[number]) => Math.min(p.contextWindow ?? Number.POSITIVE_INFINITY, p.maxInputTokens ?? Number.POSITIVE_INFINITY);
    const both = cat.prices.filter((p) => p.longContext !== undefined && limit(p) < Number.POSITIVE_INFINITY);
    expect(both.length).toBeGreaterThan(10);
    for (const p of both) {
      expect({ key: p.key, region: p.region, below: p.longContext!.above < limit(p) }).toEqual({ key: p.key, region: p.region, below: true });
    }
  });

  it('an input limit is a whole number below its window, where a row states both', () => {
    const both = cat.prices.filter((p) => p.maxInputTokens !== undefined && p.contextWindow !== undefined);
    expect(both.length).toBeGreaterThan(30);
    for (const p of both) expect({ key: p.key, ok: Number.isInteger(p.maxInputTokens) && p.maxInputTokens! < p.contextWindow! }).toEqual({ key: p.key, ok: true });
  });

  it('every row of a model in one catalog file states the same window (regions share a model)', () => {
    const seen = new Map<string, string>();
    for (const p of cat.prices) {
      const id = `${p.provider}|${p.key}`;
      const w = `${p.contextWindow}/${p.maxInputTokens}`;
      if (!seen.has(id)) seen.set(id, w);
      else expect({ id, w }).toEqual({ id, w: seen.get(id) });
    }
  });
});
