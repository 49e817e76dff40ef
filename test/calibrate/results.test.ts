import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '../../src/config/schema.js';
import { InputError, UsageError } from '../../src/errors.js';
import { builtinCatalog } from '../../src/pricing/index.js';
import { loadResults, loadResultsByDataset } from '../../src/app/resultsTable.js';
import { parseResultsCsv } from '../../src/calibrate/csv.js';
import type { GoldenDataset } from '../../src/eval/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-cal-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const catalog = builtinCatalog();
const opts = { tiers: DEFAULT_TIERS, catalog };

function line(o: Record<string, unknown>): string {
  return JSON.stringify({ schemaVersion: 1, datasetId: 'ds', model: 'm', score: o.pass ? 1 : 0, graders: [], costUsd: 0.01, ...o });
}

function file(name: string, lines: string[]): string {
  const f = path.join(dir, name);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

function tierFile(tier: string, ids: string[], extra: (id: string, i: number) => Record<string, unknown> = () => ({})): string {
  return file(`${tier}-${Math.random().toString(36).slice(2)}.jsonl`, ids.map((id, i) => line({ itemId: id, tier, pass: i % 2 === 0, ...extra(id, i) })));
}

async function inputError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return (e as Error).message;
}

describe('loadResults', () => {
  it('joins tiers by item, in ladder order, with file hashes', async () => {
    const ids = ['a', 'b', 'c'];
    const t = await loadResults([tierFile('frontier', ids), tierFile('cheap', ids)], opts);
    expect(t.tiers).toEqual(['cheap', 'frontier']);
    expect(t.items.map((i) => i.itemId)).toEqual(ids);
    expect(t.items[0]!.byTier.cheap!.pass).toBe(true);
    expect(t.items[1]!.byTier.frontier!.pass).toBe(false);
    expect(t.sha256).toHaveLength(2);
    expect(t.sha256[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('orders tiers not in the ladder by mean cost', async () => {
    const ids = ['a', 'b'];
    const t = await loadResults([tierFile('big', ids, () => ({ costUsd: 2 })), tierFile('small', ids, () => ({ costUsd: 0.1 }))], opts);
    expect(t.tiers).toEqual(['small', 'big']);
    expect(t.notes?.join(' ')).toMatch(/ordered by mean cost/);
  });

  it('prices results without costUsd from their tokens with the catalog', async () => {
    const ids = ['a'];
    const cheap = tierFile('cheap', ids, () => ({ costUsd: null, model: 'us.amazon.nova-lite-v1:0', inputTokens: 1000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 }));
    const t = await loadResults([cheap, tierFile('frontier', ids)], opts);
    // Nova Lite: $0.06/M input, $0.24/M output → 1000·0.06e-6 + 500·0.24e-6.
    expect(t.items[0]!.byTier.cheap!.costUsd).toBeCloseTo(0.00018, 12);
  });

  it('refuses to price an unknown model at $0', async () => {
    const ids = ['a'];
    const cheap = tierFile('cheap', ids, () => ({ costUsd: null, model: 'acme.mystery-model', inputTokens: 10, outputTokens: 10 }));
    const msg = await inputError(loadResults([cheap, tierFile('frontier', ids)], { tiers: [{ name: 'x', model: 'acme.other', provider: 'bedrock' }], catalog }));
    expect(msg).toMatch(/acme\.mystery-model" has no price/);
    expect(msg).toMatch(/:1:/);
  });

  it('rejects results of different datasets', async () => {
    const a = file('ds-a.jsonl', [line({ itemId: 'x', tier: 'cheap', pass: true })]);
    const b = file('ds-b.jsonl', [line({ itemId: 'x', tier: 'frontier', pass: true, datasetId: 'other' })]);
    expect(await inputError(loadResults([a, b], opts))).toMatch(/different datasets: "ds".*"other"/);
  });

  it('rejects mismatched item IDs, saying how many and which', async () => {
    const cheap = tierFile('cheap', ['a', 'b', 'c', 'd', 'e']);
    const frontier = tierFile('frontier', ['a']);
    const msg = await inputError(loadResults([cheap, frontier], opts));
    expect(msg).toMatch(/4 item\(s\) have no result for tier "frontier" \(e\.g\. b, c, d … \(1 more\)\)/);
  });

  it('rejects a single tier and a tier whose items all errored', async () => {
    expect(await inputError(loadResults([tierFile('cheap', ['a'])], opts))).toMatch(/at least two tiers/);
    const bad = tierFile('frontier', ['a', 'b'], () => ({ error: 'ThrottlingException', pass: false }));
    expect(await inputError(loadResults([tierFile('cheap', ['a', 'b']), bad], opts))).toMatch(/tier "frontier" has no usable results: all 2/);
  });

  it('excludes items with errors and counts them', async () => {
    const ids = ['a', 'b', 'c', 'd'];
    const frontier = tierFile('frontier', ids, (id) => (id === 'c' ? { error: 'timeout', pass: false } : {}));
    const t = await loadResults([tierFile('cheap', ids), frontier], opts);
    expect(t.items.map((i) => i.itemId)).toEqual(['a', 'b', 'd']);
    expect(t.excludedErrors).toBe(1);
    expect(t.notes?.join(' ')).toMatch(/1 item\(s\) excluded because a tier errored on them \(frontier: 1\)/);
  });

  it('names the file and line of a bad line, and rejects empty files', async () => {
    const f = file('bad.jsonl', [line({ itemId: 'a', tier: 'cheap', pass: true }), '{"schemaVersion":1,"datasetId":"ds","itemId":"b","tier":"cheap","pass":"yes"}']);
    expect(await inputError(loadResults([f, tierFile('frontier', ['a', 'b'])], opts))).toMatch(/bad\.jsonl:2: pass: expected true or false \(got "yes"\); each line is one `tokor eval --out` result/);
    const empty = file('empty.jsonl', []);
    expect(await inputError(loadResults([empty], opts))).toMatch(/no results/);
  });

  it('joins the dataset for prompts and checks its id and items', async () => {
    const dataset: GoldenDataset = {
      id: 'ds',
      file: 'ds.jsonl',
      sha256: 'f'.repeat(64),
      cases: [
        { id: 'a', input: { system: 'be brief', messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'What is 2+2?' }] }, task: 'math' },
        { id: 'b', input: { messages: [{ role: 'user', content: 'hi' }] }, category: 'chat' },
      ],
    };
    const t = await loadResults([tierFile('cheap', ['a', 'b']), tierFile('frontier', ['a', 'b'])], { ...opts, dataset });
    expect(t.items[0]).toMatchObject({ prompt: 'What is 2+2?', system: 'be brief', turns: 3, task: 'math' });
    expect(t.items[1]).toMatchObject({ prompt: 'hi', category: 'chat' });
    expect(t.datasetSha256).toBe('f'.repeat(64));
    const other = { ...dataset, id: 'zzz' };
    expect(await inputError(loadResults([tierFile('cheap', ['a']), tierFile('frontier', ['a'])], { ...opts, dataset: other }))).toMatch(/results are for dataset "ds" but --dataset is "zzz"/);
    expect(await inputError(loadResults([tierFile('cheap', ['q']), tierFile('frontier', ['q'])], { ...opts, dataset }))).toMatch(/1 result item\(s\) are not in the dataset/);
  });

  it('merges several datasets of one file, as gate does', async () => {
    const lines = ['p', 'q'].flatMap((ds) => ['cheap', 'frontier'].flatMap((tier) => ['1', '2'].map((id) => line({ datasetId: ds, itemId: id, tier, pass: true }))));
    const t = await loadResultsByDataset([file('multi.jsonl', lines)], opts);
    expect(t.datasetId).toBe('p+q');
    expect(t.items.map((i) => i.itemId)).toEqual(['p/1', 'p/2', 'q/1', 'q/2']);
  });

  it('refuses datasets mixed up across tiers, even when merging', async () => {
    const a = file('mix-a.jsonl', [line({ itemId: 'x', tier: 'cheap', pass: true })]);
    const b = file('mix-b.jsonl', [line({ itemId: 'x', tier: 'frontier', pass: true, datasetId: 'other' })]);
    expect(await inputError(loadResultsByDataset([a, b], opts))).toMatch(/different datasets: "ds" has tier cheap; "other" has tier frontier/);
  });

  it('reads the confidence field named in the options', async () => {
    const ids = ['a'];
    const t = await loadResults([tierFile('cheap', ids, () => ({ selfScore: 0.4 })), tierFile('frontier', ids)], { ...opts, confidenceField: 'selfScore' });
    expect(t.items[0]!.byTier.cheap!.confidence).toBe(0.4);
  });
});

describe('results CSV adapter', () => {
  const csv = 'prompt,weak,strong,subject\n"Q1, with comma",True,True,math\nQ2,False,True,law\nQ3,false,0,math\n';
  const base = { tierColumns: [{ tier: 'frontier', column: 'strong' }, { tier: 'cheap', column: 'weak' }], tierCosts: { cheap: 0.24, frontier: 24.7 }, promptColumn: 'prompt', categoryColumn: 'subject' };

  it('reads pass/fail columns with flat per-call costs, tiers ordered by cost', () => {
    const t = parseResultsCsv(csv, 'x.csv', base);
    expect(t.tiers).toEqual(['cheap', 'frontier']);
    expect(t.items).toHaveLength(3);
    expect(t.items[0]).toMatchObject({ itemId: 'row-1', prompt: 'Q1, with comma', category: 'math' });
    expect(t.items[1]!.byTier.cheap).toMatchObject({ pass: false, costUsd: 0.24 });
    expect(t.items[2]!.byTier.frontier!.pass).toBe(false);
    expect(t.models).toEqual({ frontier: 'strong', cheap: 'weak' });
  });

  it('drops excluded prompts and explains bad input', () => {
    expect(parseResultsCsv(csv, 'x.csv', { ...base, excludePrompts: new Set(['Q2']) }).items.map((i) => i.prompt)).toEqual(['Q1, with comma', 'Q3']);
    expect(() => parseResultsCsv(csv, 'x.csv', { ...base, tierCosts: { cheap: 1 } })).toThrow(UsageError);
    expect(() => parseResultsCsv(csv, 'x.csv', { ...base, promptColumn: 'question' })).toThrow(/no column "question"/);
    expect(() => parseResultsCsv('prompt,weak,strong\nQ,maybe,True\n', 'y.csv', { ...base, categoryColumn: undefined })).toThrow(/y\.csv:2: column "weak" must be True\/False or a number, got "maybe"/);
  });
});
