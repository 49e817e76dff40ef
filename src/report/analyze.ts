/**
 * Renders an AnalyzeReport as a terminal table, Markdown, CSV or JSON. Pure.
 *
 * Every format opens with the same headline (report.headline): the savings
 * ceiling against all-frontier, and beside it what must not be missed —
 * bundled sample data, spend without a price. The other savings figures
 * (against actual paid, the formula) are explained where they are shown.
 */
import { DIFFICULTIES } from '../types.js';
import type { AnalyzeReport } from '../analyze/report.js';
import type { AnalyzeReconciliation } from '../costs/reconcile.js';
import { reconciliationLines } from '../costs/render.js';
import { csv, mdCode, mdText, termSafe } from './escape.js';
import { capRows, ci, compact, int, md, mdTable, pct, pctFigure, usd, counted } from './format.js';
import { DEFAULT_WIDTH, fitTable, modelColumnWidth, nameModels, wrapText, type Column } from './table.js';
import { AGGREGATE_PROBLEM } from '../ingest/formats/otelMetrics.js';

const MAX_ROWS = 10;

export interface RenderOptions {
  /** Terminal width to fit (table format). */
  width?: number;
}

export function renderAnalyze(r: AnalyzeReport, format: 'table' | 'json' | 'csv' | 'markdown', opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2);
    case 'csv':
      return renderCsv(r);
    case 'markdown':
      return renderMarkdown(r);
    default:
      return renderTable(r, opts.width ?? DEFAULT_WIDTH);
  }
}

function periodText(r: AnalyzeReport): string {
  return r.period ? `${r.period.start.slice(0, 10)} → ${r.period.end.slice(0, 10)}` : 'period unknown (no parseable timestamps)';
}

function recordsLine(r: AnalyzeReport): string {
  const x = r.records;
  return `read ${int(x.read)} · priced ${int(x.priced)} · unpriced ${int(x.unpriced)} · failed ${int(x.failed)} · invalid ${int(x.invalid)}${x.duplicates ? ` · duplicates dropped ${int(x.duplicates)}` : ''}`;
}

function tokensLine(r: AnalyzeReport): string {
  const t = r.tokens;
  return `input ${compact(t.input)} · output ${compact(t.output)} · cache read ${compact(t.cacheRead)} · cache write ${compact(t.cacheWrite)}`;
}

function distributionRows(r: AnalyzeReport): string[][] {
  return DIFFICULTIES.map((d) => {
    const x = r.distribution[d];
    return [d, int(x.count), pct(x.share), ci(x.ci95[0], x.ci95[1]), r.labelTiers[d]];
  });
}

function distributionTitle(r: AnalyzeReport): string {
  const sample = r.sample ? `; sample of ${int(r.sample.size)} of ${int(r.sample.of)}` : r.labelSample ? `; labels from a stratified sample of ${int(r.labelSample.size)} of ${int(r.labelSample.of)}` : '';
  if (r.distributionSource === 'measured') {
    const m = r.measured!;
    return `Difficulty (estimated for all ${int(m.ofValid)} requests from ${counted(m.count, 'measured label')} in ${counted(m.clusters, 'task cluster')}; 95% CI${sample})`;
  }
  return `Difficulty (${r.labeler} labeler: a prior, not measured; the 95% Wilson CI covers sampling only${sample})`;
}

/** The gateway's own cost figure beside tokor's price of the same requests (docs/analyze.md, gatewayCost). */
function gatewayCostLine(g: NonNullable<AnalyzeReport['gatewayCost']>): string {
  const priced = g.requests - g.unpricedRequests;
  const base = g.reportedUsd - (g.byModel.filter((m) => m.tokorUsd === null).reduce((n, m) => n + m.reportedUsd, 0));
  const rel = g.tokorUsd > 0 ? ` (${g.deltaUsd >= 0 ? '+' : '−'}${pct(Math.abs(g.deltaUsd) / g.tokorUsd)})` : '';
  const gap = Math.abs(g.deltaUsd) < 0.005 ? 'the same' : `${g.deltaUsd > 0 ? 'more' : 'less'} by ${usd(Math.abs(g.deltaUsd))}${rel}`;
  const unpriced = g.unpricedRequests ? `; ${int(g.unpricedRequests)} of them have no tokor price` : '';
  return `Gateway's own cost (LiteLLM spend): ${usd(g.reportedUsd)} for ${int(g.requests)} requests; on the ${int(priced)} tokor prices, the gateway says ${usd(base)} and tokor ${usd(g.tokorUsd)}: ${gap}${unpriced}.`;
}

