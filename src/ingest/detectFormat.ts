/**
 * Log format detection per file, from a sample of its first lines (up to
 * FORMAT_SAMPLE_RECORDS parseable records) and its name. `--log-format` skips this.
 */
import { LOG_FORMATS, type LogFormat } from '../types.js';
import { UsageError } from '../errors.js';
import { isObject } from './fields.js';
import { jsonKind, jsonStart, type JsonLineFormat } from './parseJsonLine.js';

/** How many parseable records decide a file's format. */
export const FORMAT_SAMPLE_RECORDS = 50;
/** Lines looked at, at most, to find them. */
const SAMPLE_LINES = 1000;

/** Checks a user-given format name (e.g. `--log-format`). */
export function checkLogFormat(name: string): LogFormat {
  if ((LOG_FORMATS as readonly string[]).includes(name)) return name as LogFormat;
  throw new UsageError(`unknown log format "${name}": use one of ${LOG_FORMATS.join(', ')}`);
}

function baseExtension(fileName: string): string {
  let lower = fileName.toLowerCase();
  if (lower.endsWith('.gz')) lower = lower.slice(0, -3);
  const dot = lower.lastIndexOf('.');
  const slash = Math.max(lower.lastIndexOf('/'), lower.lastIndexOf('\\'));
  return dot > slash ? lower.slice(dot) : '';
}

/** What the sample of a file says. */
export interface FormatGuess {
  format: LogFormat;
  /** Records of each JSON-lines kind among the sampled ones. */
  votes: Record<JsonLineFormat, number>;
  /** The sample holds records of both JSON-lines kinds. */
  mixed: boolean;
}

/** A sampled line without BOM, CloudWatch timestamp prefix and surrounding blanks. */
function clean(raw: string): string {
  let t = raw.trim();
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1).trimStart();
  return t.slice(jsonStart(t));
}

/** Telltale keys of a record cut short (a sample that ends mid-line, a truncated first line). */
function telltale(t: string): JsonLineFormat | undefined {
  if (t.includes('"modelId"') || t.includes('"ModelInvocationLog"')) return 'bedrock';
  if (t.includes('"prompt_tokens"') || t.includes('"choices"') || t.includes('"messages"') || t.includes('"model"')) return 'openai';
  return undefined;
}

/**
 * The format of a log from the first lines of its text and its name: JSON
 * objects vote by their keys (Bedrock's schemaType/modelId → bedrock;
 * chat-completion keys → openai) over up to FORMAT_SAMPLE_RECORDS parseable
 * records, so one truncated or odd first line does not decide; lines that do
 * not parse vote by telltale keys only when nothing parsed. A first line that
 * is not JSON and has commas (or a .csv name) → csv. Falls back on bedrock,
 * the primary format.
 */
export function guessFormat(sample: string, fileName: string): FormatGuess {
  const ext = baseExtension(fileName);
  const votes: Record<JsonLineFormat, number> = { bedrock: 0, openai: 0 };
  const weak: Record<JsonLineFormat, number> = { bedrock: 0, openai: 0 };
  let first: string | undefined;
  let objects = 0;
  let others = 0;
  let parsed = 0;
  let start = 0;
  for (let n = 0; n < SAMPLE_LINES && start <= sample.length && parsed < FORMAT_SAMPLE_RECORDS; n++) {
    let nl = sample.indexOf('\n', start);
    if (nl < 0) nl = sample.length;
    const t = clean(sample.slice(start, nl));
    start = nl + 1;
    if (t === '') continue;
    first ??= t;
    if (!t.startsWith('{')) {
      others++;
      continue;
    }
    objects++;
    let obj: unknown;
    try {
      obj = JSON.parse(t);
    } catch {
      const k = telltale(t);
      if (k) weak[k]++;
      continue;
    }
    if (!isObject(obj)) continue;
    parsed++;
    const k = jsonKind(obj);
    if (k) votes[k]++;
  }
  const mixed = votes.bedrock > 0 && votes.openai > 0;
  const json = first !== undefined && (first.startsWith('{') || objects > others);
  if (json) {
    const v = votes.bedrock + votes.openai > 0 ? votes : weak;
    return { format: v.openai > v.bedrock ? 'openai' : 'bedrock', votes, mixed };
  }
  if (ext === '.csv') return { format: 'csv', votes, mixed: false };
  if (first !== undefined && !first.startsWith('[') && first.includes(',') && ext !== '.json' && ext !== '.jsonl') return { format: 'csv', votes, mixed: false };
  return { format: 'bedrock', votes, mixed: false };
}

/** The format of a log from a sample of its first line(s) and its name (see guessFormat). */
export function detectFormat(sample: string, fileName: string): LogFormat {
  return guessFormat(sample, fileName).format;
}
