/** The traffic section, from `tokor analyze --format json`. Pure (charts rendered in memory). */
import { COLORS, distributionSpec, spendBarsSpec, waterfallSpec, type WaterfallStep } from '../charts.js';
import { fmtCount, fmtPct, fmtShare, fmtShareInterval, fmtUsd, toInterval } from '../format.js';
import { readCeiling } from '../headline.js';
import { shortenModelIds } from '../../table.js';
import { html, type SafeHtml } from '../html.js';
import { callout, figure, kpis, section, table, type Cell } from '../page.js';
import { arr, firstNum, firstStr, namedRows, num, obj, str, type Obj } from '../read.js';
import { humanize, objectTable, topWithRest, uniqueNames } from './common.js';
import type { RenderContext } from './context.js';
import type { AnalyzeCaches } from '../../../artifacts/analyzeCaches.js';
import { KEYED_BY } from '../../analyze.js';

const LABEL_ORDER = ['easy', 'moderate', 'hard'];
const LABEL_COLOR: Record<string, string> = { easy: COLORS.easy, moderate: COLORS.moderate, hard: COLORS.hard };
const TOP_BARS = 12;

interface DistributionRow {
  label: string;
  count: number | undefined;
  share: number | undefined;
  ci95: [number, number] | undefined;
}

function readDistribution(a: Obj): DistributionRow[] {
  const d = obj(a.distribution) ?? {};
  const labels = [...LABEL_ORDER.filter((l) => l in d), ...Object.keys(d).filter((l) => !LABEL_ORDER.includes(l))];
  const rows = labels.map((label) => {
    const e = obj(d[label]);
    return { label, count: num(e?.count), share: num(e?.share), ci95: toInterval(e?.ci95) };
  });
  const total = rows.reduce((s, r) => s + (r.count ?? 0), 0);
  for (const r of rows) if (r.share === undefined && r.count !== undefined && total > 0) r.share = r.count / total;
  return rows;
}

function distributionReading(rows: DistributionRow[], a: Obj): string {
  const parts = rows.filter((r) => r.share !== undefined);
  if (parts.length === 0) return 'No difficulty distribution in the input.';
  const [first, ...rest] = parts;
  if (str(a.distributionSource) === 'prior') {
    return `Not measured: the labeler's prior labels ${fmtShare(first!.share, 0)} of requests ${first!.label}${rest.length ? `, ${rest.map((r) => `${fmtShare(r.share, 0)} ${r.label}`).join(' and ')}` : ''} — a guess from each request's shape; \`tokor label\` measures the mix.`;
  }
  let s = `${fmtShare(first!.share, 0)} of requests are ${first!.label}${first!.ci95 ? ` (95% CI ${fmtShareInterval(first!.ci95, 0)})` : ''}`;
  if (rest.length) s += `, ${rest.map((r) => `${fmtShare(r.share, 0)} ${r.label}`).join(' and ')}`;
  const c = readCeiling(a);
  if (c) s += `; sending each to its tier would cost up to ${fmtPct(c.cutPct, 1)} less than all-frontier`;
  return `${s}.`;
}

async function distributionFigure(a: Obj, ctx: RenderContext): Promise<SafeHtml> {
  const rows = readDistribution(a);
  const measured = str(a.distributionSource) === 'measured';
  const bars = rows
    .filter((r) => r.share !== undefined)
    .map((r, i) => ({
      label: r.label,
      share: r.share!,
      lo: r.ci95?.[0] ?? null,
      hi: r.ci95?.[1] ?? null,
      order: i,
      color: LABEL_COLOR[r.label] ?? COLORS.bar,
      text: fmtShare(r.share, 0),
    }));
  const chart = bars.length ? await ctx.chart('distribution', distributionSpec(bars)) : undefined;
  return figure({
    id: 'fig-distribution',
    title: 'Difficulty mix',
    reading: distributionReading(rows, a),
    chart,
    table: table(
      [{ label: 'Difficulty' }, { label: 'Requests', num: true }, { label: 'Share', num: true }, { label: '95% CI', num: true }],
      rows.map((r) => [r.label, fmtCount(r.count), fmtShare(r.share), fmtShareInterval(r.ci95)]),
    ),
    notes: [
      measured
        ? 'Shares estimated from measured labels (a replayed sample graded against cheaper tiers) for all requests, stratified by task cluster with the labeler’s prediction as control variate; 95% intervals.'
        : 'Difficulty is estimated by tokor’s built-in rules from each request’s shape, not measured: the intervals cover sampling only, not mislabeling. `tokor label` measures it.',
    ],
  });
}

