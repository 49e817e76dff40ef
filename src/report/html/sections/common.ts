/** Helpers shared by the report's sections. Pure. */
import { fmtByKey, isNumericKey, toInterval } from '../format.js';
import type { SafeHtml } from '../html.js';
import { table, type Cell, type Column } from '../page.js';
import { obj, type Obj } from '../read.js';

/** "costPerItemUsd" → "Cost per item (USD)". */
export function humanize(key: string): string {
  const suffix = /Usd$/.test(key) ? ' (USD)' : /Pct$/.test(key) ? ' (%)' : /Ms$/.test(key) ? ' (ms)' : /Ci95$|^ci95$/.test(key) ? ' 95% CI' : '';
  const base = key.replace(/(Usd|Pct|Ms)$/, '').replace(/Ci95$|^ci95$/, '');
  const words = base
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  const text = words === '' ? suffix.trim() : `${words}${suffix}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Primitives, intervals, flat arrays and small flat objects (e.g. labels {easy, moderate, hard}). */
function displayable(v: unknown, key: string): boolean {
  if (isPrimitive(v)) return true;
  if (Array.isArray(v)) return (/ci|interval/i.test(key) && toInterval(v) !== undefined) || v.every((x) => typeof x !== 'object' || x === null);
  const o = obj(v);
  return o !== undefined && Object.keys(o).length > 0 && Object.keys(o).length <= 6 && Object.values(o).every(isPrimitive);
}

function formatCell(key: string, v: unknown): string {
  const o = obj(v);
  if (o) return Object.entries(o).map(([k, x]) => `${k} ${fmtByKey(/usd$|pct$/i.test(k) ? k : key, x)}`).join(' · ');
  return fmtByKey(key, v);
}

/**
 * A table of arbitrary JSON rows: the preferred keys first (when present), then
 * any other displayable keys, up to `maxColumns`. Values are formatted by the
 * naming conventions of their keys.
 */
export function objectTable(rowsIn: unknown[], opts: { prefer?: string[]; maxColumns?: number; maxRows?: number; caption?: string; labels?: Record<string, string> } = {}): SafeHtml {
  const rows = rowsIn.map(obj).filter((r): r is Obj => r !== undefined);
  const keys: string[] = [];
  const add = (k: string) => {
    if (!keys.includes(k) && rows.some((r) => r[k] !== undefined && displayable(r[k], k))) keys.push(k);
  };
  for (const k of opts.prefer ?? []) add(k);
  for (const r of rows) for (const k of Object.keys(r)) add(k);
  return keyedTable(rows, keys.slice(0, opts.maxColumns ?? 9), opts);
}

/**
 * A table of typed rows with exactly these columns (keys of the row), each
 * value formatted by the naming convention of its key; no key is guessed.
 */
export function rowsTable<R extends object>(rowsIn: readonly R[], columns: readonly (keyof R & string)[], opts: { maxRows?: number; caption?: string; labels?: Partial<Record<keyof R & string, string>> } = {}): SafeHtml {
  return keyedTable(rowsIn as readonly Obj[], columns, opts as { labels?: Record<string, string> });
}

function keyedTable(rows: readonly Obj[], cols: readonly string[], opts: { maxRows?: number; caption?: string; labels?: Record<string, string> }): SafeHtml {
  const cells: Cell[][] = rows.map((r) => cols.map((k) => (displayable(r[k], k) ? formatCell(k, r[k]) : '—')));
  const columns: Column[] = cols.map((k, j) => ({
    label: opts.labels?.[k] ?? humanize(k),
    num: isNumericKey(k, rows.find((r) => r[k] !== undefined && r[k] !== null)?.[k]),
    // Short codes without spaces (Regions, dates) stay on one line.
    nowrap: cells.every((row) => typeof row[j] === 'string' && (row[j] as string).length <= 16 && !/\s/.test(row[j] as string)),
  }));
  return table(columns, cells, { maxRows: opts.maxRows ?? 25, caption: opts.caption });
}

/** Rows sorted by amount, the first `top` kept and the rest folded into one "N others" row. */
export function topWithRest<T extends { name: string; usd: number }>(rows: T[], top: number, othersLabel: (n: number) => string): { name: string; usd: number }[] {
  const sorted = [...rows].sort((a, b) => b.usd - a.usd);
  if (sorted.length <= top) return sorted;
  const rest = sorted.slice(top - 1);
  return [...sorted.slice(0, top - 1), { name: othersLabel(rest.length), usd: rest.reduce((s, r) => s + r.usd, 0) }];
}

/** Makes names unique so that a nominal chart axis does not merge two rows. */
export function uniqueNames<T extends { name: string }>(rows: T[]): T[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const n = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, n);
    return n === 1 ? r : { ...r, name: `${r.name} (${n})` };
  });
}
