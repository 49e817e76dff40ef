/**
 * What `tokor eval` prints: per tier pass rate with a 95% Wilson interval,
 * mean score, cost, cost per item, latency p50/p95 and tokens; the same per
 * task and per category; and per task the cheapest tier that clears the
 * quality bar. Pure: results in, an EvalSummary (the --format json contract)
 * or a rendered string out.
 *
 * Conventions:
 * - Items that could not be run (`error` set) are counted in `errors`, not in
 *   `items`, pass rates or costs.
 * - costUsd sums the priced items; items whose model has no price are counted
 *   in `unpriced` and never priced at $0. costUsd is null when none is priced;
 *   costPerItemUsd = costUsd / priced items.
 * - The quality bar: relative (default) → a tier clears when its pass rate is
 *   ≥ bar × the reference tier's pass rate, the reference being the last
 *   (frontier) tier of the ladder that was run; absolute → pass rate ≥ bar.
 *   "Cheapest" is by cost per item; tiers without a price rank by ladder order
 *   after the priced ones.
 */
import { quantile } from '../stats/quantile.js';
import { wilson } from '../stats/interval.js';
import type { BarMode } from '../config/schema.js';
import type { EvalResult } from './types.js';
import { ci, compact, int, mdTable, pct, usd, usdToPicodollar } from '../report/format.js';
import { mdCode, mdText, termSafe } from '../report/escape.js';
import { DEFAULT_WIDTH, fitTable, wrapText, type Column } from '../report/table.js';
import type { Provenance } from '../types.js';

const SUMMARY_SCHEMA_VERSION = 1;

interface TokenTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** One tier over a set of results (all, one task or one category). */
export interface TierStats {
  tier: string;
  model: string;
  /** Items that ran (errors excluded). */
  items: number;
  passed: number;
  passRate: number;
  ci95: [number, number];
  meanScore: number;
  costUsd: number | null;
  costPerItemUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  tokens: TokenTotals;
  errors: number;
  unpriced: number;
  /** Whether the pass rate clears the bar of its group. */
  clearsBar: boolean;
}

interface GroupSummary {
  /** The task (or category) name. */
  name: string;
  tiers: TierStats[];
  /** The pass rate a tier must reach in this group. */
  threshold: number;
  /** The tier the relative bar is measured against. */
  referenceTier: string | undefined;
  /** The cheapest tier whose pass rate clears the bar, or null when none does. */
  cheapestPassing: string | null;
}

export interface EvalSummary {
  schemaVersion: number;
  kind: 'tokor-eval-summary';
  bar: { value: number; mode: BarMode; referenceTier: string | undefined; threshold: number };
  datasets: { id: string; file?: string; items: number }[];
  tiers: TierStats[];
  cheapestPassing: string | null;
  byTask: GroupSummary[];
  byCategory: GroupSummary[];
  run?: RunCounts;
  resultsFile?: string;
  /** synthetic: the results are graded from bundled sample recordings, not measurements of the models. */
  provenance: Provenance;
}

/** Counts of the run that produced the results (from the runner). */
export interface RunCounts {
  total: number;
  done: number;
  errors: number;
  live: number;
  cached: number;
  replayed: number;
  /** Items already finished in the results file (resume). */
  resumed: number;
  unpriced: number;
  retries: number;
  throttled: number;
  spentUsd: number;
  cancelled: number;
  stopped: boolean;
}

export interface SummaryOptions {
  /** Tier names cheapest first (ladder order); tiers not listed follow in order of appearance. */
  tierOrder: string[];
  /** Configured model per tier (used when a tier has no result with a model). */
  models?: Record<string, string>;
  bar?: number;
  barMode?: BarMode;
  datasets?: { id: string; file?: string; items: number }[];
  run?: RunCounts;
  resultsFile?: string;
  /** Set when the results replay the bundled sample recordings. */
  provenance?: Provenance;
}

/**
 * The fields of a result the summary needs (so callers can drop outputs to
 * save memory). Only the keys every results line has are required: lines
 * other tools wrote (docs/results.md) are summarized the same way.
 */
export type SummaryInput = Pick<EvalResult, 'datasetId' | 'itemId' | 'tier' | 'pass' | 'error' | 'task' | 'category'> &
  Partial<Pick<EvalResult, 'model' | 'score' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'costUsd' | 'latencyMs'>>;

