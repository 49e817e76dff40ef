/**
 * A two-or-more-tier CSV adapter for published per-item results such as
 * RouteLLM's (one row per prompt, one True/False column per model). Such
 * files carry no tokens, so each tier's cost per item is a given flat
 * per-call price (--tier-cost NAME=USD): savings are then exactly the
 * share-weighted price difference, as RouteLLM computes them.
 */
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError, UsageError, at, shortenQuotes } from '../errors.js';
import type { ItemOutcomes, ResultsTable } from './results.js';

export interface CsvResultsOptions {
  /** Tier name → column holding pass/fail (True/False, true/false, 1/0, yes/no). */
  tierColumns: { tier: string; column: string }[];
  /** Tier name → cost per call in USD (or any unit: savings are relative). */
  tierCosts: Record<string, number>;
  /** Tier name → column holding each item's own cost (overrides the tier's flat cost). */
  costColumns?: Record<string, string>;
  /**
   * Numeric outcome columns (scores rather than True/False) pass when ≥ this
   * value; the score kept is the number when it lies in [0, 1]. Default 0.5.
   */
  passThreshold?: number;
  promptColumn?: string;
  idColumn?: string;
  categoryColumn?: string;
  taskColumn?: string;
  /** Prompts to drop (e.g. RouteLLM's contaminated_prompts.jsonl `eval_prompt`s). */
  excludePrompts?: ReadonlySet<string>;
  datasetId?: string;
}

const TRUE = new Set(['true', '1', 'yes', 'pass', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'fail', 'f', 'n']);

/** A per-item results CSV (its bytes) as a table; tiers ordered by cost (cheapest first). */
export function parseResultsCsv(bytes: Buffer | string, file: string, opts: CsvResultsOptions): ResultsTable {
  if (opts.tierColumns.length < 2) throw new UsageError('--tier-column: give at least two tiers, e.g. --tier-column cheap=COL --tier-column frontier=COL');
  for (const { tier } of opts.tierColumns) {
    const c = opts.tierCosts[tier];
    if (opts.costColumns?.[tier] !== undefined) continue;
    if (c === undefined) throw new UsageError(`--tier-cost: no cost for tier "${tier}" (a CSV has no tokens: give a per-call cost, e.g. --tier-cost ${opts.tierColumns.map((t) => `${t.tier}=…`).join(',')})`);
    if (!(c >= 0)) throw new UsageError(`--tier-cost: cost of "${tier}" must be ≥ 0`);
  }
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(bytes, { columns: true, info: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(`malformed CSV: ${shortenQuotes(err.message.split('\n')[0]!)}`, at(file, err.lines));
  }
  if (records.length === 0) throw new InputError('the CSV has no rows', file);
  const header = Object.keys(records[0]!.record);
  const need = [...opts.tierColumns.map((t) => t.column), ...Object.values(opts.costColumns ?? {}), opts.promptColumn, opts.idColumn, opts.categoryColumn, opts.taskColumn].filter((c): c is string => Boolean(c));
  for (const tier of Object.keys(opts.costColumns ?? {})) {
    if (!opts.tierColumns.some((t) => t.tier === tier)) throw new UsageError(`--cost-column: "${tier}" is not a tier of --tier-column`);
  }
  const threshold = opts.passThreshold ?? 0.5;
  for (const c of need) {
    if (!header.includes(c)) throw new InputError(`no column "${c}" (columns: ${header.join(', ')})`, file);
  }
  const costSums: Record<string, number> = {};
  const items: ItemOutcomes[] = [];
  const ids = new Set<string>();
  let excluded = 0;
  records.forEach(({ record, info }, i) => {
    const where = at(file, info.lines);
    const prompt = opts.promptColumn ? record[opts.promptColumn] : undefined;
    if (prompt !== undefined && opts.excludePrompts?.has(prompt)) {
      excluded++;
      return;
    }
    const itemId = opts.idColumn ? record[opts.idColumn]! : `row-${i + 1}`;
    if (ids.has(itemId)) throw new InputError(`duplicate item id "${itemId}" in column ${opts.idColumn}`, where);
    ids.add(itemId);
    const item: ItemOutcomes = { itemId, byTier: {} };
    for (const { tier, column } of opts.tierColumns) {
      const raw = (record[column] ?? '').trim().toLowerCase();
      const num = raw === '' ? Number.NaN : Number(raw);
      let pass: boolean | undefined = TRUE.has(raw) ? true : FALSE.has(raw) ? false : undefined;
      let score = pass ? 1 : 0;
      if (pass === undefined && Number.isFinite(num)) {
        pass = num >= threshold;
        score = num >= 0 && num <= 1 ? num : pass ? 1 : 0;
      }
      if (pass === undefined) throw new InputError(`column "${column}" must be True/False or a number, got "${record[column]}"`, where);
      const costColumn = opts.costColumns?.[tier];
      const costUsd = costColumn === undefined ? opts.tierCosts[tier]! : Number(record[costColumn]);
      // At most 10^15 USD a call, as in results files: the sums stay finite.
      if (!(Number.isFinite(costUsd) && costUsd >= 0 && costUsd <= 1e15)) throw new InputError(`column "${costColumn}": must be a cost from 0 to 1e15, got "${record[costColumn!]}"; fix the row or name another --cost-column`, where);
      costSums[tier] = (costSums[tier] ?? 0) + costUsd;
      item.byTier[tier] = { pass, score, costUsd, graders: [] };
    }
    if (prompt !== undefined) item.prompt = prompt;
    if (opts.categoryColumn && record[opts.categoryColumn]) item.category = record[opts.categoryColumn]!;
    if (opts.taskColumn && record[opts.taskColumn]) item.task = record[opts.taskColumn]!;
    items.push(item);
  });
  // Cheapest first, by mean cost per item.
  const tiers = opts.tierColumns.map((t) => t.tier).sort((a, b) => (costSums[a] ?? 0) - (costSums[b] ?? 0));
  const flat = tiers.filter((t) => opts.costColumns?.[t] === undefined);
  const notes = flat.length
    ? [`per-item costs of ${flat.join(', ')} are flat per-call prices (${flat.map((t) => `${t} ${opts.tierCosts[t]}`).join(', ')}): the CSV has no token counts`]
    : [`per-item costs from ${tiers.map((t) => `${t}: ${opts.costColumns![t]}`).join(', ')}`];
  if (excluded) notes.push(`${excluded} row(s) excluded by --exclude-prompts`);
  if (items.length === 0) throw new InputError('every row was excluded', file);
  return {
    datasetId: opts.datasetId ?? basename(file, extname(file)),
    tiers,
    items,
    sha256: [createHash('sha256').update(bytes).digest('hex')],
    models: Object.fromEntries(opts.tierColumns.map((t) => [t.tier, t.column])),
    notes,
    excludedErrors: 0,
  };
}

/** The `eval_prompt` values of a RouteLLM contaminated_prompts.jsonl. */
export function parseExcludedPrompts(text: string, file: string): Set<string> {
  const out = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw new InputError('not JSON', at(file, i + 1));
    }
    const p = (o as { eval_prompt?: unknown; prompt?: unknown }).eval_prompt ?? (o as { prompt?: unknown }).prompt;
    if (typeof p !== 'string') throw new InputError('expected an "eval_prompt" (or "prompt") string', at(file, i + 1));
    out.add(p);
  });
  return out;
}
