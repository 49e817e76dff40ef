/**
 * A two-or-more-tier CSV adapter for published per-item results such as
 * RouteLLM's (one row per prompt, one True/False column per model). Such
 * files carry no tokens, so each tier's cost per item is a given flat
 * per-call price (--tier-cost NAME=USD): savings are then exactly the
 * share-weighted price difference, as RouteLLM computes them.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError, UsageError, at } from '../errors.js';
import type { ItemOutcomes, ResultsTable } from './results.js';

export interface CsvResultsOptions {
  /** Tier name → column holding pass/fail (True/False, true/false, 1/0, yes/no). */
  tierColumns: { tier: string; column: string }[];
  /** Tier name → cost per call in USD (or any unit: savings are relative). */
  tierCosts: Record<string, number>;
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

/** Reads a per-item results CSV into a table; tiers ordered by cost (cheapest first). */
export async function loadResultsCsv(file: string, opts: CsvResultsOptions): Promise<ResultsTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'results CSV not found' : `cannot read results CSV (${code ?? (e as Error).message})`, file);
  }
  return parseResultsCsv(bytes, file, opts);
}

export function parseResultsCsv(bytes: Buffer | string, file: string, opts: CsvResultsOptions): ResultsTable {
  if (opts.tierColumns.length < 2) throw new UsageError('--tier-column: give at least two tiers, e.g. --tier-column cheap=COL --tier-column frontier=COL');
  for (const { tier } of opts.tierColumns) {
    const c = opts.tierCosts[tier];
    if (c === undefined) throw new UsageError(`--tier-cost: no cost for tier "${tier}" (a CSV has no tokens: give a per-call cost, e.g. --tier-cost ${opts.tierColumns.map((t) => `${t.tier}=…`).join(',')})`);
    if (!(c >= 0)) throw new UsageError(`--tier-cost: cost of "${tier}" must be ≥ 0`);
  }
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(bytes, { columns: true, info: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(`malformed CSV: ${err.message.split('\n')[0]}`, at(file, err.lines));
  }
  if (records.length === 0) throw new InputError('the CSV has no rows', file);
  const header = Object.keys(records[0]!.record);
  const need = [...opts.tierColumns.map((t) => t.column), opts.promptColumn, opts.idColumn, opts.categoryColumn, opts.taskColumn].filter((c): c is string => Boolean(c));
  for (const c of need) {
    if (!header.includes(c)) throw new InputError(`no column "${c}" (columns: ${header.join(', ')})`, file);
  }
  const tiers = [...opts.tierColumns].sort((a, b) => opts.tierCosts[a.tier]! - opts.tierCosts[b.tier]!).map((t) => t.tier);
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
      const pass = TRUE.has(raw) ? true : FALSE.has(raw) ? false : undefined;
      if (pass === undefined) throw new InputError(`column "${column}" must be True or False, got "${record[column]}"`, where);
      item.byTier[tier] = { pass, score: pass ? 1 : 0, costUsd: opts.tierCosts[tier]!, graders: [] };
    }
    if (prompt !== undefined) item.prompt = prompt;
    if (opts.categoryColumn && record[opts.categoryColumn]) item.category = record[opts.categoryColumn]!;
    if (opts.taskColumn && record[opts.taskColumn]) item.task = record[opts.taskColumn]!;
    items.push(item);
  });
  const notes = [`per-item costs are flat per-call prices (${tiers.map((t) => `${t} ${opts.tierCosts[t]}`).join(', ')}): the CSV has no token counts`];
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
export async function readExcludedPrompts(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
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
