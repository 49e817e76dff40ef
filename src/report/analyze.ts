/** Renders an AnalyzeReport as a terminal table, Markdown, CSV or JSON. Pure. */
import { DIFFICULTIES } from '../types.js';
import type { AnalyzeReport } from '../analyze/report.js';
import type { AnalyzeReconciliation } from '../cli/commands/analyzeCosts.js';
import { capRows, ci, compact, csv, ellipsize, int, mdTable, pct, pctOf, table, usd, wrap } from './format.js';

const MAX_ROWS = 10;

export function renderAnalyze(r: AnalyzeReport, format: 'table' | 'json' | 'csv' | 'markdown'): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2);
    case 'csv':
      return renderCsv(r);
    case 'markdown':
      return renderMarkdown(r);
    default:
      return renderTable(r);
  }
}

/** The one-line headline; never a savings figure without its quality caveat. */
export function headline(r: AnalyzeReport): string {
  return `Routing by difficulty could cut this traffic's cost by up to ${pct(r.savings.ceilingPct)} against all-frontier (${usd(r.cost.frontierCounterfactual)} → ${usd(r.cost.routedCeiling)}) — quality unproven until \`tokor eval\` runs.`;
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
    return [d, int(x.count), pctOf(x.share), ci(x.ci95[0], x.ci95[1]), r.labelTiers[d]];
  });
}

function distributionTitle(r: AnalyzeReport): string {
  const src = r.distributionSource === 'measured' ? `measured labels on ${int(r.measured!.count)} of ${int(r.measured!.ofValid)} requests` : `${r.labeler} labeler`;
  return `Difficulty (${src}; 95% Wilson CI${r.sample ? `; sample of ${int(r.sample.size)} of ${int(r.sample.of)}` : ''})`;
}

function formulaLines(r: AnalyzeReport): string[] {
  return r.formula.map((f) => `  ${f.label.padEnd(8)} ${pctOf(f.share).padStart(6)} × (1 − ${f.rateRatio.toFixed(3)} ${f.tier}/frontier rate) = ${f.contributionPct.toFixed(1)} pts`);
}

function costRows(r: AnalyzeReport): string[][] {
  return [
    ['actual paid', usd(r.cost.actual), ''],
    ['all-frontier counterfactual', usd(r.cost.frontierCounterfactual), `same requests on ${r.tiers[r.tiers.length - 1]!.model}`],
    ['routed ceiling', usd(r.cost.routedCeiling), 'each request on its label’s tier'],
  ];
}