export function summarize(results: readonly SummaryInput[], opts: SummaryOptions): EvalSummary {
  const barValue = opts.bar ?? 0.95;
  const mode = opts.barMode ?? 'relative';
  const order = tierOrderOf(results, opts.tierOrder);
  const overall = group('all', results, order, opts.models ?? {}, barValue, mode);
  const byKey = (key: (r: SummaryInput) => string | undefined): GroupSummary[] => {
    const groups = new Map<string, SummaryInput[]>();
    for (const r of results) {
      const k = key(r);
      if (k === undefined) continue;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(r);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, rs]) => group(name, rs, order, opts.models ?? {}, barValue, mode));
  };
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    kind: 'tokor-eval-summary',
    bar: { value: barValue, mode, referenceTier: overall.referenceTier, threshold: overall.threshold },
    datasets: opts.datasets ?? datasetsOf(results),
    tiers: overall.tiers,
    cheapestPassing: overall.cheapestPassing,
    byTask: byKey((r) => r.task ?? r.datasetId),
    byCategory: byKey((r) => r.category),
    ...(opts.run ? { run: opts.run } : {}),
    ...(opts.resultsFile ? { resultsFile: opts.resultsFile } : {}),
    provenance: opts.provenance ?? { synthetic: false },
  };
}

function tierOrderOf(results: readonly SummaryInput[], given: string[]): string[] {
  const seen = new Set(given);
  const order = [...given];
  for (const r of results) {
    if (seen.has(r.tier)) continue;
    seen.add(r.tier);
    order.push(r.tier);
  }
  return order;
}

function datasetsOf(results: readonly SummaryInput[]): { id: string; items: number }[] {
  const items = new Map<string, Set<string>>();
  for (const r of results) {
    let s = items.get(r.datasetId);
    if (!s) items.set(r.datasetId, (s = new Set()));
    s.add(r.itemId);
  }
  return [...items].map(([id, s]) => ({ id, items: s.size }));
}

function group(name: string, results: readonly SummaryInput[], order: string[], models: Record<string, string>, barValue: number, mode: BarMode): GroupSummary {
  const byTier = new Map<string, SummaryInput[]>();
  for (const r of results) {
    let g = byTier.get(r.tier);
    if (!g) byTier.set(r.tier, (g = []));
    g.push(r);
  }
  const tiers = order.filter((t) => byTier.has(t)).map((t) => tierStats(t, byTier.get(t)!, models[t]));
  const withItems = tiers.filter((t) => t.items > 0);
  const reference = withItems[withItems.length - 1];
  const threshold = mode === 'absolute' ? barValue : barValue * (reference?.passRate ?? 0);
  for (const t of tiers) t.clearsBar = t.items > 0 && t.passRate >= threshold - 1e-12;
  const rank = (t: TierStats) => order.indexOf(t.tier);
  const clearing = tiers
    .filter((t) => t.clearsBar)
    .sort((a, b) => {
      if (a.costPerItemUsd !== null && b.costPerItemUsd !== null && a.costPerItemUsd !== b.costPerItemUsd) return a.costPerItemUsd - b.costPerItemUsd;
      if ((a.costPerItemUsd === null) !== (b.costPerItemUsd === null)) return a.costPerItemUsd === null ? 1 : -1;
      return rank(a) - rank(b);
    });
  return { name, tiers, threshold, referenceTier: mode === 'relative' ? reference?.tier : undefined, cheapestPassing: clearing[0]?.tier ?? null };
}

/** Drops float noise from sums of per-item costs (0.000025199999999999996 → 0.0000252). */
function roundUsd(x: number): number {
  return Number(x.toPrecision(12));
}

/** Stats of one tier over its results. */
export function tierStats(tier: string, rs: readonly SummaryInput[], configuredModel?: string): TierStats {
  const ran = rs.filter((r) => !r.error);
  const passed = ran.filter((r) => r.pass).length;
  const priced = ran.filter((r) => typeof r.costUsd === 'number');
  const costUsd = priced.length ? roundUsd(priced.reduce((s, r) => s + (r.costUsd as number), 0)) : null;
  const latencies = ran.map((r) => r.latencyMs).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const models = new Map<string, number>();
  for (const r of ran.length ? ran : rs) if (r.model) models.set(r.model, (models.get(r.model) ?? 0) + 1);
  const model = [...models].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? configuredModel ?? '';
  const tokens: TokenTotals = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  for (const r of ran) {
    tokens.input += r.inputTokens ?? 0;
    tokens.output += r.outputTokens ?? 0;
    tokens.cacheRead += r.cacheReadTokens ?? 0;
    tokens.cacheWrite += r.cacheWriteTokens ?? 0;
  }
  return {
    tier,
    model,
    items: ran.length,
    passed,
    passRate: ran.length ? passed / ran.length : 0,
    ci95: wilson(passed, ran.length, 0.95),
    meanScore: ran.length ? ran.reduce((s, r) => s + (typeof r.score === 'number' ? r.score : r.pass ? 1 : 0), 0) / ran.length : 0,
    costUsd,
    costPerItemUsd: costUsd !== null ? roundUsd(costUsd / priced.length) : null,
    latencyP50Ms: latencies.length ? quantile(latencies, 0.5) : null,
    latencyP95Ms: latencies.length ? quantile(latencies, 0.95) : null,
    tokens,
    errors: rs.length - ran.length,
    unpriced: ran.length - priced.length,
    clearsBar: false,
  };
}

