import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadCatalog } from '../../src/config/catalog.js';
import { builtinCatalog, listPrices, parseCatalogText, rateToPico, resolvePrice } from '../../src/pricing/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-pricing-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('the built-in catalog', () => {
  const cat = builtinCatalog();

  it('every entry has a source, a date, exact rates and a unique key+region', () => {
    const seen = new Set<string>();
    for (const p of cat.prices) {
      const id = `${p.key}@${p.region}`;
      expect(seen.has(id), `duplicate ${id}`).toBe(false);
      seen.add(id);
      expect(p.source, id).toMatch(/^https:\/\//);
      expect(p.effectiveDate, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.name.length, id).toBeGreaterThan(0);
      for (const f of ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'batchInput', 'batchOutput'] as const) {
        if (p[f] !== undefined) expect(() => rateToPico(p[f]!), `${id} ${f}`).not.toThrow();
      }
      // sanity of the data: output ≥ input, cache read < input < cache write, batch ≤ on-demand
      expect(Number(p.output), id).toBeGreaterThanOrEqual(Number(p.input));
      if (p.cacheRead) expect(Number(p.cacheRead), id).toBeLessThan(Number(p.input));
      if (p.cacheWrite5m) expect(Number(p.cacheWrite5m), id).toBeGreaterThan(Number(p.input));
      if (p.cacheWrite1h) expect(Number(p.cacheWrite1h), id).toBeGreaterThan(Number(p.cacheWrite5m));
      if (p.batchInput) expect(Number(p.batchInput) * 2, id).toBeCloseTo(Number(p.input), 9);
      if (p.batchOutput) expect(Number(p.batchOutput) * 2, id).toBeCloseTo(Number(p.output), 9);
    }
  });

  it('covers the models the analyze issue names, in us-east-1, us-west-2 (and eu-central-1 where AWS sells them)', () => {
    const has = (key: string, region: string) => cat.prices.some((p) => p.key === key && p.region === region);
    const everywhere = [
      'anthropic.claude-3-haiku', 'anthropic.claude-3-5-sonnet', 'anthropic.claude-3-7-sonnet', 'anthropic.claude-sonnet-4',
      'anthropic.claude-opus-4', 'anthropic.claude-opus-4-1', 'anthropic.claude-haiku-4-5', 'anthropic.claude-sonnet-4-5',
      'anthropic.claude-opus-4-5', 'amazon.nova-micro', 'amazon.nova-lite', 'amazon.nova-pro', 'mistral.pixtral-large-2502',
    ];
    const usOnly = [
      'anthropic.claude-3-5-haiku', 'amazon.nova-premier', 'meta.llama3-1-8b-instruct', 'meta.llama3-1-70b-instruct',
      'meta.llama3-3-70b-instruct', 'meta.llama4-scout-17b-instruct', 'meta.llama4-maverick-17b-instruct',
      'mistral.mistral-7b-instruct', 'mistral.mixtral-8x7b-instruct', 'mistral.mistral-large-2402',
    ];
    for (const k of [...everywhere, ...usOnly]) for (const r of ['us-east-1', 'us-west-2']) expect(has(k, r), `${k}@${r}`).toBe(true);
    for (const k of everywhere) expect(has(k, 'eu-central-1'), `${k}@eu-central-1`).toBe(true);
    for (const k of ['anthropic.claude-haiku-4-5', 'anthropic.claude-sonnet-4-5', 'anthropic.claude-opus-4-5']) expect(has(k, 'global'), k).toBe(true);
    expect(has('mistral.mistral-large-2407', 'us-west-2')).toBe(true);
    expect(has('mistral.mistral-small-2402', 'us-east-1')).toBe(true);
    for (const k of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o3', 'o4-mini']) expect(has(`azure-openai/${k}`, 'global'), k).toBe(true);
    for (const k of ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.0-flash', 'gemini-2.0-flash-lite', 'gemini-2.5-flash-lite']) expect(has(`vertex/${k}`, 'global'), k).toBe(true);
  });

  it('keys are canonical and display names match Cost Explorer Marketplace service names', () => {
    for (const p of cat.prices) expect(resolvePrice(cat, p.key, p.region)?.price, p.key).toBe(p);
    expect(cat.prices.filter((p) => p.key === 'anthropic.claude-sonnet-4-5').map((p) => p.name)).toContain('Claude Sonnet 4.5');
    expect(cat.version).toMatch(/^builtin\(bedrock@.+,azure-openai@.+,vertex@.+\)$/);
  });
});

