/**
 * CSV traffic exports (billing exports, gateway dumps, spreadsheets), read with
 * csv-parse as a stream. Columns map to record fields through `--map`
 * ("model=model_id,input=prompt_tokens,tag.team=team_col") or, when not mapped,
 * through common column names. The header is checked before any row is read:
 * a mapped or required column that is missing is an InputError naming it.
 *
 * Token columns are taken as they are, with one convention: a column named
 * `prompt_tokens` follows OpenAI's convention (cached tokens included), so the
 * cache-read column is subtracted from it.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../types.js';
import { InputError, UsageError, at, quoteExcerpt, shortenQuotes } from '../errors.js';
import { RecordError, checkTokens, newTags, normalizeTimestamp, tokenCount } from './fields.js';
import { overlongReason, type InputLine } from './inputs.js';
import { MAX_LINE_BYTES } from './lineChunker.js';
import { LOG_FORMATS } from './formats/index.js';
import { JSON_FORMATS, readJsonValue, type JsonLineFormat } from './parseJsonLine.js';

/**
 * The format whose CSV export a header is (Logs Insights `@message`, LiteLLM
 * SpendLogs, API Management LLM logs), or undefined for a plain usage CSV.
 */
function csvRowFormat(header: readonly string[]): JsonLineFormat | undefined {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const f of JSON_FORMATS) if (LOG_FORMATS[f].csvHeader?.(lower) === true) return f;
  return undefined;
}

/** A row of a format's CSV export → the object its parser reads (column → cell; empty cells left out). */
function rowObject(header: readonly string[], fields: readonly string[]): Record<string, unknown> {
  const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  header.forEach((h, i) => {
    const v = fields[i];
    if (v !== undefined && v !== '') o[h.trim()] = v;
  });
  return o;
}

const CSV_FIELDS = [
  'model',
  'input',
  'output',
  'cacheRead',
  'cacheWrite',
  'timestamp',
  'requestId',
  'region',
  'prompt',
  'errorCode',
  'identityArn',
] as const;
type CsvField = (typeof CSV_FIELDS)[number];

/** Column mapping from `--map`; unmapped fields fall back on DEFAULT_COLUMNS. */
export interface CsvColumnMap {
  fields: Partial<Record<CsvField, string>>;
  /** tag name → column */
  tags: Record<string, string>;
}

const REQUIRED: readonly CsvField[] = ['model', 'input', 'output'];

/** Column names tried, in order, for an unmapped field (compared case- and punctuation-insensitively). */
const DEFAULT_COLUMNS: Record<CsvField, readonly string[]> = {
  model: ['model', 'model_id', 'modelId', 'model_name', 'deployment', 'model_group'],
  input: ['input_tokens', 'prompt_tokens', 'inputTokens', 'inputTokenCount', 'input_token_count', 'tokens_in', 'input'],
  output: ['output_tokens', 'completion_tokens', 'outputTokens', 'outputTokenCount', 'output_token_count', 'tokens_out', 'output'],
  cacheRead: ['cache_read_tokens', 'cache_read_input_tokens', 'cacheReadInputTokenCount', 'cacheReadInputTokens', 'cached_tokens', 'cache_read'],
  cacheWrite: [
    'cache_write_tokens',
    'cache_creation_input_tokens',
    'cacheWriteInputTokenCount',
    'cacheWriteInputTokens',
    'cache_creation_tokens',
    'cache_write',
  ],
  timestamp: ['timestamp', 'time', 'datetime', 'date', 'created_at', 'start_time', 'startTime', 'request_time'],
  requestId: ['request_id', 'requestId', 'id', 'call_id'],
  region: ['inference_region', 'inferenceRegion', 'region', 'aws_region'],
  prompt: ['prompt', 'prompt_text', 'input_text', 'question', 'user_message'],
  errorCode: ['error_code', 'errorCode', 'error'],
  identityArn: ['identity_arn', 'identityArn', 'arn', 'principal', 'user'],
};

/** Columns taken as tags when present and not mapped to a field. */
const DEFAULT_TAG_COLUMNS: readonly string[] = ['team', 'app', 'application', 'project', 'repo', 'env', 'environment', 'service', 'feature', 'cost_center'];

/** Error-column values that mean "no error". */
const NO_ERROR = new Set(['false', '0', 'none', 'null', 'ok', 'success', '-']);

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const FIELD_BY_NORM = new Map<string, CsvField>(CSV_FIELDS.map((f) => [norm(f), f]));

/**
 * Parses a `--map` spec: comma-separated `field=column`, `tag.NAME=column`,
 * `tag=column` or a bare `column` (a tag named after the column).
 * Throws UsageError on a malformed spec.
 */
