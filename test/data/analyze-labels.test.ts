/**
 * `tokor analyze --labels` on public per-item data (issue #14): RouteLLM MMLU and GSM8K prompts as traffic
 * (an OpenAI-style gateway log written to a temporary folder), Mixtral-8x7B's pass/fail as the measured label
 * (easy when it passed, hard otherwise). With ~400 measured labels the interval of the savings ceiling, through
 * the app function, covers the ceiling computed from labels on every request.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze.js';
import { loadCatalog } from '../../src/config/catalog.js';
import { DEFAULT_TIERS } from '../../src/config/schema.js';
import type { Catalog } from '../../src/pricing/index.js';
import { seededRandom } from '../../src/stats/random.js';
import { dataset } from './datasets.js';

interface Item {
  id: string;
  prompt: string;
  easy: boolean;
}

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-analyze-labels-'));
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

/** The items as a gateway log: served by the frontier tier's model, ~4 characters a token in, 300 tokens out. */
function trafficFile(name: string, items: Item[]): string {
  const file = path.join(dir, `${name}.jsonl`);
  const lines = items.map((it, i) =>
    JSON.stringify({
      id: it.id,
      object: 'chat.completion',
      created: 1762250000 + i,
      model: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      choices: [{ index: 0, message: { role: 'assistant', content: 'answer' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: Math.ceil(it.prompt.length / 4), completion_tokens: 300, total_tokens: Math.ceil(it.prompt.length / 4) + 300 },
      request: { messages: [{ role: 'user', content: it.prompt }] },
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function labelsFile(name: string, items: Item[]): string {
  const file = path.join(dir, `${name}.labels.jsonl`);
  writeFileSync(file, `${items.map((it) => JSON.stringify({ requestId: it.id, label: it.easy ? 'easy' : 'hard' })).join('\n')}\n`);
  return file;
}

/** A uniform sample of n items (seeded, without replacement): prompts of these sets are one-off, so every cluster is thin. */
function sampleOf(items: Item[], n: number, seed: number): Item[] {
  const r = seededRandom(seed);
  const pool = [...items];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(r() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

const csv = (p: string) => parse(readFileSync(dataset(p)), { columns: true }) as Record<string, string>[];
const SETS: [string, () => Item[]][] = [
  ['RouteLLM GSM8K', () => csv('routellm_gsm8k/gsm8k_responses.csv').map((r, i) => ({ id: `gsm8k-${i}`, prompt: r.prompt!, easy: r['mistralai/Mixtral-8x7B-Instruct-v0.1'] === 'True' }))],
  ['RouteLLM MMLU', () => csv('routellm_mmlu/mmlu_responses_all_subjects.csv').map((r, i) => ({ id: `mmlu-${i}`, prompt: r.prompt!, easy: r.mixtral_8x7b_instruct_correct === 'True' }))],
];

describe.each(SETS)('analyze --labels on %s: 400 measured labels', (name, load) => {
  it('the 95% interval of the ceiling covers the ceiling from every request’s label (10 draws); without labels no headline figure', async () => {
    const items = load();
    const traffic = trafficFile(name.replace(/\W+/g, '-'), items);
    const run = (labels?: string) => runAnalyze({ paths: [traffic], catalog, tiers: DEFAULT_TIERS, labelsFile: labels, workers: 0 });
    const all = await run(labelsFile('all', items));
    expect(all.measured!.count).toBe(items.length);
    const truth = all.savings.ceilingPct;
    let covered = 0;
    const draws = 10;
    for (let seed = 1; seed <= draws; seed++) {
      const r = await run(labelsFile(`s${seed}`, sampleOf(items, 400, seed)));
      expect(r.measured!.count).toBe(400);
      const [lo, hi] = r.savings.ceilingCi95!;
      expect(hi - lo).toBeLessThan(20);
      if (lo <= truth && truth <= hi) covered++;
    }
    // 95% intervals: 10 of 10 with probability 0.60, at least 8 with 0.99.
    expect(covered).toBeGreaterThanOrEqual(8);
    const prior = await run();
    expect(prior.distributionSource).toBe('prior');
    expect(prior.headline.savingsPct).toBeNull();
  }, 600_000);
});
