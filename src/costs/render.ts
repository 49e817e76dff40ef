/**
 * Renderers of the costs report: table, json, csv (the parsed Bedrock lines),
 * markdown. Pure: return strings.
 */
import type { OutputFormat } from '../types.js';
import { csv, termSafe } from '../report/escape.js';
import { capRows, compact, mdTable, pct, usd } from '../report/format.js';
import { DEFAULT_WIDTH, fitTable, wrapText, type Column } from '../report/table.js';
import type { AnalyzeReconciliation } from './reconcile.js';
import type { CostsReport, ModelCost } from './report.js';
import { TOKEN_KINDS, type TokenKind } from './usageTypes.js';

const KIND_LABELS: Record<TokenKind, string> = {
  input: 'Input',
  output: 'Output',
  cacheRead: 'Cache read',
  cacheWrite5m: 'Cache write 5m',
  cacheWrite1h: 'Cache write 1h',
};

/** Cents, or 4 decimals for amounts under a cent. */
function money(x: number): string {
  return usd(x, x !== 0 && Math.abs(x) < 0.01 ? 4 : 2);
}

const MAX_MODELS = 25;
const MAX_PERIODS = 40;
const MAX_UNRECOGNIZED = 15;

export function renderCosts(report: CostsReport, format: OutputFormat, opts: { width?: number } = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2);
    case 'csv':
      return renderCsv(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'table':
      return renderTable(report, opts.width ?? DEFAULT_WIDTH);
  }
}

/** Token-kind columns worth showing (any spend), plus provisioned when present. */
function kindColumns(report: CostsReport): TokenKind[] {
  return TOKEN_KINDS.filter((k) => report.bedrock.byTokenKind[k] !== 0);
}

function modelRows(report: CostsReport, models: ModelCost[]): (string | number)[][] {
  const kinds = kindColumns(report);
  const provisioned = report.bedrock.provisionedUsd !== 0;
  return models.map((m) => [
    m.known ? m.model : `${m.model} (unmapped)`,
    ...kinds.map((k) => (m.byTokenKind[k] !== undefined ? money(m.byTokenKind[k]) : '')),
    ...(provisioned ? [m.provisionedUsd ? money(m.provisionedUsd) : ''] : []),
    money(m.costUsd),
  ]);
}

function modelHead(report: CostsReport): string[] {
  return [
    'Model',
    ...kindColumns(report).map((k) => KIND_LABELS[k]),
    ...(report.bedrock.provisionedUsd !== 0 ? ['Provisioned'] : []),
    'Total',
  ];
}

function headline(report: CostsReport): string[] {
  const b = report.bedrock;
  const src = report.source.kind === 'file' ? `from ${report.source.files?.length ?? 0} file(s)` : `from Cost Explorer (${report.source.pages} page(s))`;
  return [
    `Billed Bedrock spend ${report.period.start} → ${report.period.end} (end exclusive), ${report.granularity}, ${report.metric}, ${src}`,
    `Total ${money(b.totalUsd)}: tokens ${money(b.tokenUsd)}` +
      (b.provisionedUsd ? `, provisioned throughput ${money(b.provisionedUsd)}` : '') +
      (b.unrecognizedUsd ? `, not attributed to a model ${money(b.unrecognizedUsd)}` : '') +
      (report.otherServices.length ? `; other services ${money(report.otherServicesUsd)} (${report.otherServices.length}, not Bedrock)` : '') +
      (report.estimated ? `; ${report.estimatedPeriods.length} period(s) estimated` : ''),
  ];
}

function periodRows(report: CostsReport): (string | number)[][] {
  return report.bedrock.byPeriod.map((p) => {
    const top = Object.entries(p.byModel).slice(0, 3).map(([m, v]) => `${m} ${money(v)}`).join(', ');
    return [p.start, money(p.totalUsd), p.estimated ? 'yes' : '', top];
  });
}

