/**
 * Bill files as tables: CSV, CSV.gz, Parquet (read by hyparquet), JSON lines
 * (and .jsonl.gz). Every row comes with where it was read ("file:line", or
 * "file row N" for Parquet), so a bad value is named where it is.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { InputError, at } from '../../errors.js';
import { fsReason } from '../read.js';

export type Cell = unknown;

export interface TableRow {
  /** Column → value as read (strings for CSV; numbers, Dates, objects for Parquet and JSON). */
  values: Record<string, Cell>;
  /** "file:line" (CSV, JSON lines) or "file row N" (Parquet). */
  where: string;
}

export interface Table {
  file: string;
  columns: string[];
  rows: TableRow[];
}

const GZIP = [0x1f, 0x8b];
const PARQUET = 'PAR1';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP[0] && bytes[1] === GZIP[1];
}

export function isParquet(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 4)).toString('latin1') === PARQUET;
}

/** Reads one bill file as a table, whatever its encoding. */
export async function readTable(file: string): Promise<Table> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new InputError(`cannot read the bill (${fsReason(e)}); check the path`, file);
  }
  if (isParquet(bytes)) return readParquet(file);
  const text = (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '');
  if (/^\s*\{/.test(text)) return readJsonLines(file, text);
  return readCsvText(file, text);
}

function readCsvText(file: string, text: string): Table {
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new InputError(`not a CSV bill export: ${(e as Error).message.split('\n')[0]}`, at(file, line));
  }
  const [header, ...body] = records;
  if (!header) throw new InputError('an empty file: expected a bill export with a header row', file);
  const columns = header.map((c) => c.trim());
  // Line numbers: csv-parse counts records; quoted newlines are rare in bills, so record i is line i + 2.
  return {
    file,
    columns,
    rows: body.map((r, i) => ({ values: Object.fromEntries(columns.map((c, j) => [c, r[j] ?? ''])), where: at(file, i + 2) })),
  };
}

function readJsonLines(file: string, text: string): Table {
  const rows: TableRow[] = [];
  const columns = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError('not a JSON line (a bill export in JSON lines has one object per line)', at(file, i + 1));
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError('expected a JSON object on each line', at(file, i + 1));
    for (const k of Object.keys(value)) columns.add(k);
    rows.push({ values: value as Record<string, Cell>, where: at(file, i + 1) });
  });
  return { file, columns: [...columns], rows };
}

async function readParquet(file: string): Promise<Table> {
  let objects: Record<string, unknown>[];
  try {
    objects = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
  } catch (e) {
    throw new InputError(`not a readable Parquet file (${(e as Error).message}); give the export as delivered`, file);
  }
  const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return { file, columns, rows: objects.map((values, i) => ({ values, where: `${file} row ${i + 1}` })) };
}

/** Bill files under a path: the file itself, or every export file in a folder (recursively; manifests skipped). */
export async function expandBillPaths(p: string): Promise<string[]> {
  let s;
  try {
    s = await stat(p);
  } catch {
    return [p];
  }
  if (!s.isDirectory()) return [p];
  const entries = await readdir(p, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.(csv|csv\.gz|parquet|snappy\.parquet|json|jsonl|jsonl\.gz|json\.gz)$/i.test(e.name) && !/manifest/i.test(e.name))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
  if (files.length === 0) throw new InputError('a folder with no bill files (.csv, .csv.gz, .parquet, .json, .jsonl)', p);
  return files;
}

/** A cell as text ('' when empty). */
export function text(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).trim();
}

/** The first of `names` present in the row (case-insensitive; dots and underscores alike). */
export function pick(values: Record<string, Cell>, ...names: string[]): Cell {
  for (const n of names) if (n in values && values[n] !== '' && values[n] !== null && values[n] !== undefined) return values[n];
  const norm = (s: string) => s.toLowerCase().replace(/[._/]/g, '');
  const wanted = new Set(names.map(norm));
  for (const [k, v] of Object.entries(values)) if (wanted.has(norm(k)) && v !== '' && v !== null && v !== undefined) return v;
  return undefined;
}

/** A key/value cell: a map object, a list of {key, value}, or its JSON text. */
export function keyValues(v: Cell): Record<string, string> {
  if (v === null || v === undefined || v === '') return {};
  let o: unknown = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      return {};
    }
  }
  if (Array.isArray(o)) return Object.fromEntries(o.filter((e) => e && typeof e === 'object').map((e) => [text((e as { key?: unknown }).key), text((e as { value?: unknown }).value)]));
  if (o && typeof o === 'object') return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, text(x)]));
  return {};
}

/** A UTC day (YYYY-MM-DD) from an ISO time, a Date, a US date (MM/DD/YYYY), epoch seconds or ms. */
export function dayOf(v: Cell): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10);
  if (typeof v === 'bigint') return dayOf(Number(v));
  if (typeof v === 'number') return dayOf(new Date(v > 1e11 ? v : v * 1000));
  const s = text(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return calendarDay(s);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (us) return calendarDay(`${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`);
  if (/^\d{4}-\d{2}-\d{2}[T ]/.test(s)) {
    const t = Date.parse(s.replace(' ', 'T').replace(/ UTC$/, 'Z'));
    return Number.isNaN(t) ? calendarDay(s.slice(0, 10)) : new Date(t).toISOString().slice(0, 10);
  }
  return undefined;
}

/** YYYY-MM-DD when it is a day of the calendar (not 2025-13-01 or 2025-02-30), else undefined. */
function calendarDay(d: string): string | undefined {
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d ? d : undefined;
}
