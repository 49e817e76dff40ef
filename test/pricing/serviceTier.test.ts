/**
 * Service tiers: a request served on the priority or flex tier pays the entry's `priority` / `flex` rates; without
 * them flex pays the batch rates and priority the standard rates, with a note. Units (the cost math and the
 * catalog schema); the built CLI's figures are in serviceTierCli.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { costOf, moneyToDecimal, parseCatalogText, priceTokens, type ModelPrice } from '../../src/pricing/index.js';

const price: ModelPrice = {
  key: 'test.tiered',
  name: 'Tiered',
  provider: 'openai',
  region: 'global',
  input: '2',
  output: '10',
  cacheRead: '0.2',
  supportsBatch: true,
  source: 'test',
  effectiveDate: '2026-12-07',
  priority: { input: '3.5', output: '17.5', cacheRead: '0.35' },
  flex: { input: '1', output: '5', cacheRead: '0.1' },
};
const tokens = { input: 100_000, output: 10_000, cacheRead: 50_000, cacheWrite: 0 };

describe('service tiers in the cost math', () => {
  it('priority and flex pay their own rates, cache reads included', () => {
    // 100,000 × 2 + 10,000 × 10 + 50,000 × 0.2 µ$
    expect(moneyToDecimal(costOf(tokens, price))).toBe('0.31');
    expect(moneyToDecimal(costOf(tokens, price, { service: 'standard' }))).toBe('0.31');
    // 100,000 × 3.5 + 10,000 × 17.5 + 50,000 × 0.35 µ$
    expect(moneyToDecimal(costOf(tokens, price, { service: 'priority' }))).toBe('0.5425');
    // 100,000 × 1 + 10,000 × 5 + 50,000 × 0.1 µ$
    expect(moneyToDecimal(costOf(tokens, price, { service: 'flex' }))).toBe('0.155');
    expect(priceTokens(tokens, price, { service: 'priority' }).notes).toEqual([]);
  });

  it('without a flex block flex pays the batch rules; without a priority block priority pays standard, with a note', () => {
    const bare: ModelPrice = { ...price, priority: undefined, flex: undefined };
    // Batch: half of input and output; cache reads keep their rate. 100,000 × 1 + 10,000 × 5 + 50,000 × 0.2 µ$
    expect(moneyToDecimal(costOf(tokens, bare, { service: 'flex' }))).toBe('0.16');
    expect(moneyToDecimal(costOf(tokens, bare, { service: 'flex' }))).toBe(moneyToDecimal(costOf(tokens, bare, { batch: true })));
    const p = priceTokens(tokens, bare, { service: 'priority' });
    expect(moneyToDecimal(p.total)).toBe('0.31');
    expect(p.notes).toEqual(['test.tiered (global): no priority rate listed, standard rate used']);
    // A batch request has no service tier: the batch rules win.
    expect(moneyToDecimal(costOf(tokens, price, { batch: true, service: 'priority' }))).toBe('0.16');
  });

  it('a long prompt pays the tier block’s long rates, else the standard long rates with a note', () => {
    const long: ModelPrice = {
      ...price,
      longContext: { above: 150_000, input: '4', output: '15', cacheRead: '0.4' },
      priority: { ...price.priority!, longContext: { input: '7', output: '26.25', cacheRead: '0.7' } },
    };
    // 150,000 prompt tokens: not over. Over by one cache read: 100,000 × 7 + 10,000 × 26.25 + 50,001 × 0.7 µ$
    expect(moneyToDecimal(costOf(tokens, long, { service: 'priority', promptTokens: 150_000 }))).toBe('0.5425');
    const over = { ...tokens, cacheRead: 50_001 };
    expect(moneyToDecimal(costOf(over, long, { service: 'priority', promptTokens: 150_001 }))).toBe('0.9975007');
    // The flex block has no long rates: the batch rules over the long rates, 100,000 × 2 + 10,000 × 7.5 + 50,001 × 0.4 µ$
    const f = priceTokens(over, long, { service: 'flex', promptTokens: 150_001 });
    expect(moneyToDecimal(f.total)).toBe('0.2950004');
    expect(f.notes).toEqual(['test.tiered (global): no flex rate for long prompts, the batch long-context rate used', 'test.tiered: no batch rate listed, 50% of on-demand used']);
  });

  it('the schema refuses a tier block that prices tokens differently from its entry', () => {
    const base = ['prices:', '  - key: x.model', '    input: 1', '    output: 2', '    cacheRead: 0.1'];
    expect(() => parseCatalogText([...base, '    priority: { input: 2, output: 4 }'].join('\n'), 'p.yaml')).toThrow(/prices\[0\] \(x\.model\)\.priority\.cacheRead: must list cacheRead, as the entry does/);
    expect(() => parseCatalogText([...base, '    flex: { input: 0.5, output: 1, cacheRead: 0.05, cacheWrite5m: 1 }'].join('\n'), 'p.yaml')).toThrow(/flex\.cacheWrite5m: lists cacheWrite5m, which the entry does not/);
    expect(() => parseCatalogText([...base, '    flex: { input: 0.5, output: 1, cacheRead: 0.05, longContext: { input: 1, output: 2, cacheRead: 0.1 } }'].join('\n'), 'p.yaml')).toThrow(/flex\.longContext: lists long-context rates, which the entry does not/);
    expect(() => parseCatalogText([...base, '    priority: { input: 2, output: 4, cacheRead: 0.2, batchInput: 1 }'].join('\n'), 'p.yaml')).toThrow(/priority/);
    const ok = parseCatalogText([...base, '    priority: { input: 2, output: 4, cacheRead: 0.2 }'].join('\n'), 'p.yaml');
    expect(ok.entries[0]!.priority).toEqual({ input: '2', output: '4', cacheRead: '0.2' });
  });
});
