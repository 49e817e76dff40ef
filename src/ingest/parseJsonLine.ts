/**
 * One line of a JSON-lines log → one TrafficEvent. Never throws for bad data:
 * malformed JSON and unusable records become `skipped` events with a reason.
 * This is the per-line hot path (the analyze pipeline runs it in worker
 * threads), so it does one JSON.parse and one walk of the record.
 */
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../types.js';
import { RecordError } from './fields.js';
import { parseBedrockRecord } from './parseBedrockRecord.js';
import { parseOpenAIRecord } from './parseOpenAIRecord.js';

export type JsonLineFormat = 'bedrock' | 'openai';

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

export function parseJsonLine(format: JsonLineFormat, line: string, loc: SourceLocation): TrafficEvent {
  let obj: unknown;
  try {
    const start = jsonStart(line);
    obj = JSON.parse(start === 0 ? line : line.slice(start));
  } catch (e) {
    const t = line.trim();
    const hint = t === '{' || t === '[' ? ' (pretty-printed JSON? logs must have one record per line)' : '';
    return { kind: 'skipped', skipped: { source: loc, reason: cap(`malformed JSON: ${(e as Error).message}${hint}`) } };
  }
  const parse = JSON_RECORD_PARSERS[format];
  if (parse === undefined) return { kind: 'skipped', skipped: { source: loc, reason: `unknown log format "${String(format)}"` } };
  try {
    return { kind: 'record', record: parse(obj, loc) };
  } catch (e) {
    const reason = e instanceof RecordError ? e.reason : `unusable record: ${e instanceof Error ? e.message : String(e)}`;
    return { kind: 'skipped', skipped: { source: loc, reason: cap(reason) } };
  }
}
