/** The analyze headline and its caveats, provenance of bundled sample data, and money axes. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHeadline, UNPRICED_TOKEN_SHARE_WARN } from '../../src/analyze/report.js';
import { provenanceOf } from '../../src/app/analyze.js';
import { BUNDLED_DATASET_IDS, isSampleResult, SAMPLE_LOGS_WHAT, SAMPLE_RECORDS_WHAT, SOME_SAMPLE_RECORDS_WHAT } from '../../src/types.js';
import { moneyAxis, tickStep } from '../../src/report/html/charts.js';
import { fmtThreshold } from '../../src/report/html/headline.js';
import { modelLabels, modelLegend } from '../../src/report/html/sections/analyze.js';
import { nameModels } from '../../src/report/table.js';
import { withArticle } from '../../src/pricing/listPrices.js';
import { ROOT, runCli } from '../helpers/cli.js';

const base = { priced: 90, valid: 100, unpriced: 10, unpricedModels: 1, ceilingPct: 76.4, frontierUsd: 11.12, routedUsd: 2.63, provenance: { synthetic: false } };

describe('analyze headline', () => {
  it('is the ceiling against all-frontier, with its baseline and amounts', () => {
    const h = buildHeadline({ ...base, unpricedTokenShare: 0 });
    expect(h).toMatchObject({ savingsPct: 76.4, baseline: 'all-frontier', caveats: [] });
    expect(h.text).toBe("Routing by difficulty could cut this traffic's cost by up to 76.4% against all-frontier ($11.12 → $2.63) — quality unproven until `tokor eval` runs.");
  });

  it(`names unpriced spend above ${UNPRICED_TOKEN_SHARE_WARN * 100}% of tokens, not at or below it`, () => {
    expect(buildHeadline({ ...base, unpricedTokenShare: 0.05 }).caveats).toEqual([]);
    const over = buildHeadline({ ...base, unpricedTokenShare: 0.0501 });
    expect(over.caveats).toEqual([
      '5.0% of tokens (10 requests on 1 model) have no price and are in no figure: the savings cover the priced 95.0% only; add prices with --catalog or modelMap.',
    ]);
  });

  it('has no figure when nothing could be priced', () => {
    const h = buildHeadline({ ...base, priced: 0, unpriced: 100, unpricedTokenShare: 1 });
    expect(h.savingsPct).toBeNull();
    expect(h.text).toBe('No cost or savings figure: no request could be priced.');
    expect(h.caveats[0]).toMatch(/^Nothing could be priced: all 100 requests are on 1 model without a price/);
  });

  it('says sample data beside the figure', () => {
    const h = buildHeadline({ ...base, unpricedTokenShare: 0, provenance: { synthetic: true, what: SAMPLE_LOGS_WHAT } });
    expect(h.text).toContain('against all-frontier ($11.12 → $2.63) — synthetic sample data, not real traffic;');
    expect(h.caveats).toEqual([`Sample data: ${SAMPLE_LOGS_WHAT} — not real traffic.`]);
  });
});

describe('provenance', () => {
  it('analyze: synthetic when a file read is inside the bundled sample', () => {
    const sample = path.join(ROOT, 'fixtures', 'sample');
    expect(provenanceOf([path.join(sample, 'AWSLogs', 'a.json.gz')], undefined, sample)).toEqual({ synthetic: true, what: SAMPLE_LOGS_WHAT });
    expect(provenanceOf(['/logs/a.json.gz'], undefined, sample)).toEqual({ synthetic: false });
    expect(provenanceOf([path.join(sample, 'a.json.gz'), '/logs/b.json.gz'], undefined, sample).what).toMatch(/^1 of 2 files are /);
    expect(provenanceOf([`${sample}-copy/a.json.gz`], undefined, sample)).toEqual({ synthetic: false });
    // The folder itself, as tokor drift --current fixtures/sample names it.
    expect(provenanceOf([sample], undefined, sample)).toEqual({ synthetic: true, what: SAMPLE_LOGS_WHAT });
  });

  it('analyze: else synthetic when the records carry the synthetic logs\' tag, all or some of them', () => {
    const sample = path.join(ROOT, 'fixtures', 'sample');
    expect(provenanceOf(['/logs/a.jsonl'], { marked: 3, unmarked: 0 }, sample)).toEqual({ synthetic: true, what: SAMPLE_RECORDS_WHAT });
    expect(provenanceOf(['/logs/a.jsonl'], { marked: 3, unmarked: 2 }, sample)).toEqual({ synthetic: true, what: SOME_SAMPLE_RECORDS_WHAT });
    expect(provenanceOf(['/logs/a.jsonl'], { marked: 0, unmarked: 5 }, sample)).toEqual({ synthetic: false });
    // Files inside the bundled sample are named as such, whatever their records say.
    expect(provenanceOf([path.join(sample, 'a.json.gz')], { marked: 0, unmarked: 5 }, sample)).toEqual({ synthetic: true, what: SAMPLE_LOGS_WHAT });
  });

  it('the bundled sample read through stdin, or copied elsewhere, is still marked, on every engine; unmarked logs are not', async () => {
    const sample = path.join(ROOT, 'fixtures', 'sample');
    const objects = readdirSync(sample, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json.gz'))
      .sort();
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-provenance-'));
    try {
      cpSync(sample, path.join(dir, 'copy'), { recursive: true });
      // One of tokor's fixtures with the tag taken out of half its records, and out of all of them.
      const lines = readFileSync(path.join(ROOT, 'fixtures/ingest/bedrock-bodies.jsonl'), 'utf8').trimEnd().split('\n');
      const untag = (l: string) => l.replace('"sample":"tokor-synthetic"', '"sample":"no"');
      writeFileSync(path.join(dir, 'half.jsonl'), `${lines.map((l, i) => (i % 2 ? untag(l) : l)).join('\n')}\n`);
      writeFileSync(path.join(dir, 'own.jsonl'), `${lines.map(untag).join('\n')}\n`);
      const stdin = Buffer.concat(objects.map((f) => readFileSync(path.join(sample, f))));
      const json = (r: { code: number | null; stdout: string; stderr: string }) => {
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout).provenance;
      };
      const [piped, pipedTable, copied, copiedDuck, half, halfDuck, own] = await Promise.all([
        runCli(['analyze', '-', '--format', 'json'], { input: stdin }),
        runCli(['analyze', '-'], { input: stdin, env: { COLUMNS: '200' } }),
        runCli(['analyze', path.join(dir, 'copy'), '--format', 'json']),
        runCli(['analyze', path.join(dir, 'copy'), '--engine', 'duckdb', '--format', 'json']),
        runCli(['analyze', path.join(dir, 'half.jsonl'), '--format', 'json']),
        runCli(['analyze', path.join(dir, 'half.jsonl'), '--engine', 'duckdb', '--format', 'json']),
        runCli(['analyze', path.join(dir, 'own.jsonl'), '--format', 'json']),
      ]);
      expect(json(piped)).toEqual({ synthetic: true, what: SAMPLE_RECORDS_WHAT });
      expect(pipedTable.stdout).toContain(`Sample data: ${SAMPLE_RECORDS_WHAT}`);
      expect(json(copied)).toEqual({ synthetic: true, what: SAMPLE_RECORDS_WHAT });
      expect(json(copiedDuck)).toEqual(json(copied));
      expect(json(half)).toEqual({ synthetic: true, what: SOME_SAMPLE_RECORDS_WHAT });
      expect(json(halfDuck)).toEqual(json(half));
      expect(json(own)).toEqual({ synthetic: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drift: the bundled sample as current traffic is marked in every format', async () => {
    const args = ['drift', '--baseline', 'golden-datasets/support-triage/dataset.jsonl', '--current', 'fixtures/sample'];
    const [table, json, md] = await Promise.all([runCli(args), runCli([...args, '--format', 'json']), runCli([...args, '--format', 'markdown'])]);
    expect(JSON.parse(json.stdout).provenance).toEqual({ synthetic: true, what: SAMPLE_LOGS_WHAT });
    for (const r of [table, md]) expect(r.stdout).toContain(`Sample data: ${SAMPLE_LOGS_WHAT}`);
  });

  it('results: replayed from a bundled dataset, or marked sampleData', () => {
    expect(isSampleResult({ datasetId: 'support-triage', source: 'replay' })).toBe(true);
    expect(isSampleResult({ datasetId: 'support-triage', source: 'live' })).toBe(false);
    expect(isSampleResult({ datasetId: 'my-dataset', source: 'replay' })).toBe(false);
    expect(isSampleResult({ datasetId: 'my-dataset', sampleData: true })).toBe(true);
  });

  it('the bundled dataset ids are the golden datasets shipped', () => {
    const dir = path.join(ROOT, 'golden-datasets');
    const ids = readdirSync(dir)
      .map((d) => JSON.parse(readFileSync(path.join(dir, d, 'dataset.jsonl'), 'utf8').split('\n')[0]!) as { datasetId: string })
      .map((h) => h.datasetId)
      .sort();
    expect(ids).toEqual([...BUNDLED_DATASET_IDS].sort());
  });
});

describe('HTML details', () => {
  it('money axes take their decimals from the tick step and never use SI prefixes', () => {
    expect(tickStep(0.0036)).toBe(0.001);
    expect(moneyAxis(0.0036)).toEqual({ format: '$,.3f', tickCount: 5 });
    expect(moneyAxis(0.00007)).toEqual({ format: '$,.5f', tickCount: 5 });
    expect(moneyAxis(5.04)).toEqual({ format: '$,.0f', tickCount: 5 });
    expect(moneyAxis(2.6)).toEqual({ format: '$,.1f', tickCount: 5 });
    expect(moneyAxis(2410.62)).toEqual({ format: '$,.0f', tickCount: 5 });
    expect(moneyAxis(0).format).toBe('$,.0f');
  });

  it('model labels keep prefix, family and Region; thresholds three significant digits', () => {
    const sonnet = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const names = nameModels([sonnet], 26);
    expect(modelLabels([{ model: sonnet, region: 'us-east-1' }, { model: sonnet, region: 'us-west-2' }], names)).toEqual([
      'us.claude-sonnet-4-5 · us-east-1',
      'us.claude-sonnet-4-5 · us-west-2',
    ]);
    expect(modelLegend([sonnet], names)).toContain('us.claude-sonnet-4-5 is us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(fmtThreshold(0.0985322)).toBe('0.0985');
    expect(fmtThreshold(0.35)).toBe('0.35');
    expect(fmtThreshold(1)).toBe('1');
  });

  it('articles follow the sound', () => {
    expect(withArticle('application-inference-profile')).toBe('an application-inference-profile');
    expect(withArticle('prompt-router')).toBe('a prompt-router');
  });
});