function waterfallSteps(a: Obj): WaterfallStep[] {
  const cost = obj(a.cost);
  const actual = num(cost?.actual);
  const frontier = num(cost?.frontierCounterfactual);
  const routed = num(cost?.routedCeiling);
  if (actual === undefined) return [];
  const steps: WaterfallStep[] = [];
  const delta = (from: number, to: number, step: string) =>
    steps.push({ step, start: from, end: to, kind: to <= from ? 'decrease' : 'increase', order: steps.length, text: to === from ? fmtUsd(0) : `${to < from ? '−' : '+'}${fmtUsd(Math.abs(to - from))}` });
  const total = (v: number, step: string) => steps.push({ step, start: 0, end: v, kind: 'total', order: steps.length, text: fmtUsd(v) });
  if (frontier !== undefined) {
    total(frontier, 'All on|frontier tier');
    delta(frontier, actual, 'Today’s|model mix');
  }
  total(actual, 'Actual|spend');
  // Without measured labels the routed figure rests on an unmeasured prior: no step shows it as a result.
  if (routed !== undefined && str(a.distributionSource) !== 'prior') {
    delta(actual, routed, 'Route by|difficulty');
    total(routed, 'Best case|with routing');
  }
  return steps;
}

/** The savings figures of an analyze JSON, the headline first, each with what it measures. */
function savingsRows(a: Obj): Cell[][] {
  const savings = obj(a.savings);
  if (!savings) return [];
  const rows: Cell[][] = [];
  const add = (key: string, label: string, note: string) => {
    const v = num(savings[key]);
    if (v !== undefined) rows.push([label, fmtPct(v), note]);
  };
  const prior = str(a.distributionSource) === 'prior';
  for (const x of arr(savings.sensitivity)) {
    const o = obj(x);
    const e = num(o?.easyShare);
    const c = num(o?.ceilingPct);
    if (e !== undefined && c !== undefined) rows.push([`If ${fmtShare(e, 0)} of requests are easy`, fmtPct(c), 'that share on the cheapest tier, the rest on the frontier tier, at this traffic’s prices']);
  }
  if (prior) add('ceilingPct', 'On the labeler’s prior (not measured)', 'each request on the tier of its unmeasured prior label: a guess, not a measurement');
  else add('ceilingPct', 'Savings vs all-frontier (headline)', 'each request on its difficulty’s tier, against all of them on the frontier tier');
  if (!prior) add('ceilingVsActualPct', 'Savings vs actual spend', 'the same best case, against what was actually paid with today’s model mix');
  const mix = num(savings.actualVsFrontierPct);
  if (mix !== undefined) rows.push(['Today’s mix vs all-frontier', fmtPct(mix), mix >= 0 ? 'today’s mix of models already costs this much less than all-frontier' : 'today’s mix of models costs this much more than all-frontier']);
  add('formulaPct', 'Formula cross-check', 'Σ share × (1 − tier rate ÷ frontier rate) with average rates; weighs each label by its share of requests, not of cost, so it differs when easy and hard requests differ in length');
  return rows;
}