function unrecognizedRows(report: CostsReport): (string | number)[][] {
  return report.unrecognizedUsageTypes.map((u) => [u.service, u.usageType, money(u.costUsd), u.reason ?? '']);
}

function tokensLine(models: ModelCost[]): string[] {
  const lines = models
    .filter((m) => Object.keys(m.tokens).length)
    .map((m) => `  ${m.model}: ${TOKEN_KINDS.filter((k) => m.tokens[k]).map((k) => `${KIND_LABELS[k].toLowerCase()} ${compact(m.tokens[k]!)}`).join(', ')}`);
  return lines.length ? ['Billed tokens (assumed UsageQuantity scale, see notes):', ...lines] : [];
}

function modelColumns(report: CostsReport): Column[] {
  return modelHead(report).map((head, i) => (i === 0 ? { head, fit: 'model', min: 14 } : { head, align: 'right' }));
}

function renderTable(report: CostsReport, width: number): string {
  const para = (text: string, hanging = '  ') => wrapText(termSafe(text), width, hanging);
  const out: string[] = [...headline(report).flatMap((l) => para(l)), ''];
  const models = capRows(report.bedrock.byModel, MAX_MODELS);
  if (models.shown.length) {
    out.push(fitTable(modelColumns(report), modelRows(report, models.shown), { width }));
    if (models.hidden) out.push(`… ${models.hidden} more model(s) (use --format json or csv)`);
  } else {
    out.push('No Bedrock model spend in this period.');
  }
  const periods = capRows(periodRows(report), MAX_PERIODS);
  if (periods.shown.length > 1) {
    out.push('', fitTable([{ head: 'Period' }, { head: 'Bedrock', align: 'right' }, { head: 'Estimated' }, { head: 'Top models', fit: 'wrap', min: 24 }], periods.shown, { width }));
    if (periods.hidden) out.push(`… ${periods.hidden} more period(s)`);
  }
  const tokens = tokensLine(models.shown);
  if (tokens.length) out.push('', ...tokens.flatMap((l) => para(l, '      ')));
  const unrec = capRows(unrecognizedRows(report), MAX_UNRECOGNIZED);
  if (unrec.shown.length) {
    out.push(
      '',
      'Bedrock usage types not attributed to a model:',
      fitTable([{ head: 'Service', fit: 'ellipsis' }, { head: 'Usage type', fit: 'wrap', min: 16 }, { head: 'Cost', align: 'right' }, { head: 'What it looks like', fit: 'wrap', min: 20 }], unrec.shown, { width }),
    );
    if (unrec.hidden) out.push(`… ${unrec.hidden} more`);
  }
  if (report.notes.length) out.push('', 'Notes:', ...report.notes.flatMap((n) => para(`  - ${n}`, '    ')));
  return out.join('\n');
}

