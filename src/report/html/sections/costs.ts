/** The bill section: Cost Explorer spend (tokor costs) and billed vs log-explained spend. Pure. */
import { billedVsExplainedSpec, periodSpec, spendBarsSpec, type PairedBar } from '../charts.js';
import { fmtCount, fmtShare, fmtUsd } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { callout, figure, kpis, section, table, type Cell } from '../page.js';
import { arr, firstNum, firstStr, namedRows, num, obj, str, type Obj } from '../read.js';
import { humanize, objectTable, topWithRest, uniqueNames } from './common.js';
import type { RenderContext } from './context.js';

const BILLED = ['billedUsd', 'billed', 'costExplorerUsd'];
const EXPLAINED = ['explainedUsd', 'loggedUsd', 'logUsd', 'logsUsd', 'explained', 'analyzedUsd'];
const NAME = ['model', 'modelKey', 'modelName', 'name', 'key', 'tokenKind', 'kind'];

export interface Reconciliation {
  billed: number;
  explained: number;
  coverage: number;
  rows: { name: string; billed: number; explained: number; row: Obj }[];
  extra: [string, number][];
  computed: boolean;
  notes: string[];
  byTokenKind: unknown[];
}

/**
 * Billed vs explained from analyze's `reconciliation`, or, when only the two
 * reports are given, from costs' Bedrock total and analyze's actual cost.
 */
export function readReconciliation(analyze: Obj | undefined, costs: Obj | undefined): Reconciliation | undefined {
  const rec = obj(analyze?.reconciliation);
  if (rec) {
    const billedKey = BILLED.find((k) => num(rec[k]) !== undefined);
    const explainedKey = EXPLAINED.find((k) => num(rec[k]) !== undefined);
    if (billedKey && explainedKey) {
      const billed = num(rec[billedKey])!;
      const explained = num(rec[explainedKey])!;
      // Per-model rows: `byModel` when present, else the first list of rows with both amounts.
      const lists = Array.isArray(rec.byModel) ? [rec.byModel] : Object.values(rec).filter(Array.isArray);
      const rows: Reconciliation['rows'] = [];
      for (const list of lists) {
        for (const r of list as unknown[]) {
          const o = obj(r);
          const b = firstNum(o, BILLED);
          const e = firstNum(o, EXPLAINED);
          if (o && b !== undefined && e !== undefined) rows.push({ name: firstStr(o, NAME) ?? '(unnamed)', billed: b, explained: e, row: o });
        }
        if (rows.length) break;
      }
      const extra: [string, number][] = [];
      for (const [k, v] of Object.entries(rec)) {
        if (k === billedKey || k === explainedKey || k === 'coverage') continue;
        if (num(v) !== undefined) extra.push([k, num(v)!]);
        const nested = obj(v);
        if (nested) for (const [nk, nv] of Object.entries(nested)) if (num(nv) !== undefined) extra.push([`${k}.${nk}`, num(nv)!]);
      }
      const coverage = num(rec.coverage) ?? (billed > 0 ? explained / billed : 0);
      return { billed, explained, coverage, rows, extra, computed: false, notes: arr(rec.notes).map(str).filter((n): n is string => Boolean(n)), byTokenKind: arr(rec.byTokenKind) };
    }
  }
  const billed = num(obj(costs?.bedrock)?.totalUsd);
  const explained = num(obj(analyze?.cost)?.actual);
  if (billed === undefined || explained === undefined) return undefined;
  return { billed, explained, coverage: billed > 0 ? explained / billed : 0, rows: [], extra: [], computed: true, notes: [], byTokenKind: [] };
}

export function reconciliationReading(r: Reconciliation): string {
  if (r.coverage > 1.005) {
    return `The logs price ${fmtUsd(r.explained)}, ${fmtShare(r.coverage, 0)} of the ${fmtUsd(r.billed)} billed: more than the bill — check catalog prices, credits and that both cover the same period.`;
  }
  const ceiling = r.extra.find(([k]) => /savingsCeilingUsd$/.test(k));
  const inBill = ceiling && r.billed > 0 ? `; in billed dollars, the routing ceiling is worth up to ${fmtUsd(ceiling[1])} (${fmtShare(ceiling[1] / r.billed, 0)} of the bill)` : '';
  return `The logs explain ${fmtShare(r.coverage, 0)} of billed Bedrock spend (${fmtUsd(r.explained)} of ${fmtUsd(r.billed)}); ${fmtUsd(Math.max(0, r.billed - r.explained))} is unexplained${inBill}.`;
}

