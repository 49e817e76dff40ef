/**
 * The bill section: billed spend (tokor costs) and billed vs log-explained
 * spend (analyze's reconciliation). Pure; reads the typed contracts of
 * src/artifacts/costsReport.ts, never guesses field names.
 */
import { billedVsExplainedSpec, periodSpec, spendBarsSpec, type PairedBar } from '../charts.js';
import { fmtCount, fmtShare, fmtUsd } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { callout, figure, kpis, section, table, type Cell } from '../page.js';
import type { AnalyzeReconciliation, CostsReport } from '../../../artifacts/costsReport.js';
import type { Obj } from '../read.js';
import type { AnalyzeReportJson } from '../../../artifacts/analyzeReport.js';
import { objectTable, rowsTable, topWithRest, uniqueNames } from './common.js';
import { type CostsView, type ModelSpend, costsView } from '../../../costs/view.js';
import type { RenderContext } from './context.js';
import { classLabel } from '../../../costs/render.js';

/** What the reconciliation figure shows: analyze's reconciliation, or the two totals when only both reports were given. */
export interface ReconciliationView {
  billed: number;
  explained: number;
  coverage: number;
  rows: { name: string; billed: number; explained: number; row: Obj }[];
  /** Further amounts: [label, value, kind]. */
  extra: [string, number, 'usd' | 'share' | 'count'][];
  /** The routing ceiling in billed dollars, when analyze stated it, and whether it is headlined (coverage at or above the threshold). */
  ceilingUsd?: number;
  ceilingHeadlined?: boolean;
  ceilingNote?: string;
  /** The compared days and the bill's source, when analyze stated them. */
  window?: string;
  source?: string;
  computed: boolean;
  notes: string[];
  byTokenKind: AnalyzeReconciliation['byTokenKind'];
  /** What the bill covers, for the reading: "Bedrock spend", or "LLM spend (anthropic + openai)" for other providers' bills. */
  billedWhat: string;
}

/** The billed spend's name: Bedrock when the bill is AWS's only, else the providers it has. */
function billedWhatOf(providers: readonly string[]): string {
  return providers.length === 0 || providers.every((p) => p === 'aws') ? 'Bedrock spend' : `LLM spend (${providers.join(' + ')})`;
}

/**
 * Billed vs explained from analyze's typed `reconciliation`, or, when only the
 * two reports are given, from costs' billed total (every provider) and analyze's actual cost.
 */
export function readReconciliation(rec: AnalyzeReconciliation | undefined, analyze: AnalyzeReportJson | undefined, costs: CostsReport | undefined): ReconciliationView | undefined {
  if (rec) {
    const c = rec.billedCeiling;
    return {
      billed: rec.billedUsd,
      explained: rec.explainedUsd,
      coverage: rec.coverage ?? 0,
      rows: rec.byModel.map((m) => ({ name: m.modelKey, billed: m.billedUsd, explained: m.loggedUsd, row: m })),
      extra: [
        ['Logged (after sampling)', rec.loggedUsd, 'usd'],
        ['Unexplained', rec.unexplainedUsd, 'usd'],
        ['Logged but not billed', rec.overExplainedUsd, 'usd'],
        ['Billed with no model', rec.unattributedUsd, 'usd'],
        ['Sample rate', rec.sampleRate, 'share'],
        [rec.window.logsTrimmed ? 'Log days the bill does not cover (left out)' : 'Log days the bill does not cover', rec.window.logDaysOutsideBill, 'count'],
        ['Billed days the logs do not cover (left out)', rec.window.billedDaysDropped, 'count'],
        ['Billed on models the logs cover', c.coveredBilledUsd, 'usd'],
        ['Routing ceiling, billed dollars', c.savingsCeilingUsd, 'usd'],
      ],
      ceilingUsd: c.savingsCeilingUsd,
      ceilingHeadlined: c.headlined,
      window: `${rec.period.start} → ${rec.period.end}`,
      source: rec.source,
      ...(c.notHeadlinedBecause ? { ceilingNote: c.notHeadlinedBecause } : {}),
      computed: false,
      notes: rec.notes,
      byTokenKind: rec.byTokenKind,
      billedWhat: billedWhatOf(rec.byProvider?.map((p) => p.provider) ?? []),
    };
  }
  const view = costs ? costsView(costs) : undefined;
  const explained = analyze?.cost.actual;
  if (view === undefined || explained === undefined) return undefined;
  const billed = view.totalUsd;
  return { billed, explained, coverage: billed > 0 ? explained / billed : 0, rows: [], extra: [], computed: true, notes: [], byTokenKind: [], billedWhat: billedWhatOf(view.providers.map((p) => p.provider)) };
}

