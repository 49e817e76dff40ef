/**
 * The bundled catalogs' service-tier rates (priority, flex): what a sampled request costs on each tier (hand-computed
 * dollars, so a missing or wrong block fails), which rows carry blocks, and that every block is ordered
 * priority ≥ standard ≥ flex rate by rate.
 */
import { describe, expect, it } from 'vitest';
import { type ModelPrice, type TokenAmounts, costOf, moneyToDecimal, priceTokens } from '../../src/pricing/index.js';
import { catalog as cat, builtinPrice as price, tokens, promptOf } from '../helpers/builtinPrices.js';
import type { ServiceLevel } from '../../src/types.js';



const usd = (t: TokenAmounts, p: ModelPrice, service?: ServiceLevel) =>
  moneyToDecimal(costOf(t, p, { promptTokens: promptOf(t), ...(service ? { service } : {}) }));

describe('a request on the priority and flex tiers pays the row’s tier rates', () => {
  it('GPT-5: priority $2.50 / $0.25 cached / $20, flex $0.625 / $0.0625 / $5 (standard $1.25 / $0.125 / $10)', () => {
    const p = price('gpt-5-2025-08-07');
    const t = tokens({ input: 100_000, cacheRead: 50_000, output: 10_000 });
    expect(usd(t, p)).toBe('0.23125'); // 0.125 + 0.00625 + 0.1
    expect(usd(t, p, 'priority')).toBe('0.4625'); // 0.25 + 0.0125 + 0.2
    expect(usd(t, p, 'flex')).toBe('0.115625'); // 0.0625 + 0.003125 + 0.05
  });

  it('GPT-5.6 Sol: the tiers price cache writes too (priority $12.50, flex $3.125 per 1M written)', () => {
    const p = price('gpt-5.6-sol');
    const t = tokens({ input: 100_000, cacheRead: 20_000, cacheWrite: 10_000, output: 5_000 });
    expect(usd(t, p, 'priority')).toBe('1.445'); // 100,000 × $10 + 20,000 × $1 + 10,000 × $12.50 + 5,000 × $60
    expect(usd(t, p, 'flex')).toBe('0.36125'); // 0.25 + 0.005 + 0.03125 + 0.075
  });

  it('GPT-5.4 over 272K: flex pays its long rates; priority has none (Fast mode excludes long context) and pays standard long, with a note', () => {
    const p = price('gpt-5.4-2026-03-05');
    const over = tokens({ input: 200_001, cacheRead: 72_000, output: 10_000 });
    expect(usd(over, p, 'flex')).toBe('0.6305025'); // 200,001 × $2.50 + 72,000 × $0.25 + 10,000 × $11.25
    const pri = priceTokens(over, p, { promptTokens: promptOf(over), service: 'priority' });
    expect(moneyToDecimal(pri.total)).toBe('1.261005'); // the standard long rates $5 / $0.50 / $22.50
    expect(pri.notes).toEqual(['openai/gpt-5.4 (global): no priority rate for long prompts, the standard long-context rate used']);
    const at = tokens({ input: 200_000, cacheRead: 72_000, output: 10_000 });
    expect(usd(at, p, 'priority')).toBe('1.336'); // 200,000 × $5 + 72,000 × $0.50 + 10,000 × $30
    expect(usd(at, p, 'flex')).toBe('0.33436'); // 0.25 + 0.00936 + 0.075 (200,000 × $1.25, 72,000 × $0.13, 10,000 × $7.50)
  });

  it('GPT-6 Astra over 272K: priority $40 / $150, flex $10 / $37.50', () => {
    const p = price('gpt-6-astra');
    const t = tokens({ input: 272_001, output: 1_000 });
    expect(usd(t, p, 'priority')).toBe('11.03004'); // 10.88004 + 0.15
    expect(usd(t, p, 'flex')).toBe('2.75751'); // 2.72001 + 0.0375
  });

  it('GPT-4o mini: priority $0.25 / $1; no flex rate listed, so flex pays the batch rules (50%)', () => {
    const p = price('gpt-4o-mini-2024-07-18');
    const t = tokens({ input: 1_000_000, output: 100_000 });
    expect(usd(t, p, 'priority')).toBe('0.35'); // 0.25 + 0.1
    expect(usd(t, p, 'flex')).toBe('0.105'); // (0.15 + 0.06) / 2
    expect(usd(t, p, 'flex')).toBe(moneyToDecimal(costOf(t, p, { batch: true })));
  });

  it('GPT-5 nano: flex only; a priority request pays standard with a note', () => {
    const p = price('gpt-5-nano');
    const t = tokens({ input: 1_000_000, cacheRead: 1_000_000, output: 100_000 });
    expect(usd(t, p, 'flex')).toBe('0.0475'); // 0.025 + 0.0025 + 0.02
    const pri = priceTokens(t, p, { service: 'priority' });
    expect(moneyToDecimal(pri.total)).toBe('0.095'); // 0.05 + 0.005 + 0.04
    expect(pri.notes).toEqual(['openai/gpt-5-nano (global): no priority rate listed, standard rate used']);
  });

  it('Bedrock Nova Pro in us-east-1: priority $1.40 / $5.60, flex $0.40 / $1.60; us-west-2 has no tier rates', () => {
    const p = price('us.amazon.nova-pro-v1:0', 'us-east-1');
    const t = tokens({ input: 100_000, cacheRead: 100_000, output: 10_000 });
    expect(usd(t, p, 'priority')).toBe('0.231'); // 0.14 + 0.035 + 0.056
    expect(usd(t, p, 'flex')).toBe('0.066'); // 0.04 + 0.01 + 0.016
    const west = priceTokens(t, price('us.amazon.nova-pro-v1:0', 'us-west-2'), { service: 'priority' });
    expect(moneyToDecimal(west.total)).toBe('0.132'); // 0.08 + 0.02 + 0.032
    expect(west.notes).toEqual(['amazon.nova-pro (us-west-2): no priority rate listed, standard rate used']);
  });

  it('Azure GPT-5.5 (Global): priority $12.50 / $1.25 / $75 from its meters; over 272K priority pays the standard long rates, with a note', () => {
    const p = price('azure/gpt-5.5');
    const t = tokens({ input: 100_000, cacheRead: 100_000, output: 10_000 });
    expect(usd(t, p, 'priority')).toBe('2.125'); // 1.25 + 0.125 + 0.75
    const long = tokens({ input: 272_001, output: 10_000 });
    const pri = priceTokens(long, p, { promptTokens: promptOf(long), service: 'priority' });
    expect(moneyToDecimal(pri.total)).toBe('3.17001'); // 272,001 × $10 + 10,000 × $45
    expect(pri.notes).toEqual(['azure-openai/gpt-5.5 (global): no priority rate for long prompts, the standard long-context rate used']);
  });

  it('Bedrock gpt-oss-120b (us-east-1): priority 1.75x and flex 50% of $0.15 / $0.60', () => {
    const p = price('openai.gpt-oss-120b-1:0', 'us-east-1');
    const t = tokens({ input: 1_000_000, output: 1_000_000 });
    expect(usd(t, p, 'priority')).toBe('1.3125'); // 0.2625 + 1.05
    expect(usd(t, p, 'flex')).toBe('0.375'); // 0.075 + 0.3
  });
});