function formulaLines(r: AnalyzeReport): string[] {
  return r.formula.map((f) => `  ${f.label.padEnd(8)} ${pct(f.share).padStart(6)} × (1 − ${f.rateRatio.toFixed(3)} ${f.tier}/frontier rate) = ${f.contributionPct.toFixed(1)} pts`);
}

function costRows(r: AnalyzeReport): string[][] {
  const ci = r.cost.routedCeilingCi95;
  return [
    ['actual paid', usd(r.cost.actual), ''],
    ['all-frontier counterfactual', usd(r.cost.frontierCounterfactual), `same requests on ${r.tiers[r.tiers.length - 1]!.model}`],
    r.distributionSource === 'measured'
      ? ['routed ceiling, estimated', `${usd(r.cost.routedCeiling)}${ci ? ` (95% CI ${usd(ci[0])}–${usd(ci[1])})` : ''}`, 'each request on its label’s tier, estimated from the measured labels']
      : ['routed ceiling on the prior', usd(r.cost.routedCeiling), 'each request on the tier of its unmeasured prior label'],
  ];
}

/** The ceiling at 40% / 70% / 90% easy: what the headline's range rests on. */
function sensitivityText(r: AnalyzeReport): string {
  const t = r.tiers;
  return `${r.savings.sensitivity.map((x) => `${pct(x.easyShare, 0)} easy → ${pct(x.ceilingPct / 100)} (${usd(x.routedCeilingUsd)})`).join(' · ')} against all-frontier: that share of requests on ${t[0]!.name}, the rest on ${t[t.length - 1]!.name}, at this traffic's prices (all of it on ${t[0]!.name} ${usd(t[0]!.costIfAllUsd)}, on ${t[t.length - 1]!.name} ${usd(t[t.length - 1]!.costIfAllUsd)}).`;
}

/** The headline figure, then the other two savings figures and why they differ. */
function savingsLines(r: AnalyzeReport): { label: string; text: string }[] {
  const s = r.savings;
  const mix = s.actualVsFrontierPct >= 0 ? `already saves ${pctFigure(s.actualVsFrontierPct)} against` : `costs ${pctFigure(-s.actualVsFrontierPct)} more than`;
  const ceiling =
    r.distributionSource === 'measured'
      ? {
          label: 'Savings ceiling',
          text: `${pct(s.ceilingPct / 100)}${s.ceilingCi95 ? ` (95% CI ${ci(s.ceilingCi95[0] / 100, s.ceilingCi95[1] / 100)})` : ''} against all-frontier (${cacheChanged(r) ? 'cache-blind; the headline is the cache-aware ceiling under Prompt caches' : 'the headline'}): every request priced on its label's tier (${usd(r.cost.routedCeiling)}), estimated from ${int(r.measured!.count)} measured labels stratified over task clusters, against the same requests all on the frontier tier (${usd(r.cost.frontierCounterfactual)}).`,
        }
      : {
          label: 'If easy',
          text: `${sensitivityText(r)} The easy share is not measured: on the ${r.labeler} labeler's prior labels the ceiling would be ${pct(s.ceilingPct / 100)} (${usd(r.cost.routedCeiling)}), a guess, not a measurement${r.toMeasure ? `; measure it with \`${r.toMeasure.command}\`` : ''}.`,
        };
  return [
    ceiling,
    {
      label: 'Against paid',
      text: `${pctFigure(s.ceilingVsActualPct)} against what was actually paid (${usd(r.cost.actual)} → ${usd(r.cost.routedCeiling)}): the same ceiling${r.distributionSource === 'measured' ? '' : ' on the prior'}, measured from today's model mix, which ${mix} all-frontier.`,
    },
    {
      label: 'Formula',
      text: `${pctFigure(s.formulaPct)} = Σ share × (1 − rate(tier)/rate(frontier)), a cross-check with blended rates (${r.tiers.map((t) => `${t.name} $${t.blendedRatePerMTok.toFixed(3)}/M`).join(', ')}); it weighs each label by its share of requests, not of cost, so it differs from the ceiling when easy and hard requests differ in length.`,
    },
  ];
}