export function parseCsvMap(spec: string | undefined): CsvColumnMap {
  const map: CsvColumnMap = { fields: {}, tags: {} };
  if (spec === undefined) return map;
  for (const rawEntry of spec.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq < 0) {
      map.tags[entry] = entry;
      continue;
    }
    const key = entry.slice(0, eq).trim();
    const column = entry.slice(eq + 1).trim();
    if (column === '') throw new UsageError(`--map: "${entry}" has no column name after "="`);
    if (key === '') throw new UsageError(`--map: "${entry}" has no field name before "="`);
    if (key === 'tag') {
      map.tags[column] = column;
      continue;
    }
    if (key.startsWith('tag.')) {
      const tag = key.slice(4).trim();
      if (tag === '') throw new UsageError(`--map: "${entry}" has an empty tag name`);
      map.tags[tag] = column;
      continue;
    }
    const field = FIELD_BY_NORM.get(norm(key));
    if (field === undefined) {
      throw new UsageError(`--map: unknown field "${key}" in "${entry}"; fields are ${CSV_FIELDS.join(', ')}, or tag.NAME=COLUMN`);
    }
    if (map.fields[field] !== undefined) throw new UsageError(`--map: field "${field}" is mapped twice`);
    map.fields[field] = column;
  }
  return map;
}

interface ResolvedColumns {
  fields: Partial<Record<CsvField, number>>;
  tags: [string, number][];
  /** The input column is `prompt_tokens` (OpenAI: cached tokens included). */
  inputIncludesCacheRead: boolean;
  header: string[];
}

/** The header's columns for a message: the first ones (each cut to an excerpt) up to about 200 characters. */
function listColumns(header: string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const h of header.slice(0, 12)) {
    const q = quoteExcerpt(h, 40);
    if (shown.length > 0 && length + q.length > 200) break;
    shown.push(q);
    length += q.length + 2;
  }
  return shown.join(', ') + (header.length > shown.length ? `, … (${header.length} columns)` : '');
}

/** Resolves the mapping against a header; InputError naming the file and column when one is missing. */
export function resolveCsvColumns(header: string[], map: CsvColumnMap, display: string): ResolvedColumns {
  const exact = new Map<string, number>();
  const loose = new Map<string, number>();
  header.forEach((h, i) => {
    if (!exact.has(h)) exact.set(h, i);
    const n = norm(h);
    if (n !== '' && !loose.has(n)) loose.set(n, i);
  });
  const find = (col: string): number | undefined => exact.get(col) ?? loose.get(norm(col));
  const fields: Partial<Record<CsvField, number>> = {};
  const used = new Set<number>();
  for (const field of CSV_FIELDS) {
    const mapped = map.fields[field];
    let idx: number | undefined;
    if (mapped !== undefined) {
      idx = find(mapped);
      if (idx === undefined) {
        throw new InputError(`CSV has no column "${mapped}" (mapped to ${field} by --map); columns: ${listColumns(header)}`, display);
      }
    } else {
      for (const candidate of DEFAULT_COLUMNS[field]) {
        const i = loose.get(norm(candidate));
        if (i !== undefined && !used.has(i)) {
          idx = i;
          break;
        }
      }
      if (idx === undefined && REQUIRED.includes(field)) {
        throw new InputError(
          `CSV has no ${field} column (looked for ${DEFAULT_COLUMNS[field].join(', ')}); name it with --map ${field}=COLUMN; columns: ${listColumns(header)}`,
          display,
        );
      }
    }
    if (idx !== undefined) {
      fields[field] = idx;
      used.add(idx);
    }
  }
  const tags: [string, number][] = [];
  for (const [tag, col] of Object.entries(map.tags)) {
    const idx = find(col);
    if (idx === undefined) throw new InputError(`CSV has no column "${col}" (mapped to tag ${tag} by --map); columns: ${listColumns(header)}`, display);
    tags.push([tag, idx]);
    used.add(idx);
  }
  for (const col of DEFAULT_TAG_COLUMNS) {
    const idx = loose.get(norm(col));
    if (idx !== undefined && !used.has(idx)) {
      tags.push([header[idx]!, idx]);
      used.add(idx);
    }
  }
  const inputIdx = fields.input;
  const inputIncludesCacheRead = inputIdx !== undefined && norm(header[inputIdx]!) === 'prompttokens' && fields.cacheRead !== undefined;
  return { fields, tags, inputIncludesCacheRead, header };
}