describe('which rows carry service-tier rates', () => {
  const rows = (tier: 'priority' | 'flex') =>
    cat.prices
      .filter((p) => p[tier] !== undefined)
      .map((p) => `${p.key}@${p.region}`)
      .sort();
  const openai = (models: string[]) => models.map((m) => `openai/${m}@global`);
  const bedrockUsEast = ['amazon.nova-pro', 'openai.gpt-oss-120b', 'openai.gpt-oss-20b', 'qwen.qwen3-32b', 'qwen.qwen3-coder-30b-a3b', 'qwen.qwen3-coder-480b-a35b'].map((k) => `${k}@us-east-1`);
  const gpt6 = ['gpt-6-astra', 'gpt-6-luna', 'gpt-6-sol', 'gpt-6.1-sol', 'gpt-6.1-terra'];

  it('priority: OpenAI models with a Fast-mode price, Azure models with a priority-processing meter, six Bedrock rows in us-east-1', () => {
    expect(rows('priority')).toEqual(
      [
        ...['gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5.1', 'gpt-5.2', 'gpt-5.3-codex', 'gpt-5.4', 'gpt-5.4-mini', 'gpt-5.5']
          .concat(['gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-luna'])
          .map((m) => `azure-openai/${m}@global`),
        ...openai(['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-2024-05-13', 'gpt-4o-mini', 'o3', 'o4-mini']),
        ...openai(['gpt-5', 'gpt-5-mini', 'gpt-5-codex', 'gpt-5.1', 'gpt-5.2', 'gpt-5.2-codex', 'gpt-5.3-codex', 'gpt-5.4', 'gpt-5.4-mini', 'gpt-5.5']),
        ...openai(['gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-luna', ...gpt6, 'gpt-6.2-sol', 'gpt-6.2-astra']),
        ...bedrockUsEast,
      ].sort(),
    );
  });

  it('flex: OpenAI models on its Flex list, and seven Bedrock rows in us-east-1 (Nova 2 Lite flex only)', () => {
    expect(rows('flex')).toEqual(
      [
        ...openai(['o3', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5.1', 'gpt-5.2', 'gpt-5.4', 'gpt-5.4-mini', 'gpt-5.4-nano', 'gpt-5.4-pro']),
        ...openai(['gpt-5.5', 'gpt-5.5-pro', 'gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-luna', ...gpt6]),
        ...bedrockUsEast,
        'amazon.nova-2-lite@us-east-1',
      ].sort(),
    );
  });

  it('none on the Claude API or Vertex (Anthropic’s Priority Tier is a capacity commitment, not a list price); no flex on Azure', () => {
    for (const p of cat.prices.filter((q) => q.provider === 'anthropic' || q.provider === 'vertex')) {
      expect({ id: `${p.key}@${p.region}`, priority: p.priority, flex: p.flex }).toEqual({ id: `${p.key}@${p.region}`, priority: undefined, flex: undefined });
    }
    for (const p of cat.prices.filter((q) => q.provider === 'azure-openai')) expect({ id: p.key, flex: p.flex }).toEqual({ id: p.key, flex: undefined });
  });
});

describe('every block is ordered priority ≥ standard ≥ flex, rate by rate', () => {
  const RATES = ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const;
  type Rates = Partial<Record<(typeof RATES)[number], string>>;
  const tiered = cat.prices.filter((p) => p.priority !== undefined || p.flex !== undefined);

  it('short prompts and long prompts', () => {
    expect(tiered.length).toBeGreaterThan(30);
    for (const p of tiered) {
      const levels: Array<[string, Rates | undefined, Rates | undefined, Rates | undefined]> = [['', p, p.priority, p.flex]];
      if (p.longContext) levels.push(['long ', p.longContext, p.priority?.longContext, p.flex?.longContext]);
      for (const [label, standard, pri, flex] of levels) {
        for (const f of RATES) {
          const s = standard?.[f];
          if (s === undefined) continue;
          const id = `${p.key}@${p.region} ${label}${f}`;
          if (pri) expect({ id, ok: Number(pri[f]) >= Number(s) }).toEqual({ id, ok: true });
          if (flex) expect({ id, ok: Number(flex[f]) <= Number(s) }).toEqual({ id, ok: true });
        }
      }
    }
  });

  it('priority at most 3x and flex at least a third of the standard input rate (no stray digit)', () => {
    for (const p of tiered) {
      if (p.priority) expect({ id: p.key, ok: Number(p.priority.input) <= Number(p.input) * 3 }).toEqual({ id: p.key, ok: true });
      if (p.flex) expect({ id: p.key, ok: Number(p.flex.input) * 3 >= Number(p.input) }).toEqual({ id: p.key, ok: true });
    }
  });
});
