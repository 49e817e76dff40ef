/**
 * The bill section: billed spend (tokor costs) and billed vs log-explained
 * spend (analyze's reconciliation). Pure; reads the typed contracts of
 * src/artifacts/costsReport.ts, never guesses field names.
 */
import { billedVsExplainedSpec, periodSpec, spendBarsSpec, type PairedBar } from '../charts.js';
import { fmtCount, fmtShare, fmtUsd } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { callout, figure, kpis, section, table, type Cell } from '../page.js';
import type { AnalyzeReconciliation, CostsReport, PeriodCost } from '../../../artifacts/costsReport.js';
import type { Obj } from '../read.js';
import type { AnalyzeReportJson } from '../../../artifacts/analyzeReport.js';
import { objectTable, topWithRest, uniqueNames } from './common.js';
import type { RenderContext } from './context.js';

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
 * two reports are given, from costs' Bedrock total and analyze's actual cost.
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
  const billed = costs?.bedrock.totalUsd;
  const explained = analyze?.cost.actual;
  if (billed === undefined || explained === undefined) return undefined;
  return { billed, explained, coverage: billed > 0 ? explained / billed : 0, rows: [], extra: [], computed: true, notes: [], byTokenKind: [], billedWhat: 'Bedrock spend' };
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

/** How each bill source is named on the page. */
const SOURCE_NAMES: Record<CostsReport['sources'][number]['kind'], string> = {
  'cost-explorer': 'AWS Cost Explorer',
  'aws-cur': 'AWS CUR 2.0',
  focus: 'FOCUS export',
  'gcp-billing': 'Google Cloud billing export',
  'azure-cost': 'Azure cost export',
  'anthropic-cost': 'Anthropic cost report',
  'openai-cost': 'OpenAI costs',
  'anthropic-usage': 'Anthropic usage report (priced at list)',
  'openai-usage': 'OpenAI usage (priced at list)',
};

interface NamedAmount {
  name: string;
  usd: number;
  row: Obj;
}

async function barsFigure(id: string, title: string, rows: NamedAmount[], prefer: string[], total: number, ctx: RenderContext, opts: { color?: string; wide?: boolean } = {}): Promise<SafeHtml | undefined> {
  if (rows.length === 0) return undefined;
  const sorted = [...rows].sort((a, b) => b.usd - a.usd);
  const first = sorted[0]!;
  const bars = uniqueNames(topWithRest(rows, 12, (n) => `${n} others`));
  return figure({
    id,
    title,
    reading: total > 0 ? `${first.name} is ${fmtShare(first.usd / total, 0)} of billed Bedrock spend (${fmtUsd(first.usd)} of ${fmtUsd(total)}).` : 'No billed spend.',
    chart: bars.length ? await ctx.chart(id, spendBarsSpec(bars.map((b, i) => ({ name: b.name, value: b.usd, order: i, text: fmtUsd(b.usd) })), 'Billed (USD)', opts.color)) : undefined,
    table: objectTable(sorted.map((r) => r.row), { prefer: [...prefer, 'regions', 'costUsd', 'totalUsd'], maxColumns: 7, maxRows: 20 }),
    wide: opts.wide,
  });
}

async function periodFigure(periods: PeriodCost[], ctx: RenderContext): Promise<SafeHtml | undefined> {
  if (periods.length === 0) return undefined;
  const sorted = [...periods].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const max = sorted.reduce((m, r) => (r.totalUsd > m.totalUsd ? r : m), sorted[0]!);
  const estimated = sorted.filter((r) => r.estimated).length;
  return figure({
    id: 'fig-costs-period',
    title: 'Billed spend over time',
    reading: `${sorted.length} period${sorted.length === 1 ? '' : 's'}; the largest is ${max.start} at ${fmtUsd(max.totalUsd)}${estimated ? `; ${estimated} ${estimated === 1 ? 'is' : 'are'} still estimated by AWS` : ''}.`,
    chart: await ctx.chart('costs-period', periodSpec(sorted.map((r, i) => ({ period: r.start, value: r.totalUsd, order: i })))),
    table: objectTable(sorted, { prefer: ['start', 'end', 'totalUsd', 'estimated'], maxRows: 40 }),
  });
}

/** The bill section from the typed costs report and analyze's typed reconciliation (either may be absent). */
export async function billSection(analyze: AnalyzeReportJson | undefined, costs: CostsReport | undefined, reconciliation: AnalyzeReconciliation | undefined, ctx: RenderContext): Promise<SafeHtml | undefined> {
  const parts: SafeHtml[] = [];
  const rec = readReconciliation(reconciliation, analyze, costs);
  const b = costs?.bedrock;
  if (costs && b) {
    const others = costs.billed?.byProvider.filter((p) => p.provider !== 'aws') ?? [];
    const window = costs.billed?.window ?? costs.period;
    parts.push(
      kpis([
        ['Billed Bedrock spend', fmtUsd(b.totalUsd)],
        ...(others.length && costs.billed ? [['Billed LLM spend, all sources', fmtUsd(costs.billed.totalUsd)] as [string, string]] : []),
        ['Models billed', String(b.byModel.length)],
        ['Other services (left out)', fmtUsd(costs.otherServicesUsd)],
        ['Bill window', `${window.start} → ${window.end}`],
        ['Source', costs.sources.length ? [...new Set(costs.sources.map((x) => SOURCE_NAMES[x.kind]))].join(', ') : costs.source.kind === 'live' ? 'AWS Cost Explorer (live)' : 'AWS Cost Explorer'],
      ]),
    );
  }
  if (rec) parts.push(await reconciliationFigure(rec, analyze, costs, ctx));
  if (costs && b) {
    const kinds = Object.entries(b.byTokenKind).map(([k, v]) => ({ name: k, usd: v, row: { name: k, costUsd: v } }));
    for (const f of [
      await barsFigure('fig-costs-model', 'Billed spend by model', b.byModel.map((m) => ({ name: m.modelName, usd: m.costUsd, row: m })), ['modelName', 'model'], b.totalUsd, ctx, { wide: true }),
      await barsFigure('fig-costs-kind', 'Billed spend by token kind', kinds, ['name'], b.totalUsd, ctx, { color: '#5b8e7d' }),
      await periodFigure(b.byPeriod, ctx),
    ]) {
      if (f) parts.push(f);
    }
    const unrecognized = costs.unrecognizedUsageTypes;
    if (unrecognized.length) {
      parts.push(html`${callout(`${unrecognized.length} Bedrock usage type${unrecognized.length === 1 ? ' was' : 's were'} not recognised; ${unrecognized.length === 1 ? 'it is' : 'they are'} listed here, not dropped.`)}${objectTable(unrecognized, { prefer: ['usageType', 'service', 'costUsd'], caption: 'Unrecognised usage types' })}`);
    }
    if (costs.otherServices.length) parts.push(objectTable(costs.otherServices, { prefer: ['service', 'costUsd'], caption: 'Other services in the bill (not in the Bedrock totals)' }));
  }
  if (parts.length === 0) return undefined;
  return section('bill', 'The bill: billed vs explained', 'Billed spend (tokor costs, analyze --bill) beside what the logs explain.', parts);
}