/** How sessions were recognised, in words (the table, and the HTML report's sessions figure). */
export const KEYED_BY: Record<AnalyzeReport['sessions']['keyedBy'], string> = {
  sessionId: 'the log\'s session ID',
  requestMetadata: 'a requestMetadata key',
  conversation: 'conversation (caller, system prompt and opening exchange)',
  none: 'nothing: no request has a session key or a conversation',
  mixed: 'several ways',
};

/** Whether simulating prompt caches per session changes any ceiling (else the cache-blind one is the headline). */
function cacheChanged(r: AnalyzeReport): boolean {
  const s = r.savings;
  return r.sessions.simulatedTurns > 0 && (r.cost.fragmentationLossUsd !== 0 || s.ceilingPerRequestPct !== s.ceilingPct || s.ceilingSessionPinnedPct !== s.ceilingPct);
}

/** Sessions, then what prompt caches change in the routed ceiling (and in the formula, which ignores them). */
function cacheLines(r: AnalyzeReport): { label: string; text: string }[] {
  const x = r.sessions;
  const s = r.savings;
  const by = x.keyedBy === 'requestMetadata' && x.sessionKey ? `requestMetadata.${x.sessionKey}` : KEYED_BY[x.keyedBy];
  const share = x.cacheReadShareMedian === null ? '' : `; cache reads are ${pct(x.cacheReadShareMedian)} of a session's prompt tokens at the median, ${pct(x.cacheReadShareP90 ?? 0)} at p90`;
  const kept = x.keptShare < 1 ? ` (estimated from ${pct(x.keptShare)} of the sessions, chosen by hash to bound memory)` : '';
  const sessions = { label: 'Sessions', text: `${int(x.count)} sessions keyed by ${by}${kept}; turns per session ${x.turnsMedian} at the median, ${x.turnsP90} at p90${share}.` };
  const prior = r.distributionSource === 'measured' ? '' : ' on the prior labels';
  if (!cacheChanged(r)) {
    return [sessions, { label: 'Prompt caches', text: `no session${prior} changes tier between turns: the ceiling above already counts its cache reads.` }];
  }
  const better = s.ceilingRouting === 'session-pinned' ? 'session-pinned' : 'per request';
  const head = r.distributionSource === 'measured' ? `The headline takes the better: ${better}.` : `Better: ${better}, on labels that are a prior (not the headline).`;
  return [
    sessions,
    {
      label: 'Prompt caches',
      text: `caches are per model, so a turn routed to another tier than the turn before pays its cached prefix again. Simulated turn by turn${prior}: routing each request to its label's tier ${pct(s.ceilingPerRequestPct / 100)} (${usd(r.cost.routedPerRequestUsd)}; ${int(x.coldTurns)} of ${int(x.simulatedTurns)} turns find their cached prefix cold, ${usd(r.cost.fragmentationLossUsd)} lost to fragmentation); each session on the tier of its hardest turn ${pct(s.ceilingSessionPinnedPct / 100)} (${usd(r.cost.routedSessionPinnedUsd)}). ${head} The formula and the cache-blind ceiling (${pct(s.ceilingPct / 100)}) count cache reads routing would lose.`,
    },
  ];
}

