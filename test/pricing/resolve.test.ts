import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/config/catalog.js';
import { builtinCatalog, keyForName, nearMatches, resolvePrice, type Catalog } from '../../src/pricing/index.js';

const cat = builtinCatalog();
const rates = (c: Catalog, id: string, region?: string) => {
  const r = resolvePrice(c, id, region);
  return r && { key: r.modelKey, region: r.price.region, input: r.price.input, output: r.price.output, note: r.note };
};

/** rates() with every rate of the price row. */
const full = (c: Catalog, id: string, region?: string) => {
  const r = resolvePrice(c, id, region);
  return r && { ...r.price, key: r.modelKey, note: r.note };
};

describe('resolvePrice: regions', () => {
  it('prices a geo profile at the record region, exact match first', () => {
    expect(rates(cat, 'eu.amazon.nova-lite-v1:0', 'eu-central-1')).toEqual({
      key: 'amazon.nova-lite', region: 'eu-central-1', input: '0.078', output: '0.312', note: undefined,
    });
    expect(rates(cat, 'us.amazon.nova-lite-v1:0', 'us-west-2')).toMatchObject({ region: 'us-west-2', input: '0.06', note: undefined });
  });

  it('falls back to us-east-1 with a note when the region has no price', () => {
    expect(rates(cat, 'eu.amazon.nova-lite-v1:0', 'eu-west-3')).toMatchObject({
      region: 'us-east-1', input: '0.06', note: 'us-east-1 price used: no eu-west-3 price',
    });
    expect(rates(cat, 'meta.llama3-3-70b-instruct-v1:0', 'eu-central-1')?.note).toBe('us-east-1 price used: no eu-central-1 price');
    // offered in one region only: that region, with a note
    expect(rates(cat, 'mistral.mistral-large-2407-v1:0', 'us-east-1')).toMatchObject({
      region: 'us-west-2', note: 'us-west-2 price used: no us-east-1 price',
    });
  });

  it('takes the region from an ARN, and a geo profile without any region from its home region', () => {
    expect(rates(cat, 'arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0')).toMatchObject({
      region: 'eu-central-1', note: undefined,
    });
    expect(rates(cat, 'arn:aws:bedrock:eu-central-1:111122223333:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0')).toMatchObject({
      region: 'eu-central-1', input: '3.3',
    });
    expect(rates(cat, 'eu.anthropic.claude-haiku-4-5-20251001-v1:0')).toMatchObject({
      region: 'eu-central-1', note: 'eu. profile without a region: eu-central-1 price used',
    });
    expect(rates(cat, 'anthropic.claude-3-haiku-20240307-v1:0')?.note).toBe('us-east-1 price used: no region in record');
    // an explicit region beats the ARN's
    expect(rates(cat, 'arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-pro-v1:0', 'us-east-1')).toMatchObject({ region: 'us-east-1' });
  });
});

describe('resolvePrice: global vs geo profiles (Claude 4.5: regional = global + 10%)', () => {
  it.each([
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', '3', '15', '3.3', '16.5'],
    ['anthropic.claude-haiku-4-5-20251001-v1:0', '1', '5', '1.1', '5.5'],
    ['anthropic.claude-opus-4-5-20251101-v1:0', '5', '25', '5.5', '27.5'],
  ])('%s', (id, gi, go, ri, ro) => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-northeast-1']) {
      expect(rates(cat, `global.${id}`, region)).toMatchObject({ region: 'global', input: gi, output: go, note: undefined });
    }
    for (const [prefix, region] of [['us.', 'us-east-1'], ['us.', 'us-west-2'], ['eu.', 'eu-central-1'], ['', 'us-east-1']] as const) {
      expect(rates(cat, `${prefix}${id}`, region)).toMatchObject({ region, input: ri, output: ro });
    }
    // exactly +10% on every listed rate
    const g = resolvePrice(cat, `global.${id}`)!.price;
    const r = resolvePrice(cat, `us.${id}`, 'us-east-1')!.price;
    for (const f of ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const) {
      expect(Math.round(Number(g[f]) * 1.1 * 1e6) / 1e6, f).toBe(Number(r[f]));
    }
  });

  it('a global profile of a model without a global price takes the regional price, with a note', () => {
    expect(rates(cat, 'global.anthropic.claude-3-haiku-20240307-v1:0', 'us-west-2')).toMatchObject({
      region: 'us-west-2', note: 'no global-profile price for anthropic.claude-3-haiku: us-west-2 price used',
    });
    // Sonnet 4 has a global row at the regional price: no note
    expect(rates(cat, 'global.anthropic.claude-sonnet-4-20250514-v1:0', 'us-east-1')).toMatchObject({ region: 'global', input: '3', note: undefined });
  });
});

