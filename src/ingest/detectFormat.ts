/**
 * Log format detection per file, from the first non-empty line (or a header)
 * and the file name. `--log-format` skips this.
 */
import { LOG_FORMATS, type LogFormat } from '../types.js';
import { UsageError } from '../errors.js';
import { isObject } from './fields.js';
import { jsonStart } from './parseJsonLine.js';

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

function jsonKind(obj: Record<string, unknown>): LogFormat | undefined {
  if (obj.schemaType === 'ModelInvocationLog' || typeof obj.modelId === 'string') return 'bedrock';
  if (
    'model' in obj ||
    'messages' in obj ||
    'choices' in obj ||
    'usage' in obj ||
    'request' in obj ||
    'prompt_tokens' in obj ||
    'call_type' in obj
  ) {
    return 'openai';
  }
  return undefined;
}

/**
 * The format of a log from a sample of its first line(s) and its name:
 * JSON objects with Bedrock's keys (schemaType/modelId) → bedrock; with chat
 * completion keys (model, messages, choices, usage, request) → openai; a
 * comma-separated header (or a .csv name) → csv. Falls back on the extension,
 * then on bedrock, the primary format.
 */
export function detectFormat(sample: string, fileName: string): LogFormat {
  const ext = baseExtension(fileName);
  let first = '';
  for (const raw of sample.split('\n', 8)) {
    const t = raw.trim();
    if (t !== '') {
      first = t.charCodeAt(0) === 0xfeff ? t.slice(1).trimStart() : t;
      first = first.slice(jsonStart(first));
      break;
    }
  }
  if (first.startsWith('{')) {
    try {
      const obj: unknown = JSON.parse(first);
      if (isObject(obj)) {
        const kind = jsonKind(obj);
        if (kind !== undefined) return kind;
      }
    } catch {
      // A sample cut mid-record: look for telltale keys instead.
      if (first.includes('"modelId"') || first.includes('"ModelInvocationLog"')) return 'bedrock';
      if (first.includes('"prompt_tokens"') || first.includes('"choices"') || first.includes('"messages"') || first.includes('"model"')) {
        return 'openai';
      }
    }
    return 'bedrock';
  }
  if (ext === '.csv') return 'csv';
  if (first !== '' && !first.startsWith('[') && first.includes(',') && ext !== '.json' && ext !== '.jsonl') return 'csv';
  return 'bedrock';
}
