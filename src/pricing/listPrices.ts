/**
 * What `tokor prices` shows: filtered rows of the catalog, how one model ID
 * resolves, and the renderers (pure: they return strings).
 */
import { csv, termSafe } from '../report/escape.js';
import { md, mdTable } from '../report/format.js';
import { DEFAULT_WIDTH, fitTable, wrapText, type Column } from '../report/table.js';
import { parseModelId } from './modelId.js';
import { nearMatches, resolvePrice } from './resolve.js';
import type { Catalog, ModelPrice } from './types.js';

export interface PriceFilter {
  /** Substring of the key or name, or a model ID (then rows of its canonical key). */
  model?: string;
  region?: string;
  provider?: string;
}

/** Catalog rows matching the filter, sorted by provider, key and region ('global' first). */
export function listPrices(catalog: Catalog, filter: PriceFilter = {}): ModelPrice[] {
  const model = filter.model?.trim().toLowerCase();
  const canonical = model ? parseModelId(model).key.toLowerCase() : undefined;
  return catalog.prices
    .filter((p) => !filter.provider || p.provider.toLowerCase() === filter.provider.toLowerCase())
    .filter((p) => !filter.region || p.region === filter.region || p.region === '*')
    .filter((p) => !model || p.key.toLowerCase().includes(model) || p.name.toLowerCase().includes(model) || p.key.toLowerCase() === canonical)
    .sort(comparePrices);
}

function regionRank(r: string): string {
  return r === 'global' ? '0' : r === '*' ? '1' : `2${r}`;
}

function comparePrices(a: ModelPrice, b: ModelPrice): number {
  return a.provider.localeCompare(b.provider) || a.key.localeCompare(b.key) || regionRank(a.region).localeCompare(regionRank(b.region));
}

/** How one model ID resolves (for `tokor prices --model`). */
export interface Resolution {
  modelId: string;
  canonicalKey: string;
  region?: string;
  resolved: boolean;
  price?: ModelPrice;
  note?: string;
  /** Catalog keys close to the ID when it did not resolve. */
  nearMatches: string[];
  /** What to do about an ID that cannot resolve by itself (application profile, prompt router …). */
  hint?: string;
}

export function explainResolution(catalog: Catalog, modelId: string, region?: string): Resolution {
  const lookup = resolvePrice(catalog, modelId, region);
  const parsed = parseModelId(modelId);
  const r: Resolution = {
    modelId,
    canonicalKey: parsed.key,
    ...(region ? { region } : {}),
    resolved: lookup !== undefined,
    nearMatches: lookup ? [] : nearMatches(catalog, modelId),
  };
  if (!lookup && parsed.needsMapping) {
    r.hint = `${withArticle(parsed.arnResource ?? 'this')} ARN names no model: map it to a model ID under modelMap in tokor.config.yaml`;
  }
  if (lookup) {
    r.price = lookup.price;
    if (lookup.note) r.note = lookup.note;
  }
  return r;
}

/** "an application-inference-profile", "a prompt-router": the article goes by the first sound (a vowel letter here). */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

// ---------- renderers ----------

const FIELDS = [
  'key', 'name', 'provider', 'region', 'input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h',
  'batchInput', 'batchOutput', 'supportsBatch', 'source', 'effectiveDate', 'notes', 'aliases', 'longContext', 'contextWindow', 'maxInputTokens', 'priority', 'flex',
] as const;

/** A price row with a stable key order (the JSON contract of `tokor prices --format json`). */
function priceToJson(p: ModelPrice): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of FIELDS) if (p[f] !== undefined) o[f] = p[f];
  return o;
}

function renderPricesJson(rows: ModelPrice[]): string {
  return JSON.stringify(rows.map(priceToJson), null, 2);
}

// A list and an object are no CSV cell: aliases, long-context and service-tier rates are in the JSON (and the
// context window, which keeps the CSV's columns as they were).
const CSV_FIELDS = FIELDS.filter((f) => f !== 'aliases' && f !== 'longContext' && f !== 'contextWindow' && f !== 'maxInputTokens' && f !== 'priority' && f !== 'flex');

function renderPricesCsv(rows: ModelPrice[]): string {
  return csv([[...CSV_FIELDS], ...rows.map((p) => CSV_FIELDS.map((f) => (p[f] === undefined ? '' : String(p[f]))))]);
}

