/**
 * Reads eval results (the results JSONL contract, src/eval/types.ts) of two or
 * more tiers on one dataset and joins them by item: the table every routing
 * simulation runs on. Costs come from `costUsd`, else are priced from the
 * tokens with the catalog (never silently $0 for an unknown model).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { isSampleResult } from '../types.js';
import type { TierConfig } from '../config/schema.js';
import type { GoldenCase, GoldenDataset, NamedGradeResult } from '../eval/types.js';
import type { ResultLine } from '../artifacts/results.js';
import { costOf, moneyToUsd, resolvePrice, type Catalog } from '../pricing/index.js';
import { counted } from '../report/format.js';

/** One tier's outcome on one item. */
interface TierOutcome {
  pass: boolean;
  score: number;
  costUsd: number;
  /** The tier's latency on the item (ms); absent when the result has none (missing or 0: never measured). */
  latencyMs?: number;
  /** The confidence signal (the results field named by confidenceField, default `confidence`). */
  confidence?: number;
  graders: NamedGradeResult[];
}

/** One item with every tier's outcome. */
export interface ItemOutcomes {
  itemId: string;
  task?: string;
  category?: string;
  /** The prompt (last user turn) from the dataset, for the router's features. */
  prompt?: string;
  /** System prompt and number of turns, when the dataset has them. */
  system?: string;
  turns?: number;
  byTier: Record<string, TierOutcome>;
}

/** Results of ≥ 2 tiers on one dataset, joined by item. */
export interface ResultsTable {
  datasetId: string;
  /** Cheapest first; the last is the frontier. */
  tiers: string[];
  items: ItemOutcomes[];
  /** sha256 of each results file read, in the order given. */
  sha256: string[];
  /** The model of each tier (from the results, else the ladder). */
  models?: Record<string, string>;
  /** What the reader decided or dropped: excluded items, ordering, ignored tiers. */
  notes?: string[];
  /** Items left out because a tier errored on them. */
  excludedErrors?: number;
  /** sha256 of the dataset file, when one was joined. */
  datasetSha256?: string;
  /** Result lines graded from bundled sample recordings (isSampleResult): the figures are sample data. */
  sampleResults?: number;
}

export interface LoadResultsOptions {
  /** The ladder (config tiers): orders tiers, gives models and priceAs for pricing. */
  tiers: TierConfig[];
  catalog: Catalog;
  /** The dataset: prompts, task and category for the router; its id must match. */
  dataset?: GoldenDataset;
  /** The results field holding the confidence signal (default `confidence`). */
  confidenceField?: string;
}

/** One parsed results line. */
export interface RawResult {
  itemId: string;
  tier: string;
  datasetId: string;
  model?: string;
  outcome: TierOutcome;
  error?: string;
  task?: string;
  category?: string;
  where: string;
  /** Graded from bundled sample recordings. */
  sample?: boolean;
}

/**
 * Collects checked result lines (streamed from files by src/app, or handed
 * over in memory) into costed raws; a later line for the same (dataset, tier,
 * item) supersedes an earlier one (a re-run appended to the same file).
 */
export class ResultRaws {
  readonly raws: RawResult[] = [];
  private readonly field: string;
  private readonly pricer: CostResolver;
  private readonly seen = new Map<string, number>();
  private duplicates = 0;

  constructor(opts: Pick<LoadResultsOptions, 'tiers' | 'catalog' | 'confidenceField'>) {
    this.field = opts.confidenceField ?? 'confidence';
    this.pricer = makeCostResolver(opts);
  }

  add(result: ResultLine, where: string): void {
    const r = rawResult(result, where, this.field, this.pricer);
    const key = `${r.datasetId}\u0000${r.tier}\u0000${r.itemId}`;
    const prev = this.seen.get(key);
    if (prev !== undefined) {
      this.raws[prev] = r;
      this.duplicates++;
    } else {
      this.seen.set(key, this.raws.length);
      this.raws.push(r);
    }
  }

  /** What the reader decided: duplicate lines superseded. */
  notes(): string[] {
    return this.duplicates ? [`${counted(this.duplicates, 'duplicate result line')} (same item and tier): the later line was used`] : [];
  }
}

/**
 * The raws grouped by dataset, in first-seen order. Several datasets merge
 * only when each has the same tiers; otherwise they are a mix-up (InputError).
 */