async function waterfallFigure(a: Obj, ctx: RenderContext): Promise<SafeHtml | undefined> {
  const steps = waterfallSteps(a);
  if (steps.length === 0) return undefined;
  const cost = obj(a.cost)!;
  const actual = num(cost.actual)!;
  const frontier = num(cost.frontierCounterfactual);
  const routed = num(cost.routedCeiling);
  const parts: string[] = [];
  if (frontier !== undefined) parts.push(`With every request on the frontier tier these requests would have cost ${fmtUsd(frontier)}; they cost ${fmtUsd(actual)}`);
  else parts.push(`These requests cost ${fmtUsd(actual)}`);
  if (routed !== undefined) {
    const c = readCeiling(a);
    const vsFrontier = c ? `${fmtPct(c.cutPct, 1)} less than all-frontier` : undefined;
    const vsActual = c?.vsActualPct !== undefined ? `${fmtPct(c.vsActualPct, 1)} less than actual spend` : undefined;
    parts.push(`sending each request to the tier of its difficulty could bring that to ${fmtUsd(routed)}${vsFrontier || vsActual ? ` (${[vsFrontier, vsActual].filter(Boolean).join('; ')})` : ''}`);
  }
  const vs = (v: number | undefined) => (v === undefined || actual === 0 ? '—' : fmtPct((v / actual) * 100, 0));
  const rows: Cell[][] = [
    ['All on the frontier tier (what-if)', fmtUsd(frontier), vs(frontier)],
    ['Actual spend', fmtUsd(actual), vs(actual)],
    ['Best case with routing', fmtUsd(routed), vs(routed)],
  ];
  const sRows = savingsRows(a);
  const tiers = arr(a.tiers).map(obj).filter((t): t is Obj => t !== undefined);
  const notes = [
    'All on the frontier tier prices the same requests on the most capable tier (cache tokens at its cache rates); the best case prices each request on the tier of its difficulty label.',
  ];
  if (!ctx.qualityProven) notes.push('Quality unproven: these savings assume the cheaper tiers answer as well, which only `tokor eval` and `tokor calibrate` can show.');
  return figure({
    id: 'fig-waterfall',
    title: 'What was paid, what all-frontier would cost, and the best case with routing',
    reading: `${parts.join('; ')}.`,
    chart: await ctx.chart('waterfall', waterfallSpec(steps)),
    table: html`${table([{ label: 'Scenario' }, { label: 'USD', num: true }, { label: 'of actual', num: true }], rows)}${
      sRows.length ? table([{ label: 'Savings figure' }, { label: 'Value', num: true }, { label: 'What it measures' }], sRows, { emphasize: (i) => i === 0 }) : ''
    }${
      tiers.length
        ? table(
            [{ label: 'Tier' }, { label: 'Model' }, { label: 'Average $ per 1M tokens', num: true }],
            tiers.map((t) => [firstStr(t, ['name', 'tier']) ?? '—', firstStr(t, ['model']) ?? '—', fmtUsd(firstNum(t, ['ratePerMTokBlended', 'blendedRatePerMTok']))]),
            { caption: 'Model tiers, cheapest first' },
          )
        : ''
    }`,
    notes,
    wide: true,
  });
}

/**
 * Chart labels for models: the shortest form of each ID that keeps its
 * cross-Region prefix, family and version apart from the others, and the
 * Region it ran in ("us.claude-sonnet-4-5 · us-east-1").
 */
export function modelLabels(rows: { model: string; region?: string }[], max = 26): string[] {
  const short = shortenModelIds(
    rows.map((r) => r.model),
    max,
  );
  return rows.map((r, i) => (r.region ? `${short[i]} · ${r.region}` : short[i]!));
}

const MODEL_KEYS = ['model', 'modelId', 'modelKey', 'name'];