function batchCell(p: Pick<ModelPrice, 'batchInput' | 'batchOutput' | 'supportsBatch'>): string {
  if (p.batchInput !== undefined && p.batchOutput !== undefined) return `${p.batchInput}/${p.batchOutput}`;
  return p.supportsBatch ? '50%' : '-';
}

/** A source URL shortened for a terminal: no scheme, commit hashes cut to 7 characters. */
export function abbreviateSource(src: string): string {
  return src.replace(/^https?:\/\//, '').replace(/\/blob\/([0-9a-f]{7})[0-9a-f]{33}\//, '/blob/$1/');
}

/** Short labels for sources, numbered in order of first use. */
function sourceRefs(rows: ModelPrice[]): Map<string, string> {
  const refs = new Map<string, string>();
  for (const p of rows) if (!refs.has(p.source)) refs.set(p.source, `[${refs.size + 1}]`);
  return refs;
}

const COLUMNS: Column[] = [
  { head: 'model (key / name)', fit: 'wrap', min: 30 },
  { head: 'region' },
  { head: 'input', align: 'right' },
  { head: 'output', align: 'right' },
  { head: 'cache rd', align: 'right' },
  { head: 'cw 5m', align: 'right' },
  { head: 'cw 1h', align: 'right', drop: 2 },
  { head: 'batch in/out', align: 'right', drop: 3 },
  { head: 'src', drop: 4 },
  { head: 'effective', drop: 1 },
];

function renderPricesMarkdown(rows: ModelPrice[]): string {
  const refs = sourceRefs(rows);
  const lines = [
    mdTable(
      ['key', 'name', 'region', 'input', 'output', 'cache read', 'cache write 5m', 'cache write 1h', 'batch in/out', 'source', 'effective'],
      rows.map((p) => [p.key, p.name, p.region, p.input, p.output, p.cacheRead ?? '-', p.cacheWrite5m ?? '-', p.cacheWrite1h ?? '-', md(batchCell(p)), md(refs.get(p.source)!), p.effectiveDate]),
      [3, 4, 5, 6, 7, 8],
    ),
  ];
  lines.push('', 'USD per 1M tokens. "50%": batch at half the on-demand rate (derived). "-": not listed (cache tokens then cost the input rate).', '');
  for (const [src, ref] of refs) lines.push(`${ref} ${src}  `);
  return lines.join('\n');
}

/** A table that fits `width`: key and name share a cell; sources are numbered below it. */
function renderPricesTable(rows: ModelPrice[], opts: { maxRows?: number; width?: number } = {}): string {
  const max = opts.maxRows ?? 500;
  const width = opts.width ?? DEFAULT_WIDTH;
  const shown = rows.slice(0, max);
  const refs = sourceRefs(shown);
  const body = shown.map((p) => [[p.key, p.name], p.region, p.input, p.output, p.cacheRead ?? '-', p.cacheWrite5m ?? '-', p.cacheWrite1h ?? '-', batchCell(p), refs.get(p.source) ?? '', p.effectiveDate]);
  const lines = [fitTable(COLUMNS, body, { width })];
  if (rows.length > shown.length) lines.push(`(${rows.length - shown.length} more rows hidden; filter with --model, --region or --provider)`);
  lines.push('', ...wrapText('USD per 1M tokens. batch 50% = half of on-demand (derived); - = not listed (cache tokens then cost the input rate).', width));
  const long = shown.filter((p) => p.longContext).length;
  if (long) lines.push(...wrapText(`${long} of these rows have other rates for a prompt over a size (long context): tokor prices --model ID shows them.`, width));
  const tiered = shown.filter((p) => p.priority || p.flex).length;
  if (tiered) lines.push(...wrapText(`${tiered} of these rows have priority or flex service-tier rates: tokor prices --model ID shows them.`, width));
  lines.push('Sources (full URLs and per-entry notes: --format json):');
  for (const [src, ref] of refs) lines.push(...wrapText(`${ref} ${abbreviateSource(src)}`, width, '    '));
  return lines.join('\n');
}

/** `tokor prices --model X` as text. */
function renderResolution(r: Resolution, format: 'table' | 'markdown', width: number = DEFAULT_WIDTH): string {
  const p = r.price;
  const rows: [string, string][] = [
    ['model ID', r.modelId],
    ['canonical key', r.canonicalKey],
  ];
  if (r.region) rows.push(['region asked', r.region]);
  if (p) {
    rows.push(
      ['priced as', `${p.key} (${p.name}), region ${p.region}`],
      ['input / output', `${p.input} / ${p.output} USD per 1M tokens`],
      ['cache read', p.cacheRead ?? '- (input rate)'],
      ['cache write 5m / 1h', `${p.cacheWrite5m ?? '- (input rate)'} / ${p.cacheWrite1h ?? '- (5m rate)'}`],
      ['batch in / out', batchCell(p)],
      ...longContextRows(p),
      ...serviceTierRows(p),
      ...(p.contextWindow !== undefined ? ([['context window', `${p.contextWindow.toLocaleString('en-US')} tokens of prompt and answer`]] as [string, string][]) : []),
      ...(p.maxInputTokens !== undefined ? ([['input limit', `${p.maxInputTokens.toLocaleString('en-US')} prompt tokens`]] as [string, string][]) : []),
      ['source', p.source],
      ['effective', p.effectiveDate],
    );
    if (r.note) rows.push(['note', r.note]);
    if (p.notes) rows.push(['entry notes', p.notes]);
  }
  if (format === 'markdown') return mdTable(['', ''], rows);
  const keyWidth = Math.max(...rows.map(([k]) => k.length));
  return rows.flatMap(([k, v]) => wrapText(termSafe(`${k.padEnd(keyWidth)}  ${v}`), width, ' '.repeat(keyWidth + 2))).join('\n');
}

/** The long-context rates of `tokor prices --model X`, when the entry has them. */
function longContextRows(p: ModelPrice): [string, string][] {
  const l = p.longContext;
  if (!l) return [];
  return [
    ['prompt over', `${l.above.toLocaleString('en-US')} tokens (input + cache read + cache write): every token at`],
    ['  input / output', `${l.input} / ${l.output}`],
    ['  cache read', l.cacheRead ?? '- (input rate)'],
    ['  cache write 5m / 1h', `${l.cacheWrite5m ?? '- (input rate)'} / ${l.cacheWrite1h ?? '- (5m rate)'}`],
    ['  batch in / out', batchCell({ ...l, supportsBatch: p.supportsBatch })],
  ];
}

/** The priority and flex rates of `tokor prices --model X`, when the entry has them (and their long-prompt rates). */
function serviceTierRows(p: ModelPrice): [string, string][] {
  const rows: [string, string][] = [];
  for (const tier of ['priority', 'flex'] as const) {
    const b = p[tier];
    if (!b) continue;
    const rates = (r: NonNullable<typeof b['longContext']>) => `${r.input} / ${r.output}${r.cacheRead !== undefined ? `, cache read ${r.cacheRead}` : ''}${r.cacheWrite5m !== undefined ? `, cache write ${r.cacheWrite5m}${r.cacheWrite1h !== undefined ? ` / ${r.cacheWrite1h}` : ''}` : ''}`;
    rows.push([`${tier} tier`, `${rates(b)}${b.longContext ? `; prompt over ${p.longContext!.above.toLocaleString('en-US')}: ${rates(b.longContext)}` : ''}`]);
  }
  return rows;
}

/** `tokor prices` output in one of the output formats. */
export function renderPrices(rows: ModelPrice[], format: 'table' | 'json' | 'csv' | 'markdown', opts: { width?: number } = {}): string {
  if (format === 'json') return renderPricesJson(rows);
  if (format === 'csv') return renderPricesCsv(rows);
  if (format === 'markdown') return renderPricesMarkdown(rows);
  return rows.length ? renderPricesTable(rows, opts) : 'No prices match these filters.';
}

/** `tokor prices --model X` output in one of the output formats (r must be resolved). */
export function renderResolutionAs(r: Resolution, format: 'table' | 'json' | 'csv' | 'markdown', opts: { width?: number } = {}): string {
  if (format === 'json') return JSON.stringify({ ...r, price: r.price ? priceToJson(r.price) : undefined }, null, 2);
  if (format === 'csv') return renderPricesCsv(r.price ? [r.price] : []);
  return renderResolution(r, format, opts.width);
}
