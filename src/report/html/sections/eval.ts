/** The quality section, from eval summaries (or summaries computed from results JSONL). Pure. */
import { passRateSpec, tierColor } from '../charts.js';
import { fmtCount, fmtShare, fmtShareInterval, fmtUsd, toInterval } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { figure, section, table, type Cell } from '../page.js';
import { arr, firstStr, num, obj, str, type Obj } from '../read.js';
import { objectTable } from './common.js';
import { isSample } from '../headline.js';
import type { RenderContext } from './context.js';

export interface TierRow {
  tier: string;
  model?: string;
  items?: number;
  passed?: number;
  passRate?: number;
  ci95?: [number, number];
  meanScore?: number;
  costUsd?: number;
  costPerItemUsd?: number;
  latencyP50Ms?: number;
  latencyP95Ms?: number;
}

export function readTiers(e: Obj): TierRow[] {
  return arr(e.tiers)
    .map(obj)
    .filter((t): t is Obj => t !== undefined)
    .map((t) => {
      const items = num(t.items);
      const passed = num(t.passed);
      return {
        tier: firstStr(t, ['tier', 'name']) ?? '(tier)',
        model: firstStr(t, ['model']),
        items,
        passed,
        passRate: num(t.passRate) ?? (items && passed !== undefined ? passed / items : undefined),
        ci95: toInterval(t.ci95),
        meanScore: num(t.meanScore),
        costUsd: num(t.costUsd),
        costPerItemUsd: num(t.costPerItemUsd),
        latencyP50Ms: num(t.latencyP50Ms),
        latencyP95Ms: num(t.latencyP95Ms),
      };
    });
}

export function evalReading(tiers: TierRow[]): string {
  const rated = tiers.filter((t) => t.passRate !== undefined);
  if (rated.length === 0) return 'No pass rates in the eval input.';
  const say = (t: TierRow) =>
    `${t.tier} passes ${fmtShare(t.passRate)}${t.ci95 ? ` (95% CI ${fmtShareInterval(t.ci95)})` : ''}${t.costPerItemUsd !== undefined ? ` at ${fmtUsd(t.costPerItemUsd)} per item` : ''}`;
  if (rated.length === 1) return `${say(rated[0]!)}.`;
  const lo = rated[0]!;
  const hi = rated[rated.length - 1]!;
  const ratio = lo.costPerItemUsd && hi.costPerItemUsd ? hi.costPerItemUsd / lo.costPerItemUsd : undefined;
  const overlap = lo.ci95 && hi.ci95 && lo.ci95[1] >= hi.ci95[0];
  return `${say(lo)}; ${say(hi)}${ratio !== undefined && ratio > 1 ? `, ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× the cost per item` : ''}${overlap ? ' — the intervals overlap' : ''}.`;
}

/** byTask given as rows, or as {task: rows | {tier: stats}}: flattened to rows. */
export function readByTask(v: unknown): Obj[] {
  if (Array.isArray(v)) {
    return v.flatMap((r) => {
      const o = obj(r);
      if (!o) return [];
      const nested = o.tiers;
      if (Array.isArray(nested) || obj(nested)) {
        const { tiers: _t, ...rest } = o;
        return flattenTiers(nested).map((t) => ({ ...rest, ...t }));
      }
      return [o];
    });
  }
  const o = obj(v);
  if (!o) return [];
  return Object.entries(o).flatMap(([task, val]) => {
    if (Array.isArray(val) || (obj(val) && !('passRate' in obj(val)!) && !('items' in obj(val)!))) return flattenTiers(val).map((t) => ({ task, ...t }));
    const one = obj(val);
    return one ? [{ task, ...one }] : [];
  });
}

function flattenTiers(v: unknown): Obj[] {
  if (Array.isArray(v)) return v.map(obj).filter((t): t is Obj => t !== undefined);
  const o = obj(v);
  if (!o) return [];
  return Object.entries(o).flatMap(([tier, stats]) => (obj(stats) ? [{ tier, ...obj(stats)! }] : []));
}

