/**
 * Renderers of the costs report: table, json, csv (the parsed LLM lines of
 * every provider), markdown. Table and markdown show what src/costs/view.ts
 * reads from the report: billed LLM spend of every source. Pure: return strings.
 */
import type { OutputFormat } from '../types.js';
import { csv, termSafe } from '../report/escape.js';
import { capRows, compact, mdTable, pct, usd, counted } from '../report/format.js';
import { DEFAULT_WIDTH, fitTable, wrapText, type Column } from '../report/table.js';
import type { AnalyzeReconciliation } from './reconcile.js';
import type { CostsReport } from './report.js';
import { type CostsView, type ModelSpend, costsView } from './view.js';
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

const CLASS_LABELS: Record<string, string> = { ...KIND_LABELS, provisioned: 'Provisioned', other: 'Other' };

/** A token class as the tables head it ("Cache write 5m"). */
export function classLabel(tokenClass: string): string {
  return CLASS_LABELS[tokenClass] ?? tokenClass;
}

function modelName(m: ModelSpend): string {
  return m.known ? m.model : `${m.model} (unmapped)`;
}

/** One line per model: [provider (several providers only), model, one amount per token class, total]. */
function modelRows(view: CostsView, models: ModelSpend[]): (string | number)[][] {
  return models.map((m) => [
    ...(view.multiProvider ? [m.provider] : []),
    modelName(m),
    ...view.tokenClasses.map((k) => (m.byTokenClass[k] !== undefined ? money(m.byTokenClass[k]) : '')),
    money(m.usd),
  ]);
}

function modelHead(view: CostsView): string[] {
  return [...(view.multiProvider ? ['Provider'] : []), 'Model', ...view.tokenClasses.map(classLabel), 'Total'];
}

function modelColumns(view: CostsView): Column[] {
  return modelHead(view).map((head, i) =>
    head === 'Model' ? { head, fit: 'model', min: 14 } : i === 0 && view.multiProvider ? { head } : { head, align: 'right' },
  );
}

/** "Billed Bedrock spend" for an AWS-only bill, else "Billed LLM spend". */
function title(view: CostsView): string {
  return `Billed ${view.what} spend`;
}

function headline(report: CostsReport, view: CostsView): string[] {
  const files = `${view.files} file${view.files === 1 ? '' : 's'}`;
  const src = report.source.kind === 'file' ? `from ${files}${view.sourcesText ? `: ${view.sourcesText}` : ''}` : `from Cost Explorer (${counted(report.source.pages, 'page')})`;
  const providers = view.multiProvider ? ` from ${view.providers.length} providers` : view.what === 'LLM' && view.providers[0] ? ` (${view.providers[0].provider})` : '';
  return [
    `${title(view)} ${report.period.start} → ${report.period.end} (end exclusive), ${report.granularity}, ${report.metric}, ${src}`,
    `Total ${money(view.totalUsd)}${providers}: tokens ${money(view.tokenUsd)}` +
      (view.provisionedUsd ? `, provisioned throughput ${money(view.provisionedUsd)}` : '') +
      (view.unrecognizedUsd ? `, not attributed to a model ${money(view.unrecognizedUsd)}` : '') +
      (report.otherServices.length ? `; other services ${money(report.otherServicesUsd)} (${report.otherServices.length}, not ${view.what === 'Bedrock' ? 'Bedrock' : 'LLM inference'})` : '') +
      (report.estimated ? `; ${counted(report.estimatedPeriods.length, 'period')} estimated` : '') +
      (view.pricedAtList ? '; usage reports priced at list, not invoiced (see notes)' : ''),
  ];
}

const PROVIDER_HEAD = ['Provider', 'Models', 'Tokens', 'Provisioned', 'Not attributed', 'Total'] as const;

/** One line per provider and a total line (several providers only); the provisioned column only when any. */
function providerRows(view: CostsView): { head: string[]; rows: (string | number)[][] } {
  const provisioned = view.provisionedUsd !== 0;
  const amount = (x: number | undefined) => (x ? money(x) : x === undefined ? '—' : '');
  const line = (name: string, models: number, tokens: number | undefined, prov: number | undefined, unrec: number | undefined, total: number) => [
    name,
    models,
    amount(tokens),
    ...(provisioned ? [amount(prov)] : []),
    amount(unrec),
    money(total),
  ];
  return {
    head: PROVIDER_HEAD.filter((h) => provisioned || h !== 'Provisioned'),
    rows: [
      ...view.providers.map((p) => line(p.provider, p.models, p.tokenUsd, p.provisionedUsd, p.unrecognizedUsd, p.usd)),
      line('Total', view.models.length, view.tokenUsd, view.provisionedUsd, view.unrecognizedUsd, view.totalUsd),
    ],
  };
}

function periodRows(view: CostsView): (string | number)[][] {
  return view.periods.map((p) => {
    const top = p.top.slice(0, 3).map(([m, v]) => `${m} ${money(v)}`).join(', ');
    return [p.start, money(p.usd), p.estimated ? 'yes' : '', top];
  });
}

/** The period table's amount and breakdown headers. */
function periodHead(view: CostsView): [string, string] {
  return [view.what === 'Bedrock' ? 'Bedrock' : 'Billed', view.multiProvider ? 'By provider' : 'Top models'];
}