function renderTable(r: AnalyzeReport, width: number): string {
  const out: string[] = [];
  const para = (text: string, hanging = '  ') => out.push(...wrapText(termSafe(text), width, hanging));
  const labelled = (label: string, text: string, col = 9) => out.push(...wrapText(termSafe(`${label.padEnd(col - 1)} ${text}`), width, ' '.repeat(col)));
  para(`tokor analyze — ${int(r.sources.files)} file${r.sources.files === 1 ? '' : 's'} (${Object.keys(r.sources.formats).join(', ') || 'no logs'}), ${periodText(r)}`);
  para(r.headline.text);
  for (const c of r.headline.caveats) para(`  ⚠ ${c}`);
  out.push('');
  labelled('Records', recordsLine(r));
  labelled('Tokens', tokensLine(r));
  labelled('Catalog', r.catalogVersion);
  if (r.scan) labelled('Scanned', scanLine(r.scan));
  r.tiers.forEach((t, i) => {
    labelled(i === 0 ? 'Ladder' : '', `${i === 0 ? '' : '→ '}${t.name} ${t.model}`);
  });
  const fit = (columns: Column[], rows: (string | number)[][]) => fitTable(columns, rows, { width });
  out.push(
    '',
    ...wrapText(distributionTitle(r), width),
    fit(
      [{ head: 'label' }, { head: 'requests', align: 'right' }, { head: 'share', align: 'right' }, { head: '95% CI', align: 'right' }, { head: 'priced on', fit: 'ellipsis' }],
      distributionRows(r),
    ),
  );
  out.push(
    '',
    'Cost (priced requests)',
    fit(
      [{ head: '' }, { head: 'USD', align: 'right' }],
      costRows(r).map((row) => row.slice(0, 2)),
    ),
  );
  out.push('');
  for (const l of savingsLines(r)) labelled(l.label, l.text, 17);
  out.push(...formulaLines(r).flatMap((l) => wrapText(l, width, '      ')));
  for (const l of cacheLines(r)) labelled(l.label, l.text, 17);
  if (r.clusters?.length) {
    const c = capRows(r.clusters, MAX_ROWS);
    out.push(
      '',
      'Task clusters (easy share estimated from the measured labels)',
      fit(
        [{ head: 'signature', fit: 'ellipsis', min: 20 }, { head: 'requests', align: 'right' }, { head: 'measured', align: 'right' }, { head: 'easy', align: 'right' }, { head: '95% CI', align: 'right' }],
        c.shown.map((x) => [x.signature, int(x.requests), int(x.measured), pct(x.easyShare, 0), ci(x.ci95[0], x.ci95[1])]),
      ),
    );
    if (c.hidden) out.push(`(${c.hidden} more clusters: --format json for all)`);
  }
  const models = capRows(r.byModel, MAX_ROWS);
  const byModel = {
    columns: [
      { head: 'model', fit: 'model', min: 14 },
      { head: 'region' },
      { head: 'requests', align: 'right' },
      { head: 'easy', align: 'right', drop: 2 },
      { head: 'cost', align: 'right' },
      { head: 'share', align: 'right', drop: 1 },
      { head: 'if routed', align: 'right' },
    ] satisfies Column[],
    rows: models.shown.map((m) => [m.model, m.region || '—', int(m.requests), pct(m.easyShare, 0), m.costUsd === null ? 'unpriced' : usd(m.costUsd), pct(m.shareOfCost), usd(m.routedCeilingUsd)]),
  };
  const waste = {
    columns: [
      { head: 'model', fit: 'model', min: 14 },
      { head: 'region' },
      { head: 'easy reqs', align: 'right' },
      { head: 'paid', align: 'right' },
      { head: `on ${r.tiers[0]!.name}`, align: 'right' },
      { head: 'waste', align: 'right' },
    ] satisfies Column[],
    rows: r.topWaste.slice(0, 5).map((w) => [w.model, w.region || '—', int(w.easyRequests), usd(w.costUsd), usd(w.cheapTierCostUsd), usd(w.wasteUsd)]),
  };
  // One name per model for the whole report: the form the narrowest of its model columns allows, over every ID it has.
  const modelWidth = modelColumnWidth(r.topWaste.length ? [byModel, waste] : [byModel], { width });
  const modelNames = modelWidth === undefined ? undefined : nameModels(reportModelIds(r), modelWidth);
  const fitModels = (t: { columns: Column[]; rows: string[][] }) => fitTable(t.columns, t.rows, { width, ...(modelNames ? { modelNames } : {}) });
  out.push('', ...wrapText(`By model (${rowBasis(r)})`, width), fitModels(byModel));
  if (models.hidden) out.push(`(${models.hidden} more models: --format json for all)`);
  if (r.topWaste.length) out.push('', ...wrapText(wasteTitle(r), width), fitModels(waste));
  for (const dim of [...new Set(r.byGroup.map((g) => g.groupBy))]) {
    const g = capRows(
      r.byGroup.filter((x) => x.groupBy === dim),
      MAX_ROWS,
    );
    out.push(
      '',
      ...wrapText(`By ${termSafe(dim)} (savings: routed ceiling against all-frontier; ${rowBasis(r)})`, width),
      fit(
        [
          { head: dim, fit: 'ellipsis' },
          { head: 'requests', align: 'right' },
          { head: 'easy', align: 'right', drop: 1 },
          { head: 'cost', align: 'right' },
          { head: 'all-frontier', align: 'right' },
          { head: 'ceiling', align: 'right' },
          { head: 'savings', align: 'right' },
        ],
        g.shown.map((x) => [x.group, int(x.requests), pct(x.easyShare, 0), usd(x.costUsd), usd(x.frontierCounterfactualUsd), usd(x.routedCeilingUsd), pctFigure(x.savingsPct)]),
      ),
    );
    if (g.hidden) out.push(`(${g.hidden} more: --format json for all)`);
  }
  if (r.reconciliation) out.push(...reconciliationLines(r.reconciliation as AnalyzeReconciliation, width));
  if (r.gatewayCost) out.push('', ...wrapText(termSafe(gatewayCostLine(r.gatewayCost)), width, '  '));
  for (const l of problemLines(r)) out.push(...(l === '' ? [''] : wrapText(termSafe(l), width, l.startsWith('  ') ? '      ' : '  ')));
  out.push('', ...wrapText(`⚠ ${r.qualityNote}`, width));
  return out.join('\n');
}