async function reconciliationFigure(r: Reconciliation, analyze: Obj | undefined, costs: Obj | undefined, ctx: RenderContext): Promise<SafeHtml> {
  const top = [...r.rows].sort((a, b) => Math.max(b.billed, b.explained) - Math.max(a.billed, a.explained)).slice(0, 10);
  const named = uniqueNames(top.length ? top : [{ name: 'Bedrock total', billed: r.billed, explained: r.explained, row: {} }]);
  const bars: PairedBar[] = named.flatMap((m, i) => [
    { name: m.name, series: 'Billed (Cost Explorer)' as const, value: m.billed, order: i },
    { name: m.name, series: 'Explained by logs' as const, value: m.explained, order: i },
  ]);
  const rows: Cell[][] = [
    ['Billed (Cost Explorer)', fmtUsd(r.billed)],
    ['Explained by logs', fmtUsd(r.explained)],
    ['Coverage', fmtShare(r.coverage)],
    ...r.extra.map(([k, v]) => [k.split('.').map(humanize).join(' · '), /Usd$/.test(k) ? fmtUsd(v) : /coverage|share|rate/i.test(k) ? fmtShare(v) : fmtCount(v)] as Cell[]),
  ];
  const notes: string[] = [...r.notes];
  if (r.computed) {
    const p = (o: Obj | undefined) => {
      const per = obj(o?.period);
      return per ? `${firstStr(per, ['start']) ?? '?'} → ${firstStr(per, ['end']) ?? '?'}` : 'unknown period';
    };
    notes.push(`Computed by tokor report from the two inputs (logs ${p(analyze)}, bill ${p(costs)}); run \`tokor analyze --cost-explorer\` for a per-model reconciliation with likely causes.`);
  }
  return figure({
    id: 'fig-reconciliation',
    title: 'Billed vs explained spend',
    reading: reconciliationReading(r),
    chart: await ctx.chart('reconciliation', billedVsExplainedSpec(bars)),
    table: html`${table([{ label: 'Amount' }, { label: 'Value', num: true }], rows)}${
      r.rows.length ? objectTable(r.rows.map((x) => x.row), { prefer: ['model', 'modelKey', 'modelName', 'billedUsd', 'explainedUsd', 'loggedUsd', 'deltaUsd', 'coverage', 'likelyCause', 'likelyCauses', 'cause'], caption: 'By model', maxRows: 15 }) : ''
    }${r.byTokenKind.length ? objectTable(r.byTokenKind, { prefer: ['tokenKind', 'billedUsd', 'loggedUsd', 'deltaUsd'], caption: 'By token kind' }) : ''}`,
    notes,
    wide: r.rows.length > 0,
  });
}

async function barsFigure(id: string, title: string, v: unknown, nameKeys: string[], total: number | undefined, ctx: RenderContext, opts: { color?: string; wide?: boolean } = {}): Promise<SafeHtml | undefined> {
  const rows = namedRows(v, nameKeys);
  if (rows.length === 0) return undefined;
  const sum = total ?? rows.reduce((s, r) => s + (r.usd ?? 0), 0);
  const sorted = [...rows].sort((a, b) => (b.usd ?? 0) - (a.usd ?? 0));
  const first = sorted[0]!;
  const bars = uniqueNames(topWithRest(rows.filter((r) => r.usd !== undefined) as { name: string; usd: number }[], 12, (n) => `${n} others`));
  return figure({
    id,
    title,
    reading: sum > 0 ? `${first.name} is ${fmtShare((first.usd ?? 0) / sum, 0)} of billed Bedrock spend (${fmtUsd(first.usd)} of ${fmtUsd(sum)}).` : 'No billed spend.',
    chart: bars.length ? await ctx.chart(id, spendBarsSpec(bars.map((b, i) => ({ name: b.name, value: b.usd, order: i, text: fmtUsd(b.usd) })), 'Billed (USD)', opts.color)) : undefined,
    table: objectTable(sorted.map((r) => r.row), { prefer: [...nameKeys, 'regions', 'region', 'costUsd', 'usd', 'totalUsd', 'quantity'], maxColumns: 7, maxRows: 20 }),
    wide: opts.wide,
  });
}