function renderTable(r: AnalyzeReport): string {
  const out: string[] = [];
  out.push(`tokor analyze — ${int(r.sources.files)} file${r.sources.files === 1 ? '' : 's'} (${Object.keys(r.sources.formats).join(', ') || 'no logs'}), ${periodText(r)}`);
  out.push(`Records  ${recordsLine(r)}`);
  out.push(`Tokens   ${tokensLine(r)}`);
  out.push(`Catalog  ${r.catalogVersion}`);
  out.push(`Ladder   ${r.tiers.map((t) => `${t.name} ${t.model}`).join('\n         → ')}`);
  out.push('', distributionTitle(r), table(['label', 'requests', 'share', '95% CI', 'priced on'], distributionRows(r), [1, 2, 3]));
  out.push('', 'Cost (priced requests)', table(['', 'USD'], costRows(r).map((row) => row.slice(0, 2)), [1]));
  out.push(
    '',
    `Savings ceiling  ${pct(r.savings.ceilingPct)} vs all-frontier, each request on its label's tier`,
    `                 ${pct(r.savings.ceilingVsActualPct)} vs actual paid; today's mix already ${r.savings.actualVsFrontierPct >= 0 ? 'saves' : 'costs'} ${pct(Math.abs(r.savings.actualVsFrontierPct))} ${r.savings.actualVsFrontierPct >= 0 ? 'vs' : 'more than'} all-frontier`,
    `Formula          Σ share × (1 − rate(tier)/rate(frontier)) = ${pct(r.savings.formulaPct)}`,
    `                 blended rates ${r.tiers.map((t) => `${t.name} $${t.blendedRatePerMTok.toFixed(3)}/M`).join(', ')}`,
    ...formulaLines(r),
  );
  const models = capRows(r.byModel, MAX_ROWS);
  out.push(
    '',
    'By model',
    table(
      ['model', 'region', 'requests', 'easy', 'cost', 'share', 'if routed'],
      models.shown.map((m) => [ellipsize(m.model, 48), m.region || '—', int(m.requests), pctOf(m.requests ? m.labels.easy / m.requests : 0, 0), m.costUsd === null ? 'unpriced' : usd(m.costUsd), pctOf(m.shareOfCost), usd(m.routedCeilingUsd)]),
      [2, 3, 4, 5, 6],
    ),
  );
  if (models.hidden) out.push(`(${models.hidden} more models: --format json for all)`);
  if (r.topWaste.length) {
    out.push(
      '',
      'Top waste: premium models serving easy requests',
      table(
        ['model', 'region', 'easy reqs', 'paid', `on ${r.tiers[0]!.name}`, 'waste'],
        r.topWaste.slice(0, 5).map((w) => [ellipsize(w.model, 48), w.region || '—', int(w.easyRequests), usd(w.costUsd), usd(w.cheapTierCostUsd), usd(w.wasteUsd)]),
        [2, 3, 4, 5],
      ),
    );
  }
  for (const dim of [...new Set(r.byGroup.map((g) => g.groupBy))]) {
    const g = capRows(
      r.byGroup.filter((x) => x.groupBy === dim),
      MAX_ROWS,
    );
    out.push(
      '',
      `By ${dim}`,
      table(
        [dim, 'requests', 'easy', 'cost', 'all-frontier', 'ceiling', 'savings'],
        g.shown.map((x) => [ellipsize(x.group, 32), int(x.requests), pctOf(x.requests ? x.labels.easy / x.requests : 0, 0), usd(x.costUsd), usd(x.frontierCounterfactualUsd), usd(x.routedCeilingUsd), pct(x.savingsPct)]),
        [1, 2, 3, 4, 5, 6],
      ),
    );
    if (g.hidden) out.push(`(${g.hidden} more: --format json for all)`);
  }
  out.push(...reconciliationLines(r));
  out.push(...problemLines(r).map((l) => wrap(l)));
  out.push('', wrap(`⚠ ${r.qualityNote}`));
  return out.join('\n');
}

function reconciliationLines(r: AnalyzeReport): string[] {
  const rec = r.reconciliation as AnalyzeReconciliation | undefined;
  if (!rec) return [];
  const x = rec;
  const b = rec.billedCeiling;
  const out = [
    '',
    `Billed vs logged (${x.source}; billed period ${rec.period.start} → ${rec.period.end}, end exclusive)`,
    `  billed Bedrock ${usd(rec.billedUsd)} · logs explain ${usd(rec.explainedUsd)} (coverage ${rec.coverage === null ? '—' : pctOf(rec.coverage)}) · unexplained ${usd(rec.unexplainedUsd)}`,
    table(
      ['model', 'billed', 'logged', 'delta', 'likely causes'],
      rec.byModel.slice(0, MAX_ROWS).map((m) => [ellipsize(m.modelKey, 36), usd(m.billedUsd), usd(m.loggedUsd), usd(m.deltaUsd), ellipsize(m.likelyCauses.join('; ') || '—', 60)]),
      [1, 2, 3],
    ),
  ];
  out.push(
    `  In billed dollars: routing could save up to ${usd(b.savingsCeilingUsd)} of this ${usd(b.billedUsd)} Bedrock bill (${pctOf(b.shareOfBill)}), from the ${usd(b.coveredBilledUsd)} billed on models the logs cover; quality unproven`,
  );
  for (const n of rec.notes.slice(0, 6)) out.push(`  note: ${n}`);
  return out;
}

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
  if (r.problems.length) out.push('', `Kept with problems: ${r.problems.map((p) => `${p.problem} (${int(p.count)})`).join(', ')}`);
  if (r.priceNotes.length) out.push('', 'Price notes:', ...r.priceNotes.slice(0, 5).map((n) => `  ${n}`));
  return out;
}