export function groupByDataset(raws: readonly RawResult[]): Map<string, RawResult[]> {
  const groups = new Map<string, RawResult[]>();
  for (const r of raws) {
    let g = groups.get(r.datasetId);
    if (!g) groups.set(r.datasetId, (g = []));
    g.push(r);
  }
  if (groups.size > 1) {
    // Several datasets merge only when each has the same tiers; otherwise they are a mix-up.
    const tierSets = [...groups].map(([id, g]) => [id, [...new Set(g.map((r) => r.tier))].sort()] as const);
    const first = tierSets[0]![1].join(',');
    if (tierSets.some(([, t]) => t.length < 2 || t.join(',') !== first)) {
      const list = tierSets.map(([id, t]) => `"${id}" has tier${t.length > 1 ? 's' : ''} ${t.join(', ')}`).join('; ');
      throw new InputError(`results are for different datasets: ${list}. Every tier must be evaluated on the same dataset`);
    }
  }
  return groups;
}

/**
 * Raws of one or several datasets (e.g. one `tokor eval` run over every
 * bundled dataset) joined per dataset — each with its golden dataset from
 * `datasets`, when known — and merged into one table (item IDs
 * "<dataset>/<item>", datasetId "a+b"). Throws InputError for results of
 * different datasets whose tiers differ, item IDs that differ between tiers,
 * a tier with no usable results and fewer than two tiers.
 */
export function joinResultsByDataset(
  raws: readonly RawResult[],
  opts: Omit<LoadResultsOptions, 'dataset'> & { datasets: ReadonlyMap<string, GoldenDataset | undefined>; sha256: string[]; notes: string[]; files: string[] },
): ResultsTable {
  const groups = groupByDataset(raws);
  const tables: ResultsTable[] = [];
  for (const [id, group] of groups) {
    const dataset = opts.datasets.get(id);
    tables.push(joinResults(group, { tiers: opts.tiers, catalog: opts.catalog, ...(dataset ? { dataset } : {}), sha256: [], notes: [], files: opts.files }));
  }
  const merged = mergeResultsTables(tables);
  const sampleResults = raws.filter((r) => r.sample).length;
  return { ...merged, sha256: opts.sha256, notes: [...opts.notes, ...(merged.notes ?? [])], ...(sampleResults ? { sampleResults } : {}) };
}

type CostResolver = (r: ResultLine, where: string) => number;

/** costUsd when present, else tokens × the catalog price of the tier's priceAs / the result's model / the tier's model. */
function makeCostResolver(opts: Pick<LoadResultsOptions, 'tiers' | 'catalog'>): CostResolver {
  const byName = new Map(opts.tiers.map((t) => [t.name, t]));
  const memo = new Map<string, ReturnType<typeof resolvePrice>>();
  return (r, where) => {
    if (typeof r.costUsd === 'number') return r.costUsd;
    const t = byName.get(r.tier);
    const candidates = [t?.priceAs, r.model, t?.model].filter((m): m is string => Boolean(m));
    if (r.inputTokens === undefined && r.outputTokens === undefined) {
      throw new InputError('costUsd: missing, and no token counts to price the result with; give costUsd (USD) or inputTokens and outputTokens', where);
    }
    const tokens = { input: r.inputTokens ?? 0, output: r.outputTokens ?? 0, cacheRead: r.cacheReadTokens ?? 0, cacheWrite: r.cacheWriteTokens ?? 0 };
    for (const m of candidates) {
      const k = `${m}\u0000${t?.region ?? ''}`;
      if (!memo.has(k)) memo.set(k, resolvePrice(opts.catalog, m, t?.region));
      const hit = memo.get(k);
      if (hit) return moneyToUsd(costOf(tokens, hit.price, { promptTokens: tokens.input + tokens.cacheRead + tokens.cacheWrite }));
    }
    throw new InputError(
      `costUsd: ${r.costUsd === null ? 'null' : 'missing'} and model "${candidates[0] ?? '(none)'}" has no price in the catalog; add it to a catalog file (config \`catalog\`) or map it (\`modelMap\`)`,
      where,
    );
  };
}

