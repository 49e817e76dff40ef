/**
 * The traffic section, from `tokor analyze --format json` read through its
 * contract (src/artifacts/analyzeReport.ts): every figure is the report's own,
 * by its one field name. Pure (charts rendered in memory).
 */
import { COLORS, distributionSpec, spendBarsSpec, waterfallSpec, type WaterfallStep } from '../charts.js';
import { fmtCount, fmtPct, fmtShare, fmtShareInterval, fmtUsd } from '../format.js';
import { readCeiling } from '../headline.js';
import { nameModels } from '../../table.js';
import { html, type SafeHtml } from '../html.js';
import { callout, figure, kpis, section, table, type Cell } from '../page.js';
import { humanize, rowsTable, topWithRest, uniqueNames } from './common.js';
import type { RenderContext } from './context.js';
import type { AnalyzeReportJson } from '../../../artifacts/analyzeReport.js';
import { KEYED_BY, reportModelIds } from '../../analyze.js';
import { DIFFICULTIES, type Difficulty } from '../../../types.js';

type Analyze = AnalyzeReportJson;

const LABEL_COLOR: Record<Difficulty, string> = { easy: COLORS.easy, moderate: COLORS.moderate, hard: COLORS.hard };
const TOP_BARS = 12;

/** The difficulty mix in label order (easy, moderate, hard). */
function distributionRows(a: Analyze): ({ label: Difficulty } & Analyze['distribution'][Difficulty])[] {
  return DIFFICULTIES.map((label) => ({ label, ...a.distribution[label] }));
}

function distributionReading(a: Analyze): string {
  const [first, ...rest] = distributionRows(a);
  if (a.distributionSource === 'prior') {
    return `Not measured: the labeler's prior labels ${fmtShare(first!.share, 0)} of requests ${first!.label}, ${rest.map((r) => `${fmtShare(r.share, 0)} ${r.label}`).join(' and ')} — a guess from each request's shape; \`tokor label\` measures the mix.`;
  }
  let s = `${fmtShare(first!.share, 0)} of requests are ${first!.label} (95% CI ${fmtShareInterval(first!.ci95, 0)}), ${rest.map((r) => `${fmtShare(r.share, 0)} ${r.label}`).join(' and ')}`;
  const c = readCeiling(a);
  if (c) s += `; sending each to its tier would cost up to ${fmtPct(c.cutPct, 1)} less than all-frontier`;
  return `${s}.`;
}

async function distributionFigure(a: Analyze, ctx: RenderContext): Promise<SafeHtml> {
  const rows = distributionRows(a);
  const bars = rows.map((r, i) => ({ label: r.label, share: r.share, lo: r.ci95[0], hi: r.ci95[1], order: i, color: LABEL_COLOR[r.label], text: fmtShare(r.share, 0) }));
  return figure({
    id: 'fig-distribution',
    title: 'Difficulty mix',
    reading: distributionReading(a),
    chart: await ctx.chart('distribution', distributionSpec(bars)),
    table: table(
      [{ label: 'Difficulty' }, { label: 'Requests', num: true }, { label: 'Share', num: true }, { label: '95% CI', num: true }],
      rows.map((r) => [r.label, fmtCount(r.count), fmtShare(r.share), fmtShareInterval(r.ci95)]),
    ),
    notes: [
      a.distributionSource === 'measured'
        ? 'Shares estimated from measured labels (a replayed sample graded against cheaper tiers) for all requests, stratified by task cluster with the labeler’s prediction as control variate; 95% intervals.'
        : 'Difficulty is estimated by tokor’s built-in rules from each request’s shape, not measured: the intervals cover sampling only, not mislabeling. `tokor label` measures it.',
    ],
  });
}

