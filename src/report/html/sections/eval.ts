/** The quality section, from eval summaries as eval computed them (or from results JSONL by the same code). Pure. */
import { passRateSpec, tierColor } from '../charts.js';
import type { EvalSummaryJson } from '../../../artifacts/evalSummary.js';
import { fmtCount, fmtShare, fmtShareInterval, fmtUsd } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { figure, section, table, type Cell } from '../page.js';
import type { EvalInput } from '../inputs.js';
import { objectTable } from './common.js';
import type { RenderContext } from './context.js';

/** A tier as the page shows it: pass rate, interval and mean score only when an item ran (as `tokor eval` prints them). */
interface TierRow {
  tier: string;
  model: string;
  items: number;
  passRate?: number;
  ci95?: [number, number];
  meanScore?: number;
  costUsd: number | null;
  costPerItemUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

type TierStats = EvalSummaryJson['tiers'][number];
type GroupSummary = EvalSummaryJson['byTask'][number];

function tierRow(t: TierStats): TierRow {
  const ran = t.items > 0;
  return { ...t, passRate: ran ? t.passRate : undefined, ci95: ran ? t.ci95 : undefined, meanScore: ran ? t.meanScore : undefined };
}

function evalReading(tiers: TierRow[]): string {
  const rated = tiers.filter((t) => t.passRate !== undefined);
  if (rated.length === 0) return 'No pass rates in the eval input.';
  const say = (t: TierRow) =>
    `${t.tier} passes ${fmtShare(t.passRate)}${t.ci95 ? ` (95% CI ${fmtShareInterval(t.ci95)})` : ''}${t.costPerItemUsd !== null ? ` at ${fmtUsd(t.costPerItemUsd)} per item` : ''}`;
  if (rated.length === 1) return `${say(rated[0]!)}.`;
  const lo = rated[0]!;
  const hi = rated[rated.length - 1]!;
  const ratio = lo.costPerItemUsd && hi.costPerItemUsd ? hi.costPerItemUsd / lo.costPerItemUsd : undefined;
  const overlap = lo.ci95 && hi.ci95 && lo.ci95[1] >= hi.ci95[0];
  return `${say(lo)}; ${say(hi)}${ratio !== undefined && ratio > 1 ? `, ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× the cost per item` : ''}${overlap ? ' — the intervals overlap' : ''}.`;
}

/** One row per task and tier: the group's bar figures beside the tier's stats. */
function byTaskRows(groups: GroupSummary[]): Record<string, unknown>[] {
  return groups.flatMap(({ tiers, ...g }) => tiers.map((t) => ({ ...g, ...t })));
}

/** " The cheapest tier that clears the bar (≥ 95% of frontier) is mid." */
function cheapestReading(e: EvalInput): string {
  const { value, mode, referenceTier } = e.bar;
  const barText = mode === 'absolute' ? ` (pass rate ≥ ${fmtShare(value, 0)})` : ` (≥ ${fmtShare(value, 0)} of ${referenceTier ?? 'frontier'})`;
  return e.cheapestPassing ? ` The cheapest tier that clears the bar${barText} is ${e.cheapestPassing}.` : ` No tier clears the bar${barText}.`;
}

async function evalFigure(e: EvalInput, index: number, count: number, ctx: RenderContext): Promise<SafeHtml> {
  const tiers = e.tiers.map(tierRow);
  const label = e.label || undefined;
  const datasets = e.datasets.map((d) => d.id || d.file).filter((d): d is string => Boolean(d));
  const bars = tiers
    .filter((t) => t.passRate !== undefined)
    .map((t, i, all) => ({ tier: t.tier, passRate: t.passRate!, lo: t.ci95?.[0] ?? null, hi: t.ci95?.[1] ?? null, order: i, color: tierColor(i, all.length), text: fmtShare(t.passRate, 0) }));
  const rows: Cell[][] = tiers.map((t) => [
    t.tier,
    t.model || '—',
    fmtCount(t.items),
    fmtShare(t.passRate),
    fmtShareInterval(t.ci95),
    t.meanScore === undefined ? '—' : t.meanScore.toFixed(3),
    fmtUsd(t.costUsd),
    fmtUsd(t.costPerItemUsd),
    t.latencyP50Ms === null ? '—' : `${fmtCount(Math.round(t.latencyP50Ms))} ms`,
    t.latencyP95Ms === null ? '—' : `${fmtCount(Math.round(t.latencyP95Ms))} ms`,
  ]);
  const byTask = byTaskRows(e.byTask);
  const notes: string[] = [];
  if (e.computedFrom === 'results') notes.push('Computed by tokor report from results lines: items that could not be run are counted apart; intervals are 95% Wilson intervals.');
  const errors = e.tiers.reduce((s, t) => s + t.errors, 0);
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

export async function evalSection(evals: EvalInput[], ctx: RenderContext): Promise<SafeHtml> {
  const figs: SafeHtml[] = [];
  for (let i = 0; i < evals.length; i++) figs.push(await evalFigure(evals[i]!, i, evals.length, ctx));
  const sample = evals.some((e) => e.provenance.synthetic) ? ' Sample data: graded from the bundled golden datasets’ synthetic recorded answers, not measurements of the models.' : '';
  return section('quality', 'Quality: what each tier passes', `Golden-dataset results per tier (tokor eval).${sample}`, figs);
}
