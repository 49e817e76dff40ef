/**
 * Every bill source (issue #16) read to the cent through the built CLI, from
 * fixtures written from the documented shapes (fixtures/costs/generate.mjs),
 * plus the meter/SKU tables and the same-window reconciliation.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnthropicCost, parseAzureMeter, parseOpenAiLineItem, parseVertexSku } from '../../src/costs/meters.js';
import { runCli } from '../helpers/cli.js';

interface CostsJson {
  sources: { file: string; kind: string }[];
  bedrock: { totalUsd: number; byModel: { model: string; costUsd: number; byTokenKind: Record<string, number> }[] };
  billed: {
    totalExact: string;
    window: { start: string; end: string };
    byProvider: { provider: string; usd: number }[];
    byModel: { provider: string; model: string; tokenClass: string; usd: number }[];
    byGroup: { key: string; value: string; usd: number }[];
    byPeriod: { start: string; end: string; estimated: boolean; usd: number; byProvider: Record<string, number>; byModel: Record<string, number> }[];
  };
  unrecognizedUsageTypes: { usageType: string; costUsd: number }[];
  otherServices: { service: string; costUsd: number }[];
  notes: string[];
}

async function costs(...files: string[]): Promise<CostsJson> {
  const r = await runCli(['costs', '--from-file', ...files, '--format', 'json']);
  expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('tokor: '))).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as CostsJson;
}

const model = (j: CostsJson, m: string, tokenClass: string) => j.billed.byModel.find((x) => x.model === m && x.tokenClass === tokenClass)?.usd;
const group = (j: CostsJson, key: string, value: string) => j.billed.byGroup.find((g) => g.key === key && g.value === value)?.usd;

describe('bills of every source, to the cent (built CLI)', () => {
  it('AWS CUR 2.0: a folder of CSV and CSV.gz (manifest skipped), tax left out, S3 apart, principal/profile/tags as groups', async () => {
    const j = await costs('fixtures/costs/cur2');
    expect(j.sources.map((s) => s.kind)).toEqual(['aws-cur', 'aws-cur']);
    expect(j.sources.map((s) => s.file)).toEqual(['fixtures/costs/cur2/2025-11/tokor-cur2-00001.csv', 'fixtures/costs/cur2/2025-11/tokor-cur2-00002.csv.gz']);
    expect(j.billed.totalExact).toBe('14.505');
    expect(j.bedrock.totalUsd).toBe(14.505);
    expect(j.billed.window).toEqual({ start: '2025-11-01', end: '2025-11-03' });
    expect(model(j, 'anthropic.claude-sonnet-4-5', 'input')).toBe(7.5);
    expect(model(j, 'anthropic.claude-sonnet-4-5', 'output')).toBe(6);
    expect(model(j, 'amazon.nova-lite', 'input')).toBe(0.09);
    expect(model(j, 'amazon.nova-lite', 'output')).toBe(0.165);
    expect(group(j, 'tag:team', 'search')).toBe(0.255);
    expect(group(j, 'principal', 'arn:aws:iam::111122223333:role/search-app')).toBe(0.255);
    expect(group(j, 'inferenceProfile', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/support-bot')).toBe(13.5);
    expect(j.unrecognizedUsageTypes).toEqual([expect.objectContaining({ usageType: 'USE1-Guardrail-TextUnitsConsumed', costUsd: 0.75 })]);
    expect(j.otherServices).toEqual([{ service: 'Amazon Simple Storage Service', costUsd: 0.23 }]);
    expect(j.notes).toContain('1 line left out of 2 CUR 2.0 export files: line_item_line_item_type Tax (not usage)');
  });

  it('AWS CUR 2.0 as Parquet, read by hyparquet: the same day-1 figures as the CSV', async () => {
    const j = await costs('fixtures/costs/cur2-parquet/tokor-cur2-00001.snappy.parquet');
    expect(j.sources).toEqual([{ file: 'fixtures/costs/cur2-parquet/tokor-cur2-00001.snappy.parquet', kind: 'aws-cur' }]);
    expect(j.billed.totalExact).toBe('14.43');
    expect(model(j, 'anthropic.claude-sonnet-4-5', 'output')).toBe(6);
    expect(group(j, 'tag:team', 'support')).toBe(13.5);
  });

  it('FOCUS 1.2 with AWS (x_UsageType), Azure (SkuMeter) and Google (Vertex SKU) lines; tax and storage apart', async () => {
    const j = await costs('fixtures/costs/focus-1.2.csv');
    expect(j.sources).toEqual([{ file: 'fixtures/costs/focus-1.2.csv', kind: 'focus' }]);
    expect(j.billed.totalExact).toBe('10.745');
    expect(j.billed.byProvider).toEqual([
      { provider: 'aws', usd: 7.62, tokenUsd: 7.62, provisionedUsd: 0, unrecognizedUsd: 0 },
      { provider: 'azure', usd: 2.5, tokenUsd: 2.5, provisionedUsd: 0, unrecognizedUsd: 0 },
      { provider: 'gcp', usd: 0.625, tokenUsd: 0.625, provisionedUsd: 0, unrecognizedUsd: 0 },
    ]);
    // The file's rows by day: Sonnet 4.5 $7.50 + Nova Lite $0.12 + Azure gpt-4o $2.50 on Nov 1; Gemini 2.5 Pro $0.625 on Nov 2.
    expect(j.billed.byPeriod).toEqual([
      { start: '2025-11-01', end: '2025-11-02', estimated: false, usd: 10.12, byProvider: { aws: 7.62, azure: 2.5 }, byModel: { 'anthropic.claude-sonnet-4-5': 7.5, 'azure-openai/gpt-4o': 2.5, 'amazon.nova-lite': 0.12 } },
      { start: '2025-11-02', end: '2025-11-03', estimated: false, usd: 0.625, byProvider: { gcp: 0.625 }, byModel: { 'vertex/gemini-2.5-pro': 0.625 } },
    ]);
    expect(j.bedrock.totalUsd).toBe(7.62);
    expect(model(j, 'azure-openai/gpt-4o', 'input')).toBe(2.5);
    expect(model(j, 'vertex/gemini-2.5-pro', 'input')).toBe(0.625);
    expect(j.otherServices).toEqual([{ service: 'Storage', costUsd: 1.2 }]);
  });

  it('FOCUS --amortized reads EffectiveCost', async () => {
    const r = await runCli(['costs', '--from-file', 'fixtures/costs/focus-1.2.csv', '--amortized', '--format', 'json']);
    expect((JSON.parse(r.stdout) as CostsJson).billed.totalExact).toBe('10.725');
  });

  it('Google Cloud billing export as JSON lines and as CSV: the same Vertex AI figures; node hours listed, storage apart', async () => {
    for (const f of ['fixtures/costs/gcp-billing.jsonl', 'fixtures/costs/gcp-billing.csv']) {
      const j = await costs(f);
      expect(j.sources[0]!.kind).toBe('gcp-billing');
      expect(j.billed.totalExact).toBe('4.165');
      expect(model(j, 'vertex/gemini-2.5-pro', 'input')).toBe(1.25);
      expect(model(j, 'vertex/gemini-2.5-pro', 'output')).toBe(2.5);
      expect(model(j, 'vertex/gemini-2.5-flash', 'cacheRead')).toBe(0.015);
      expect(j.unrecognizedUsageTypes.map((u) => u.usageType)).toEqual(['Vertex AI Online Prediction Node Hours']);
      expect(j.otherServices).toEqual([{ service: 'Cloud Storage', costUsd: 0.02 }]);
      expect(group(j, 'project', 'acme-search')).toBe(4.165);
    }
  });

  it('Azure actual-cost export: meters normalized to model, token class and deployment; PTU listed, storage apart', async () => {
    const j = await costs('fixtures/costs/azure-actual-cost.csv');
    expect(j.sources[0]!.kind).toBe('azure-cost');
    expect(j.billed.totalExact).toBe('28.38');
    expect(model(j, 'azure-openai/gpt-4o', 'input')).toBe(2.5);
    expect(model(j, 'azure-openai/gpt-4o', 'output')).toBe(1);
    expect(model(j, 'azure-openai/gpt-4o', 'cacheRead')).toBe(0.55);
    expect(model(j, 'azure-openai/gpt-4o-mini', 'input')).toBe(0.3);
    expect(model(j, 'azure-openai/gpt-4o-mini', 'output')).toBe(0.03);
    expect(j.unrecognizedUsageTypes.map((u) => [u.usageType, u.costUsd])).toEqual([['Provisioned Managed Global Unit', 24]]);
    expect(j.otherServices).toEqual([{ service: 'Tables', costUsd: 0.07 }]);
  });

  it('Anthropic cost report: amounts in cents as decimal strings, token_type to token class, workspace as group', async () => {
    const j = await costs('fixtures/costs/anthropic-cost-report.json');
    expect(j.sources[0]!.kind).toBe('anthropic-cost');
    expect(j.billed.totalExact).toBe('9.25345');
    expect(model(j, 'anthropic/claude-sonnet-4-5-20250929', 'cacheRead')).toBe(0.12345);
    expect(model(j, 'anthropic/claude-sonnet-4-5-20250929', 'cacheWrite5m')).toBe(0.375);
    expect(model(j, 'anthropic/claude-haiku-4-5-20251001', 'cacheWrite1h')).toBe(0.2);
    expect(j.unrecognizedUsageTypes.map((u) => u.costUsd)).toEqual([0.05]);
    expect(group(j, 'workspace', 'wrkspc_search')).toBe(9.25345);
  });

  it('OpenAI costs: line items to model and token class, project as group', async () => {
    const j = await costs('fixtures/costs/openai-costs.json');
    expect(j.sources[0]!.kind).toBe('openai-cost');
    expect(j.billed.totalExact).toBe('8.0375');
    expect(model(j, 'openai/gpt-4o-mini', 'cacheRead')).toBe(0.0375);
    expect(model(j, 'openai/o3', 'output')).toBe(4);
    expect(j.billed.window).toEqual({ start: '2025-11-01', end: '2025-11-03' });
  });

  it('Anthropic usage report (tokens, no amounts): each token class priced at the catalog list price, batch at half, rows without a model and web searches listed', async () => {
    const j = await costs('fixtures/costs/anthropic-usage-report.json');
    expect(j.sources[0]!.kind).toBe('anthropic-usage');
    // Sonnet 4.5 ($3 in, $15 out, $0.30 read, $3.75 5m, $6 1h per 1M): day 1 1M in $3 + 200k out $3 + 2M read $0.60
    // + 400k 5m $1.50 + 100k 1h $0.60 = $8.70, day 2 500k in $1.50; Haiku 4.5 batch: 2M in $1 + 1M out $2.50.
    expect(j.billed.totalExact).toBe('13.7');
    expect(model(j, 'anthropic/claude-sonnet-4-5-20250929', 'input')).toBe(4.5);
    expect(model(j, 'anthropic/claude-sonnet-4-5-20250929', 'cacheWrite5m')).toBe(1.5);
    expect(model(j, 'anthropic/claude-sonnet-4-5-20250929', 'cacheWrite1h')).toBe(0.6);
    expect(model(j, 'anthropic/claude-haiku-4-5-20251001', 'output')).toBe(2.5);
    expect(group(j, 'workspace', 'wrkspc_search')).toBe(10.2);
    expect(j.billed.window).toEqual({ start: '2025-11-01', end: '2025-11-03' });
    expect(j.unrecognizedUsageTypes.map((u) => u.usageType)).toEqual(['(no model) / uncached_input_tokens', 'claude-sonnet-4-5-20250929 / web search requests']);
    expect(j.notes[0]).toMatch(/priced at tokor's catalog list prices \(not the invoice\)/);
  });

  it('Anthropic usage report by context window and speed: a "200k-1M" row at the long-context rates, a "fast" row at the fast variant\'s', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tokor-usage-'));
    const row = (contextWindow: string, model = 'claude-sonnet-4-5-20250929', speed = 'standard') => ({ uncached_input_tokens: 1_000_000, output_tokens: 100_000, cache_read_input_tokens: 0, cache_creation: {}, model, service_tier: 'standard', context_window: contextWindow, speed });
    const results = [row('0-200k'), row('200k-1M'), row('0-200k', 'claude-opus-5', 'fast')];
    await writeFile(path.join(dir, 'usage.json'), JSON.stringify({ data: [{ starting_at: '2025-11-01T00:00:00Z', ending_at: '2025-11-02T00:00:00Z', results }], has_more: false }));
    const prices = ['prices:', '  - key: anthropic/claude-sonnet-4-5', '    input: 3', '    output: 15', '    longContext: { above: 200000, input: 6, output: 22.5 }', '  - { key: anthropic/claude-opus-5-fast, input: 10, output: 50 }'];
    await writeFile(path.join(dir, 'prices.yaml'), prices.join('\n'));
    await writeFile(path.join(dir, 'tokor.config.yaml'), 'catalog: prices.yaml\n');
    const r = await runCli(['costs', '--from-file', 'usage.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as CostsJson;
    // 0-200k: 1M × $3 + 100k × $15 = $4.50; 200k-1M: 1M × $6 + 100k × $22.50 = $8.25; Opus 5 fast: 1M × $10 + 100k × $50 = $15.
    expect(j.billed.totalExact).toBe('27.75');
    expect(model(j, 'anthropic/claude-opus-5-fast', 'output')).toBe(5);
    expect(model(j, 'anthropic/claude-sonnet-4-5-20250929', 'input')).toBe(9);
    expect(model(j, 'anthropic/claude-sonnet-4-5-20250929', 'output')).toBe(3.75);
  });

  it('OpenAI usage (completions): input_tokens includes the cached ones; batch at half; audio tokens listed', async () => {
    const j = await costs('fixtures/costs/openai-usage-completions.json');
    expect(j.sources[0]!.kind).toBe('openai-usage');
    // gpt-4o: (3M − 1M cached) × $2.50 = $5, 1M cached × $1.25, 500k out × $10 = $5; gpt-4o-mini batch: 2M × $0.075 + 1M × $0.30.
    expect(j.billed.totalExact).toBe('11.7');
    expect(model(j, 'openai/gpt-4o-2024-08-06', 'input')).toBe(5);
    expect(model(j, 'openai/gpt-4o-2024-08-06', 'cacheRead')).toBe(1.25);
    expect(model(j, 'openai/gpt-4o-mini-2024-07-18', 'input')).toBe(0.15);
    expect(group(j, 'project', 'proj_app')).toBe(11.25);
    expect(j.unrecognizedUsageTypes.map((u) => u.usageType)).toEqual(['gpt-4o-2024-08-06 / audio tokens']);
  });

  it('OpenAI usage grouped by service tier: priority (and fast, its name since 2026-07-30) and flex at those tiers\' catalog rates', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tokor-usage-'));
    const file = path.join(dir, 'usage.json');
    const row = (tier: string) => ({ object: 'organization.usage.completions.result', model: 'gpt-5.5', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, batch: false, service_tier: tier });
    await writeFile(file, JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 1761955200, end_time: 1762041600, results: [row('priority'), row('flex'), row('fast'), row('default')] }] }));
    const r = await runCli(['costs', '--from-file', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as CostsJson;
    // Each row 800k uncached input, 200k cached, 100k output on GPT-5.5: priority $12.50 / $1.25 / $75 → $17.75
    // (twice: priority and fast), flex $2.50 / $0.25 / $15 → $3.55, standard $5 / $0.50 / $30 → $7.10.
    expect(j.billed.totalExact).toBe('46.15');
  });

  it('a usage report with a bad token count: one line naming the file and the row, exit 2', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tokor-usage-'));
    const file = path.join(dir, 'usage.json');
    await writeFile(file, JSON.stringify({ object: 'page', data: [{ object: 'bucket', start_time: 1761955200, results: [{ object: 'organization.usage.completions.result', model: 'gpt-4o', input_tokens: 10, input_cached_tokens: 20, output_tokens: 1 }] }] }));
    const r = await runCli(['costs', '--from-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}: data[0].results[0]: input_cached_tokens (20) exceeds input_tokens (10)`);
  });

  it('several sources at once: detected per file, one billed model', async () => {
    const j = await costs('fixtures/costs/anthropic-cost-report.json', 'fixtures/costs/openai-costs.json', 'fixtures/costs/cost-explorer.json');
    expect(j.sources.map((s) => s.kind)).toEqual(['anthropic-cost', 'openai-cost', 'cost-explorer']);
    const byProvider = Object.fromEntries(j.billed.byProvider.map((p) => [p.provider, p.usd]));
    expect(byProvider).toEqual({ aws: j.bedrock.totalUsd, anthropic: 9.25345, openai: 8.0375 });
  });

  it('a CSV that is no bill tokor reads: one line naming the file and what to do', async () => {
    const r = await runCli(['costs', '--from-file', 'fixtures/analyze/csv/usage.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tokor: fixtures\/analyze\/csv\/usage\.csv: not a bill tokor reads \(columns request_id, /);
  });
});

describe('meter and SKU tables (docs/costs.md)', () => {
  it.each([
    ['gpt 4o 0513 Input global Tokens', 'azure-openai/gpt-4o', 'input', 'global'],
    ['gpt-4o-mini-0718-Inp-glbl Tokens', 'azure-openai/gpt-4o-mini', 'input', 'global'],
    ['gpt 4o 0806 cached Input DZone Tokens', 'azure-openai/gpt-4o', 'cacheRead', 'data-zone'],
    ['gpt-4.1-nano-Outp-regnl Tokens', 'azure-openai/gpt-4.1-nano', 'output', 'regional'],
    ['GPT-4o-mini-0718-Batch-Outp-glbl', 'azure-openai/gpt-4o-mini', 'output', 'global'],
  ])('Azure %s', (meter, m, kind, deployment) => {
    expect(parseAzureMeter(meter)).toMatchObject({ model: m, tokenKind: kind, deployment });
  });
  it('Azure batch meters are the batch tier; provisioned meters without a model are listed', () => {
    expect(parseAzureMeter('GPT-4o-mini-0718-Batch-Outp-glbl').tier).toBe('batch');
    expect(parseAzureMeter('Provisioned Managed Global Unit').category).toBe('unrecognized');
  });
  it.each([
    ['Gemini 2.5 Pro Input Text Tokens', 'vertex/gemini-2.5-pro', 'input'],
    ['Gemini 2.0 Flash Output Text Tokens (Batch)', 'vertex/gemini-2.0-flash', 'output'],
    ['Cached Input Text Tokens for Gemini 2.5 Flash', 'vertex/gemini-2.5-flash', 'cacheRead'],
    ['Gemini 2.5 Flash Lite Input Text Tokens', 'vertex/gemini-2.5-flash-lite', 'input'],
    ['Claude Sonnet 4.5 Input Tokens', 'vertex/claude-sonnet-4-5', 'input'],
    ['Claude Sonnet 4.5 Cache Read Input Tokens', 'vertex/claude-sonnet-4-5', 'cacheRead'],
    ['Claude Sonnet 4.5 Cache Write Input Tokens', 'vertex/claude-sonnet-4-5', 'cacheWrite5m'],
    ['Claude Sonnet 4.5 1h Cache Write Input Tokens', 'vertex/claude-sonnet-4-5', 'cacheWrite1h'],
    ['Claude 3.5 Sonnet v2 Output Tokens', 'vertex/claude-3-5-sonnet', 'output'],
    ['Claude 4.5 Haiku Output Tokens', 'vertex/claude-haiku-4-5', 'output'],
  ])('Vertex %s', (sku, m, kind) => {
    expect(parseVertexSku(sku)).toMatchObject({ model: m, tokenKind: kind, category: 'tokens' });
  });
  it('Anthropic and OpenAI items', () => {
    expect(parseAnthropicCost({ model: 'claude-opus-4-1', token_type: 'cache_creation.ephemeral_1h_input_tokens', cost_type: 'tokens' })).toMatchObject({ tokenKind: 'cacheWrite1h' });
    expect(parseAnthropicCost({ model: null, token_type: null, cost_type: 'web_search' }).category).toBe('unrecognized');
    expect(parseOpenAiLineItem('gpt-4.1, batch input')).toMatchObject({ model: 'openai/gpt-4.1', tokenKind: 'input', tier: 'batch' });
    expect(parseOpenAiLineItem('web search tool calls').category).toBe('unrecognized');
  });
});

describe('same-window reconciliation with stated coverage (built CLI)', () => {
  it('7 days of logs against a 2-day bill: the logs are cut to the 2 billed days, the 5 dropped log days are listed, and the billed ceiling is not headlined at 2.5% coverage', async () => {
    const json = await runCli(['analyze', '--bill', 'fixtures/costs/cost-explorer.json', '--format', 'json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    const rec = out.reconciliation;
    expect(rec.period).toEqual({ start: '2025-11-03', end: '2025-11-05' });
    expect(rec.logPeriod).toEqual({ start: '2025-11-03', end: '2025-11-10' });
    expect(rec.window).toMatchObject({
      billedDaysDropped: 0,
      logDaysOutsideBill: 5,
      logsTrimmed: true,
      droppedBilledDays: [],
      droppedLogDays: ['2025-11-05', '2025-11-06', '2025-11-07', '2025-11-08', '2025-11-09'],
    });
    // The logged side is the byDay cost of the two billed days; the dropped days hold the rest of analyze's actual.
    const day = (d: { day: string }) => d.day === '2025-11-03' || d.day === '2025-11-04';
    const kept = out.byDay.filter(day).reduce((s: number, d: { costUsd: number }) => s + d.costUsd, 0);
    const dropped = out.byDay.filter((d: { day: string }) => !day(d)).reduce((s: number, d: { costUsd: number }) => s + d.costUsd, 0);
    expect(rec.loggedUsd).toBeCloseTo(kept, 6);
    expect(rec.window.droppedLogUsd).toBeCloseTo(dropped, 6);
    expect(kept + dropped).toBeCloseTo(out.cost.actual, 5);
    expect(rec.coverage).toBeCloseTo(rec.explainedUsd / 103.21, 9);
    expect(rec.coverage).toBeLessThan(0.05);
    expect(rec.billedCeiling.headlined).toBe(false);
    expect(rec.billedCeiling.coverage).toBe(rec.coverage);
    const table = await runCli(['analyze', '--cost-explorer', 'fixtures/costs/cost-explorer.json'], { env: { COLUMNS: '200' } });
    expect(table.stdout).not.toMatch(/routing could save up to/);
    expect(table.stdout).toMatch(/Billed-dollar ceiling not headlined: the logs explain 2\.5% of the compared bill, below the 50% threshold/);
    expect(table.stdout).toMatch(/log days left out \(the bill does not cover them\): 2025-11-05\.\.2025-11-09 \(5 days\), \$8\.80 of logged cost not compared/);
  });

  it('the HTML carries the source, the window and the coverage', async () => {
    const costsHtml = await runCli(['costs', '--from-file', 'fixtures/costs/cur2', 'fixtures/costs/openai-costs.json', '--format', 'html']);
    expect(costsHtml.code).toBe(0);
    expect(costsHtml.stdout).toContain('<div class="v">2025-11-01 → 2025-11-03</div><div class="k">Bill window</div>');
    expect(costsHtml.stdout).toContain('<div class="v">AWS CUR 2.0 (2), OpenAI costs</div><div class="k">Source</div>');
    const analyzeHtml = await runCli(['analyze', '--bill', 'fixtures/costs/cost-explorer.json', '--format', 'html']);
    expect(analyzeHtml.stdout).toContain('Coverage</td><td class="num">2.5%');
    expect(analyzeHtml.stdout).toContain('Compared days (end exclusive)</td><td class="num">2025-11-03 → 2025-11-05');
    expect(analyzeHtml.stdout).toContain('Log days the bill does not cover (left out)</td><td class="num">5');
    expect(analyzeHtml.stdout).toContain('the billed-dollar routing ceiling is not headlined: the logs explain 2.5% of the compared bill, below the 50% threshold');
  });
});
