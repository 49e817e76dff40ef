/**
 * Small, allocation-light helpers shared by the record parsers: token-count
 * validation, timestamp normalization and prompt/answer text extraction.
 * They run on every line of GB-sized logs, so they walk only what they need
 * and never regex over whole bodies.
 */

import type { TrafficRecord } from '../types.js';

/** A record the reader cannot use; `reason` is one line for the skip report. */
export class RecordError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'RecordError';
    this.reason = reason;
  }
}

/** Prompt, system and answer texts are capped: labeling needs cues, not whole documents. */
export const TEXT_CAP = 8000;

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * A token count: undefined when absent (missing or null); a whole number ≥ 0
 * otherwise. Digit strings are accepted (some exporters stringify bigints).
 * Anything else throws RecordError naming the field.
 */
export function tokenCount(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  let n: number;
  if (typeof v === 'number') {
    n = v;
  } else if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return undefined;
    if (!/^[+-]?\d+(\.0*)?$/.test(s)) throw new RecordError(`${field} is not a number (${describe(v)})`);
    n = Number(s);
  } else {
    throw new RecordError(`${field} is not a number (${describe(v)})`);
  }
  if (!Number.isFinite(n)) throw new RecordError(`${field} is not a finite number (${describe(v)})`);
  if (n < 0) throw new RecordError(`${field} is negative (${n})`);
  if (!Number.isInteger(n)) throw new RecordError(`${field} is not a whole number (${n})`);
  if (n > Number.MAX_SAFE_INTEGER) throw new RecordError(`${field} is too large (${n})`);
  return n;
}

/**
 * Each count of a record must stay a safe integer after the parser combined
 * fields (cache creation by TTL, cached tokens taken out of prompt tokens…),
 * so sums over records can be exact. Throws RecordError otherwise.
 */
export function checkTokens(t: { input: number; output: number; cacheRead: number; cacheWrite: number }): void {
  if (Number.isSafeInteger(t.input) && Number.isSafeInteger(t.output) && Number.isSafeInteger(t.cacheRead) && Number.isSafeInteger(t.cacheWrite)) return;
  throw new RecordError(`token counts are too large (over ${Number.MAX_SAFE_INTEGER} in one record)`);
}

/** A positive whole number (max tokens, etc.), or undefined; never throws. */
export function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

// YYYY-MM-DD[T ]HH:MM[:SS][.fraction][Z|±HH[:]MM]; covers AWS ("...Z") and Panther ("2025-05-15 14:14:49.000000000").
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?\s*(Z|z|UTC|[+-]\d{2}:?\d{2})?)?$/;

function epochToIso(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  // Seconds (LiteLLM startTime, OpenAI `created`), milliseconds or microseconds.
  const ms = n > 1e14 ? n / 1000 : n > 1e11 ? n : n * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, mo: number, d: number, hh: number, mi: number, ss: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || hh > 23 || mi > 59 || ss > 59) return false;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= DAYS_IN_MONTH[mo - 1]! + (leap ? 1 : 0);
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Digit positions of "YYYY-MM-DDTHH:MM:SS". */
const PLAIN_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/**
 * The two shapes AWS writes, "YYYY-MM-DDTHH:MM:SSZ" and "YYYY-MM-DDTHH:MM:SS.mmmZ", normalized without the
 * regular expression (what TS_RE's path returns for them); undefined for anything else.
 */
function plainUtc(s: string): string | undefined {
  const n = s.length;
  if (n !== 20 && n !== 24) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(n - 1) !== 90) return undefined;
  for (const i of PLAIN_DIGITS) if (!isDigitAt(s, i)) return undefined;
  if (n === 24 && (s.charCodeAt(19) !== 46 || !isDigitAt(s, 20) || !isDigitAt(s, 21) || !isDigitAt(s, 22))) return undefined;
  const num = (i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
  if (!validDate(num(0) * 100 + num(2), num(5), num(8), num(11), num(14), num(17))) return undefined;
  return n === 24 ? s : `${s.slice(0, 19)}.000Z`;
}

/**
 * Normalizes a log timestamp to ISO-8601 UTC ("2025-03-11T00:38:02.000Z"), or
 * undefined when it cannot be read (including impossible dates such as
 * 2025-04-99). Zone-less times are taken as UTC. UTC inputs are rebuilt from
 * their digits (no Date objects): this runs once per record.
 */