/** Every model ID the report's tables may show (all of them, not only the rows a capped table shows). */
export function reportModelIds(r: { byModel: readonly { model: string }[]; topWaste: readonly { model: string }[] }): string[] {
  return [...r.byModel.map((m) => m.model), ...r.topWaste.map((w) => w.model)];
}

/** What the rows' easy share and routed figures rest on. */
function rowBasis(r: AnalyzeReport): string {
  return r.distributionSource === 'measured' ? 'easy and routed figures estimated from the measured labels' : `easy and routed figures on the ${r.labeler} labeler's prior labels, not measured`;
}

function wasteTitle(r: AnalyzeReport): string {
  return r.distributionSource === 'measured'
    ? 'Top waste: premium models serving easy requests (estimated from the measured labels)'
    : `Top waste on the prior: premium models serving requests the ${r.labeler} labeler calls easy (not measured)`;
}

/** Lines about what was left out or needs a look; '' separates blocks, '  ' starts a detail line. */
function problemLines(r: AnalyzeReport): string[] {
  const out: string[] = [];
  if (r.unpricedModels.length) {
    out.push('', `Unpriced models (not in any cost figure; add them with --catalog): ${r.unpricedModels.map((u) => `${u.model} (${int(u.requests)})`).join(', ')}`);
  }
  if (r.fileIssues.length) {
    out.push('', 'Files:');
    for (const f of r.fileIssues) out.push(`  ${f.message}`);
  }
  if (r.records.invalid) {
    out.push('', `Skipped ${int(r.records.invalid)} invalid record${r.records.invalid === 1 ? '' : 's'}: ${r.invalid.reasons.map((x) => `${x.reason} (${int(x.count)})`).join('; ')}`);
    if (r.records.invalid > r.invalid.examples.length) out.push(`  the first ${r.invalid.examples.length} with file:line (--skipped FILE lists every one):`);
    for (const e of r.invalid.examples) out.push(`  ${e.file}:${e.line}: ${e.reason}`);
  }
  if (r.records.duplicates) out.push('', `Dropped ${int(r.records.duplicates)} duplicate record${r.records.duplicates === 1 ? '' : 's'} (the same request ID, model and tokens as one already counted)`);
  if (r.records.failed) out.push('', `Failed calls (zero cost, counted apart): ${r.failedByCode.map((f) => `${f.code} ${int(f.count)}`).join(', ')}`);
  const aggregates = r.problems.find((p) => p.problem === AGGREGATE_PROBLEM);
  if (aggregates) {
    out.push(
      '',
      `Aggregates, not requests: ${int(aggregates.count)} row${aggregates.count === 1 ? ' is' : 's are'} Claude Code claude_code.token.usage totals (one model and session over one export window), priced exactly; request counts, labels and routing figures count each as one request`,
    );
  }
  const problems = r.problems.filter((p) => p !== aggregates);
  if (problems.length) out.push('', `Kept with problems: ${problems.map((p) => `${p.problem} (${int(p.count)})`).join(', ')}`);
  if (r.priceNotes.length) out.push('', 'Price notes:', ...r.priceNotes.slice(0, 5).map((n) => `  ${n}`));
  return out;
}