function reconciliationReading(r: ReconciliationView): string {
  if (r.coverage > 1.005) {
    return `The logs price ${fmtUsd(r.explained)}, ${fmtShare(r.coverage, 0)} of the ${fmtUsd(r.billed)} billed: more than the bill — check catalog prices, credits and that both cover the same period.`;
  }
  const inBill =
    r.ceilingUsd === undefined || r.billed <= 0
      ? ''
      : r.ceilingHeadlined === false
        ? `; the billed-dollar routing ceiling is not headlined: ${r.ceilingNote ?? 'coverage too low'}`
        : `; in billed dollars, the routing ceiling is worth up to ${fmtUsd(r.ceilingUsd)} (${fmtShare(r.ceilingUsd / r.billed, 0)} of the bill)`;
  return `The logs explain ${fmtShare(r.coverage, 0)} of billed ${r.billedWhat} (${fmtUsd(r.explained)} of ${fmtUsd(r.billed)}); ${fmtUsd(Math.max(0, r.billed - r.explained))} is unexplained${inBill}.`;
}

async function reconciliationFigure(r: ReconciliationView, analyze: AnalyzeReportJson | undefined, costs: CostsReport | undefined, ctx: RenderContext): Promise<SafeHtml> {
  const top = [...r.rows].sort((a, b) => Math.max(b.billed, b.explained) - Math.max(a.billed, a.explained)).slice(0, 10);
  const named = uniqueNames(top.length ? top : [{ name: 'Bedrock total', billed: r.billed, explained: r.explained, row: {} }]);
  const bars: PairedBar[] = named.flatMap((m, i) => [
    { name: m.name, series: 'Billed' as const, value: m.billed, order: i },
    { name: m.name, series: 'Explained by logs' as const, value: m.explained, order: i },
  ]);
  const rows: Cell[][] = [
    ['Billed', fmtUsd(r.billed)],
    ['Explained by logs', fmtUsd(r.explained)],
    ['Coverage', fmtShare(r.coverage)],
    ...(r.window ? [['Compared days (end exclusive)', r.window] as Cell[]] : []),
    ...(r.source ? [['Bill', r.source] as Cell[]] : []),
    ...r.extra.map(([k, v, kind]) => [k, kind === 'usd' ? fmtUsd(v) : kind === 'share' ? fmtShare(v) : fmtCount(v)] as Cell[]),
  ];
  const notes: string[] = [...r.notes];
  if (r.computed) {
    const per = analyze?.period;
    const logs = per ? `${per.start || '?'} → ${per.end || '?'}` : 'unknown period';
    const bill = costs ? `${costs.period.start} → ${costs.period.end}` : 'unknown period';
    notes.push(`Computed by tokor report from the two inputs (logs ${logs}, bill ${bill}); run \`tokor analyze --cost-explorer\` for a per-model reconciliation with likely causes.`);
  }
  return figure({
    id: 'fig-reconciliation',
    title: 'Billed vs explained spend',
    reading: reconciliationReading(r),
    chart: await ctx.chart('reconciliation', billedVsExplainedSpec(bars)),
    table: html`${table([{ label: 'Amount' }, { label: 'Value', num: true }], rows)}${
      r.rows.length ? objectTable(r.rows.map((x) => x.row), { prefer: ['modelKey', 'modelName', 'billedUsd', 'loggedUsd', 'deltaUsd', 'coverage', 'likelyCauses'], caption: 'By model', maxRows: 15 }) : ''
    }${r.byTokenKind.length ? objectTable(r.byTokenKind, { prefer: ['tokenKind', 'billedUsd', 'loggedUsd', 'deltaUsd'], caption: 'By token kind' }) : ''}`,
    notes,
    wide: r.rows.length > 0,
  });
}

