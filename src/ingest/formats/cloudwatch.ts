/**
 * Bedrock invocation logs as they come out of CloudWatch Logs:
 *
 * - `aws logs filter-log-events` / `get-log-events` output: `{"events": [{"timestamp", "message", "ingestionTime", …}], …}`
 *   (one document, or JSON lines of such pages), and JSON lines of single events (`jq -c '.events[]'`);
 * - subscription-filter deliveries (Firehose, Lambda), gzip or not:
 *   `{"messageType": "DATA_MESSAGE", "logGroup", "logStream", "logEvents": [{"id", "timestamp", "message"}]}`;
 *   CONTROL_MESSAGE records carry no events;
 * - Logs Insights results: the console's JSON export (`[{"@timestamp", "@message", …}]`) and
 *   `aws logs get-query-results` output (`{"results": [[{"field": "@message", "value": …}, …]]}`);
 *   the CSV export is read by the CSV reader through its `@message` column.
 *
 * The `<timestamp> <json>` lines of CloudWatch export tasks are plain Bedrock lines (see jsonStart).
 * Each event's `message` is one Bedrock invocation log record (JSON text, or an object).
 */
import type { SourceLocation, TrafficEvent } from '../../types.js';
import { RecordError, checkTokens, isObject, normalizeTimestamp, type JsonObject } from '../fields.js';
import { parseBedrockRecord } from '../parseBedrockRecord.js';
import type { ElementLines, LogFormat } from './types.js';

const WHAT = 'a CloudWatch Logs export';

function preview(s: string): string {
  const t = s.trim();
  return JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);
}

/** One event's message → a Bedrock record event, or a skip that says what the message is. */
function bedrockFromMessage(message: unknown, eventTs: unknown, loc: SourceLocation, what: string): TrafficEvent {
  let obj: unknown = message;
  if (typeof message === 'string') {
    const t = message.trim();
    const brace = t.indexOf('{');
    if (brace < 0) return skip(loc, `looks like ${what}, but this event's message is not JSON (${preview(t)}): no Bedrock invocation log record in it`);
    try {
      obj = JSON.parse(brace === 0 ? t : t.slice(brace));
    } catch {
      return skip(loc, `looks like ${what}, but this event's message is not valid JSON (${preview(t)})`);
    }
  }
  if (!isObject(obj) || (typeof obj.modelId !== 'string' && obj.schemaType !== 'ModelInvocationLog')) {
    return skip(loc, `looks like ${what}, but this event's message is not a Bedrock invocation log record (no modelId)`);
  }
  try {
    const record = parseBedrockRecord(obj, loc);
    if (record.timestamp === undefined) {
      const ts = normalizeTimestamp(eventTs);
      if (ts !== undefined) {
        record.timestamp = ts;
        if (record.problems) {
          record.problems = record.problems.filter((p) => !p.startsWith('timestamp'));
          if (record.problems.length === 0) delete record.problems;
        }
      }
    }
    checkTokens(record.tokens);
    return { kind: 'record', record };
  } catch (e) {
    return skip(loc, e instanceof RecordError ? e.reason : `unusable record: ${(e as Error).message}`);
  }
}

function skip(loc: SourceLocation, reason: string): TrafficEvent {
  return { kind: 'skipped', skipped: { source: loc, reason } };
}

function at(loc: SourceLocation, lines: ElementLines | undefined, key: string, i: number): SourceLocation {
  const line = lines?.(key, i);
  return line === undefined ? loc : { file: loc.file, line };
}

/** A single CloudWatch event object ({timestamp, message, ingestionTime|eventId|logStreamName|id}). */
function isEvent(o: JsonObject): boolean {
  return typeof o.message === 'string' && o.timestamp !== undefined && ('ingestionTime' in o || 'eventId' in o || 'logStreamName' in o || 'id' in o);
}

function events(list: unknown[], key: string, obj: JsonObject, loc: SourceLocation, lines: ElementLines | undefined): TrafficEvent[] {
  // CloudWatch's health checks of a subscription destination: no log events.
  if (obj.messageType === 'CONTROL_MESSAGE') return [];
  const out: TrafficEvent[] = [];
  list.forEach((e, i) => {
    const where = at(loc, lines, key, i);
    if (!isObject(e)) out.push(skip(where, `looks like ${WHAT}, but ${key}[${i}] is not an event object`));
    else out.push(bedrockFromMessage(e.message, e.timestamp, where, WHAT));
  });
  if (out.length === 0 && key !== 'events') {
    out.push(skip(loc, `looks like ${WHAT} with no events in it`));
  }
  return out;
}

/** `get-query-results` rows: [[{field, value}, …], …] → {field: value}. */
function insightsRow(row: unknown): JsonObject | undefined {
  if (!Array.isArray(row)) return undefined;
  const o: JsonObject = {};
  for (const cell of row) if (isObject(cell) && typeof cell.field === 'string') o[cell.field] = cell.value;
  return o;
}

export const cloudwatch: LogFormat = {
  title: 'Bedrock invocation logs from CloudWatch Logs (filter-log-events, subscription/Firehose, Logs Insights)',
  inputTokens: 'excludes-cache',
  inputField: 'input.inputTokenCount (inside each event message)',
  detect(obj) {
    if (Array.isArray(obj.logEvents) && (obj.messageType === 'DATA_MESSAGE' || obj.messageType === 'CONTROL_MESSAGE' || 'logGroup' in obj)) return 3;
    if (Array.isArray(obj.events) && (obj.events.length === 0 ? 'nextForwardToken' in obj || 'searchedLogStreams' in obj || 'nextToken' in obj : isObject(obj.events[0]) && 'message' in obj.events[0])) return 3;
    if (typeof obj['@message'] === 'string' || isObject(obj['@message'])) return 3;
    if (Array.isArray(obj.results) && (obj.status !== undefined || obj.statistics !== undefined)) return 3;
    return isEvent(obj) ? 2 : 0;
  },
  parse(obj, loc, lines) {
    if (Array.isArray(obj.logEvents)) return events(obj.logEvents, 'logEvents', obj, loc, lines);
    if (Array.isArray(obj.events)) return events(obj.events, 'events', obj, loc, lines);
    if (obj['@message'] !== undefined) return [bedrockFromMessage(obj['@message'], obj['@timestamp'], loc, 'a Logs Insights export')];
    if (Array.isArray(obj.results)) {
      return obj.results.map((row, i) => {
        const where = at(loc, lines, 'results', i);
        const o = insightsRow(row);
        if (o === undefined || o['@message'] === undefined) return skip(where, 'looks like Logs Insights query results, but this row has no @message field (add `fields @timestamp, @message` to the query)');
        return bedrockFromMessage(o['@message'], o['@timestamp'], where, 'Logs Insights query results');
      });
    }
    if (isEvent(obj)) return [bedrockFromMessage(obj.message, obj.timestamp, loc, 'a CloudWatch Logs event')];
    throw new RecordError(`not ${WHAT} (no events, logEvents or @message)`);
  },
  csvHeader: (columns) => columns.includes('@message'),
};