function waterfallSteps(a: Analyze): WaterfallStep[] {
  const { actual, frontierCounterfactual: frontier, routedCeiling: routed } = a.cost;
  const steps: WaterfallStep[] = [];
  const delta = (from: number, to: number, step: string) =>
    steps.push({ step, start: from, end: to, kind: to <= from ? 'decrease' : 'increase', order: steps.length, text: to === from ? fmtUsd(0) : `${to < from ? '−' : '+'}${fmtUsd(Math.abs(to - from))}` });
  const total = (v: number, step: string) => steps.push({ step, start: 0, end: v, kind: 'total', order: steps.length, text: fmtUsd(v) });
  total(frontier, 'All on|frontier tier');
  delta(frontier, actual, 'Today’s|model mix');
  total(actual, 'Actual|spend');
  // Without measured labels the routed figure rests on an unmeasured prior: no step shows it as a result.
  if (a.distributionSource !== 'prior') {
    delta(actual, routed, 'Route by|difficulty');
    total(routed, 'Best case|with routing');
  }
  return steps;
}

/** The savings figures of an analyze JSON, the headline first, each with what it measures. */
function savingsRows(a: Analyze): Cell[][] {
  const s = a.savings;
  const prior = a.distributionSource === 'prior';
  const rows: Cell[][] = s.sensitivity.map((x) => [`If ${fmtShare(x.easyShare, 0)} of requests are easy`, fmtPct(x.ceilingPct), 'that share on the cheapest tier, the rest on the frontier tier, at this traffic’s prices']);
  if (prior) rows.push(['On the labeler’s prior (not measured)', fmtPct(s.ceilingPct), 'each request on the tier of its unmeasured prior label: a guess, not a measurement']);
  else {
    rows.push(['Savings vs all-frontier (headline)', fmtPct(s.ceilingPct), 'each request on its difficulty’s tier, against all of them on the frontier tier']);
    rows.push(['Savings vs actual spend', fmtPct(s.ceilingVsActualPct), 'the same best case, against what was actually paid with today’s model mix']);
  }
  const mix = s.actualVsFrontierPct;
  rows.push(['Today’s mix vs all-frontier', fmtPct(mix), mix >= 0 ? 'today’s mix of models already costs this much less than all-frontier' : 'today’s mix of models costs this much more than all-frontier']);
  rows.push(['Formula cross-check', fmtPct(s.formulaPct), 'Σ share × (1 − tier rate ÷ frontier rate) with average rates; weighs each label by its share of requests, not of cost, so it differs when easy and hard requests differ in length']);
  return rows;
}

async function waterfallFigure(a: Analyze, ctx: RenderContext): Promise<SafeHtml> {
  const { actual, frontierCounterfactual: frontier, routedCeiling: routed } = a.cost;
  const c = readCeiling(a);
  const vsFrontier = c ? `${fmtPct(c.cutPct, 1)} less than all-frontier` : undefined;
  const vsActual = c ? `${fmtPct(c.vsActualPct, 1)} less than actual spend` : undefined;
  const reading = `With every request on the frontier tier these requests would have cost ${fmtUsd(frontier)}; they cost ${fmtUsd(actual)}; sending each request to the tier of its difficulty could bring that to ${fmtUsd(routed)}${
    vsFrontier || vsActual ? ` (${[vsFrontier, vsActual].filter(Boolean).join('; ')})` : ''
  }.`;
  const vs = (v: number) => (actual === 0 ? '—' : fmtPct((v / actual) * 100, 0));
  const rows: Cell[][] = [
    ['All on the frontier tier (what-if)', fmtUsd(frontier), vs(frontier)],
    ['Actual spend', fmtUsd(actual), vs(actual)],
    ['Best case with routing', fmtUsd(routed), vs(routed)],
  ];
  const notes = [
    'All on the frontier tier prices the same requests on the most capable tier (cache tokens at its cache rates); the best case prices each request on the tier of its difficulty label.',
  ];
  if (!ctx.qualityProven) notes.push('Quality unproven: these savings assume the cheaper tiers answer as well, which only `tokor eval` and `tokor calibrate` can show.');
  return figure({
    id: 'fig-waterfall',
    title: 'What was paid, what all-frontier would cost, and the best case with routing',
    reading,
    chart: await ctx.chart('waterfall', waterfallSpec(waterfallSteps(a))),
    table: html`${table([{ label: 'Scenario' }, { label: 'USD', num: true }, { label: 'of actual', num: true }], rows)}${table(
      [{ label: 'Savings figure' }, { label: 'Value', num: true }, { label: 'What it measures' }],
      savingsRows(a),
      { emphasize: (i) => i === 0 },
    )}${
      a.tiers.length
        ? table(
            [{ label: 'Tier' }, { label: 'Model' }, { label: 'Average $ per 1M tokens', num: true }],
            a.tiers.map((t) => [t.name, t.model, fmtUsd(t.blendedRatePerMTok)]),
            { caption: 'Model tiers, cheapest first' },
          )
        : ''
    }`,
    notes,
    wide: true,
  });
}