async function byModelFigure(a: Obj, ctx: RenderContext): Promise<SafeHtml | undefined> {
  const rows = namedRows(a.byModel, MODEL_KEYS);
  if (rows.length === 0) return undefined;
  const totalUsd = rows.reduce((s, r) => s + (r.usd ?? 0), 0);
  const totalReq = rows.reduce((s, r) => s + (firstNum(r.row, ['requests', 'count']) ?? 0), 0);
  const sorted = [...rows].sort((x, y) => (y.usd ?? 0) - (x.usd ?? 0));
  const top = sorted[0]!;
  const topReq = firstNum(top.row, ['requests', 'count']);
  const reading =
    totalUsd > 0
      ? `${top.name}${firstStr(top.row, ['region']) ? ` in ${firstStr(top.row, ['region'])}` : ''} takes ${fmtShare((top.usd ?? 0) / totalUsd, 0)} of spend (${fmtUsd(top.usd)})${topReq !== undefined && totalReq > 0 ? ` for ${fmtShare(topReq / totalReq, 0)} of requests` : ''}; ${rows.length} model${rows.length === 1 ? '' : 's'} in all.`
      : `${rows.length} model${rows.length === 1 ? '' : 's'}; no priced spend.`;
  const priced = rows.filter((r) => r.usd !== undefined) as { name: string; usd: number; row: Obj }[];
  const labels = modelLabels(priced.map((r) => ({ model: r.name, region: firstStr(r.row, ['region']) })));
  const bars = uniqueNames(topWithRest(priced.map((r, i) => ({ name: labels[i]!, usd: r.usd })), TOP_BARS, (n) => `${n} other models`));
  return figure({
    id: 'fig-by-model',
    title: 'Spend by model',
    reading,
    chart: bars.length ? await ctx.chart('by-model', spendBarsSpec(bars.map((b, i) => ({ name: b.name, value: b.usd, order: i, text: fmtUsd(b.usd) })), 'Spend (USD)')) : undefined,
    table: objectTable(
      sorted.map((r) => ('shareOfCost' in r.row ? r.row : { ...r.row, shareOfSpend: totalUsd > 0 && r.usd !== undefined ? r.usd / totalUsd : null })),
      { prefer: ['model', 'region', 'requests', 'costUsd', 'shareOfCost', 'shareOfSpend', 'labels'], maxColumns: 6 },
    ),
    wide: true,
  });
}

/**
 * byGroup rows are {groupBy: 'team', group: 'payments'} (analyze's JSON) or
 * {group: 'team', key: 'payments'} (the older contract): both are read.
 */
function readGroups(a: Obj): Map<string, { name: string; usd: number | undefined; row: Obj }[]> {
  const groups = new Map<string, { name: string; usd: number | undefined; row: Obj }[]>();
  for (const g of arr(a.byGroup)) {
    const o = obj(g);
    if (!o) continue;
    const hasGroupBy = str(o.groupBy) !== undefined;
    const dimension = (hasGroupBy ? str(o.groupBy) : firstStr(o, ['group', 'dimension'])) ?? 'group';
    const value = (hasGroupBy ? str(o.group) : firstStr(o, ['key', 'value', 'name'])) ?? '(none)';
    const { groupBy: _d, group: _g, key: _k, ...rest } = o;
    if (!groups.has(dimension)) groups.set(dimension, []);
    groups.get(dimension)!.push({ name: value, usd: firstNum(o, ['costUsd', 'usd']), row: { [dimension]: value, ...rest } });
  }
  return groups;
}

async function byGroupFigures(a: Obj, ctx: RenderContext): Promise<SafeHtml[]> {
  const out: SafeHtml[] = [];
  let i = 0;
  for (const [group, rows] of readGroups(a)) {
    const total = rows.reduce((s, r) => s + (r.usd ?? 0), 0);
    const sorted = [...rows].sort((x, y) => (y.usd ?? 0) - (x.usd ?? 0));
    const top = sorted[0]!;
    const bars = uniqueNames(topWithRest(rows.filter((r) => r.usd !== undefined) as { name: string; usd: number }[], TOP_BARS, (n) => `${n} others`));
    const id = i++;
    out.push(
      figure({
        id: `fig-by-group-${id}`,
        title: `Spend by ${group}${a.distributionSource === 'measured' ? '' : ' (best case with routing on the prior labels, not measured)'}`,
        reading: total > 0 ? `${group} “${top.name}” spends the most: ${fmtUsd(top.usd)}, ${fmtShare((top.usd ?? 0) / total, 0)} of spend across ${rows.length} value${rows.length === 1 ? '' : 's'}.` : `${rows.length} values; no priced spend.`,
        chart: bars.length ? await ctx.chart(`by-group-${id}`, spendBarsSpec(bars.map((b, j) => ({ name: b.name, value: b.usd, order: j, text: fmtUsd(b.usd) })), 'Spend (USD)', '#5b8e7d')) : undefined,
        table: objectTable(
          sorted.map((r) => ({ ...r.row, shareOfSpend: total > 0 && r.usd !== undefined ? r.usd / total : null })),
          { prefer: [group, 'requests', 'costUsd', 'shareOfSpend', 'routedCeilingUsd', 'savingsPct', 'labels'], maxColumns: 7, labels: { routedCeilingUsd: 'Best case with routing (USD)', savingsPct: 'Savings vs all-frontier (%)', frontierCounterfactualUsd: 'All on frontier (USD)' } },
        ),
        wide: true,
      }),
    );
  }
  return out;
}

