/**
 * Anchors for the 2026-12-07 refresh of the OpenAI, Azure OpenAI and Vertex catalogs:
 * current models resolve as users log them, at the rates their sources list.
 */
import { describe, expect, it } from 'vitest';
import { builtinCatalog, resolvePrice } from '../../src/pricing/index.js';

const cat = builtinCatalog();

/** Every rate of the row `id` resolves to, with the key and note. */
const full = (id: string, region?: string) => {
  const r = resolvePrice(cat, id, region);
  if (!r) return undefined;
  const p = r.price;
  return {
    key: r.modelKey, region: p.region, input: p.input, output: p.output, cacheRead: p.cacheRead,
    cacheWrite5m: p.cacheWrite5m, cacheWrite1h: p.cacheWrite1h, batchInput: p.batchInput, batchOutput: p.batchOutput,
    supportsBatch: p.supportsBatch, note: r.note,
  };
};

describe('OpenAI: the GPT-5 family and what followed it', () => {
  it.each([
    ['gpt-5', 'openai/gpt-5', '1.25', '0.125', '10'],
    ['gpt-5-2025-08-07', 'openai/gpt-5', '1.25', '0.125', '10'],
    ['gpt-5-mini-2025-08-07', 'openai/gpt-5-mini', '0.25', '0.025', '2'],
    ['gpt-5-nano', 'openai/gpt-5-nano', '0.05', '0.005', '0.4'],
    ['gpt-5.1-2025-11-13', 'openai/gpt-5.1', '1.25', '0.125', '10'],
    ['openai/gpt-5.2', 'openai/gpt-5.2', '1.75', '0.175', '14'],
    ['gpt-5.3-codex', 'openai/gpt-5.3-codex', '1.75', '0.175', '14'],
    ['gpt-5.4-2026-03-05', 'openai/gpt-5.4', '2.5', '0.25', '15'],
    ['gpt-5.4-mini-2026-03-17', 'openai/gpt-5.4-mini', '0.75', '0.075', '4.5'],
    ['gpt-5.4-nano', 'openai/gpt-5.4-nano', '0.2', '0.02', '1.25'],
    ['gpt-5.5-2026-04-23', 'openai/gpt-5.5', '5', '0.5', '30'],
    ['gpt-5.6-luna', 'openai/gpt-5.6-luna', '0.2', '0.02', '1.2'],
    ['gpt-6-sol', 'openai/gpt-6-sol', '2', '0.2', '10'],
    ['gpt-6.1-terra', 'openai/gpt-6.1-terra', '1', '0.05', '5'],
    ['openai/gpt-6.2-sol', 'openai/gpt-6.2-sol', '2', '0.1', '10'],
  ])('%s → %s at %s in / %s cached / %s out, from the OpenAI catalog (no Azure fallback note)', (id, key, input, cacheRead, output) => {
    expect(full(id)).toMatchObject({ key, region: 'global', input, cacheRead, output, supportsBatch: true, note: undefined });
  });

  it('GPT-5.6 and later charge cache writes at 1.25x input; earlier GPT-5 rows have no write rate', () => {
    expect(full('gpt-6-astra')).toMatchObject({ input: '10', cacheRead: '1', cacheWrite5m: '12.5', output: '50' });
    expect(full('gpt-6-luna')).toMatchObject({ input: '0.1', cacheRead: '0.01', cacheWrite5m: '0.125', output: '0.5' });
    expect(full('gpt-5.5')?.cacheWrite5m).toBeUndefined();
  });

  it('the gpt-5.6 alias is GPT-5.6 Sol, at its list price (the promotion its page lists ran at least until 2026-11-21)', () => {
    expect(full('gpt-5.6')).toMatchObject({ key: 'openai/gpt-5.6-sol', input: '5', cacheRead: '0.5', cacheWrite5m: '6.25', output: '30' });
  });

  it('pro models have no cached-input rate (cache reads cost input)', () => {
    expect(full('gpt-5.5-pro')).toMatchObject({ input: '30', output: '180', cacheRead: undefined });
  });
});

describe('Azure OpenAI: Global Standard rows of current models', () => {
  it.each([
    ['azure/gpt-5.6-terra', 'azure-openai/gpt-5.6-terra', '2', '0.2', '2.5', '12'],
    ['azure/gpt-5.6-luna', 'azure-openai/gpt-5.6-luna', '0.2', '0.02', '0.25', '1.2'],
    ['azure_openai/gpt-5.6-sol', 'azure-openai/gpt-5.6-sol', '5', '0.5', '6.25', '30'],
    ['azure/gpt-6-astra', 'azure-openai/gpt-6-astra', '10', '1', '12.5', '50'],
  ])('%s → %s', (id, key, input, cacheRead, cacheWrite5m, output) => {
    expect(full(id, 'eastus2')).toMatchObject({ key, region: 'global', input, cacheRead, cacheWrite5m, output, supportsBatch: true });
  });
});