/** The width of a model's name in the page's charts (the tables give IDs in full). */
const CHART_NAME_WIDTH = 26;

/**
 * Chart labels for models: the page's one name for each model ID (nameModels
 * over every ID of the report, so a label does not depend on which rows a
 * chart shows) and the Region it ran in ("us.claude-sonnet-4-5 · us-east-1").
 */
export function modelLabels(rows: { model: string; region?: string }[], names: ReadonlyMap<string, string>): string[] {
  return rows.map((r) => {
    const name = names.get(r.model) ?? r.model;
    return r.region ? `${name} · ${r.region}` : name;
  });
}

/** The legend of shortened names: "us.claude-sonnet-4-5 is us.anthropic.claude-sonnet-4-5-20250929-v1:0", for names that differ from their ID. */
export function modelLegend(ids: readonly string[], names: ReadonlyMap<string, string>): string | undefined {
  const pairs = [...new Set(ids)].filter((id) => (names.get(id) ?? id) !== id).map((id) => `${names.get(id)} is ${id}`);
  return pairs.length ? `The chart gives models short names, the same across the page (the tables give the IDs in full): ${pairs.join('; ')}.` : undefined;
}

async function byModelFigure(a: Analyze, ctx: RenderContext, names: ReadonlyMap<string, string>): Promise<SafeHtml | undefined> {
  const rows = a.byModel;
  if (rows.length === 0) return undefined;
  const totalReq = rows.reduce((s, r) => s + r.requests, 0);
  const sorted = [...rows].sort((x, y) => (y.costUsd ?? 0) - (x.costUsd ?? 0));
  const top = sorted[0]!;
  const reading =
    top.costUsd !== null && top.costUsd > 0
      ? `${top.model}${top.region ? ` in ${top.region}` : ''} takes ${fmtShare(top.shareOfCost, 0)} of spend (${fmtUsd(top.costUsd)})${totalReq > 0 ? ` for ${fmtShare(top.requests / totalReq, 0)} of requests` : ''}; ${rows.length} model${rows.length === 1 ? '' : 's'} in all.`
      : `${rows.length} model${rows.length === 1 ? '' : 's'}; no priced spend.`;
  const priced = rows.filter((r): r is typeof r & { costUsd: number } => r.costUsd !== null);
  const labels = modelLabels(
    priced.map((r) => ({ model: r.model, region: r.region || undefined })),
    names,
  );
  const bars = uniqueNames(topWithRest(priced.map((r, i) => ({ name: labels[i]!, usd: r.costUsd })), TOP_BARS, (n) => `${n} other models`));
  // The models with a bar of their own (topWithRest folds the rest into one).
  const barred = [...priced].sort((x, y) => y.costUsd - x.costUsd).slice(0, priced.length <= TOP_BARS ? TOP_BARS : TOP_BARS - 1);
  const legend = modelLegend(
    barred.map((r) => r.model),
    names,
  );
  return figure({
    id: 'fig-by-model',
    title: 'Spend by model',
    reading,
    chart: bars.length ? await ctx.chart('by-model', spendBarsSpec(bars.map((b, i) => ({ name: b.name, value: b.usd, order: i, text: fmtUsd(b.usd) })), 'Spend (USD)')) : undefined,
    // The text and Markdown tables' columns (easy share and the routed figure too), and the label counts.
    table: rowsTable(sorted, ['model', 'region', 'requests', 'easyShare', 'costUsd', 'shareOfCost', 'routedCeilingUsd', 'labels'], {
      labels: { easyShare: 'Easy share', routedCeilingUsd: 'Best case with routing (USD)' },
    }),
    ...(legend ? { notes: [legend] } : {}),
    wide: true,
  });
}