function topWasteFigure(a: Obj): SafeHtml | undefined {
  const rows = arr(a.topWaste).filter((r) => obj(r));
  if (rows.length === 0) return undefined;
  const first = obj(rows[0])!;
  const wasteKey = Object.keys(first).find((k) => /(waste|saving|excess|avoidable).*usd$/i.test(k));
  const total = wasteKey ? rows.reduce<number>((s, r) => s + (num(obj(r)![wasteKey]) ?? 0), 0) : undefined;
  const who = firstStr(first, ['model', 'key', 'name']);
  return figure({
    id: 'fig-top-waste',
    title: a.distributionSource === 'measured' ? 'Top waste: premium models serving easy traffic (estimated from the measured labels)' : 'Top waste on the prior: premium models serving traffic the labeler calls easy (not measured)',
    reading:
      total !== undefined
        ? `The ${rows.length} largest entries account for ${fmtUsd(total)} that cheaper tiers could serve${who ? `; the largest is ${who}` : ''}.`
        : `${rows.length} entries, largest first${who ? `; the largest is ${who}` : ''}.`,
    table: objectTable(rows, { prefer: ['model', 'region', 'group', 'key', 'label', 'easyRequests', 'requests', 'costUsd', 'cheapTierCostUsd', 'wasteUsd'], maxRows: 15, labels: { costUsd: 'Paid (USD)', cheapTierCostUsd: 'On the cheapest tier (USD)', wasteUsd: 'Could be saved (USD)' } }),
  });
}

function recordsFigure(a: Obj, extraNotes: string[]): SafeHtml {
  const r = obj(a.records) ?? {};
  const t = obj(a.tokens) ?? {};
  const read = num(r.read);
  const rows: Cell[][] = ['read', 'priced', 'unpriced', 'failed', 'invalid'].map((k) => [humanize(k), fmtCount(r[k])]);
  const tokenRows: Cell[][] = ['input', 'output', 'cacheRead', 'cacheWrite'].map((k) => [humanize(k), fmtCount(t[k])]);
  const unpriced = arr(a.unpricedModels).map((u) => (typeof u === 'string' ? { model: u } : obj(u))).filter((u): u is Obj => u !== undefined);
  return figure({
    id: 'fig-records',
    title: 'Records and tokens',
    reading: `${fmtCount(r.priced)} of ${fmtCount(read)} records priced; ${fmtCount(r.unpriced)} unpriced, ${fmtCount(r.failed)} failed calls (zero cost, counted apart), ${fmtCount(r.invalid)} invalid.`,
    table: html`<div class="pair">${table([{ label: 'Records' }, { label: 'Count', num: true }], rows)}${table([{ label: 'Tokens' }, { label: 'Count', num: true }], tokenRows)}</div>${
      unpriced.length
        ? html`${callout(`${unpriced.length} model${unpriced.length === 1 ? ' has' : 's have'} no price: their requests are left out of every cost above (never priced at $0). Add them with --catalog.`)}${objectTable(unpriced, { prefer: ['model', 'requests'], caption: 'Unpriced models' })}`
        : ''
    }`,
    notes: [...extraNotes, ...recordNotes(a)],
    wide: true,
  });
}