function renderMarkdown(r: AnalyzeReport): string {
  const out: string[] = [];
  out.push(`# tokor analyze`, '', `**${headline(r)}**`, '');
  out.push(`- Period: ${periodText(r)}`, `- Records: ${recordsLine(r)}`, `- Tokens: ${tokensLine(r)}`, `- Catalog: ${r.catalogVersion}; ladder: ${r.tiers.map((t) => `${t.name} \`${t.model}\``).join(' → ')}`, '');
  out.push(`## ${distributionTitle(r)}`, '', mdTable(['label', 'requests', 'share', '95% CI', 'priced on'], distributionRows(r), [1, 2, 3]), '');
  out.push('## Cost', '', mdTable(['', 'USD', 'note'], costRows(r), [1]), '');
  out.push(
    `Savings ceiling: **${pct(r.savings.ceilingPct)}** vs all-frontier (per request), ${pct(r.savings.ceilingVsActualPct)} vs actual paid. Formula Σ share × (1 − rate(tier)/rate(frontier)) = ${pct(r.savings.formulaPct)}:`,
    '',
    mdTable(
      ['label', 'share', 'tier', 'rate ratio', 'points'],
      r.formula.map((f) => [f.label, pctOf(f.share), f.tier, f.rateRatio.toFixed(3), f.contributionPct.toFixed(1)]),
      [1, 3, 4],
    ),
    '',
  );
  out.push(
    '## By model',
    '',
    mdTable(
      ['model', 'region', 'requests', 'cost', 'share', 'if routed'],
      r.byModel.map((m) => [`\`${m.model}\``, m.region, int(m.requests), m.costUsd === null ? 'unpriced' : usd(m.costUsd), pctOf(m.shareOfCost), usd(m.routedCeilingUsd)]),
      [2, 3, 4, 5],
    ),
    '',
  );
  if (r.topWaste.length) {
    out.push('## Top waste: premium models serving easy requests', '', mdTable(['model', 'easy requests', 'paid', 'on cheap tier', 'waste'], r.topWaste.map((w) => [`\`${w.model}\``, int(w.easyRequests), usd(w.costUsd), usd(w.cheapTierCostUsd), usd(w.wasteUsd)]), [1, 2, 3, 4]), '');
  }
  for (const dim of [...new Set(r.byGroup.map((g) => g.groupBy))]) {
    out.push(
      `## By ${dim}`,
      '',
      mdTable(
        [dim, 'requests', 'cost', 'all-frontier', 'ceiling', 'savings'],
        r.byGroup.filter((x) => x.groupBy === dim).map((x) => [x.group, int(x.requests), usd(x.costUsd), usd(x.frontierCounterfactualUsd), usd(x.routedCeilingUsd), pct(x.savingsPct)]),
        [1, 2, 3, 4, 5],
      ),
      '',
    );
  }
  out.push(...problemLines(r).map((l) => l.replace(/^ {2}/, '- ')));
  out.push('', `> ${r.qualityNote}`);
  return out.join('\n');
}

/** CSV: one row per model (and per group), with the report-wide totals first. */
function renderCsv(r: AnalyzeReport): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'group', 'requests', 'easy', 'moderate', 'hard', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cost_usd', 'frontier_counterfactual_usd', 'routed_ceiling_usd']];
  const t = r.tokens;
  const d = r.distribution;
  rows.push(['total', '', '', r.records.valid, d.easy.count, d.moderate.count, d.hard.count, t.input, t.output, t.cacheRead, t.cacheWrite, r.cost.actual, r.cost.frontierCounterfactual, r.cost.routedCeiling]);
  for (const m of r.byModel) {
    rows.push(['model', m.model, m.region, m.requests, m.labels.easy, m.labels.moderate, m.labels.hard, m.tokens.input, m.tokens.output, m.tokens.cacheRead, m.tokens.cacheWrite, m.costUsd, m.frontierCounterfactualUsd, m.routedCeilingUsd]);
  }
  for (const g of r.byGroup) {
    rows.push([g.groupBy, g.group, '', g.requests, g.labels.easy, g.labels.moderate, g.labels.hard, null, null, null, null, g.costUsd, g.frontierCounterfactualUsd, g.routedCeilingUsd]);
  }
  return csv(rows);
}