function renderMarkdown(r: AnalyzeReport): string {
  const out: string[] = [];
  // The headline, its caveats and the quality note are tokor's own sentences (numbers, no log data).
  out.push(`# tokor analyze`, '', `**${r.headline.text}**`, '');
  if (r.headline.caveats.length) out.push(...r.headline.caveats.map((c) => `> ⚠️ ${c}`), '');
  out.push(
    `- Period: ${periodText(r)}`,
    `- Records: ${recordsLine(r)}`,
    ...(r.scan ? [`- Scanned: ${scanLine(r.scan)}`] : []),
    `- Tokens: ${tokensLine(r)}`,
    `- Catalog: ${mdText(r.catalogVersion)}; ladder: ${r.tiers.map((t) => `${mdText(t.name)} ${mdCode(t.model)}`).join(' → ')}`,
    '',
  );
  out.push(`## ${distributionTitle(r)}`, '', mdTable(['label', 'requests', 'share', '95% CI', 'priced on'], distributionRows(r), [1, 2, 3]), '');
  out.push('## Cost', '', mdTable(['', 'USD', 'note'], costRows(r).map(([a, b, c]) => [a!, b!, c ? md(mdText(c)) : '']), [1]), '');
  const [ceiling, paid, formula] = savingsLines(r);
  out.push(
    r.distributionSource === 'measured' ? `- **Savings ceiling: ${mdText(ceiling!.text)}**` : `- If easy: ${mdText(ceiling!.text)}`,
    `- ${mdText(paid!.text)}`,
    `- Formula: ${mdText(formula!.text)}`,
    ...cacheLines(r).map((l) => `- ${l.label}: ${mdText(l.text)}`),
    '',
  );
  if (r.clusters?.length) {
    out.push(
      '## Task clusters',
      '',
      mdTable(
        ['signature', 'requests', 'measured', 'easy', '95% CI'],
        r.clusters.slice(0, 50).map((x) => [md(mdCode(x.signature, { inTable: true })), int(x.requests), int(x.measured), pct(x.easyShare, 0), ci(x.ci95[0], x.ci95[1])]),
        [1, 2, 3, 4],
      ),
      '',
    );
  }
  out.push(
    mdTable(
      ['label', 'share', 'tier', 'rate ratio', 'points'],
      r.formula.map((f) => [f.label, pct(f.share), f.tier, f.rateRatio.toFixed(3), f.contributionPct.toFixed(1)]),
      [1, 3, 4],
    ),
    '',
  );
  out.push(
    '## By model',
    '',
    `${mdText(rowBasis(r)[0]!.toUpperCase() + rowBasis(r).slice(1))}.`,
    '',
    mdTable(
      ['model', 'region', 'requests', 'easy', 'cost', 'share', 'if routed'],
      r.byModel.map((m) => [md(mdCode(m.model, { inTable: true })), m.region, int(m.requests), pct(m.easyShare, 0), m.costUsd === null ? 'unpriced' : usd(m.costUsd), pct(m.shareOfCost), usd(m.routedCeilingUsd)]),
      [2, 3, 4, 5, 6],
    ),
    '',
  );
  if (r.topWaste.length) {
    out.push(
      `## ${mdText(wasteTitle(r))}`,
      '',
      mdTable(
        ['model', 'region', 'easy requests', 'paid', 'on cheap tier', 'waste'],
        r.topWaste.map((w) => [md(mdCode(w.model, { inTable: true })), w.region, int(w.easyRequests), usd(w.costUsd), usd(w.cheapTierCostUsd), usd(w.wasteUsd)]),
        [2, 3, 4, 5],
      ),
      '',
    );
  }
  for (const dim of [...new Set(r.byGroup.map((g) => g.groupBy))]) {
    out.push(
      `## By ${mdText(dim)}`,
      '',
      `Savings: the routed ceiling against all-frontier; ${mdText(rowBasis(r))}.`,
      '',
      mdTable(
        [dim, 'requests', 'cost', 'all-frontier', 'ceiling', 'savings vs all-frontier'],
        r.byGroup.filter((x) => x.groupBy === dim).map((x) => [x.group, int(x.requests), usd(x.costUsd), usd(x.frontierCounterfactualUsd), usd(x.routedCeilingUsd), pctFigure(x.savingsPct)]),
        [1, 2, 3, 4, 5],
      ),
      '',
    );
  }
  for (const l of problemLines(r)) out.push(l === '' ? '' : l.startsWith('  ') ? `- ${mdText(l.trim())}` : mdText(l));
  out.push('', `> ${r.qualityNote}`);
  return out.join('\n');
}