/** A checked results line as the join needs it. */
function rawResult(o: ResultLine, where: string, field: string, cost: CostResolver): RawResult {
  const error = o.error ? o.error : undefined;
  const outcome: TierOutcome = {
    pass: o.pass && !error,
    score: o.score ?? (o.pass ? 1 : 0),
    costUsd: error ? 0 : cost(o, where),
    graders: (o.graders ?? []).map((g) => ({ grader: g.grader, pass: g.pass, score: g.score, reason: g.reason ?? '' })),
  };
  const conf = o[field];
  if (typeof conf === 'number') outcome.confidence = conf;
  if (typeof o.latencyMs === 'number' && o.latencyMs > 0) outcome.latencyMs = o.latencyMs;
  const r: RawResult = { itemId: o.itemId, tier: o.tier, datasetId: o.datasetId, outcome, where };
  if (o.model !== undefined) r.model = o.model;
  if (error) r.error = error;
  if (o.task !== undefined) r.task = o.task;
  if (o.category !== undefined) r.category = o.category;
  if (isSampleResult(o)) r.sample = true;
  return r;
}

/** A few examples for messages: "a, b, c (and 9 more)". */
function examples(ids: readonly string[], max = 3): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} … (${ids.length - max} more)` : shown;
}

/**
 * Joins parsed result lines into a table. Exported for adapters (CSV) and
 * tests; `files` name the inputs in messages.
 */
export function joinResults(
  raws: RawResult[],
  opts: LoadResultsOptions & { sha256: string[]; notes: string[]; files: string[] },
): ResultsTable {
  const notes = opts.notes;
  const datasets = new Map<string, string>();
  for (const r of raws) if (!datasets.has(r.datasetId)) datasets.set(r.datasetId, r.where);
  if (datasets.size > 1) {
    const list = [...datasets].map(([id, where]) => `"${id}" (${where})`).join(', ');
    throw new InputError(`results are for different datasets: ${list}; calibrate one dataset at a time`);
  }
  const datasetId = [...datasets.keys()][0]!;
  if (opts.dataset && opts.dataset.id !== datasetId) {
    throw new InputError(`results are for dataset "${datasetId}" but --dataset is "${opts.dataset.id}"`, opts.dataset.file);
  }

  // Group by tier.
  const byTier = new Map<string, Map<string, RawResult>>();
  for (const r of raws) {
    let m = byTier.get(r.tier);
    if (!m) byTier.set(r.tier, (m = new Map()));
    m.set(r.itemId, r);
  }
  const ladder = opts.tiers.map((t) => t.name);
  const tiers = [...byTier.keys()];
  if (tiers.length < 2) {
    throw new InputError(`calibrate needs results for at least two tiers; ${opts.files.join(', ')} only have tier "${tiers[0]}"`);
  }

  // Tiers where every item errored have no results.
  for (const t of tiers) {
    const rs = [...byTier.get(t)!.values()];
    if (rs.every((r) => r.error)) throw new InputError(`tier "${t}" has no usable results: all ${rs.length} of its items errored (first: ${rs[0]!.where}: ${rs[0]!.error})`);
  }

  // Item IDs must be the same for every tier.
  const union = new Set<string>();
  for (const m of byTier.values()) for (const id of m.keys()) union.add(id);
  const problems: string[] = [];
  for (const t of tiers) {
    const m = byTier.get(t)!;
    const missing = [...union].filter((id) => !m.has(id));
    if (missing.length) problems.push(`${missing.length} item(s) have no result for tier "${t}" (e.g. ${examples(missing)})`);
  }
  if (problems.length) throw new InputError(`item IDs differ between tiers: ${problems.join('; ')}. Run every tier on the same items (\`tokor eval --tier all\`)`);

  // Order tiers: by the ladder when it names them all, else by mean cost.
  const meanCost = (t: string): number => {
    const rs = [...byTier.get(t)!.values()].filter((r) => !r.error);
    return rs.reduce((s, r) => s + r.outcome.costUsd, 0) / Math.max(1, rs.length);
  };
  if (tiers.every((t) => ladder.includes(t))) {
    tiers.sort((a, b) => ladder.indexOf(a) - ladder.indexOf(b));
    const absent = ladder.filter((t) => !tiers.includes(t));
    if (absent.length) notes.push(`ladder tier(s) ${absent.map((t) => `"${t}"`).join(', ')} have no results: routing over ${tiers.join(' → ')} (the last is the reference frontier)`);
  } else {
    const costs = new Map(tiers.map((t) => [t, meanCost(t)]));
    tiers.sort((a, b) => costs.get(a)! - costs.get(b)! || a.localeCompare(b));
    notes.push(`tiers ${tiers.map((t) => `"${t}"`).join(', ')} are not all in the ladder: ordered by mean cost per item`);
  }

  // Dataset join.
  const cases = new Map<string, GoldenCase>(opts.dataset?.cases.map((c) => [c.id, c]) ?? []);
  if (opts.dataset) {
    const unknown = [...union].filter((id) => !cases.has(id));
    if (unknown.length) throw new InputError(`${unknown.length} result item(s) are not in the dataset (e.g. ${examples(unknown)})`, opts.dataset.file);
    const without = opts.dataset.cases.length - union.size;
    if (without > 0) notes.push(`${without} dataset item(s) have no results and are left out`);
  }

  // Items that errored on any tier are excluded (the comparison must be paired).
  const errorsByTier = new Map<string, number>();
  const items: ItemOutcomes[] = [];
  const first = byTier.get(tiers[0]!)!;
  for (const id of first.keys()) {
    const rows = tiers.map((t) => byTier.get(t)!.get(id)!);
    const errored = rows.filter((r) => r.error);
    if (errored.length) {
      for (const r of errored) errorsByTier.set(r.tier, (errorsByTier.get(r.tier) ?? 0) + 1);
      continue;
    }
    const item: ItemOutcomes = { itemId: id, byTier: {} };
    for (const r of rows) item.byTier[r.tier] = r.outcome;
    const c = cases.get(id);
    const task = c?.task ?? rows.find((r) => r.task)?.task;
    const category = c?.category ?? rows.find((r) => r.category)?.category;
    if (task) item.task = task;
    if (category) item.category = category;
    if (c) Object.assign(item, inputOf(c));
    items.push(item);
  }
  const excluded = first.size - items.length;
  if (excluded) {
    const per = [...errorsByTier].map(([t, k]) => `${t}: ${k}`).join(', ');
    notes.push(`${excluded} item(s) excluded because a tier errored on them (${per})`);
  }
  if (items.length === 0) throw new InputError('no item has a usable result on every tier (all errored)');

  const models: Record<string, string> = {};
  for (const t of tiers) {
    const counts = new Map<string, number>();
    for (const r of byTier.get(t)!.values()) if (r.model) counts.set(r.model, (counts.get(r.model) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? opts.tiers.find((x) => x.name === t)?.model;
    if (top) models[t] = top;
  }
  const table: ResultsTable = { datasetId, tiers, items, sha256: opts.sha256, models, notes, excludedErrors: excluded };
  if (opts.dataset) table.datasetSha256 = opts.dataset.sha256;
  return table;
}

/** What the router sees of a golden case: the last user turn, the system prompt, the number of turns. */
function inputOf(c: GoldenCase): { prompt?: string; system?: string; turns?: number } {
  const users = c.input.messages.filter((m) => m.role === 'user');
  const out: { prompt?: string; system?: string; turns?: number } = { turns: c.input.messages.length };
  const last = users[users.length - 1];
  if (last) out.prompt = last.content;
  if (c.input.system) out.system = c.input.system;
  return out;
}

/** Tables of several datasets as one: item IDs become "<dataset>/<item>", datasetId "a+b+c" (as `tokor gate` merges them). */
function mergeResultsTables(tables: ResultsTable[]): ResultsTable {
  if (tables.length === 1) return tables[0]!;
  const tiers = tables[0]!.tiers;
  for (const t of tables) {
    if (t.tiers.join('\u0000') !== tiers.join('\u0000')) {
      throw new InputError(`datasets "${tables[0]!.datasetId}" and "${t.datasetId}" have results for different tiers (${tiers.join(', ')} vs ${t.tiers.join(', ')})`);
    }
  }
  const items = tables.flatMap((t) => t.items.map((i) => ({ ...i, itemId: `${t.datasetId}/${i.itemId}` })));
  const notes = tables.flatMap((t) => (t.notes ?? []).map((n) => `${t.datasetId}: ${n}`));
  const models = Object.assign({}, ...tables.map((t) => t.models ?? {})) as Record<string, string>;
  const shas = tables.map((t) => t.datasetSha256).filter((s): s is string => Boolean(s));
  const merged: ResultsTable = {
    datasetId: tables.map((t) => t.datasetId).join('+'),
    tiers: [...tiers],
    items,
    sha256: tables.flatMap((t) => t.sha256),
    models,
    notes,
    excludedErrors: tables.reduce((s, t) => s + (t.excludedErrors ?? 0), 0),
  };
  if (shas.length === tables.length) merged.datasetSha256 = createHash('sha256').update(shas.join('\n')).digest('hex');
  return merged;
}

/** The subset of a table's items at the given indexes (holdout splits). */
export function subsetTable(table: ResultsTable, indexes: readonly number[]): ResultsTable {
  return { ...table, items: indexes.map((i) => table.items[i]!) };
}