function recordNotes(a: Obj): string[] {
  const notes: string[] = [];
  const invalid = obj(a.invalid);
  for (const r of arr(invalid?.reasons).slice(0, 5)) {
    const o = obj(r);
    if (o) notes.push(`Invalid: ${firstStr(o, ['reason']) ?? '?'} (${fmtCount(o.count)})`);
  }
  for (const e of arr(invalid?.examples).slice(0, 3)) {
    const o = obj(e);
    if (o) notes.push(`e.g. ${firstStr(o, ['file']) ?? '?'}:${firstStr(o, ['line']) ?? '?'}: ${firstStr(o, ['reason']) ?? ''}`);
  }
  for (const p of arr(a.problems).slice(0, 5)) {
    const o = obj(p);
    if (o) notes.push(`Kept, with a problem: ${firstStr(o, ['problem']) ?? '?'} (${fmtCount(o.count)})`);
  }
  const failed = arr(a.failedByCode).map(obj).filter((o): o is Obj => o !== undefined);
  if (failed.length) notes.push(`Failed calls by error code: ${failed.map((o) => `${firstStr(o, ['code']) ?? '?'} ${fmtCount(o.count)}`).join(', ')}.`);
  for (const n of arr(a.priceNotes).slice(0, 5)) if (str(n)) notes.push(`Pricing: ${str(n)}`);
  const sample = obj(a.sample);
  if (sample) notes.push(`Sampled: ${fmtCount(sample.size)} of ${fmtCount(sample.of)} records (seed ${str(sample.seed) ?? '?'}); estimates carry their intervals.`);
  return notes;
}

function analyzeKpis(a: Obj): SafeHtml {
  const cost = obj(a.cost) ?? {};
  return kpis([
    ['Actual spend', fmtUsd(cost.actual)],
    ['All on the frontier tier (what-if)', fmtUsd(cost.frontierCounterfactual)],
    str(a.distributionSource) === 'prior' ? ['Best case with routing', 'not measured'] : ['Best case with routing', fmtUsd(cost.routedCeiling)],
    ['Requests read', fmtCount(obj(a.records)?.read)],
  ]);
}

/** Sessions and prompt caches: the two cache-aware ceilings side by side, with what per-request routing loses to cold caches. */
function cachesFigure(c: AnalyzeCaches): SafeHtml {
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
function readNotes(c: AnalyzeCaches | undefined): string[] {
  const notes: string[] = [];
  if (c?.scan) notes.push(`Scanned by Athena: ${fmtCount(c.scan.bytesScanned)} bytes in ${fmtCount(c.scan.queries)} queries, ${fmtUsd(c.scan.costUsd)} at $${c.scan.price.usdPerTB} per TB (${c.scan.price.source}, ${c.scan.price.asOf}); in no other figure.`);
  if (c?.labelSample) notes.push(`Labeled from a stratified sample: ${fmtCount(c.labelSample.size)} of ${fmtCount(c.labelSample.of)} records (seed ${c.labelSample.seed}); counts, tokens and dollars cover every record, the difficulty mix is estimated.`);
  return notes;
}

export async function analyzeSection(a: Obj, ctx: RenderContext, caches?: AnalyzeCaches): Promise<SafeHtml> {
  const parts: SafeHtml[] = [analyzeKpis(a), await distributionFigure(a, ctx)];
  const w = await waterfallFigure(a, ctx);
  if (w) parts.push(w);
  if (caches) parts.push(cachesFigure(caches));
  const m = await byModelFigure(a, ctx);
  if (m) parts.push(m);
  parts.push(...(await byGroupFigures(a, ctx)));
  const tw = topWasteFigure(a);
  if (tw) parts.push(tw);
  parts.push(recordsFigure(a, readNotes(caches)));
  return section('traffic', 'Traffic: where the money goes', 'Priced, labeled traffic from the logs (tokor analyze).', parts);
}