describe('resolvePrice: the Claude models of 2026 (Opus 4.7 to Fable 5.2)', () => {
  // Anthropic's list prices: input, output, cache read, 5m and 1h cache writes (see anthropic.json for each source).
  const LIST: [string, string, string, string, string, string][] = [
    ['claude-fable-5-2', '8', '40', '0.2', '10', '16'],
    ['claude-mythos-5-2', '8', '40', '0.2', '10', '16'],
    ['claude-fable-5-1', '10', '50', '0.25', '12.5', '20'],
    ['claude-mythos-5-1', '10', '50', '0.25', '12.5', '20'],
    ['claude-opus-5-5', '4', '20', '0.2', '5', '8'],
    ['claude-sonnet-5-5', '2', '10', '0.1', '2.5', '4'],
    ['claude-haiku-5-5', '0.1', '0.5', '0.01', '0.125', '0.2'],
    ['claude-opus-5', '5', '25', '0.5', '6.25', '10'],
    ['claude-sonnet-5', '2', '10', '0.2', '2.5', '4'],
    ['claude-fable-5', '10', '50', '1', '12.5', '20'],
    ['claude-mythos-5', '10', '50', '1', '12.5', '20'],
    ['claude-opus-4-8', '5', '25', '0.5', '6.25', '10'],
    ['claude-opus-4-7', '5', '25', '0.5', '6.25', '10'],
  ];
  const FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const;
  const times11 = (v: string) => String(Math.round(Number(v) * 1.1 * 1e6) / 1e6);

  it.each(LIST)('Claude API %s: list price globally, 1.1x for US-only inference, batch at 50%%', (id, ...list) => {
    const g = full(cat, id)!;
    expect(g).toMatchObject({ key: `anthropic/${id}`, region: 'global', supportsBatch: true, note: undefined });
    expect(FIELDS.map((f) => g[f])).toEqual(list);
    expect(full(cat, `${id}[1m]`, 'global')).toMatchObject({ key: `anthropic/${id}`, region: 'global' });
    const us = full(cat, id, 'us')!;
    expect(us).toMatchObject({ region: 'us', note: undefined });
    expect(FIELDS.map((f) => us[f])).toEqual(list.map(times11));
  });

  it('Fable 5.1 and 5.2 read the cache at 0.025x input, Opus 5.5 and Sonnet 5.5 at 0.05x, the rest at 0.1x', () => {
    const ratio = (id: string) => { const p = full(cat, id)!; return Number(p.cacheRead) / Number(p.input); };
    expect(ratio('claude-fable-5-1')).toBeCloseTo(0.025, 9);
    expect(ratio('claude-fable-5-2')).toBeCloseTo(0.025, 9);
    expect(ratio('claude-opus-5-5')).toBeCloseTo(0.05, 9);
    expect(ratio('claude-sonnet-5-5')).toBeCloseTo(0.05, 9);
    for (const id of ['claude-fable-5', 'claude-opus-5', 'claude-sonnet-5', 'claude-haiku-5-5', 'claude-opus-4-8']) expect(ratio(id), id).toBeCloseTo(0.1, 9);
  });

  it.each(LIST.filter(([id]) => !id.includes('mythos')).concat([
    ['claude-opus-4-6', '5', '25', '0.5', '6.25', '10'],
    ['claude-sonnet-4-6', '3', '15', '0.3', '3.75', '6'],
  ]))('Bedrock %s: global. at the list price, geo profiles and regions +10%%', (id, ...list) => {
    const g = full(cat, `global.anthropic.${id}`, 'us-east-1')!;
    expect(g).toMatchObject({ key: `anthropic.${id}`, region: 'global', note: undefined });
    expect(FIELDS.map((f) => g[f])).toEqual(list);
    for (const [prefix, region] of [['us.', 'us-east-1'], ['us.', 'us-west-2'], ['eu.', 'eu-central-1']] as const) {
      const r = full(cat, `${prefix}anthropic.${id}`)!;
      expect(r, `${prefix}${id}`).toMatchObject({ supportsBatch: true });
      expect(full(cat, `${prefix}anthropic.${id}`, region)).toMatchObject({ region, note: undefined });
      expect(FIELDS.map((f) => r[f])).toEqual(list.map(times11));
    }
    expect(rates(cat, `arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.${id}`)).toMatchObject({ region: 'us-west-2', note: undefined });
    // jp./au. profiles have no rows of their own: the us-east-1 rate (the same +10%), with a note
    expect(rates(cat, `jp.anthropic.${id}`, 'ap-northeast-1')).toMatchObject({ region: 'us-east-1', input: times11(list[0]!), note: 'us-east-1 price used: no ap-northeast-1 price' });
  });

  it('Bedrock names are the Cost Explorer Marketplace service names', () => {
    expect(keyForName(cat, 'Claude Opus 5.5 (Amazon Bedrock Edition)')).toBe('anthropic.claude-opus-5-5');
    expect(keyForName(cat, 'Claude Fable 5.2 (Amazon Bedrock Edition)')).toBe('anthropic.claude-fable-5-2');
    expect(keyForName(cat, 'Claude Haiku 5.5 (Amazon Bedrock Edition)')).toBe('anthropic.claude-haiku-5-5');
  });
});