/** One CSV row → a record; RecordError for unusable values. */
export function csvRowToRecord(row: string[], cols: ResolvedColumns, loc: SourceLocation): TrafficRecord {
  const cell = (f: CsvField): string | undefined => {
    const i = cols.fields[f];
    if (i === undefined) return undefined;
    const v = row[i];
    return v === undefined || v === '' ? undefined : v;
  };
  const count = (f: CsvField): number => {
    const i = cols.fields[f];
    if (i === undefined) return 0;
    return tokenCount(row[i], `column "${cols.header[i]}"`) ?? 0;
  };
  const modelId = cell('model');
  if (modelId === undefined) throw new RecordError(`column "${cols.header[cols.fields.model!]}" (model) is empty`);
  const cacheRead = count('cacheRead');
  let input = count('input');
  if (cols.inputIncludesCacheRead) input = Math.max(0, input - cacheRead);
  const record: TrafficRecord = {
    source: loc,
    modelId,
    tags: newTags(),
    tokens: { input, output: count('output'), cacheRead, cacheWrite: count('cacheWrite') },
  };
  checkTokens(record.tokens);
  const requestId = cell('requestId');
  if (requestId !== undefined) record.requestId = requestId;
  const region = cell('region');
  if (region !== undefined) record.region = region;
  const prompt = cell('prompt');
  if (prompt !== undefined) {
    record.prompt = prompt.length > 8000 ? prompt.slice(0, 8000) : prompt;
    record.turns = 1;
  }
  const errorCode = cell('errorCode');
  if (errorCode !== undefined && !NO_ERROR.has(errorCode.toLowerCase())) record.errorCode = errorCode;
  const identityArn = cell('identityArn');
  if (identityArn !== undefined) record.identityArn = identityArn;
  if (cols.fields.timestamp !== undefined) {
    const raw = cell('timestamp');
    const ts = raw === undefined ? undefined : normalizeTimestamp(raw);
    if (ts !== undefined) record.timestamp = ts;
    else record.problems = [raw === undefined ? 'timestamp missing' : 'timestamp unparseable'];
  }
  for (const [tag, i] of cols.tags) {
    const v = row[i];
    if (v !== undefined && v !== '') record.tags[tag] = v;
  }
  return record;
}

/** A record whose quoted field stays open longer than this many lines is taken as a broken quote. */
export const MAX_RECORD_LINES = 1000;

const PARSE_OPTIONS = { trim: true, relax_column_count: true, record_delimiter: '\n', skip_empty_lines: true } as const;

function csvReason(e: unknown): string {
  const err = e as { message?: string };
  return shortenQuotes((err.message ?? String(e)).split('\n')[0]!.replace(/\s+(on|at) line \d+/, ''));
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** The fields of one record's text (which may span lines inside quotes); a reason string when it is not one CSV record. */
function splitRecord(text: string): string[] | string {
  if (!text.includes('"')) {
    const cells = text.split(',');
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i]!.trim();
    return cells;
  }
  let rows: string[][];
  try {
    rows = parseCsv(text, PARSE_OPTIONS) as string[][];
  } catch (e) {
    return csvReason(e);
  }
  if (rows.length !== 1) return rows.length === 0 ? 'empty row' : `one line holds ${rows.length} CSV records`;
  return rows[0]!;
}

/**
 * Events from the lines of a CSV file. Records are assembled from physical
 * lines here, so one broken row never costs the rows after it: a quoted field
 * may span lines, but when a line after an unclosed quote is a complete,
 * usable row on its own (or the field stays open for MAX_RECORD_LINES lines,
 * or to the end of the file), the quote is taken as broken — the opening line
 * is skipped with its number and a reason, and reading resumes at the line
 * after it. Each record is numbered by its first physical line; a carriage
 * return inside a quoted field is part of the field, not a line break. Row
 * errors (wrong column count, bad numbers) are skipped with file:line, or
 * thrown as InputError when `strict`. Returns the format the rows were read as.
 */