// ---------------------------------------------------------------- rendering

const SUMMARY_FORMATS = ['table', 'json', 'markdown'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export function renderSummary(s: EvalSummary, format: SummaryFormat, opts: { width?: number } = {}): string {
  if (format === 'json') return JSON.stringify(s, usdToPicodollar, 2);
  return format === 'markdown' ? renderMarkdown(s) : renderTable(s, opts.width ?? DEFAULT_WIDTH);
}

/** Said first, next to every figure, when the results are graded from bundled sample recordings. */
function sampleNote(s: Pick<EvalSummary, 'provenance'>): string | undefined {
  const p = s.provenance;
  if (!p?.synthetic) return undefined;
  return `Sample data: every pass rate, cost and latency below is graded from ${p.what ?? 'bundled synthetic recordings'} — not measurements of the models.`;
}

const ms = (x: number | null) => (x === null ? '—' : `${int(Math.round(x))} ms`);
const rate = (t: TierStats) => (t.items ? `${pct(t.passRate)} (${ci(t.ci95[0], t.ci95[1])})` : '—');
const barText = (s: EvalSummary) =>
  s.bar.mode === 'relative'
    ? `bar ${pct(s.bar.value, 0)} of ${s.bar.referenceTier ?? 'the frontier'}'s pass rate`
    : `bar ${pct(s.bar.value, 0)} pass rate (absolute)`;

function tierRows(s: EvalSummary): string[][] {
  return s.tiers.map((t) => [
    t.tier,
    t.model,
    int(t.items),
    rate(t),
    t.items ? t.meanScore.toFixed(3) : '—',
    usd(t.costUsd) + (t.unpriced ? ` (+${int(t.unpriced)} unpriced)` : ''),
    usd(t.costPerItemUsd, 6),
    ms(t.latencyP50Ms),
    ms(t.latencyP95Ms),
    `${compact(t.tokens.input)} / ${compact(t.tokens.output)}` + (t.tokens.cacheRead || t.tokens.cacheWrite ? ` (cache ${compact(t.tokens.cacheRead)}r/${compact(t.tokens.cacheWrite)}w)` : ''),
    t.errors ? int(t.errors) : '',
  ]);
}
const TIER_HEAD = ['tier', 'model', 'items', 'pass rate (95% CI)', 'score', 'cost', 'per item', 'p50', 'p95', 'tokens in/out', 'errors'];
const TIER_RIGHT = [2, 4, 5, 6, 7, 8, 10];
/** Terminal columns of the tier table: which give way first when it is too wide (model IDs have their own lines above it). */
const TIER_COLUMNS: Column[] = [
  { head: 'tier', fit: 'ellipsis', min: 8 },
  { head: 'model', fit: 'model' },
  { head: 'items', align: 'right' },
  { head: 'pass rate (95% CI)', align: 'right' },
  { head: 'score', align: 'right', drop: 3 },
  { head: 'cost', align: 'right' },
  { head: 'per item', align: 'right', drop: 4 },
  { head: 'p50', align: 'right', drop: 2 },
  { head: 'p95', align: 'right', drop: 5 },
  { head: 'tokens in/out', align: 'right', drop: 1 },
  { head: 'errors', align: 'right' },
];

/** With one tier there is no "cheapest tier" to pick: the line and column would only repeat its name. */
function picksTier(tiers: string[]): boolean {
  return tiers.length > 1;
}

/** Per group: its item count once, then each tier's pass rate (✗ below the bar; n only where a tier ran fewer items). */
function groupRows(groups: GroupSummary[], tiers: string[]): string[][] {
  return groups.map((g) => {
    const n = Math.max(0, ...g.tiers.map((t) => t.items));
    return [
      g.name,
      String(n),
      ...tiers.map((name) => {
        const t = g.tiers.find((x) => x.tier === name);
        return t?.items ? `${pct(t.passRate)}${t.clearsBar ? '' : ' ✗'}${t.items !== n ? ` (n=${t.items})` : ''}` : '—';
      }),
      ...(picksTier(tiers) ? [g.cheapestPassing ?? 'none'] : []),
    ];
  });
}

function groupHead(first: string, tiers: string[]): string[] {
  return [first, 'n', ...tiers, ...(picksTier(tiers) ? ['cheapest ≥ bar'] : [])];
}

function groupColumns(first: string, tiers: string[]): Column[] {
  return [
    { head: first, fit: 'ellipsis', min: 14 },
    { head: 'n', align: 'right' },
    ...tiers.map((t): Column => ({ head: t, align: 'right' })),
    ...(picksTier(tiers) ? [{ head: 'cheapest ≥ bar', fit: 'ellipsis', min: 8 } as Column] : []),
  ];
}

function runLine(s: EvalSummary): string | undefined {
  const r = s.run;
  if (!r) return undefined;
  const parts = [`${int(r.done + r.resumed)} of ${int(r.total)} item runs`];
  const how = [r.live && `${int(r.live)} live`, r.cached && `${int(r.cached)} cached`, r.replayed && `${int(r.replayed)} replayed`, r.resumed && `${int(r.resumed)} from the results file`].filter(Boolean);
  if (how.length) parts.push(how.join(', '));
  if (r.errors) parts.push(`${int(r.errors)} could not be run`);
  if (r.retries) parts.push(`${int(r.retries)} retries (${int(r.throttled)} throttled)`);
  if (r.unpriced) parts.push(`${int(r.unpriced)} unpriced`);
  parts.push(`spent ${usd(r.spentUsd)}`);
  if (r.stopped) parts.push(`stopped early: ${r.cancelled} unfinished`);
  return parts.join('; ');
}

function renderTable(s: EvalSummary, width: number): string {
  const tiers = s.tiers.map((t) => t.tier);
  const out: string[] = [];
  const para = (text: string, hanging = '  ') => out.push(...wrapText(termSafe(text), width, hanging));
  const sample = sampleNote(s);
  if (sample) para(`⚠ ${sample}`);
  para(`Datasets: ${s.datasets.map((d) => `${d.id} (${d.items})`).join(', ')}`);
  // The terminal table leaves the (long) model IDs to their own lines.
  for (const t of s.tiers) para(`  ${t.tier.padEnd(10)} ${t.model}`, '             ');
  const anyErrors = s.tiers.some((t) => t.errors);
  const cols = TIER_HEAD.map((_, i) => i).filter((i) => i !== 1 && (anyErrors || i !== TIER_HEAD.length - 1));
  const pickCols = (rows: string[][]) => rows.map((r) => cols.map((i) => r[i]!));
  out.push('', fitTable(cols.map((i) => TIER_COLUMNS[i]!), pickCols(tierRows(s)), { width }));
  if (picksTier(tiers)) {
    out.push('');
    para(`Cheapest tier that clears the ${barText(s)}: ${s.cheapestPassing ?? 'none'}`);
  }
  if (s.byTask.length) out.push('', 'By task (✗ = below the bar)', fitTable(groupColumns('task', tiers), groupRows(s.byTask, tiers), { width }));
  if (s.byCategory.length) out.push('', 'By category', fitTable(groupColumns('category', tiers), groupRows(s.byCategory, tiers), { width }));
  const line = runLine(s);
  if (line) {
    out.push('');
    para(line);
  }
  if (s.resultsFile) para(`Results: ${s.resultsFile}`);
  return out.join('\n');
}

function renderMarkdown(s: EvalSummary): string {
  const tiers = s.tiers.map((t) => t.tier);
  const out: string[] = ['## tokor eval', ''];
  const sample = sampleNote(s);
  if (sample) out.push(`> ⚠️ **${sample}**`, '');
  out.push(`Datasets: ${s.datasets.map((d) => mdCode(d.id)).map((id, i) => `${id} (${s.datasets[i]!.items})`).join(', ')}`, '');
  out.push(mdTable(TIER_HEAD, tierRows(s), TIER_RIGHT), '');
  if (picksTier(tiers)) out.push(`Cheapest tier that clears the ${mdText(barText(s))}: **${mdText(s.cheapestPassing ?? 'none')}**`);
  if (s.byTask.length) out.push('', '### By task', '', mdTable(groupHead('task', tiers), groupRows(s.byTask, tiers), [1]));
  if (s.byCategory.length) out.push('', '### By category', '', mdTable(groupHead('category', tiers), groupRows(s.byCategory, tiers), [1]));
  const line = runLine(s);
  if (line) out.push('', mdText(line));
  return out.join('\n');
}

/** One progress line for the spinner: done/total, running cost, ETA, in flight. */
export function progressText(verb: string, p: { done: number; total: number | undefined; costUsd: number; etaMs: number | undefined; running: number; throttled: number }): string {
  const eta = p.etaMs === undefined ? '' : ` · ETA ${p.etaMs >= 90_000 ? `${Math.ceil(p.etaMs / 60_000)}m` : `${Math.ceil(p.etaMs / 1000)}s`}`;
  return `${verb} ${p.done}/${p.total ?? '?'} · ${usd(p.costUsd, p.costUsd < 1 ? 4 : 2)}${eta} · ${p.running} in flight${p.throttled ? ` · ${p.throttled} throttled` : ''}`;
}
