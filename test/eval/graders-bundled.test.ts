/**
 * The bundled golden datasets and their sample recordings, graded with the
 * items' own graders (nothing here is hard-coded from the generator).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '../../src/config/schema.js';
import { bundledDatasets, loadDataset, recordingFile } from '../../src/io/goldenDatasets.js';
import { gradeCase } from '../../src/eval/graders/index.js';
import type { GoldenCase, GoldenDataset } from '../../src/eval/types.js';

interface Recording {
  itemId: string;
  tier: string;
  model: string;
  output: string;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  latencyMs: number;
  confidence?: number;
  sampleData: boolean;
}

const files = await bundledDatasets();
const datasets: GoldenDataset[] = await Promise.all(files.map((f) => loadDataset(f)));
const readRecordings = (file: string, tier: string): Recording[] =>
  readFileSync(recordingFile(file, tier), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Recording);
const difficultyOf = (c: GoldenCase) => c.tags?.find((t) => t.startsWith('difficulty:'))?.slice('difficulty:'.length);

it('bundles the three datasets of the issue', () => {
  expect(datasets.map((d) => d.id)).toEqual(['doc-extraction', 'multistep-reasoning', 'support-triage']);
});

describe.each(datasets.map((d) => [d.id, d] as const))('%s', (_id, ds) => {
  it('has at least 150 items with unique ids, a task, a category and a difficulty tag', () => {
    expect(ds.cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(ds.cases.map((c) => c.id)).size).toBe(ds.cases.length);
    for (const c of ds.cases) {
      expect(c.task).toBe(ds.id);
      expect(c.category).toBeTruthy();
      expect(['easy', 'moderate', 'hard']).toContain(difficultyOf(c));
      expect(c.graders?.length).toBeGreaterThan(0);
    }
    const levels = new Set(ds.cases.map(difficultyOf));
    expect(levels.size).toBe(3);
  });

  it('has a README that says the recordings are sample data', () => {
    const readme = readFileSync(join(dirname(ds.file), 'README.md'), 'utf8');
    expect(readme).toMatch(/sample data/i);
    expect(readme).toContain('"sampleData": true');
  });

  it.each(DEFAULT_TIERS.map((t) => [t.name, t.model] as const))('recordings for %s: one valid line per item, marked sample data', (tier, model) => {
    const file = recordingFile(ds.file, tier);
    expect(existsSync(file)).toBe(true);
    const recs = readRecordings(ds.file, tier);
    const ids = new Set(ds.cases.map((c) => c.id));
    expect(recs).toHaveLength(ds.cases.length);
    expect(new Set(recs.map((r) => r.itemId)).size).toBe(recs.length);
    for (const r of recs) {
      expect(ids.has(r.itemId)).toBe(true);
      expect(Object.keys(r).sort()).toEqual(['confidence', 'itemId', 'latencyMs', 'model', 'output', 'sampleData', 'tier', 'usage']);
      expect(r).toMatchObject({ tier, model, sampleData: true });
      expect(Object.keys(r.usage).sort()).toEqual(['cacheReadTokens', 'cacheWriteTokens', 'inputTokens', 'outputTokens']);
      for (const v of Object.values(r.usage)) expect(Number.isInteger(v) && v >= 0).toBe(true);
      expect(r.usage.inputTokens).toBeGreaterThan(0);
      expect(r.usage.outputTokens).toBeGreaterThan(0);
      expect(Number.isInteger(r.latencyMs) && r.latencyMs > 0).toBe(true);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      expect(r.output.length).toBeGreaterThan(0);
    }
  });

  it('grades: frontier passes more than mid, mid more than cheap; failures rise with difficulty; confidence tracks correctness', async () => {
    const byId = new Map(ds.cases.map((c) => [c.id, c]));
    const rate: Record<string, number> = {};
    for (const { name } of DEFAULT_TIERS) {
      const graded = await Promise.all(
        readRecordings(ds.file, name).map(async (r) => {
          const c = byId.get(r.itemId);
          if (!c) throw new Error(`unknown item ${r.itemId}`);
          return { c, r, pass: (await gradeCase(c, r.output)).pass };
        }),
      );
      rate[name] = graded.filter((g) => g.pass).length / graded.length;
      const passRate = (level: string) => {
        const g = graded.filter((x) => difficultyOf(x.c) === level);
        return g.filter((x) => x.pass).length / g.length;
      };
      expect(passRate('easy')).toBeGreaterThan(passRate('hard'));
      const meanConf = (pass: boolean) => {
        const g = graded.filter((x) => x.pass === pass);
        return g.reduce((s, x) => s + (x.r.confidence ?? 0), 0) / g.length;
      };
      expect(meanConf(true)).toBeGreaterThan(meanConf(false));
      // tokens follow the text: longer answers cost more output tokens
      const longest = graded.reduce((a, b) => (b.r.output.length > a.r.output.length ? b : a));
      const shortest = graded.reduce((a, b) => (b.r.output.length < a.r.output.length ? b : a));
      expect(longest.r.usage.outputTokens).toBeGreaterThan(shortest.r.usage.outputTokens);
    }
    expect(rate.frontier).toBeGreaterThan(rate.mid ?? 1);
    expect(rate.mid).toBeGreaterThan(rate.cheap ?? 1);
    expect(rate.cheap).toBeGreaterThan(0.3);
  });
});

it('the frontier tier is slower than the cheap tier on every dataset (median latency)', () => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  for (const ds of datasets) {
    expect(median(readRecordings(ds.file, 'frontier').map((r) => r.latencyMs))).toBeGreaterThan(median(readRecordings(ds.file, 'cheap').map((r) => r.latencyMs)));
  }
});