/** byGroup rows by dimension (team, app, …), in the report's order. */
function groupsByDimension(a: Analyze): Map<string, Analyze['byGroup']> {
  const groups = new Map<string, Analyze['byGroup']>();
  for (const g of a.byGroup) {
    if (!groups.has(g.groupBy)) groups.set(g.groupBy, []);
    groups.get(g.groupBy)!.push(g);
  }
  return groups;
}

async function byGroupFigures(a: Analyze, ctx: RenderContext): Promise<SafeHtml[]> {
  const out: SafeHtml[] = [];
  let i = 0;
  for (const [group, rows] of groupsByDimension(a)) {
    const total = rows.reduce((s, r) => s + r.costUsd, 0);
    const sorted = [...rows].sort((x, y) => y.costUsd - x.costUsd);
    const top = sorted[0]!;
    const bars = uniqueNames(topWithRest(rows.map((r) => ({ name: r.group, usd: r.costUsd })), TOP_BARS, (n) => `${n} others`));
    const id = i++;
    // The dimension's own name heads its column ("team"), beside the row's figures.
    const tableRows = sorted.map((r) => ({ [group]: r.group, requests: r.requests, costUsd: r.costUsd, shareOfSpend: total > 0 ? r.costUsd / total : null, routedCeilingUsd: r.routedCeilingUsd, savingsPct: r.savingsPct, labels: r.labels }));
    out.push(
      figure({
        id: `fig-by-group-${id}`,
        title: `Spend by ${group}${a.distributionSource === 'measured' ? '' : ' (best case with routing on the prior labels, not measured)'}`,
        reading: total > 0 ? `${group} “${top.group}” spends the most: ${fmtUsd(top.costUsd)}, ${fmtShare(top.costUsd / total, 0)} of spend across ${rows.length} value${rows.length === 1 ? '' : 's'}.` : `${rows.length} values; no priced spend.`,
        chart: bars.length ? await ctx.chart(`by-group-${id}`, spendBarsSpec(bars.map((b, j) => ({ name: b.name, value: b.usd, order: j, text: fmtUsd(b.usd) })), 'Spend (USD)', '#5b8e7d')) : undefined,
        table: rowsTable(tableRows, [group, 'requests', 'costUsd', 'shareOfSpend', 'routedCeilingUsd', 'savingsPct', 'labels'], {
          labels: { routedCeilingUsd: 'Best case with routing (USD)', savingsPct: 'Savings vs all-frontier (%)' },
        }),
        wide: true,
      }),
    );
  }
  return out;
}

function topWasteFigure(a: Analyze): SafeHtml | undefined {
  const rows = a.topWaste;
  if (rows.length === 0) return undefined;
  const total = rows.reduce((s, r) => s + r.wasteUsd, 0);
  return figure({
    id: 'fig-top-waste',
    title: a.distributionSource === 'measured' ? 'Top waste: premium models serving easy traffic (estimated from the measured labels)' : 'Top waste on the prior: premium models serving traffic the labeler calls easy (not measured)',
    reading: `The ${rows.length} largest entries account for ${fmtUsd(total)} that cheaper tiers could serve; the largest is ${rows[0]!.model}.`,
    table: rowsTable(rows, ['model', 'region', 'easyRequests', 'costUsd', 'cheapTierCostUsd', 'wasteUsd'], {
      maxRows: 15,
      labels: { costUsd: 'Paid (USD)', cheapTierCostUsd: 'On the cheapest tier (USD)', wasteUsd: 'Could be saved (USD)' },
    }),
  });
}