function unrecognizedRows(report: CostsReport): (string | number)[][] {
  return report.unrecognizedUsageTypes.map((u) => [u.service, u.usageType, money(u.costUsd), u.reason ?? '']);
}

function unrecognizedTitle(view: CostsView): string {
  return view.what === 'Bedrock' ? 'Bedrock usage types not attributed to a model' : 'LLM usage types and meters not attributed to a model';
}

function tokensLine(report: CostsReport, view: CostsView): string[] {
  const lines = report.bedrock.byModel
    .slice(0, MAX_MODELS)
    .filter((m) => Object.keys(m.tokens).length)
    .map((m) => `  ${m.model}: ${TOKEN_KINDS.filter((k) => m.tokens[k]).map((k) => `${KIND_LABELS[k].toLowerCase()} ${compact(m.tokens[k]!)}`).join(', ')}`);
  return lines.length ? [`Billed ${view.multiProvider ? 'Bedrock ' : ''}tokens (assumed UsageQuantity scale, see notes):`, ...lines] : [];
}

function renderTable(report: CostsReport, width: number): string {
  const view = costsView(report);
  const para = (text: string, hanging = '  ') => wrapText(termSafe(text), width, hanging);
  const out: string[] = [...headline(report, view).flatMap((l) => para(l)), ''];
  if (view.multiProvider) {
    const p = providerRows(view);
    out.push(fitTable(p.head.map((head, i) => (i === 0 ? { head } : { head, align: 'right' })), p.rows, { width }), '');
  }
  const models = capRows(view.models, MAX_MODELS);
  if (models.shown.length) {
    out.push(fitTable(modelColumns(view), modelRows(view, models.shown), { width }));
    if (models.hidden) out.push(`… ${models.hidden} more model(s) (use --format json or csv)`);
  } else {
    out.push(`No ${view.what} model spend in this period.`);
  }
  const periods = capRows(periodRows(view), MAX_PERIODS);
  if (periods.shown.length > 1) {
    const [amount, breakdown] = periodHead(view);
    out.push('', fitTable([{ head: 'Period' }, { head: amount, align: 'right' }, { head: 'Estimated' }, { head: breakdown, fit: 'wrap', min: 24 }], periods.shown, { width }));
    if (periods.hidden) out.push(`… ${counted(periods.hidden, 'more period')}`);
  }
  const tokens = tokensLine(report, view);
  if (tokens.length) out.push('', ...tokens.flatMap((l) => para(l, '      ')));
  const unrec = capRows(unrecognizedRows(report), MAX_UNRECOGNIZED);
  if (unrec.shown.length) {
    out.push(
      '',
      `${unrecognizedTitle(view)}:`,
      fitTable([{ head: 'Service', fit: 'ellipsis' }, { head: 'Usage type', fit: 'wrap', min: 16 }, { head: 'Cost', align: 'right' }, { head: 'What it looks like', fit: 'wrap', min: 20 }], unrec.shown, { width }),
    );
    if (unrec.hidden) out.push(`… ${unrec.hidden} more`);
  }
  if (report.notes.length) out.push('', 'Notes:', ...report.notes.flatMap((n) => para(`  - ${n}`, '    ')));
  return out.join('\n');
}

function renderMarkdown(report: CostsReport): string {
  const view = costsView(report);
  const out: string[] = [`## ${title(view)}`, '', ...headline(report, view).map((l) => `${l}  `), ''];
  if (view.multiProvider) {
    const p = providerRows(view);
    out.push('### By provider', '', mdTable(p.head, p.rows, Array.from({ length: p.head.length - 1 }, (_, i) => i + 1)), '', '### By model', '');
  }
  const models = capRows(view.models, MAX_MODELS);
  if (models.shown.length) {
    const head = modelHead(view);
    const first = view.multiProvider ? 2 : 1;
    out.push(mdTable(head, modelRows(view, models.shown), Array.from({ length: head.length - first }, (_, i) => i + first)));
    if (models.hidden) out.push('', `… ${models.hidden} more model(s)`);
  } else {
    out.push(`No ${view.what} model spend in this period.`);
  }
  if (view.periods.length > 1) {
    const periods = capRows(periodRows(view), MAX_PERIODS);
    const [amount, breakdown] = periodHead(view);
    out.push('', '### By period', '', mdTable(['Period', amount, 'Estimated', breakdown], periods.shown, [1]));
    if (periods.hidden) out.push('', `… ${counted(periods.hidden, 'more period')}`);
  }
  if (report.unrecognizedUsageTypes.length) {
    const unrec = capRows(unrecognizedRows(report), MAX_UNRECOGNIZED);
    out.push('', '### Not attributed to a model', '', mdTable(['Service', 'Usage type', 'Cost', 'What it looks like'], unrec.shown, [2]));
    if (unrec.hidden) out.push('', `… ${unrec.hidden} more`);
  }
  if (report.otherServices.length) {
    out.push('', `Other services in the ${report.source.kind === 'live' ? 'response' : 'bill'} (not ${view.what === 'Bedrock' ? 'Bedrock' : 'LLM inference'}): ${report.otherServices.map((s) => `${s.service} ${money(s.costUsd)}`).join(', ')}`);
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
  /** Last, so that scripts reading the columns before it by position keep working. */
  'provider',
] as const;

/** One line per billed LLM (period, usage type or meter) of every provider, amounts exact as billed. */
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
      r.provider,
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
