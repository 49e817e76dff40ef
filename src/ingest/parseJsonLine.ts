/**
 * One line of a JSON-lines log → one TrafficEvent. Never throws for bad data:
 * malformed JSON and unusable records become `skipped` events with a reason.
 * This is the per-line hot path (the analyze pipeline runs it in worker
 * threads), so it does one JSON.parse and one walk of the record.
 */
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../types.js';
import { RecordError, checkTokens, isObject } from './fields.js';
import { parseBedrockRecord } from './parseBedrockRecord.js';
import { parseOpenAIRecord } from './parseOpenAIRecord.js';

export type JsonLineFormat = 'bedrock' | 'openai';

/**
 * The JSON-lines format of one parsed record by its keys: Bedrock's
 * (schemaType/modelId) or chat-completion ones (model, messages, choices,
 * usage, request, LiteLLM's prompt_tokens/call_type); undefined for neither.
 */
export function jsonKind(obj: Record<string, unknown>): JsonLineFormat | undefined {
  if (obj.schemaType === 'ModelInvocationLog' || typeof obj.modelId === 'string') return 'bedrock';
  if (
    Object.hasOwn(obj, 'model') ||
    Object.hasOwn(obj, 'messages') ||
    Object.hasOwn(obj, 'choices') ||
    Object.hasOwn(obj, 'usage') ||
    Object.hasOwn(obj, 'request') ||
    Object.hasOwn(obj, 'prompt_tokens') ||
    Object.hasOwn(obj, 'call_type')
  ) {
    return 'openai';
  }
  return undefined;
}

/** Registry of JSON-lines record parsers by log format. */
export const JSON_RECORD_PARSERS: Record<JsonLineFormat, (obj: unknown, loc: SourceLocation) => TrafficRecord> = {
  bedrock: parseBedrockRecord,
  openai: parseOpenAIRecord,
};

const REASON_CAP = 200;

function cap(reason: string): string {
  return reason.length > REASON_CAP ? `${reason.slice(0, REASON_CAP)}…` : reason;
}

/**
 * Where the JSON starts: 0; 1 after a byte-order mark; or after the
 * "<timestamp> " prefix that CloudWatch Logs export tasks put before each
 * message ("2025-03-11T00:38:03.123Z {...}").
 */
export function jsonStart(line: string): number {
  const c = line.charCodeAt(0);
  if (c === 0xfeff) return 1;
  if (c < 48 || c > 57) return 0;
  const brace = line.indexOf(' {');
  return brace > 0 && brace < 64 ? brace + 1 : 0;
}

/**
 * One line → one event. `format` 'auto' (files whose sample mixes formats)
 * picks the parser per record by its keys, Bedrock when they say nothing.
 */
export function parseJsonLine(format: JsonLineFormat | 'auto', line: string, loc: SourceLocation): TrafficEvent {
  let obj: unknown;
  try {
    const start = jsonStart(line);
    obj = JSON.parse(start === 0 ? line : line.slice(start));
  } catch (e) {
    const t = line.trim();
    const hint = t === '{' || t === '[' ? ' (pretty-printed JSON? logs must have one record per line)' : '';
    return { kind: 'skipped', skipped: { source: loc, reason: cap(`malformed JSON: ${(e as Error).message}${hint}`) } };
  }
  const kind = format === 'auto' ? (isObject(obj) ? jsonKind(obj) : undefined) ?? 'bedrock' : format;
  const parse = Object.hasOwn(JSON_RECORD_PARSERS, kind) ? JSON_RECORD_PARSERS[kind] : undefined;
  if (parse === undefined) return { kind: 'skipped', skipped: { source: loc, reason: `unknown log format "${String(format)}"` } };
  try {
    const record = parse(obj, loc);
    checkTokens(record.tokens);
    return { kind: 'record', record };
  } catch (e) {
    const reason = e instanceof RecordError ? e.reason : `unusable record: ${e instanceof Error ? e.message : String(e)}`;
    return { kind: 'skipped', skipped: { source: loc, reason: cap(reason) } };
  }
}