export async function* readCsvEvents(
  lines: AsyncIterable<InputLine>,
  display: string,
  opts: { csvMap?: CsvColumnMap | undefined; strict?: boolean | undefined; maxLineBytes?: number | undefined },
): AsyncGenerator<TrafficEvent, JsonLineFormat | 'csv'> {
  const strict = opts.strict === true;
  const map = opts.csvMap ?? { fields: {}, tags: {} };
  const maxBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  let cols: ResolvedColumns | undefined;
  /** Rows of another format's CSV export (see csvRowFormat) go to that format's parser. */
  let rowFormat: JsonLineFormat | undefined;
  let rowHeader: string[] | undefined;
  const mapped = Object.keys(map.fields).length > 0 || Object.keys(map.tags).length > 0;
  /** The lines of a record whose quote is still open. */
  let open: { lines: InputLine[]; quotes: number; bytes: number } | undefined;
  const queue: InputLine[] = [];
  const out: TrafficEvent[] = [];

  const skip = (line: number, reason: string): void => {
    if (strict) throw new InputError(reason, at(display, line));
    out.push({ kind: 'skipped', skipped: { source: { file: display, line }, reason } });
  };
  /** A complete record → its event (or the header). */
  const take = (text: string, line: number): void => {
    const fields = splitRecord(text);
    if (typeof fields === 'string') {
      skip(line, fields);
      return;
    }
    if (cols === undefined && rowHeader === undefined) {
      rowFormat = mapped ? undefined : csvRowFormat(fields);
      if (rowFormat !== undefined) rowHeader = fields;
      else cols = resolveCsvColumns(fields, map, display);
      return;
    }
    if (rowHeader !== undefined) {
      if (fields.length !== rowHeader.length) {
        skip(line, `row has ${fields.length} column${fields.length === 1 ? '' : 's'}; the header has ${rowHeader.length}`);
        return;
      }
      readJsonValue(rowFormat!, rowObject(rowHeader, fields), { file: display, line }, undefined, (ev) => {
        if (ev.kind === 'skipped') skip(ev.skipped.source.line, ev.skipped.reason);
        else out.push(ev);
      });
      return;
    }
    if (cols === undefined) return;
    if (fields.length !== cols.header.length) {
      skip(line, `row has ${fields.length} column${fields.length === 1 ? '' : 's'}; the header has ${cols.header.length}`);
      return;
    }
    try {
      out.push({ kind: 'record', record: csvRowToRecord(fields, cols, { file: display, line }) });
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      skip(line, e.reason);
    }
  };
  /** Whether a line is a usable row on its own: then an open quote before it is broken, not a field spanning lines. */
  const standsAlone = (text: string): boolean => {
    if (rowHeader !== undefined) {
      if (countQuotes(text) % 2 !== 0) return false;
      const f = splitRecord(text);
      return typeof f !== 'string' && f.length === rowHeader.length;
    }
    if (cols === undefined || countQuotes(text) % 2 !== 0) return false;
    const fields = splitRecord(text);
    if (typeof fields === 'string' || fields.length !== cols.header.length) return false;
    try {
      csvRowToRecord(fields, cols, { file: display, line: 0 });
      return true;
    } catch {
      return false;
    }
  };
  /** The open record was a broken quote: skip its first line, read the lines after it again. */
  const breakOpen = (why: string): void => {
    const o = open!;
    open = undefined;
    const first = o.lines[0]!;
    // The line's own error says more ("Invalid Opening Quote … value is "a"") unless it is only that the quote stays open.
    const alone = splitRecord(first.line);
    skip(first.lineNo, typeof alone === 'string' && !alone.startsWith('Quote Not Closed') ? alone : `unclosed quote: ${why}`);
    queue.unshift(...o.lines.slice(1));
  };
  const feed = (l: InputLine): void => {
    if (l.overlong !== undefined) {
      if (open) {
        queue.unshift(l);
        breakOpen('a line after it is too long to read');
        return;
      }
      skip(l.lineNo, overlongReason(l.overlong, maxBytes));
      return;
    }
    const q = countQuotes(l.line);
    if (open === undefined) {
      if (l.line.trim() === '') return;
      if (q % 2 === 0) {
        take(l.line, l.lineNo);
        return;
      }
      open = { lines: [l], quotes: q, bytes: l.line.length };
      return;
    }
    if (standsAlone(l.line)) {
      queue.unshift(l);
      breakOpen(`line ${l.lineNo} is a complete row of its own, so the quote does not span lines`);
      return;
    }
    open.lines.push(l);
    open.quotes += q;
    open.bytes += l.line.length + 1;
    if (open.quotes % 2 === 0) {
      const o = open;
      open = undefined;
      take(o.lines.map((x) => x.line).join('\n'), o.lines[0]!.lineNo);
      return;
    }
    if (open.lines.length >= MAX_RECORD_LINES || open.bytes > maxBytes) breakOpen(`still open ${open.lines.length} lines later`);
  };
  const drain = function* (): Generator<TrafficEvent> {
    while (queue.length > 0) feed(queue.shift()!);
    yield* out;
    out.length = 0;
  };

  for await (const l of lines) {
    feed(l);
    yield* drain();
  }
  while (open !== undefined) {
    breakOpen('the file ends before it is closed');
    yield* drain();
  }
  yield* out;
  // What the rows were read as: another format's CSV export counts as that format (analyze's sources.formats).
  return rowFormat ?? 'csv';
}