const RECORD_COUNTS = ['read', 'priced', 'unpriced', 'failed', 'invalid'] as const;
const TOKEN_KINDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

function recordsFigure(a: Analyze, extraNotes: string[]): SafeHtml {
  const r = a.records;
  const rows: Cell[][] = RECORD_COUNTS.map((k) => [humanize(k), fmtCount(r[k])]);
  const tokenRows: Cell[][] = TOKEN_KINDS.map((k) => [humanize(k), fmtCount(a.tokens[k])]);
  const unpriced = a.unpricedModels;
  return figure({
    id: 'fig-records',
    title: 'Records and tokens',
    reading: `${fmtCount(r.priced)} of ${fmtCount(r.read)} records priced; ${fmtCount(r.unpriced)} unpriced, ${fmtCount(r.failed)} failed calls (zero cost, counted apart), ${fmtCount(r.invalid)} invalid.`,
    table: html`<div class="pair">${table([{ label: 'Records' }, { label: 'Count', num: true }], rows)}${table([{ label: 'Tokens' }, { label: 'Count', num: true }], tokenRows)}</div>${
      unpriced.length
        ? html`${callout(`${unpriced.length} model${unpriced.length === 1 ? ' has' : 's have'} no price: their requests are left out of every cost above (never priced at $0). Add them with --catalog.`)}${rowsTable(unpriced, ['model', 'requests', 'tokens'], { caption: 'Unpriced models' })}`
        : ''
    }`,
    notes: [...extraNotes, ...recordNotes(a)],
    wide: true,
  });
}

function recordNotes(a: Analyze): string[] {
  const notes: string[] = [];
  for (const r of a.invalid.reasons.slice(0, 5)) notes.push(`Invalid: ${r.reason} (${fmtCount(r.count)})`);
  for (const e of a.invalid.examples.slice(0, 3)) notes.push(`e.g. ${e.file}:${e.line}: ${e.reason}`);
  for (const p of a.problems.slice(0, 5)) notes.push(`Kept, with a problem: ${p.problem} (${fmtCount(p.count)})`);
  if (a.failedByCode.length) notes.push(`Failed calls by error code: ${a.failedByCode.map((o) => `${o.code} ${fmtCount(o.count)}`).join(', ')}.`);
  for (const n of a.priceNotes.slice(0, 5)) notes.push(`Pricing: ${n}`);
  if (a.sample) notes.push(`Sampled: ${fmtCount(a.sample.size)} of ${fmtCount(a.sample.of)} records (seed ${a.sample.seed}); estimates carry their intervals.`);
  return notes;
}

function analyzeKpis(a: Analyze): SafeHtml {
  return kpis([
    ['Actual spend', fmtUsd(a.cost.actual)],
    ['All on the frontier tier (what-if)', fmtUsd(a.cost.frontierCounterfactual)],
    a.distributionSource === 'prior' ? ['Best case with routing', 'not measured'] : ['Best case with routing', fmtUsd(a.cost.routedCeiling)],
    ['Requests read', fmtCount(a.records.read)],
  ]);
}