/** A model's row in the by-model table: its name where the bill gives one, its key, spend per token class, total. */
function modelRow(m: ModelSpend, withProvider: boolean): Obj {
  return {
    ...(withProvider ? { provider: m.provider } : {}),
    ...(m.name !== m.model ? { modelName: m.name } : {}),
    model: m.model,
    ...Object.fromEntries(Object.entries(m.byTokenClass).map(([k, v]) => [`${k}Usd`, v])),
    totalUsd: m.usd,
  };
}

interface NamedAmount {
  name: string;
  usd: number;
  row: Obj;
}

/** The by-model table's columns, as the text table has them: provider (several providers), the bill's name, the key, every token class billed, the total. */
function modelColumns(view: CostsView): string[] {
  return [
    ...(view.multiProvider ? ['provider'] : []),
    ...(view.models.some((m) => m.name !== m.model) ? ['modelName'] : []),
    'model',
    ...view.tokenClasses.map((k) => `${k}Usd`),
    'totalUsd',
  ];
}

async function barsFigure(
  id: string,
  title: string,
  rows: NamedAmount[],
  prefer: string[],
  total: number,
  what: string,
  ctx: RenderContext,
  /** columns: exactly these, in this order, headed by labels where given (else the preferred keys, then others, up to 7). */
  opts: { color?: string; wide?: boolean; columns?: string[]; labels?: Record<string, string> } = {},
): Promise<SafeHtml | undefined> {
  if (rows.length === 0) return undefined;
  const sorted = [...rows].sort((a, b) => b.usd - a.usd);
  const first = sorted[0]!;
  const bars = uniqueNames(topWithRest(rows, 12, (n) => `${n} others`));
  return figure({
    id,
    title,
    reading: total > 0 ? `${first.name} is ${fmtShare(first.usd / total, 0)} of billed ${what} spend (${fmtUsd(first.usd)} of ${fmtUsd(total)}).` : 'No billed spend.',
    chart: bars.length ? await ctx.chart(id, spendBarsSpec(bars.map((b, i) => ({ name: b.name, value: b.usd, order: i, text: fmtUsd(b.usd) })), 'Billed (USD)', opts.color)) : undefined,
    table: opts.columns ? rowsTable(sorted.map((r) => r.row), opts.columns, { maxRows: 20, ...(opts.labels ? { labels: opts.labels } : {}) }) : objectTable(sorted.map((r) => r.row), { prefer: [...prefer, 'regions', 'costUsd', 'usd', 'totalUsd'], maxColumns: 7, maxRows: 20 }),
    wide: opts.wide,
  });
}

async function periodFigure(view: CostsView, ctx: RenderContext): Promise<SafeHtml | undefined> {
  if (view.periods.length === 0) return undefined;
  const sorted = [...view.periods].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const max = sorted.reduce((m, r) => (r.usd > m.usd ? r : m), sorted[0]!);
  const estimated = sorted.filter((r) => r.estimated).length;
  return figure({
    id: 'fig-costs-period',
    title: 'Billed spend over time',
    reading: `${sorted.length} period${sorted.length === 1 ? '' : 's'}; the largest is ${max.start} at ${fmtUsd(max.usd)}${estimated ? `; ${estimated} ${estimated === 1 ? 'is' : 'are'} still estimated by the bill` : ''}.`,
    chart: await ctx.chart('costs-period', periodSpec(sorted.map((r, i) => ({ period: r.start, value: r.usd, order: i })))),
    table: objectTable(
      sorted.map((r) => ({ start: r.start, end: r.end, totalUsd: r.usd, estimated: r.estimated, [view.multiProvider ? 'byProvider' : 'topModels']: r.top.slice(0, 3).map(([k, v]) => `${k} ${fmtUsd(v)}`).join(', ') })),
      { prefer: ['start', 'end', 'totalUsd', 'estimated'], maxRows: 40 },
    ),
  });
}

