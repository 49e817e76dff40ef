/**
 * JSON logs → TrafficEvents, by the log-format registry. Never throws for bad
 * data: malformed JSON and unusable records become `skipped` events with a reason.
 *
 * Two shapes of file: JSON lines (one value per line: a record, a wrapper such
 * as a CloudWatch page or an OTLP batch, or an array of records) and JSON
 * documents (one value over many lines: `aws logs filter-log-events` output,
 * a JSON array export, OTLP JSON). Lines are the per-line hot path (the analyze
 * pipeline runs it in worker threads): one JSON.parse and one walk per record.
 */
import type { SourceLocation, TrafficEvent } from '../types.js';
import { RecordError, checkTokens, isObject, type JsonObject } from './fields.js';
import { LOG_FORMATS, LOG_FORMAT_NAMES, type ElementLines, type EmitEvent, type LogFormatName } from './formats/index.js';
import { tokorLine } from './tokorLines.js';

/** Formats read from JSON (every one but csv). */
export type JsonLineFormat = Exclude<LogFormatName, 'csv'>;

export const JSON_FORMATS: readonly JsonLineFormat[] = LOG_FORMAT_NAMES.filter((n): n is JsonLineFormat => n !== 'csv');

/** How one parsed object is read: a named format, or 'auto' (each object by its own keys). */
export type JsonReadFormat = JsonLineFormat | 'auto';

export type { EmitEvent };

/**
 * The format one parsed object looks most like (the highest `detect` score;
 * ties go to the earlier name), with its score; undefined when none claims it.
 */
export function jsonKind(obj: JsonObject): JsonLineFormat | undefined {
  return bestKind(obj)?.format;
}

export function bestKind(obj: JsonObject): { format: JsonLineFormat; score: number } | undefined {
  let best: JsonLineFormat | undefined;
  let score = 0;
  for (const f of JSON_FORMATS) {
    const s = LOG_FORMATS[f].detect(obj);
    if (s > score) {
      score = s;
      best = f;
    }
  }
  return best === undefined ? undefined : { format: best, score };
}

const REASON_CAP = 200;

/** Largest file read whole (a JSON document over many lines, a transcript); bigger documents should be JSON lines. */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Why a document is too big to read whole, and what to do. */
export function documentTooLarge(): string {
  return `a JSON document over many lines larger than ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MiB: convert it to JSON lines (e.g. jq -c '.events[]' or jq -c '.[]')`;
}

/** Lines of a text (a last line without a newline counts). */
export function countTextLines(text: string): number {
  let n = text.length > 0 && !text.endsWith('\n') ? 1 : 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

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

/** What an object no format claims is, for its skip reason. */
function describeUnknown(obj: JsonObject): string {
  const tokor = tokorLine(obj);
  if (tokor !== undefined) return tokor;
  const keys = Object.keys(obj);
  const shown = keys.slice(0, 6).map((k) => (k.length > 24 ? `${k.slice(0, 24)}…` : k));
  const list = keys.length === 0 ? 'an empty object' : `keys ${shown.join(', ')}${keys.length > 6 ? ', …' : ''}`;
  return `not a log record tokor reads (${list}); see docs/inputs.md for the formats, or force one with --log-format`;
}

function skip(loc: SourceLocation, reason: string): TrafficEvent {
  return { kind: 'skipped', skipped: { source: loc, reason: cap(reason) } };
}

/** One parsed object → its events, in the given format or (auto) its own. */
function readObject(format: JsonReadFormat, obj: JsonObject, loc: SourceLocation, lines: ElementLines | undefined, emit: EmitEvent): void {
  let kind: JsonLineFormat;
  if (format === 'auto') {
    const k = jsonKind(obj);
    if (k === undefined) {
      emit(skip(loc, describeUnknown(obj)));
      return;
    }
    kind = k;
  } else kind = format;
  const spec = Object.hasOwn(LOG_FORMATS, kind) ? LOG_FORMATS[kind] : undefined;
  if (spec === undefined) {
    emit(skip(loc, `unknown log format "${String(format)}"`));
    return;
  }
  try {
    const out = spec.parse(obj, loc, lines);
    if (Array.isArray(out)) {
      for (const ev of out) {
        if (ev.kind === 'skipped') emit(ev.skipped.reason.length > REASON_CAP ? skip(ev.skipped.source, ev.skipped.reason) : ev);
        else emit(ev);
      }
      return;
    }
    checkTokens(out.tokens);
    emit({ kind: 'record', record: out });
  } catch (e) {
    const reason = e instanceof RecordError ? e.reason : `unusable record: ${e instanceof Error ? e.message : String(e)}`;
    emit(skip(loc, reason));
  }
}

/** A parsed JSON value → events: an object, or an array of objects (a JSON array export). */
export function readJsonValue(format: JsonReadFormat, value: unknown, loc: SourceLocation, lines: ElementLines | undefined, emit: EmitEvent): void {
  if (isObject(value)) {
    readObject(format, value, loc, lines, emit);
    return;
  }
  if (Array.isArray(value) && value.some(isObject)) {
    value.forEach((v, i) => {
      const line = lines?.('', i);
      const where = line === undefined ? loc : { file: loc.file, line };
      if (isObject(v)) readObject(format, v, where, undefined, emit);
      else emit(skip(where, 'not a JSON object'));
    });
    return;
  }
  emit(skip(loc, 'not a JSON object'));
}

/**
 * JSON values written back to back on one line ("{…}{…}"), as Firehose
 * writes CloudWatch Logs subscription records to S3; undefined when the text
 * is not that.
 */
function splitConcatenated(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  let esc = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (esc) esc = false;
      else if (c === 92) esc = true;
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) out.push(text.slice(start, i + 1));
    } else if (depth === 0 && c !== 32 && c !== 9 && c !== 13) return undefined;
  }
  return depth === 0 && out.length > 1 ? out : undefined;
}