/**
 * CSV: the headline and its caveats first (section "headline" / "caveat", the
 * text in `key`), then the report-wide totals, one row per model and per group.
 */
function renderCsv(r: AnalyzeReport): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'group', 'requests', 'easy', 'moderate', 'hard', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cost_usd', 'frontier_counterfactual_usd', 'routed_ceiling_usd']];
  rows.push(['headline', r.headline.text]);
  for (const c of r.headline.caveats) rows.push(['caveat', c]);
  const t = r.tokens;
  const d = r.distribution;
  rows.push(['total', '', '', r.records.valid, d.easy.count, d.moderate.count, d.hard.count, t.input, t.output, t.cacheRead, t.cacheWrite, r.cost.actual, r.cost.frontierCounterfactual, r.cost.routedCeiling]);
  rows.push(['ceiling', 'per-request', '', null, null, null, null, null, null, null, null, null, r.cost.frontierCounterfactual, r.cost.routedPerRequestUsd]);
  rows.push(['ceiling', 'session-pinned', '', null, null, null, null, null, null, null, null, null, r.cost.frontierCounterfactual, r.cost.routedSessionPinnedUsd]);
  for (const m of r.byModel) {
    rows.push(['model', m.model, m.region, m.requests, m.labels.easy, m.labels.moderate, m.labels.hard, m.tokens.input, m.tokens.output, m.tokens.cacheRead, m.tokens.cacheWrite, m.costUsd, m.frontierCounterfactualUsd, m.routedCeilingUsd]);
  }
  for (const g of r.byGroup) {
    rows.push([g.groupBy, g.group, '', g.requests, g.labels.easy, g.labels.moderate, g.labels.hard, null, null, null, null, g.costUsd, g.frontierCounterfactualUsd, g.routedCeilingUsd]);
  }
  // Every row as wide as the header (RFC 4180): the headline and caveat rows with empty cells after their text.
  const width = rows[0]!.length;
  return csv(rows.map((row) => (row.length < width ? [...row, ...new Array<null>(width - row.length).fill(null)] : row)));
}

/** Athena's bill for the queries: bytes scanned and their cost at the list price (its source and date). */
function scanLine(s: NonNullable<AnalyzeReport['scan']>): string {
  const mb = s.bytesScanned / 1048576;
  const size = mb >= 1024 ? `${(mb / 1024).toFixed(2)} GB` : `${mb.toFixed(1)} MB`;
  return `${size} in Athena (${s.queries} queries) · ${usd(s.costUsd)} at $${s.price.usdPerTB}/TB scanned (10 MB minimum per query; ${s.price.source}, ${s.price.asOf})`;
}