describe('resolvePrice: the anchors', () => {
  it('Sonnet 4.5 global $3/$15, cache read $0.30, cache write $3.75; Haiku 4.5 regional batch $0.55; Nova Lite $0.06/$0.24, cache read $0.015', () => {
    const s = resolvePrice(cat, 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us-east-1')!.price;
    expect([s.input, s.output, s.cacheRead, s.cacheWrite5m]).toEqual(['3', '15', '0.3', '3.75']);
    const h = resolvePrice(cat, 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'us-east-1')!.price;
    expect([h.input, h.batchInput, h.batchOutput]).toEqual(['1.1', '0.55', '2.75']);
    const n = resolvePrice(cat, 'us.amazon.nova-lite-v1:0', 'us-east-1')!.price;
    expect([n.input, n.output, n.cacheRead]).toEqual(['0.06', '0.24', '0.015']);
  });

  it('the default ladder (DEFAULT_TIERS) is priced', () => {
    for (const id of ['us.amazon.nova-lite-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0']) {
      expect(resolvePrice(cat, id, 'us-east-1'), id).toBeDefined();
    }
  });
});

describe('resolvePrice: other providers', () => {
  it('prices Azure and Vertex keys at their global list price, whatever the region', () => {
    expect(rates(cat, 'azure-openai/gpt-4o', 'westeurope')).toMatchObject({ key: 'azure-openai/gpt-4o', input: '2.5', note: undefined });
    expect(rates(cat, 'gemini-2.5-flash', 'us-central1')).toMatchObject({ key: 'vertex/gemini-2.5-flash', input: '0.3', output: '2.5' });
    expect(rates(cat, 'projects/p/locations/europe-west4/publishers/google/models/gemini-2.0-flash-001')).toMatchObject({ input: '0.15' });
  });

  it('prices Claude on Vertex from Sonnet 4.5 on 10% higher at any location but global; older Claude models the same everywhere', () => {
    const sonnet = (region?: string) => full(cat, 'claude-sonnet-4-5@20250929', region);
    expect(sonnet('global')).toMatchObject({ region: 'global', input: '3', output: '15', cacheRead: '0.3', cacheWrite5m: '3.75', cacheWrite1h: '6', note: undefined });
    expect(sonnet()).toMatchObject({ region: 'global', input: '3', note: undefined });
    for (const region of ['us-east5', 'europe-west1', 'us']) {
      expect(sonnet(region)).toMatchObject({ region: 'regional', input: '3.3', output: '16.5', cacheRead: '0.33', cacheWrite5m: '4.125', cacheWrite1h: '6.6', note: undefined });
    }
    // The location in the model's own resource path counts as the region.
    expect(rates(cat, 'projects/p/locations/us-east5/publishers/anthropic/models/claude-opus-4-6')).toMatchObject({ region: 'regional', input: '5.5', output: '27.5' });
    expect(rates(cat, 'claude-haiku-4-5@20251001', 'us-east5')).toMatchObject({ region: 'regional', input: '1.1', output: '5.5' });
    expect(rates(cat, 'claude-opus-4-1@20250805', 'us-east5')).toMatchObject({ region: 'global', input: '15', output: '75', note: undefined });
  });

  it('prices US-only inference on the Claude API (Opus 4.6 and later) at 1.1×, global inference at list', () => {
    expect(full(cat, 'claude-opus-4-6', 'us')).toMatchObject({ key: 'anthropic/claude-opus-4-6', region: 'us', input: '5.5', output: '27.5', cacheRead: '0.55', cacheWrite5m: '6.875', cacheWrite1h: '11', note: undefined });
    expect(full(cat, 'anthropic/claude-sonnet-4-6', 'us')).toMatchObject({ region: 'us', input: '3.3', output: '16.5', cacheRead: '0.33' });
    expect(full(cat, 'claude-opus-4-6', 'global')).toMatchObject({ region: 'global', input: '5', output: '25' });
    expect(full(cat, 'claude-opus-4-6')).toMatchObject({ region: 'global', input: '5' });
  });

  it("a user's price for every region replaces the regional row too", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-catalog-'));
    const file = path.join(dir, 'negotiated.yaml');
    writeFileSync(file, 'prices:\n  - key: vertex/claude-sonnet-4-5\n    input: "2"\n    output: "10"\n');
    const user = await loadCatalog({ extra: [file] }).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(rates(user, 'claude-sonnet-4-5@20250929', 'us-east5')).toMatchObject({ region: '*', input: '2', output: '10' });
  });

  it('prices plain OpenAI names at the OpenAI API rate (cached input included); a dated entry wins; azure/… stays Azure', () => {
    expect(full(cat, 'gpt-4o-mini-2024-07-18')).toMatchObject({ key: 'openai/gpt-4o-mini', input: '0.15', cacheRead: '0.075', note: undefined });
    expect(full(cat, 'gpt-4o')).toMatchObject({ key: 'openai/gpt-4o', input: '2.5', cacheRead: '1.25' });
    expect(full(cat, 'o3-mini')).toMatchObject({ key: 'openai/o3-mini', input: '1.1', output: '4.4', cacheRead: '0.55' });
    expect(full(cat, 'openai/gpt-4o-2024-05-13')).toMatchObject({ key: 'openai/gpt-4o-2024-05-13', input: '5' });
    expect(full(cat, 'azure/gpt-4o-2024-11-20')).toMatchObject({ key: 'azure-openai/gpt-4o', input: '2.5' });
  });

  it('prices an OpenAI name the OpenAI catalog lacks at the Azure Global Standard rate, with a note', () => {
    const noOpenAI = { ...cat, prices: cat.prices.filter((p) => p.provider !== 'openai') };
    expect(full(noOpenAI, 'gpt-4o-mini-2024-07-18')).toMatchObject({
      key: 'azure-openai/gpt-4o-mini', input: '0.15', note: 'openai/gpt-4o-mini priced at the Azure OpenAI Global Standard rate',
    });
  });

  it('prices Anthropic API IDs (dated, anthropic/…, -latest and -0 aliases) on the Anthropic catalog, Bedrock IDs on Bedrock', () => {
    for (const id of ['claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5']) {
      expect(full(cat, id), id).toMatchObject({ key: 'anthropic/claude-sonnet-4-5', input: '3', output: '15', cacheRead: '0.3', cacheWrite5m: '3.75', cacheWrite1h: '6' });
    }
    expect(full(cat, 'claude-3-5-haiku-latest')).toMatchObject({ key: 'anthropic/claude-3-5-haiku', input: '0.8', batchInput: '0.4' });
    expect(full(cat, 'claude-sonnet-4-0')).toMatchObject({ key: 'anthropic/claude-sonnet-4' });
    expect(full(cat, 'claude-opus-4-1-20250805')).toMatchObject({ key: 'anthropic/claude-opus-4-1', input: '15', cacheWrite1h: '30' });
    expect(full(cat, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us-east-1')).toMatchObject({ key: 'anthropic.claude-sonnet-4-5', input: '3.3' });
  });
});

describe('resolvePrice: unknown models and the modelMap', () => {
  const profile = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6';
  const router = 'arn:aws:bedrock:us-east-1:111122223333:prompt-router/r0uter';

  it('never prices an unknown model: undefined, so the caller counts it as unpriced', () => {
    for (const id of ['acme.unknown-model-v1:0', 'my-gpt4o-deployment', profile, router, '']) {
      expect(resolvePrice(cat, id, 'us-east-1'), id).toBeUndefined();
    }
  });

  it('resolves application-inference-profile and prompt-router ARNs through the modelMap, keeping the ARN region', async () => {
    const c = await loadCatalog({
      modelMap: {
        [profile]: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        r0uter: 'anthropic.claude-3-haiku-20240307-v1:0', // the resource id alone also works
        'my-gpt4o-deployment': 'azure-openai/gpt-4o',
      },
    });
    expect(rates(c, profile)).toMatchObject({
      key: 'anthropic.claude-sonnet-4-5', region: 'us-east-1', input: '3.3',
      note: `${profile} priced as us.anthropic.claude-sonnet-4-5-20250929-v1:0 (modelMap)`,
    });
    expect(rates(c, router, 'eu-central-1')).toMatchObject({ key: 'anthropic.claude-3-haiku', region: 'eu-central-1' });
    expect(rates(c, 'my-gpt4o-deployment')).toMatchObject({ key: 'azure-openai/gpt-4o' });
    expect(resolvePrice(c, 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/other')).toBeUndefined();
  });

  it('caches per (modelId, region): same object back, different regions kept apart', () => {
    const a = resolvePrice(cat, 'us.amazon.nova-pro-v1:0', 'us-east-1');
    expect(resolvePrice(cat, 'us.amazon.nova-pro-v1:0', 'us-east-1')).toBe(a);
    expect(resolvePrice(cat, 'us.amazon.nova-pro-v1:0', 'eu-central-1')!.price.region).toBe('eu-central-1');
    expect(resolvePrice(cat, 'nope.model', 'us-east-1')).toBeUndefined();
    expect(resolvePrice(cat, 'nope.model', 'us-east-1')).toBeUndefined();
  });

  it('suggests near matches', () => {
    expect(nearMatches(cat, 'anthropic.claude-sonet-4-5')[0]).toBe('anthropic.claude-sonnet-4-5');
    expect(nearMatches(cat, 'us.amazon.nova-lyte-v1:0')).toContain('amazon.nova-lite');
    expect(nearMatches(cat, 'zzzzzzzzzzzzzzzzzzzzzzzzzzzz')).toEqual([]);
  });

  it('maps Cost Explorer service names and usage-type model names to keys', () => {
    expect(keyForName(cat, 'Claude Sonnet 4.5 (Amazon Bedrock Edition)')).toBe('anthropic.claude-sonnet-4-5');
    expect(keyForName(cat, 'Claude Haiku 4.5 (Amazon Bedrock Edition)')).toBe('anthropic.claude-haiku-4-5');
    expect(keyForName(cat, 'Claude 3.5 Sonnet v2 (Amazon Bedrock Edition)')).toBe('anthropic.claude-3-5-sonnet');
    expect(keyForName(cat, 'NovaLite')).toBe('amazon.nova-lite');
    expect(keyForName(cat, 'Claude 9 (Amazon Bedrock Edition)')).toBeUndefined();
  });
});