/** The bill section from the typed costs report and analyze's typed reconciliation (either may be absent). */
export async function billSection(analyze: AnalyzeReportJson | undefined, costs: CostsReport | undefined, reconciliation: AnalyzeReconciliation | undefined, ctx: RenderContext): Promise<SafeHtml | undefined> {
  const parts: SafeHtml[] = [];
  const rec = readReconciliation(reconciliation, analyze, costs);
  const view = costs ? costsView(costs) : undefined;
  if (costs && view) {
    parts.push(
      kpis([
        [`Billed ${view.what} spend`, fmtUsd(view.totalUsd)],
        ...(view.multiProvider ? [['Providers', view.providers.map((p) => p.provider).join(', ')] as [string, string]] : []),
        ['Models billed', String(view.models.length)],
        ['Other services (left out)', fmtUsd(costs.otherServicesUsd)],
        ['Bill window', `${view.window.start} → ${view.window.end}`],
        ['Source', view.sourcesText || (costs.source.kind === 'live' ? 'AWS Cost Explorer (live)' : 'AWS Cost Explorer')],
      ]),
    );
  }
  if (rec) parts.push(await reconciliationFigure(rec, analyze, costs, ctx));
  if (costs && view) {
    const classes = view.tokenClasses.map((k) => ({ name: k, usd: view.byTokenClass[k]!, row: { name: k, costUsd: view.byTokenClass[k]! } }));
    const providers = view.multiProvider
      ? view.providers.map((p) => ({ name: p.provider, usd: p.usd, row: { provider: p.provider, models: p.models, tokenUsd: p.tokenUsd, provisionedUsd: p.provisionedUsd, notAttributedUsd: p.unrecognizedUsd, totalUsd: p.usd } }))
      : [];
    for (const f of [
      await barsFigure('fig-costs-provider', 'Billed spend by provider', providers, ['provider'], view.totalUsd, view.what, ctx),
      await barsFigure('fig-costs-model', 'Billed spend by model', view.models.map((m) => ({ name: m.name, usd: m.usd, row: modelRow(m, view.multiProvider) })), ['provider', 'modelName', 'model'], view.totalUsd, view.what, ctx, { wide: true, columns: modelColumns(view), labels: Object.fromEntries(view.tokenClasses.map((k) => [`${k}Usd`, `${classLabel(k)} (USD)`])) }),
      await barsFigure('fig-costs-kind', 'Billed spend by token kind', classes, ['name'], view.totalUsd, view.what, ctx, { color: '#5b8e7d' }),
      await periodFigure(view, ctx),
    ]) {
      if (f) parts.push(f);
    }
    const unrecognized = costs.unrecognizedUsageTypes;
    if (unrecognized.length) {
      const one = unrecognized.length === 1;
      const kind = view.what === 'Bedrock' ? `Bedrock usage type${one ? '' : 's'}` : `LLM usage type${one ? '' : 's'} or meter${one ? '' : 's'}`;
      parts.push(html`${callout(`${unrecognized.length} ${kind} ${one ? 'was' : 'were'} not attributed to a model; ${unrecognized.length === 1 ? 'it is' : 'they are'} listed here, not dropped.`)}${objectTable(unrecognized, { prefer: ['provider', 'usageType', 'service', 'costUsd'], caption: 'Not attributed to a model' })}`);
    }
    if (costs.otherServices.length) parts.push(objectTable(costs.otherServices, { prefer: ['service', 'costUsd'], caption: `Other services in the bill (not in the ${view.what} totals)` }));
  }
  if (parts.length === 0) return undefined;
  return section('bill', 'The bill: billed vs explained', 'Billed spend (tokor costs, analyze --bill) beside what the logs explain.', parts);
}
