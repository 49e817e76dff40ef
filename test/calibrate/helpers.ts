/** Small builders for calibrate tests: results tables and outcome matrices from pass patterns. */
import type { NamedGradeResult } from '../../src/eval/types.js';
import type { ItemOutcomes, ResultsTable } from '../../src/calibrate/results.js';
import type { OutcomeMatrix } from '../../src/calibrate/sweep.js';

/** A matrix from rows of "10" pass strings (one char per tier) and per-tier costs. */
export function matrix(rows: string[], costs: number[]): OutcomeMatrix {
  const k = costs.length;
  const n = rows.length;
  const pass = new Uint8Array(n * k);
  const cost = new Float64Array(n * k);
  rows.forEach((r, i) => {
    for (let t = 0; t < k; t++) {
      pass[i * k + t] = r[t] === '1' ? 1 : 0;
      cost[i * k + t] = costs[t]!;
    }
  });
  return { n, k, pass, cost };
}

export interface ItemSpec {
  id?: string;
  pass: string;
  /** Per-tier gate grader scores (cascade). */
  gate?: number[];
  /** Per-tier confidence. */
  confidence?: number[];
  prompt?: string;
  category?: string;
}

/** A results table over tiers with fixed per-tier costs. */
export function table(specs: ItemSpec[], tiers: string[], costs: number[], gateName = 'valid-json'): ResultsTable {
  const items: ItemOutcomes[] = specs.map((s, i) => {
    const byTier: ItemOutcomes['byTier'] = {};
    tiers.forEach((t, j) => {
      const pass = s.pass[j] === '1';
      const graders: NamedGradeResult[] = s.gate ? [{ grader: gateName, pass: s.gate[j]! >= 1, score: s.gate[j]!, reason: '' }] : [];
      byTier[t] = { pass, score: pass ? 1 : 0, costUsd: costs[j]!, graders, ...(s.confidence ? { confidence: s.confidence[j]! } : {}) };
    });
    const item: ItemOutcomes = { itemId: s.id ?? `item-${i}`, byTier };
    if (s.prompt !== undefined) item.prompt = s.prompt;
    if (s.category !== undefined) item.category = s.category;
    return item;
  });
  return { datasetId: 'ds', tiers: [...tiers], items, sha256: ['0'.repeat(64)], models: Object.fromEntries(tiers.map((t) => [t, `${t}-model`])) };
}