function renderMarkdown(report: CostsReport): string {
  const out: string[] = ['## Billed Bedrock spend', '', ...headline(report).map((l) => `${l}  `), ''];
  const models = capRows(report.bedrock.byModel, MAX_MODELS);
  if (models.shown.length) {
    const kinds = kindColumns(report).length;
    out.push(mdTable(modelHead(report), modelRows(report, models.shown), Array.from({ length: kinds + 2 }, (_, i) => i + 1)));
    if (models.hidden) out.push('', `… ${models.hidden} more model(s)`);
  }
  if (report.bedrock.byPeriod.length > 1) {
    const periods = capRows(periodRows(report), MAX_PERIODS);
    out.push('', '### By period', '', mdTable(['Period', 'Bedrock', 'Estimated', 'Top models'], periods.shown, [1]));
    if (periods.hidden) out.push('', `… ${periods.hidden} more period(s)`);
  }
  if (report.unrecognizedUsageTypes.length) {
    const unrec = capRows(unrecognizedRows(report), MAX_UNRECOGNIZED);
    out.push('', '### Not attributed to a model', '', mdTable(['Service', 'Usage type', 'Cost', 'What it looks like'], unrec.shown, [2]));
    if (unrec.hidden) out.push('', `… ${unrec.hidden} more`);
  }
  if (report.otherServices.length) {
    out.push('', `Other services in the response (not Bedrock): ${report.otherServices.map((s) => `${s.service} ${money(s.costUsd)}`).join(', ')}`);
  }
  if (report.notes.length) out.push('', '### Notes', '', ...report.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

const CSV_COLUMNS = [
  'period_start',
  'period_end',
  'estimated',
  'service',
  'usage_type',
  'category',
  'model',
  'model_name',
  'region',
  'token_kind',
  'tier',
  'global',
  'cost_usd',
  'quantity',
  'unit',
  'tokens',
  'reason',
] as const;

/** One line per billed Bedrock (period, usage type), amounts exact as billed. */
function renderCsv(report: CostsReport): string {
  return csv([
    [...CSV_COLUMNS],
    ...report.rows.map((r) => [
      r.period.start,
      r.period.end,
      r.estimated ? 'true' : 'false',
      r.service,
      r.usageType,
      r.category,
      r.model,
      r.modelName,
      r.region,
      r.tokenKind,
      r.tier,
      r.global === undefined ? '' : String(r.global),
      r.costUsd,
      r.quantity,
      r.unit,
      r.tokens,
      r.reason,
    ]),
  ]);
}

const MAX_RECONCILED_MODELS = 10;

/** "Bedrock" for a Bedrock-only bill; else the providers compared ("aws + anthropic"). */
function billedWhat(rec: AnalyzeReconciliation): string {
  const providers = rec.byProvider?.map((p) => p.provider) ?? [];
  return providers.length === 0 || (providers.length === 1 && providers[0] === 'aws') ? 'Bedrock' : providers.join(' + ');
}

/**
 * analyze's "Billed vs logged" block (table format): the compared window, the
 * coverage, the models, and the savings ceiling in billed dollars — headlined
 * only at or above the coverage threshold, else stated with the coverage
 * beside it (docs/costs.md).
 */
export function reconciliationLines(rec: AnalyzeReconciliation, width: number): string[] {
  const b = rec.billedCeiling;
  const para = (text: string) => wrapText(termSafe(text), width, '    ');
  const coverage = rec.coverage === null ? '—' : pct(rec.coverage);
  const out = [
    '',
    ...para(`Billed vs logged (${rec.source}; billed period ${rec.period.start} → ${rec.period.end}, end exclusive)`),
    ...para(`  billed ${billedWhat(rec)} ${usd(rec.billedUsd)} · logs explain ${usd(rec.explainedUsd)} (coverage ${coverage}) · unexplained ${usd(rec.unexplainedUsd)}`),
    fitTable(
      [
        { head: 'model', fit: 'model', min: 14 },
        { head: 'billed', align: 'right' },
        { head: 'logged', align: 'right' },
        { head: 'delta', align: 'right' },
        { head: 'likely causes', fit: 'wrap', min: 24 },
      ],
      rec.byModel.slice(0, MAX_RECONCILED_MODELS).map((m) => [m.modelKey, usd(m.billedUsd), usd(m.loggedUsd), usd(m.deltaUsd), m.likelyCauses.join('; ') || '—']),
      { width },
    ),
  ];
  out.push(
    ...para(
      b.headlined
        ? `  In billed dollars: routing could save up to ${usd(b.savingsCeilingUsd)} of this ${usd(b.billedUsd)} ${billedWhat(rec)} bill (${pct(b.shareOfBill)}), from the ${usd(b.coveredBilledUsd)} billed on models the logs cover; quality unproven`
        : `  Billed-dollar ceiling not headlined: ${b.notHeadlinedBecause ?? 'coverage too low'}. Shown, not claimed: at ${coverage} coverage the per-model ceiling would be ${usd(b.savingsCeilingUsd)} of the ${usd(b.billedUsd)} bill (${pct(b.shareOfBill)}), which these logs cannot support`,
    ),
  );
  for (const n of rec.notes.slice(0, 6)) out.push(...para(`  note: ${n}`));
  return out;
}
