/**
 * Recognising the JSON the report is built from (the outputs of analyze, eval,
 * calibrate and costs) and summarizing eval results. Pure; the checked readers
 * of these files are in src/artifacts/reportInputs.ts.
 */
import { wilson } from '../../stats/interval.js';
import { quantile } from '../../stats/quantile.js';
import { arr, firstStr, num, obj, str, type Obj } from './read.js';
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

/**
 * Per-tier pass rates (Wilson 95% CI), mean score, cost and latency from
 * results lines, in the shape of the eval summary JSON. Items that could not be
 * run (`error`) are counted apart, not as failures; a repeated item (a resumed
 * run) counts once, the last line wins.
 */
export function summarizeEvalResults(results: Obj[], label?: string): Obj {
  const latest = new Map<string, Obj>();
  for (const r of results) latest.set(JSON.stringify([str(r.datasetId) ?? '', str(r.itemId), str(r.tier)]), r);
  const byTier = new Map<string, Obj[]>();
  const byTask = new Map<string, Obj[]>();
  const datasets = new Set<string>();
  for (const r of latest.values()) {
    const tier = str(r.tier)!;
    if (!byTier.has(tier)) byTier.set(tier, []);
    byTier.get(tier)!.push(r);
    const task = firstStr(r, ['task', 'category', 'datasetId']) ?? '(all)';
    const key = JSON.stringify([task, tier]);
    if (!byTask.has(key)) byTask.set(key, []);
    byTask.get(key)!.push(r);
    const ds = str(r.datasetId);
    if (ds) datasets.add(ds);
  }
  const tiers = [...byTier.entries()].map(([tier, rows]) => tierStats(tier, rows));
  const rank = (t: string) => {
    const i = LADDER_ORDER.indexOf(t);
    return i < 0 ? LADDER_ORDER.length : i;
  };
  tiers.sort((a, b) => {
    const ra = rank(a.tier as string);
    const rb = rank(b.tier as string);
    if (ra !== rb) return ra - rb;
    const ca = num(a.costPerItemUsd) ?? Number.POSITIVE_INFINITY;
    const cb = num(b.costPerItemUsd) ?? Number.POSITIVE_INFINITY;
    return ca - cb;
  });
  const tierIndex = new Map(tiers.map((t, i) => [t.tier as string, i]));
  const taskRows = [...byTask.entries()]
    .map(([key, rows]) => {
      const [task, tier] = JSON.parse(key) as [string, string];
      const s = tierStats(tier, rows);
      return { task, tier, items: s.items, passed: s.passed, passRate: s.passRate, ci95: s.ci95, costUsd: s.costUsd };
    })
    .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : (tierIndex.get(a.tier) ?? 0) - (tierIndex.get(b.tier) ?? 0)));
  const sample = [...latest.values()].some((r) => isSampleResult(r));
  return {
    schemaVersion: 1,
    kind: 'tokor-eval-summary',
    label: label ?? 'results',
    computedFrom: 'results',
    provenance: sample ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false },
    datasets: [...datasets].sort().map((id) => ({ id })),
    tiers,
    byTask: taskRows,
  };
}

function tierStats(tier: string, rows: Obj[]): Obj & { tier: string } {
  const ran = rows.filter((r) => !str(r.error));
  const errors = rows.length - ran.length;
  const passed = ran.filter((r) => r.pass === true).length;
  const scores = ran.map((r) => num(r.score)).filter((n): n is number => n !== undefined);
  const costs = ran.map((r) => num(r.costUsd));
  const priced = costs.filter((n): n is number => n !== undefined);
  const costUsd = priced.reduce((a, b) => a + b, 0);
  const lat = ran.map((r) => num(r.latencyMs)).filter((n): n is number => n !== undefined);
  const models = [...new Set(rows.map((r) => str(r.model)).filter((m): m is string => Boolean(m)))];
  const items = ran.length;
  return {
    tier,
    model: models.join(', '),
    items,
    passed,
    passRate: items > 0 ? passed / items : null,
    ci95: wilson(passed, items),
    meanScore: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    costUsd: priced.length > 0 ? costUsd : null,
    costPerItemUsd: priced.length > 0 ? costUsd / priced.length : null,
    latencyP50Ms: lat.length > 0 ? quantile(lat, 0.5) : null,
    latencyP95Ms: lat.length > 0 ? quantile(lat, 0.95) : null,
    errors,
    unpriced: costs.length - priced.length,
  };
}