/** One line → its events (usually one; a wrapper or an array gives several). */
export function readJsonLine(format: JsonReadFormat, line: string, loc: SourceLocation, emit: EmitEvent): void {
  let value: unknown;
  const start = jsonStart(line);
  const text = start === 0 ? line : line.slice(start);
  try {
    value = JSON.parse(text);
  } catch (e) {
    const parts = text.includes('}{') ? splitConcatenated(text) : undefined;
    if (parts !== undefined) {
      for (const p of parts) {
        try {
          readJsonValue(format, JSON.parse(p), loc, undefined, emit);
        } catch (e2) {
          emit(skip(loc, `malformed JSON: ${(e2 as Error).message}`));
        }
      }
      return;
    }
    const t = line.trim();
    const hint = t === '{' || t === '[' ? ' (pretty-printed JSON? a document over many lines is read whole only when the file starts with it; otherwise logs must have one record per line)' : '';
    emit(skip(loc, `malformed JSON: ${(e as Error).message}${hint}`));
    return;
  }
  readJsonValue(format, value, loc, undefined, emit);
}

/** One line → its events, as an array (see readJsonLine). */
export function parseJsonLine(format: JsonReadFormat, line: string, loc: SourceLocation): TrafficEvent[] {
  const out: TrafficEvent[] = [];
  readJsonLine(format, line, loc, (ev) => out.push(ev));
  return out;
}

/**
 * Start lines of the elements of a document's top-level array ('') or of the
 * arrays right under its top-level keys; one pass, no allocation per element
 * beyond its line number.
 */
function elementLines(text: string): ElementLines {
  const map = new Map<string, number[]>();
  let depth = 0;
  let line = 1;
  let inStr = false;
  let esc = false;
  let strStart = 0;
  let lastStr = '';
  let key = '';
  let topIsArray = false;
  let tracking: number[] | undefined;
  let trackDepth = -1;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (inStr) {
      if (esc) esc = false;
      else if (c === 92) esc = true;
      else if (c === 34) {
        inStr = false;
        if (depth === 1 && !topIsArray) lastStr = text.slice(strStart, i);
      }
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) continue;
    if (expectElement) {
      expectElement = false;
      if (c !== 93) tracking!.push(line);
    }
    if (c === 34) {
      inStr = true;
      strStart = i + 1;
    } else if (c === 58) {
      if (depth === 1) key = lastStr;
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth === 1 && c === 91) {
        topIsArray = true;
        tracking = [];
        map.set('', tracking);
        trackDepth = 1;
        expectElement = true;
      } else if (depth === 2 && c === 91 && !topIsArray) {
        tracking = [];
        map.set(key, tracking);
        trackDepth = 2;
        expectElement = true;
      }
    } else if (c === 125 || c === 93) {
      if (depth === trackDepth) {
        trackDepth = -1;
        tracking = undefined;
      }
      depth--;
    } else if (c === 44 && depth === trackDepth) expectElement = true;
  }
  return (k, i) => map.get(k)?.[i];
}

/**
 * A whole file read at once → its events: a format that reads whole files
 * (readWhole: Claude Code transcripts) reads it its own way; otherwise it is
 * one JSON document over many lines, and records carry the line where their
 * element starts. A document that does not parse is one skip at line 1.
 */
export function readJsonDocument(format: JsonReadFormat, text: string, file: string, emit: EmitEvent): void {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const whole = format === 'auto' ? undefined : LOG_FORMATS[format].readWhole;
  if (whole !== undefined) {
    whole(body, file, emit);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const parts = splitConcatenated(body.replace(/\n/g, ' '));
    if (parts !== undefined) {
      // Pretty-printed values back to back (several `aws logs` pages in one file).
      for (const p of parts) {
        try {
          readJsonValue(format, JSON.parse(p), { file, line: 1 }, undefined, emit);
        } catch (e2) {
          emit(skip({ file, line: 1 }, `malformed JSON document: ${(e2 as Error).message}`));
        }
      }
      return;
    }
    emit(skip({ file, line: 1 }, `malformed JSON document: ${(e as Error).message}`));
    return;
  }
  const lines = elementLines(body);
  const first = lines('', 0);
  readJsonValue(format, value, { file, line: Array.isArray(value) && first !== undefined ? first : 1 }, lines, emit);
}