async function periodFigure(b: Obj, ctx: RenderContext): Promise<SafeHtml | undefined> {
  const rows = namedRows(b.byPeriod, ['start', 'period', 'date', 'timePeriod']);
  if (rows.length === 0) return undefined;
  const sorted = [...rows].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const max = sorted.reduce((m, r) => ((r.usd ?? -Infinity) > (m.usd ?? -Infinity) ? r : m), sorted[0]!);
  const estimated = sorted.filter((r) => r.row.estimated === true).length;
  return figure({
    id: 'fig-costs-period',
    title: 'Billed spend over time',
    reading: `${sorted.length} period${sorted.length === 1 ? '' : 's'}; the largest is ${max.name} at ${fmtUsd(max.usd)}${estimated ? `; ${estimated} ${estimated === 1 ? 'is' : 'are'} still estimated by AWS` : ''}.`,
    chart: await ctx.chart('costs-period', periodSpec(sorted.filter((r) => r.usd !== undefined).map((r, i) => ({ period: r.name, value: r.usd!, order: i })))),
    table: objectTable(sorted.map((r) => r.row), { prefer: ['start', 'end', 'totalUsd', 'costUsd', 'estimated'], maxRows: 40 }),
  });
}

export async function billSection(analyze: Obj | undefined, costs: Obj | undefined, ctx: RenderContext): Promise<SafeHtml | undefined> {
  const parts: SafeHtml[] = [];
  const rec = readReconciliation(analyze, costs);
  const b = obj(costs?.bedrock);
  if (b) {
    const other = namedRows(costs!.otherServices, ['service', 'name']);
    parts.push(
      kpis([
        ['Billed Bedrock spend', fmtUsd(b.totalUsd)],
        ['Models billed', String(namedRows(b.byModel, NAME).length)],
        ['Other services (left out)', fmtUsd(other.reduce((s, r) => s + (r.usd ?? 0), 0))],
      ]),
    );
  }
  if (rec) parts.push(await reconciliationFigure(rec, analyze, costs, ctx));
  if (b) {
    const total = num(b.totalUsd);
    for (const f of [
      await barsFigure('fig-costs-model', 'Billed spend by model', b.byModel, ['modelName', 'model', 'modelKey', 'name', 'service'], total, ctx, { wide: true }),
      await barsFigure('fig-costs-kind', 'Billed spend by token kind', b.byTokenKind, ['tokenKind', 'kind', 'name'], total, ctx, { color: '#5b8e7d' }),
      await periodFigure(b, ctx),
    ]) {
      if (f) parts.push(f);
    }
    const unrecognized = arr(costs!.unrecognizedUsageTypes);
    if (unrecognized.length) {
      const rows = unrecognized.map((u) => (typeof u === 'string' ? { usageType: u } : obj(u))).filter((u): u is Obj => u !== undefined);
      parts.push(html`${callout(`${rows.length} Bedrock usage type${rows.length === 1 ? ' was' : 's were'} not recognised; ${rows.length === 1 ? 'it is' : 'they are'} listed here, not dropped.`)}${objectTable(rows, { prefer: ['usageType', 'service', 'costUsd'], caption: 'Unrecognised usage types' })}`);
    }
    const other = arr(costs!.otherServices);
    if (other.length) parts.push(objectTable(other.map((o) => (typeof o === 'string' ? { service: o } : o)), { prefer: ['service', 'costUsd'], caption: 'Other services in the bill (not in the Bedrock totals)' }));
  }
  if (parts.length === 0) return undefined;
  return section('bill', 'The bill: billed vs explained', 'AWS Cost Explorer spend (tokor costs) beside what the logs explain.', parts);
}