describe('user catalogs', () => {
  it('YAML: a region-less entry overrides every built-in region of its key; new keys extend', async () => {
    const file = write(
      'negotiated.yaml',
      `version: 2026-q4
source: our AWS private pricing addendum
effectiveDate: 2026-10-01
prices:
  - key: anthropic.claude-sonnet-4-5
    name: Claude Sonnet 4.5 (negotiated)
    input: "2.70"
    output: "13.50"
    cacheRead: "0.27"
  - key: acme.tiny-model
    input: 0.01
    output: 0.02
    aliases: [acme-tiny]
`,
    );
    const c = await loadCatalog({ extra: [file] });
    expect(c.version).toMatch(/\+negotiated\.yaml@2026-q4$/);
    for (const id of ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0']) {
      const r = resolvePrice(c, id, 'eu-central-1')!;
      expect(r.price).toMatchObject({ input: '2.70', region: '*', source: 'our AWS private pricing addendum', effectiveDate: '2026-10-01' });
      expect(r.note).toBeUndefined();
    }
    expect(c.prices.filter((p) => p.key === 'anthropic.claude-sonnet-4-5')).toHaveLength(1);
    expect(resolvePrice(c, 'acme.tiny-model-v1:0')?.price.output).toBe('0.02');
    expect(resolvePrice(c, 'acme-tiny')?.price.key).toBe('acme.tiny-model');
    expect(resolvePrice(c, 'acme.other-model-v1:0')).toBeUndefined();
    // other built-ins untouched
    expect(resolvePrice(c, 'us.amazon.nova-lite-v1:0', 'us-east-1')?.price.input).toBe('0.06');
  });

  it('JSON: an entry with a region replaces only that region; later files win', async () => {
    const a = write('a.json', JSON.stringify([{ key: 'amazon.nova-lite', region: 'eu-west-3', input: '0.078', output: '0.312' }]));
    const b = write('b.json', JSON.stringify({ prices: [{ key: 'amazon.nova-lite', region: 'us-east-1', input: '0.05', output: '0.2', source: 'b' }] }));
    const c = await loadCatalog({ extra: [a, b] });
    expect(resolvePrice(c, 'eu.amazon.nova-lite-v1:0', 'eu-west-3')!.price).toMatchObject({ input: '0.078', region: 'eu-west-3' });
    expect(resolvePrice(c, 'amazon.nova-lite-v1:0', 'us-east-1')!.price).toMatchObject({ input: '0.05', source: 'b' });
    expect(resolvePrice(c, 'amazon.nova-lite-v1:0', 'us-west-2')!.price.input).toBe('0.06');
    expect(c.version).toMatch(/\+a\.json@sha256:[0-9a-f]{12}\+b\.json@sha256:[0-9a-f]{12}$/);
    expect(listPrices(c, { provider: 'bedrock', model: 'nova-lite' }).map((p) => p.region)).toEqual(['eu-central-1', 'eu-west-3', 'us-east-1', 'us-west-2']);
  });

  it('errors name the file, the line and the entry index and key (InputError, exit 2)', async () => {
    const yaml = write(
      'bad.yaml',
      `prices:
  - key: ok.model
    input: "1"
    output: "2"
  - key: bad.model
    input: "0.0000001"
    output: "2"
`,
    );
    const err = await loadCatalog({ extra: [yaml] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      `${yaml}:6:5: prices[1] (bad.model).input: rate "0.0000001" has 7 decimals; tokor accepts at most 6 per 1M tokens (one picodollar per token)`,
    );

    const cases: [string, RegExp][] = [
      ['[{"key": "x.y", "input": "1"}]', /:1:2: prices\[0\] \(x\.y\)\.output: /],
      ['[{"key": "x.y", "input": "1", "output": "2", "ouput": "3"}]', /prices\[0\] \(x\.y\): Unrecognized key: "ouput"/],
      ['{"prices": [{"key": "", "input": "1", "output": "2"}]}', /prices\[0\]\.key: must not be empty/],
      ['{"prices": [{"key": "x.y", "input": "1", "output": "2", "effectiveDate": "May 2025"}]}', /effectiveDate: must be a date YYYY-MM-DD/],
      ['{"price": []}', /expected a list of prices or an object with a "prices" list/],
      ['{"prices": [], "vesion": 1}', /Unrecognized key: "vesion"/],
      ['prices:\n  - key: [unclosed', /invalid YAML/],
      ['[{"key":"x.y","input":"1","output":"2"},{"key":"x.y","input":"3","output":"4"}]', /prices\[1\] \(x\.y\): duplicates prices\[0\] for region \*/],
      ['   ', /price catalog is empty/],
    ];
    for (const [text, want] of cases) {
      const file = write('case.json', text);
      const e = await loadCatalog({ extra: [file] }).catch((x: unknown) => x);
      expect(e, text).toBeInstanceOf(InputError);
      expect((e as Error).message, text).toMatch(want);
      expect((e as Error).message.startsWith(file), text).toBe(true);
    }
    const missing = path.join(dir, 'missing.yaml');
    await expect(loadCatalog({ extra: [missing] })).rejects.toThrow(`${missing}: cannot read price catalog (no such file or directory); check the path`);
  });

  it('parseCatalogText accepts numbers for rates and fills defaults', () => {
    const { entries, source } = parseCatalogText('[{"key": "azure-openai/gpt-5", "input": 1.25, "output": 10}]', 'inline.json');
    expect(entries[0]).toEqual({
      key: 'azure-openai/gpt-5', name: 'azure-openai/gpt-5', provider: 'azure-openai', region: '*',
      input: '1.25', output: '10', source: 'inline.json', effectiveDate: 'undated',
    });
    expect(source).toMatchObject({ file: 'inline.json', entries: 1 });
  });
});
