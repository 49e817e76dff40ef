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
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../types.js';
import { InputError, UsageError, at } from '../errors.js';
import { RecordError, normalizeTimestamp, tokenCount } from './fields.js';

export const CSV_FIELDS = [
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
export type CsvField = (typeof CSV_FIELDS)[number];

/** Column mapping from `--map`; unmapped fields fall back on DEFAULT_COLUMNS. */
export interface CsvColumnMap {
  fields: Partial<Record<CsvField, string>>;
  /** tag name → column */
  tags: Record<string, string>;
}

const REQUIRED: readonly CsvField[] = ['model', 'input', 'output'];

/** Column names tried, in order, for an unmapped field (compared case- and punctuation-insensitively). */
export const DEFAULT_COLUMNS: Record<CsvField, readonly string[]> = {
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
export const DEFAULT_TAG_COLUMNS: readonly string[] = ['team', 'app', 'application', 'project', 'repo', 'env', 'environment', 'service', 'feature', 'cost_center'];

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

function listColumns(header: string[]): string {
  const shown = header.slice(0, 12).map((h) => JSON.stringify(h));
  return shown.join(', ') + (header.length > 12 ? `, … (${header.length} columns)` : '');
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
    tags: {},
    tokens: { input, output: count('output'), cacheRead, cacheWrite: count('cacheWrite') },
  };
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

function csvReason(e: unknown): { reason: string; line?: number } {
  const err = e as { message?: string; lines?: unknown };
  const reason = (err.message ?? String(e)).replace(/\s+(on|at) line \d+$/, '');
  return typeof err.lines === 'number' ? { reason, line: err.lines } : { reason };
}

/**
 * Events from the lines of a CSV file. Row errors (wrong column count, bad
 * numbers) are skipped with file:line, or thrown as InputError when `strict`.
 */
export async function* readCsvEvents(
  lines: AsyncIterable<{ line: string; lineNo: number }>,
  display: string,
  opts: { csvMap?: CsvColumnMap | undefined; strict?: boolean | undefined },
): AsyncGenerator<TrafficEvent> {
  const strict = opts.strict === true;
  const map = opts.csvMap ?? { fields: {}, tags: {} };
  const pending: TrafficEvent[] = [];
  const parser = parse({
    relax_column_count: false,
    skip_empty_lines: true,
    trim: true,
    info: true,
    skip_records_with_error: !strict,
    on_skip: (err) => {
      const { reason, line } = csvReason(err);
      pending.push({ kind: 'skipped', skipped: { source: { file: display, line: line ?? 0 }, reason } });
      return undefined;
    },
  });
  const text = async function* (): AsyncGenerator<string> {
    for await (const { line } of lines) yield `${line}\n`;
  };
  const source = Readable.from(text(), { objectMode: false });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);

  let cols: ResolvedColumns | undefined;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (cols === undefined) {
        cols = resolveCsvColumns(
          item.record.map((h) => h.trim()),
          map,
          display,
        );
        continue;
      }
      while (pending.length > 0) yield pending.shift()!;
      const loc = { file: display, line: item.info.lines };
      try {
        yield { kind: 'record', record: csvRowToRecord(item.record, cols, loc) };
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        if (strict) throw new InputError(e.reason, at(display, loc.line));
        yield { kind: 'skipped', skipped: { source: loc, reason: e.reason } };
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const { reason, line } = csvReason(e);
    if (strict) throw new InputError(reason, at(display, line));
    pending.push({ kind: 'skipped', skipped: { source: { file: display, line: line ?? 0 }, reason } });
  } finally {
    source.destroy();
  }
  while (pending.length > 0) yield pending.shift()!;
}