describe('Vertex AI: Gemini 3.x', () => {
  it('plain IDs, provider prefixes and resource paths reach the same rows', () => {
    for (const id of ['gemini-3.1-pro-preview', 'google/gemini-3.1-pro-preview', 'projects/p/locations/global/publishers/google/models/gemini-3.1-pro-preview']) {
      expect(full(id), id).toMatchObject({ key: 'vertex/gemini-3.1-pro-preview', input: '2', cacheRead: '0.2', output: '12', batchInput: '1', batchOutput: '6' });
    }
    expect(full('gemini-3-pro-preview')).toMatchObject({ key: 'vertex/gemini-3-pro-preview', input: '2', output: '12' });
    expect(full('vertex_ai/gemini-3-flash-preview')).toMatchObject({ input: '0.5', cacheRead: '0.05', output: '3', batchInput: '0.25' });
    expect(full('gemini-3.1-flash-lite-preview')).toMatchObject({ key: 'vertex/gemini-3.1-flash-lite', input: '0.25', output: '1.5' });
    expect(full('gemini-3.8-flash')).toMatchObject({ input: '0.75', cacheRead: '0.075', output: '3.75' });
  });

  it('Gemini 3.5 Flash costs 10% more at any location but global', () => {
    expect(full('gemini-3.5-flash', 'global')).toMatchObject({ region: 'global', input: '1.5', cacheRead: '0.15', output: '9' });
    expect(full('projects/p/locations/us-central1/publishers/google/models/gemini-3.5-flash')).toMatchObject({
      region: 'regional', input: '1.65', cacheRead: '0.165', output: '9.9', note: undefined,
    });
    // a model with one list price keeps it at every location
    expect(full('gemini-3.1-pro-preview', 'europe-west4')).toMatchObject({ region: 'global', input: '2', note: undefined });
  });
});

describe('Vertex AI: newer Claude models, global list price and regional +10%', () => {
  it.each([
    ['claude-opus-4-7', '5', '25', '0.5', '6.25', '10', '5.5', '27.5'],
    ['claude-opus-4-8', '5', '25', '0.5', '6.25', '10', '5.5', '27.5'],
    ['claude-opus-5', '5', '25', '0.5', '6.25', '10', '5.5', '27.5'],
    ['claude-opus-5-5', '4', '20', '0.2', '5', '8', '4.4', '22'],
    ['claude-sonnet-5', '2', '10', '0.2', '2.5', '4', '2.2', '11'],
    ['claude-sonnet-5-5', '2', '10', '0.1', '2.5', '4', '2.2', '11'],
    ['claude-haiku-5-5', '0.1', '0.5', '0.01', '0.125', '0.2', '0.11', '0.55'],
    ['claude-fable-5', '10', '50', '1', '12.5', '20', '11', '55'],
    ['claude-fable-5-1', '10', '50', '0.25', '12.5', '20', '11', '55'],
  ])('%s', (m, input, output, cacheRead, cacheWrite5m, cacheWrite1h, rIn, rOut) => {
    const key = `vertex/${m}`;
    expect(full(`projects/p/locations/global/publishers/anthropic/models/${m}`)).toMatchObject({
      key, region: 'global', input, output, cacheRead, cacheWrite5m, cacheWrite1h, supportsBatch: true, note: undefined,
    });
    expect(full(`vertex_ai/${m}`, 'us-east5')).toMatchObject({ key, region: 'regional', input: rIn, output: rOut, note: undefined });
    // Vertex's own dated form and the @default version name mean the same model
    expect(full(`${m}@20261201`)?.key).toBe(key);
    expect(full(`${m}@default`)?.key).toBe(key);
  });

  it('every regional Claude row is its global row × 1.1, rate by rate', () => {
    const fields = ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const;
    const regional = cat.prices.filter((p) => p.provider === 'vertex' && p.key.startsWith('vertex/claude-') && p.region === 'regional');
    expect(regional.length).toBeGreaterThanOrEqual(14);
    for (const r of regional) {
      const g = cat.prices.find((p) => p.key === r.key && p.region === 'global');
      expect(g, r.key).toBeDefined();
      for (const f of fields) expect(Number(r[f]), `${r.key} ${f}`).toBeCloseTo(Number(g![f]) * 1.1, 9);
    }
  });

  it('a Claude API ID without Vertex form stays on the Anthropic catalog', () => {
    expect(resolvePrice(cat, 'claude-opus-4-6')?.modelKey).toBe('anthropic/claude-opus-4-6');
  });
});
