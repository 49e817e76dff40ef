/**
 * Recognising the JSON the report is built from (the outputs of analyze, eval,
 * calibrate and costs) and summarizing eval results. Pure; the checked readers
 * of these files are in src/artifacts/reportInputs.ts.
 */
import type { EvalSummaryJson } from '../../artifacts/evalSummary.js';
import type { ResultLine } from '../../artifacts/results.js';
import { resultKey } from '../../eval/results.js';
import { summarize, tierStats, type SummaryInput } from '../../eval/summary.js';
import { arr, obj, str } from './read.js';
import { isSampleResult, SAMPLE_RECORDINGS_WHAT } from '../../types.js';

export type InputKind = 'analyze' | 'eval-summary' | 'eval-result' | 'calibrate' | 'calibrate-apply' | 'costs' | 'policy';

export const KIND_NAMES: Record<InputKind, string> = {
  analyze: 'tokor analyze JSON',
  'eval-summary': 'tokor eval summary JSON',
  'eval-result': 'tokor eval results JSONL line',
  calibrate: 'tokor calibrate JSON',
  'calibrate-apply': 'tokor calibrate --apply JSON',
  costs: 'tokor costs JSON',
  policy: 'tokor policy file',
};

/** What a parsed JSON value looks like, by its keys. */
export function detectKind(v: unknown): InputKind | undefined {
  const o = obj(v);
  if (!o) return undefined;
  switch (o.kind) {
    case 'tokor-policy':
      return 'policy';
    case 'tokor-analyze':
      return 'analyze';
    case 'tokor-eval-summary':
      return 'eval-summary';
    case 'tokor-costs':
      return 'costs';
    case 'calibrate':
      return 'calibrate';
    case 'apply':
      return 'calibrate-apply';
  }
  if (obj(o.distribution) && obj(o.cost)) return 'analyze';
  if (obj(o.bedrock)) return 'costs';
  const tiers = arr(o.tiers);
  if (tiers.length > 0 && tiers.every((t) => obj(t) && str(obj(t)!.tier) !== undefined && ('passRate' in obj(t)! || 'passed' in obj(t)!))) return 'eval-summary';
  if (Array.isArray(o.tiers) && o.tiers.length === 0 && 'byTask' in o) return 'eval-summary';
  if (str(o.tier) !== undefined && typeof o.pass === 'boolean' && str(o.itemId) !== undefined) return 'eval-result';
  return undefined;
}

const LADDER_ORDER = ['cheap', 'mid', 'frontier'];

/** An eval summary as the report shows it: eval's own (`tokor eval --format json`), or one computed from results lines. */
export type EvalInput = EvalSummaryJson & {
  /** The file(s) it was read from. */
  label?: string;
  /** Set when tokor report computed it from results lines. */
  computedFrom?: 'results';
};

/** The keys of a results line the summary reads. */
type SummaryLine = SummaryInput & Pick<ResultLine, 'source'> & { sampleData?: unknown };

/**
 * The eval summary of results lines, computed as `tokor eval` computes it
 * (src/eval/summary.ts `summarize`, at eval's default bar): items that could
 * not be run are counted apart, not as failures; a repeated item (a resumed
 * run) counts once, the last line wins. Tiers are in ladder order (cheap,
 * mid, frontier), other names after them by cost per item.
 */
export function summarizeEvalResults(results: readonly SummaryLine[], label?: string): EvalInput {
  const latest = new Map<string, SummaryLine>();
  for (const r of results) latest.set(resultKey(r), r);
  const rows = [...latest.values()];
  const byTier = new Map<string, SummaryInput[]>();
  for (const r of rows) {
    let g = byTier.get(r.tier);
    if (!g) byTier.set(r.tier, (g = []));
    g.push(r);
  }
  const rank = (t: string) => {
    const i = LADDER_ORDER.indexOf(t);
    return i < 0 ? LADDER_ORDER.length : i;
  };
  const perItem = new Map([...byTier].map(([tier, rs]) => [tier, tierStats(tier, rs).costPerItemUsd ?? Number.POSITIVE_INFINITY]));
  const tierOrder = [...byTier.keys()].sort((a, b) => rank(a) - rank(b) || perItem.get(a)! - perItem.get(b)!);
  const sample = rows.some((r) => isSampleResult(r));
  const summary = summarize(rows, { tierOrder, provenance: sample ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false } });
  // Datasets by name: a results file has no configured order.
  const datasets = [...summary.datasets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...summary, datasets, label: label ?? 'results', computedFrom: 'results' };
}