/** " The cheapest tier that clears the bar (≥ 95% of frontier) is mid." when the summary says. */
export function cheapestReading(e: Obj): string {
  if (!('cheapestPassing' in e)) return '';
  const bar = obj(e.bar);
  const value = num(bar?.value);
  const mode = str(bar?.mode);
  const barText = value === undefined ? '' : mode === 'absolute' ? ` (pass rate ≥ ${fmtShare(value, 0)})` : ` (≥ ${fmtShare(value, 0)} of ${str(bar?.referenceTier) ?? 'frontier'})`;
  const c = str(e.cheapestPassing);
  return c ? ` The cheapest tier that clears the bar${barText} is ${c}.` : ` No tier clears the bar${barText}.`;
}

async function evalFigure(e: Obj, index: number, count: number, ctx: RenderContext): Promise<SafeHtml> {
  const tiers = readTiers(e);
  const label = str(e.label) ?? str(e.datasetId);
  const datasets = arr(e.datasets).map((d) => str(d) ?? firstStr(obj(d), ['id', 'file'])).filter((d): d is string => Boolean(d));
  const bars = tiers
    .filter((t) => t.passRate !== undefined)
    .map((t, i, all) => ({ tier: t.tier, passRate: t.passRate!, lo: t.ci95?.[0] ?? null, hi: t.ci95?.[1] ?? null, order: i, color: tierColor(i, all.length), text: fmtShare(t.passRate, 0) }));
  const rows: Cell[][] = tiers.map((t) => [
    t.tier,
    t.model ?? '—',
    fmtCount(t.items),
    fmtShare(t.passRate),
    fmtShareInterval(t.ci95),
    t.meanScore === undefined ? '—' : t.meanScore.toFixed(3),
    fmtUsd(t.costUsd),
    fmtUsd(t.costPerItemUsd),
    t.latencyP50Ms === undefined ? '—' : `${fmtCount(Math.round(t.latencyP50Ms))} ms`,
    t.latencyP95Ms === undefined ? '—' : `${fmtCount(Math.round(t.latencyP95Ms))} ms`,
  ]);
  const byTask = readByTask(e.byTask);
  const notes: string[] = [];
  if (str(e.computedFrom) === 'results') notes.push('Computed by tokor report from results lines: items that could not be run are counted apart; intervals are 95% Wilson intervals.');
  const errors = arr(e.tiers).reduce<number>((s, t) => s + (num(obj(t)?.errors) ?? 0), 0);
  if (errors > 0) notes.push(`${errors} item${errors === 1 ? '' : 's'} could not be run and ${errors === 1 ? 'is' : 'are'} left out of the pass rates.`);
  const suffix = count > 1 && label ? ` — ${label}` : '';
  return figure({
    id: `fig-eval-${index}`,
    title: `Pass rate per tier${suffix}`,
    reading: `${evalReading(tiers)}${cheapestReading(e)}`,
    chart: bars.length ? await ctx.chart(`eval-${index}`, passRateSpec(bars)) : undefined,
    table: html`${table(
      [
        { label: 'Tier' },
        { label: 'Model' },
        { label: 'Items', num: true },
        { label: 'Pass rate', num: true },
        { label: '95% CI', num: true },
        { label: 'Mean score', num: true },
        { label: 'Cost', num: true },
        { label: 'Cost/item', num: true },
        { label: 'p50', num: true },
        { label: 'p95', num: true },
      ],
      rows,
      { caption: datasets.length ? `Datasets: ${datasets.join(', ')}` : label ? `Source: ${label}` : undefined },
    )}${byTask.length ? objectTable(byTask, { prefer: ['task', 'name', 'category', 'tier', 'items', 'passRate', 'ci95', 'costPerItemUsd', 'clearsBar', 'cheapestPassing'], maxColumns: 9, caption: 'By task', maxRows: 30 }) : ''}`,
    notes,
    wide: true,
  });
}

export async function evalSection(evals: Obj[], ctx: RenderContext): Promise<SafeHtml> {
  const figs: SafeHtml[] = [];
  for (let i = 0; i < evals.length; i++) figs.push(await evalFigure(evals[i]!, i, evals.length, ctx));
  const sample = evals.some(isSample) ? ' Sample data: graded from the bundled golden datasets’ synthetic recorded answers, not measurements of the models.' : '';
  return section('quality', 'Quality: what each tier passes', `Golden-dataset results per tier (tokor eval).${sample}`, figs);
}
