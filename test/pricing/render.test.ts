import { describe, expect, it } from 'vitest';
import { builtinCatalog, explainResolution, listPrices, renderPrices, renderResolutionAs } from '../../src/pricing/index.js';
import { abbreviateSource } from '../../src/pricing/listPrices.js';

const cat = builtinCatalog();

describe('tokor prices renderers', () => {
  it('the table fits 120 columns and names every source', () => {
    const rows = listPrices(cat);
    const text = renderPrices(rows, 'table');
    const lines = text.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(text).toContain('anthropic.claude-sonnet-4-5');
    expect(text).toContain('Claude Sonnet 4.5');
    const refs = new Set(rows.map((r) => r.source));
    for (const src of refs) expect(text).toContain(abbreviateSource(src));
    expect(abbreviateSource('https://github.com/o/r/blob/091db5838d43329ba83c26c8bcf77a6216c0a624/a/b.md')).toBe('github.com/o/r/blob/091db58/a/b.md');
  });

  it('JSON is a stable array with a fixed key order', () => {
    const rows = listPrices(cat, { provider: 'bedrock', region: 'us-east-1', model: 'nova-lite' });
    const json = JSON.parse(renderPrices(rows, 'json')) as Record<string, unknown>[];
    expect(json).toHaveLength(1);
    expect(Object.keys(json[0]!)).toEqual([
      'key', 'name', 'provider', 'region', 'input', 'output', 'cacheRead', 'batchInput', 'batchOutput', 'supportsBatch',
      'source', 'effectiveDate', 'notes', 'aliases', 'contextWindow',
    ]);
    expect(renderPrices(listPrices(cat), 'json')).toBe(renderPrices(listPrices(builtinCatalog()), 'json'));
  });

  it('filters by provider, region and model', () => {
    expect(new Set(listPrices(cat, { provider: 'vertex' }).map((p) => p.provider))).toEqual(new Set(['vertex']));
    expect(new Set(listPrices(cat, { region: 'eu-central-1' }).map((p) => p.region))).toEqual(new Set(['eu-central-1']));
    expect(listPrices(cat, { model: 'us.anthropic.claude-opus-4-5-20251101-v1:0' }).map((p) => p.region)).toEqual([
      'global', 'eu-central-1', 'us-east-1', 'us-west-2',
    ]);
    expect(renderPrices([], 'table')).toBe('No prices match these filters.');
  });

  it('CSV quotes fields with commas and quotes', () => {
    const csv = renderPrices(listPrices(cat, { model: 'gpt-4o-mini' }), 'csv').split('\n');
    expect(csv[0]).toBe('key,name,provider,region,input,output,cacheRead,cacheWrite5m,cacheWrite1h,batchInput,batchOutput,supportsBatch,source,effectiveDate,notes');
    expect(csv[1]).toMatch(/^azure-openai\/gpt-4o-mini,GPT-4o mini,azure-openai,global,0\.15,0\.6,,,,,,true,https:/);
    expect(csv[1]).toMatch(/,"[^"]*,[^"]*"$/); // the notes contain commas, so they are quoted
  });

  it('markdown lists rows and numbered sources', () => {
    const md = renderPrices(listPrices(cat, { provider: 'vertex' }), 'markdown');
    expect(md.split('\n')[0]).toMatch(/^\| key \| name \| region \|/);
    expect(md).toMatch(/\| vertex\/gemini-2\.5-flash \| Gemini 2\.5 Flash \| global \| 0\.3 \| 2\.5 \| 0\.03 \|/);
    expect(md).toMatch(/^\[1\] https:\/\//m);
  });

  it('explains how a model ID resolves', () => {
    const r = explainResolution(cat, 'arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(r).toMatchObject({ resolved: true, canonicalKey: 'anthropic.claude-haiku-4-5', nearMatches: [] });
    expect(r.price?.region).toBe('us-west-2');
    const text = renderResolutionAs(r, 'table');
    expect(text).toMatch(/^canonical key +anthropic\.claude-haiku-4-5$/m);
    expect(text).toMatch(/^priced as +anthropic\.claude-haiku-4-5 \(Claude Haiku 4\.5\), region us-west-2$/m);
    const json = JSON.parse(renderResolutionAs(r, 'json')) as { price: { input: string } };
    expect(json.price.input).toBe('1.1');
    const miss = explainResolution(cat, 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc');
    expect(miss.resolved).toBe(false);
    expect(miss.hint).toMatch(/modelMap/);
  });
});
