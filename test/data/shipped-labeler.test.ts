/**
 * The shipped labeler against the heuristic on RouteLLM's own items (each scored by the fold model that
 * never saw it): properties, not the figures of docs/labeling.md.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { heuristicLabeler } from '../../src/classify/heuristic.js';
import { shippedLabeler } from '../../src/classify/shipped.js';
import { rocAuc } from '../../src/classify/trained.js';
import { dataset } from './datasets.js';

const truthy = (v: string): boolean => /^(true|1|yes)$/i.test(v.trim());

function routellm(file: string, cheap: string, contaminated: string): { prompt: string; hard: number }[] {
  const bad = new Set(
    readFileSync(dataset(contaminated), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { eval_prompt: string }).eval_prompt),
  );
  const rows = parse(readFileSync(dataset(file)), { columns: true }) as Record<string, string>[];
  return rows.filter((r) => !bad.has(r.prompt!)).map((r) => ({ prompt: r.prompt!, hard: truthy(r[cheap]!) ? 0 : 1 }));
}

const auc = (items: { prompt: string; hard: number }[], score: (p: string) => number): number =>
  rocAuc(
    items.map((i) => score(i.prompt)),
    items.map((i) => i.hard),
  )!;

describe('shipped labeler on public per-item results', () => {
  it('ranks "Mixtral fails" on RouteLLM GSM8K and MMLU better than the heuristic, out of fold', () => {
    const gsm = routellm('routellm_gsm8k/gsm8k_responses.csv', 'mistralai/Mixtral-8x7B-Instruct-v0.1', 'routellm_gsm8k/contaminated_prompts.jsonl');
    const mmlu = routellm('routellm_mmlu/mmlu_responses_all_subjects.csv', 'mixtral_8x7b_instruct_correct', 'routellm_mmlu/contaminated_prompts.jsonl');
    const shipped = shippedLabeler();
    const h = (p: string) => heuristicLabeler.label({ prompt: p }).score;
    const s = (p: string) => shipped.label({ prompt: p }).score;
    expect(auc(gsm, s)).toBeGreaterThan(auc(gsm, h) + 0.03);
    expect(auc(mmlu, s)).toBeGreaterThan(auc(mmlu, h) + 0.1);
  });
});