/** Sessions and prompt caches: the two cache-aware ceilings side by side, with what per-request routing loses to cold caches. */
function cachesFigure(c: AnalyzeReportJson): SafeHtml {
  const s = c.sessions;
  const prior = c.distributionSource === 'prior';
  const on = prior ? ' on the labeler’s prior labels (not measured)' : '';
  const readShare = s.cacheReadShareMedian === null ? '' : `; cache reads are ${fmtShare(s.cacheReadShareMedian, 1)} of a session’s prompt tokens at the median (${fmtShare(s.cacheReadShareP90, 1)} at p90)`;
  const better = c.savings.ceilingRouting === 'session-pinned' ? 'each session pinned to one tier' : 'each request on its own tier';
  const rows: Cell[][] = [
    ['Cache-blind (each request on its label’s tier, its logged cache tokens kept)', fmtUsd(c.cost.routedCeiling), fmtPct(c.savings.ceilingPct)],
    [`Per request, caches simulated (${fmtCount(s.coldTurns)} of ${fmtCount(s.simulatedTurns)} turns find their prefix cold)`, fmtUsd(c.cost.routedPerRequestUsd), fmtPct(c.savings.ceilingPerRequestPct)],
    ['Session-pinned (each session on the tier of its hardest turn)', fmtUsd(c.cost.routedSessionPinnedUsd), fmtPct(c.savings.ceilingSessionPinnedPct)],
  ];
  const notes = [
    'Prompt caches are per model: a turn routed to another tier than the turn before pays its cached prefix again (as a cache write, or as uncached input), and reads it from cache only when the same tier served the previous turn within the cache TTL.',
  ];
  if (s.keptShare < 1) notes.push(`Memory was bounded: ${fmtShare(s.keptShare, 1)} of sessions were kept (by a hash of the session) and their cache effects scaled up.`);
  return figure({
    id: 'fig-sessions',
    title: 'Sessions and prompt caches',
    reading: `${fmtCount(s.count)} sessions, keyed by ${KEYED_BY[s.keyedBy]}${s.sessionKey ? ` (${s.sessionKey})` : ''}; ${fmtCount(s.turnsMedian)} turns per session at the median, ${fmtCount(s.turnsP90)} at p90${readShare}. Routing per request loses ${fmtUsd(c.cost.fragmentationLossUsd)} to cold caches${on}; the better routing is ${better}.`,
    table: table([{ label: 'Routed ceiling' }, { label: 'USD', num: true }, { label: 'Savings vs all-frontier', num: true }], rows, { emphasize: (i) => (c.savings.ceilingRouting === 'session-pinned' ? i === 2 : i === 1) }),
    notes,
  });
}

/** How the traffic was read, when an engine scanned it or labeled a sample of it. */
function readNotes(c: AnalyzeReportJson): string[] {
  const notes: string[] = [];
  if (c.scan) notes.push(`Scanned by Athena: ${fmtCount(c.scan.bytesScanned)} bytes in ${fmtCount(c.scan.queries)} queries, ${fmtUsd(c.scan.costUsd)} at $${c.scan.price.usdPerTB} per TB (${c.scan.price.source}, ${c.scan.price.asOf}); in no other figure.`);
  if (c.labelSample) notes.push(`Labeled from a stratified sample: ${fmtCount(c.labelSample.size)} of ${fmtCount(c.labelSample.of)} records (seed ${c.labelSample.seed}); counts, tokens and dollars cover every record, the difficulty mix is estimated.`);
  return notes;
}

export async function analyzeSection(a: Analyze, ctx: RenderContext): Promise<SafeHtml> {
  const parts: SafeHtml[] = [analyzeKpis(a), await distributionFigure(a, ctx), await waterfallFigure(a, ctx), cachesFigure(a)];
  // One name per model for the whole page, from every model ID the report has.
  const names = nameModels(reportModelIds(a), CHART_NAME_WIDTH);
  const m = await byModelFigure(a, ctx, names);
  if (m) parts.push(m);
  parts.push(...(await byGroupFigures(a, ctx)));
  const tw = topWasteFigure(a);
  if (tw) parts.push(tw);
  parts.push(recordsFigure(a, readNotes(a)));
  return section('traffic', 'Traffic: where the money goes', 'Priced, labeled traffic from the logs (tokor analyze).', parts);
}