export function normalizeTimestamp(v: unknown): string | undefined {
  if (typeof v === 'number') return epochToIso(v);
  if (typeof v !== 'string') return undefined;
  const s = v.length > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32) ? v.trim() : v;
  if (s === '') return undefined;
  const c = s.charCodeAt(0);
  if (c < 48 || c > 57) return undefined;
  const utc = plainUtc(s);
  if (utc !== undefined) return utc;
  const m = TS_RE.exec(s);
  if (!m) {
    return /^\d+(\.\d+)?$/.test(s) ? epochToIso(Number(s)) : undefined;
  }
  const [, y, mo, d, hh = '00', mi = '00', ss = '00', frac, zone] = m;
  if (!validDate(Number(y), Number(mo), Number(d), Number(hh), Number(mi), Number(ss))) return undefined;
  const ms = frac === undefined ? '000' : frac.length >= 3 ? frac.slice(0, 3) : (frac + '00').slice(0, 3);
  if (zone === undefined || zone === 'Z' || zone === 'z' || zone === 'UTC') {
    return `${y}-${mo}-${d}T${hh}:${mi}:${ss}.${ms}Z`;
  }
  const z = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const t = Date.parse(`${y}-${mo}-${d}T${hh}:${mi}:${ss}.${ms}${z}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Appends `piece` to `acc` without exceeding the cap. */
function appendCapped(acc: string, piece: string, cap: number): string {
  if (piece === '') return acc;
  const joined = acc === '' ? piece : `${acc}\n${piece}`;
  return joined.length > cap ? joined.slice(0, cap) : joined;
}

/**
 * The text of a message `content`: a string, or an array of blocks
 * ({text}, {type:'text', text}, {type:'input_text', text}); tool results,
 * images and documents are skipped.
 */
export function contentText(content: unknown, cap = TEXT_CAP): string | undefined {
  if (typeof content === 'string') return content.length > cap ? content.slice(0, cap) : content;
  if (!Array.isArray(content)) return undefined;
  let acc = '';
  for (const block of content) {
    if (acc.length >= cap) break;
    if (typeof block === 'string') acc = appendCapped(acc, block, cap);
    else if (isObject(block) && typeof block.text === 'string') acc = appendCapped(acc, block.text, cap);
  }
  return acc === '' ? undefined : acc;
}

/** Text of the last user message that has any text, walking from the end. */
export function lastUserText(messages: readonly unknown[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObject(m) || m.role !== 'user') continue;
    const t = contentText(m.content);
    if (t !== undefined) return t;
  }
  return undefined;
}

/**
 * A conversation's opening exchange: the text of the first message that is not a system message, and of the
 * message after it (the reply) when there is one.
 */
function openingText(messages: readonly unknown[]): { opening: string; reply?: string } | undefined {
  const i = messages.findIndex((m) => isObject(m) && m.role !== 'system' && m.role !== 'developer');
  if (i < 0) return undefined;
  const opening = contentText((messages[i] as JsonObject).content);
  if (opening === undefined) return undefined;
  const next = messages[i + 1];
  const reply = isObject(next) ? contentText(next.content) : undefined;
  return reply === undefined ? { opening } : { opening, reply };
}

/** A request's messages as a record reads them: its turns, last user text and opening exchange. */
export function readMessages(messages: readonly unknown[], record: Pick<TrafficRecord, 'turns' | 'prompt' | 'opening' | 'openingReply'>): void {
  record.turns = messages.length;
  const prompt = lastUserText(messages);
  if (prompt !== undefined) record.prompt = prompt;
  const opening = openingText(messages);
  if (opening !== undefined) {
    record.opening = opening.opening;
    if (opening.reply !== undefined) record.openingReply = opening.reply;
  }
}

/** System text: a string or an array of text blocks (Converse, Anthropic, Nova). */
export function systemText(system: unknown): string | undefined {
  return contentText(system);
}

export function capText(s: string | undefined): string | undefined {
  if (s === undefined || s === '') return undefined;
  return s.length > TEXT_CAP ? s.slice(0, TEXT_CAP) : s;
}

/**
 * An empty tag map. Tags are keyed by log data, so it has no prototype: a tag
 * named `__proto__` or `constructor` is a tag like any other.
 */
export function newTags(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** Copies scalar values of a metadata object into string tags. */
export function copyTags(into: Record<string, string>, meta: unknown): void {
  if (!isObject(meta)) return;
  for (const k of Object.keys(meta)) {
    const v = meta[k];
    if (typeof v === 'string') into[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') into[k] = String(v);
  }
}
