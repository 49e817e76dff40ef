/**
 * Sessions: the turns of one conversation, kept so that analyze can simulate
 * prompt caches turn by turn (simulateSessions.ts). Plain data, Maps and
 * typed arrays only: the accumulator crosses worker boundaries by structured
 * clone (its typed arrays transferred).
 *
 * A request belongs to a session by, in this order: the log's own session key
 * (Claude Code `sessionId`), a requestMetadata key (`--session-key KEY`), or
 * its conversation (caller, system prompt and opening message: requests that
 * extend one another share them). A request with none of these is a session
 * of one turn: counted, never kept.
 *
 * Memory is bounded: at most MAX_SESSION_TURNS turns are kept per
 * accumulator. Past that, only the sessions whose hash has its `level` low
 * bits zero are kept (a 1/2^level sample of sessions, chosen by hash, so the
 * same sessions whatever the order or the worker threads), and the figures
 * that rest on them are scaled by 2^level. Kept turns live in one
 * Float64Array (TURN_FIELDS numbers each, 80 bytes a turn), not an object per
 * turn, and kept sessions' keys in an open-addressing table of 32-bit words
 * (about 40 bytes a session), not a Map of strings (about 100 bytes a session
 * on the heap, plus what the heap grows by around them): nothing per request
 * or session for the garbage collector to walk, and a worker's sessions cross
 * to the main thread as a few buffers, moved, not copied.
 */
import type { Difficulty, ServiceLevel } from '../types.js';
import { fmix32, keyOfWords, keyWord } from './sample.js';
import { bucketKey } from './tokens.js';
import { TextKeyMap } from '../classify/textKeyMap.js';

/** How a session was recognised. */
const SESSION_KEYINGS = ['sessionId', 'requestMetadata', 'conversation', 'none'] as const;
export type SessionKeying = (typeof SESSION_KEYINGS)[number];

/** Turns kept at most per accumulator (80 bytes each, plus ~40 per session for its key) before sessions are sampled by hash. */
const MAX_SESSION_TURNS = 400_000;

/** What a request contributes to its session (RecordFacts.session). */
export interface SessionFacts {
  /** A 96-bit hash of how it was keyed and the key (6 UTF-16 code units). */
  key: string;
  /** 32 bits of the key, for sampling. */
  hash: number;
  by: Exclude<SessionKeying, 'none'>;
  /** Epoch milliseconds; -1 when the record has no parseable timestamp. */
  at: number;
  /** Tie-break in input order for turns of one file (line number). */
  line: number;
}

/** One kept turn: what pricing it on any tier needs. */
export interface SessionTurn {
  at: number;
  line: number;
  label: Difficulty;
  /** Index into SessionAcc.places. */
  place: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
}

/** A model, region, batch flag, cache TTL and service tier (shared by many turns). */
export interface TurnPlace {
  modelId: string;
  region: string;
  batch: boolean;
  ttl: '5m' | '1h';
  service: ServiceLevel;
}

/** A kept turn's numbers, in this order, TURN_FIELDS per turn in SessionAcc.turns. */
const T_SESSION = 0;
const T_AT = 1;
const T_LINE = 2;
const T_LABEL = 3;
const T_PLACE = 4;
const T_INPUT = 5;
const T_OUTPUT = 6;
const T_READ = 7;
const T_WRITE = 8;
const T_WRITE1H = 9;
const TURN_FIELDS = 10;
const LABELS: readonly Difficulty[] = ['easy', 'moderate', 'hard'];
/** 32-bit words per session key. */
const KEY_WORDS = 3;
const INITIAL_SESSIONS = 256;

export interface SessionAcc {
  /** Sessions kept: those whose hash has its `level` low bits zero. */
  level: number;
  /** How many sessions are kept; a session's index (into `keys`, `hashes` and the turns' session field) is below it. */
  keptSessions: number;
  /**
   * Each kept session's key (SessionFacts.key's six code units as KEY_WORDS 32-bit words), by session index,
   * in the order the sessions were first met (the first `keptSessions` × KEY_WORDS words are used).
   */
  keys: Uint32Array;
  /**
   * Where each key is: an open-addressing table over `keys` (session index + 1 per slot, 0 for an empty
   * slot; a power of two, at most half full). Empty once trimmed (trimSessions): rebuilt when next needed.
   */
  slots: Int32Array;
  /** Each kept session's 32-bit hash, by session index (the first `keptSessions` entries are used). */
  hashes: Uint32Array;
  keptTurns: number;
  /** The kept turns, TURN_FIELDS numbers each (the first keptTurns × TURN_FIELDS are used), in the order they were added. */
  turns: Float64Array;
  places: TurnPlace[];
  placeIndex: Map<string, number>;
  /** The place of the last turn added (a cache: consecutive requests mostly share one). */
  lastPlace?: number;
  /** Requests that are a session of their own (no key, no conversation). */
  unkeyed: number;
  /** Requests by how their session was recognised (all of them, exact). */
  turnsBy: Record<SessionKeying, number>;
  /** The bound on kept turns (MAX_SESSION_TURNS; smaller in tests). */
  maxTurns: number;
}

export function newSessions(maxTurns: number = MAX_SESSION_TURNS): SessionAcc {
  return {
    level: 0,
    keptSessions: 0,
    keys: new Uint32Array(INITIAL_SESSIONS * KEY_WORDS),
    slots: new Int32Array(2 * INITIAL_SESSIONS),
    hashes: new Uint32Array(INITIAL_SESSIONS),
    keptTurns: 0,
    turns: new Float64Array(Math.min(256, maxTurns + 1) * TURN_FIELDS),
    places: [],
    placeIndex: new Map(),
    unkeyed: 0,
    turnsBy: { sessionId: 0, requestMetadata: 0, conversation: 0, none: 0 },
    maxTurns,
  };
}

/**
 * Calls `fn` with each kept session's turns as objects, in the order they were added, one session at a
 * time (the report's simulation, once at the end). The array and its objects are reused from one session to
 * the next (a few hundred thousand turns, and only one session's are needed at a time): `fn` must not keep them.
 */
export function forEachKeptSession(s: SessionAcc, fn: (turns: readonly SessionTurn[]) => void): void {
  const n = s.keptSessions;
  const t = s.turns;
  // Turn indexes grouped by session, in the order they were added (a counting sort).
  const start = new Uint32Array(n + 1);
  for (let k = 0; k < s.keptTurns; k++) start[t[k * TURN_FIELDS + T_SESSION]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const order = new Uint32Array(s.keptTurns);
  for (let k = 0; k < s.keptTurns; k++) order[fill[t[k * TURN_FIELDS + T_SESSION]!]!++] = k;
  const pool: SessionTurn[] = [];
  const turns: SessionTurn[] = [];
  for (let i = 0; i < n; i++) {
    turns.length = 0;
    for (let j = start[i]!; j < start[i + 1]!; j++) {
      const o = order[j]! * TURN_FIELDS;
      const k = j - start[i]!;
      const turn = (pool[k] ??= { at: 0, line: 0, label: 'easy', place: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0 });
      turn.at = t[o + T_AT]!;
      turn.line = t[o + T_LINE]!;
      turn.label = LABELS[t[o + T_LABEL]!]!;
      turn.place = t[o + T_PLACE]!;
      turn.input = t[o + T_INPUT]!;
      turn.output = t[o + T_OUTPUT]!;
      turn.cacheRead = t[o + T_READ]!;
      turn.cacheWrite = t[o + T_WRITE]!;
      turn.cacheWrite1h = t[o + T_WRITE1H]!;
      turns.push(turn);
    }
    fn(turns);
  }
}

/**
 * Shrinks the turn, key and hash arrays to what is used and drops the key table (rebuilt from the keys when
 * needed), and returns their buffers: what a worker thread hands over (transferred, not copied) with its
 * accumulator.
 */
export function trimSessions(s: SessionAcc): ArrayBuffer[] {
  s.turns = s.turns.slice(0, s.keptTurns * TURN_FIELDS);
  s.keys = s.keys.slice(0, s.keptSessions * KEY_WORDS);
  s.hashes = s.hashes.slice(0, s.keptSessions);
  s.slots = new Int32Array(0);
  return [s.turns.buffer as ArrayBuffer, s.keys.buffer as ArrayBuffer, s.hashes.buffer as ArrayBuffer];
}

/** Per kept session (by index): its turns, cache reads and prompt tokens (input + cache reads + cache writes). */
export function sessionTurnTotals(s: SessionAcc): { turns: Float64Array; cacheRead: Float64Array; prompt: Float64Array } {
  const n = s.keptSessions;
  const out = { turns: new Float64Array(n), cacheRead: new Float64Array(n), prompt: new Float64Array(n) };
  const t = s.turns;
  for (let k = 0; k < s.keptTurns; k++) {
    const o = k * TURN_FIELDS;
    const i = t[o + T_SESSION]!;
    out.turns[i]!++;
    out.cacheRead[i]! += t[o + T_READ]!;
    out.prompt[i]! += t[o + T_INPUT]! + t[o + T_READ]! + t[o + T_WRITE]!;
  }
  return out;
}

/** The facts recordFacts needs to key a session. */
export interface SessionSource {
  sessionId?: string;
  tags: Record<string, string>;
  identityArn?: string;
  system?: string;
  opening?: string;
  openingReply?: string;
  outputText?: string;
  timestamp?: string;
}

/** How a request (at `line` of its file) is keyed into a session; undefined: a session of its own. */
export function sessionFacts(r: SessionSource, line: number, sessionKey: string | undefined): SessionFacts | undefined {
  let by: SessionFacts['by'];
  if (r.sessionId !== undefined) {
    by = 'sessionId';
    hashStart(by);
    hashPart(r.sessionId);
  } else if (sessionKey !== undefined && Object.hasOwn(r.tags, sessionKey) && r.tags[sessionKey] !== '') {
    by = 'requestMetadata';
    hashStart(by);
    hashPart(sessionKey);
    hashPart(r.tags[sessionKey]!);
  } else if (r.opening !== undefined && (r.openingReply ?? r.outputText) !== undefined) {
    // The opening exchange: a conversation's first request has only the opening, and its answer is the reply
    // every later request carries. Without that answer (no output body) the first request stays on its own,
    // rather than merge every request that opens with the same words.
    by = 'conversation';
    conversationPrefix(r.identityArn ?? '', r.system ?? '');
    hashPart(r.opening);
    hashPart((r.openingReply ?? r.outputText)!);
  } else return undefined;
  const [key, hash] = hashFinish();
  const ms = r.timestamp === undefined ? NaN : epochMs(r.timestamp);
  return { key, hash, by, at: Number.isFinite(ms) ? ms : -1, line };
}

/** The hour of the last timestamp epochMs parsed ("YYYY-MM-DDTHH") and its epoch milliseconds. */
let lastHour = '';
let lastHourMs = NaN;

/**
 * Date.parse(ts), one Date.parse per hour for the shape readers normalize timestamps to
 * ("YYYY-MM-DDTHH:MM:SS.mmmZ", normalizeTimestamp): the minutes, seconds and milliseconds are added to the
 * hour's. Hours from 24 on go to Date.parse (it reads "T24:00:00.000Z" as the next midnight, and no later time).
 */
function epochMs(ts: string): number {
  if (ts.length !== 24 || ts.charCodeAt(13) !== 58 || ts.charCodeAt(16) !== 58 || ts.charCodeAt(19) !== 46 || ts.charCodeAt(23) !== 90) return Date.parse(ts);
  const minutes = digitsAt(ts, 14, 2);
  const seconds = digitsAt(ts, 17, 2);
  const millis = digitsAt(ts, 20, 3);
  if (minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 || millis < 0) return Date.parse(ts);
  if (!ts.startsWith(lastHour) || lastHour === '') {
    // The date and hour as ISO writes them (anything else is Date.parse's to read, as a whole).
    const hour = digitsAt(ts, 11, 2);
    if (hour < 0 || hour > 23 || ts.charCodeAt(10) !== 84 || ts.charCodeAt(4) !== 45 || ts.charCodeAt(7) !== 45 || digitsAt(ts, 0, 4) < 0 || digitsAt(ts, 5, 2) < 0 || digitsAt(ts, 8, 2) < 0) return Date.parse(ts);
    lastHour = ts.slice(0, 13);
    lastHourMs = Date.parse(`${lastHour}:00:00.000Z`);
  }
  return lastHourMs + minutes * 60_000 + seconds * 1000 + millis;
}

/** The decimal number of `count` ASCII digits from `at`; -1 when one of them is not a digit. */
function digitsAt(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const HASHED_CHARS = 2048;

/**
 * A 96-bit hash of the parts (length-prefixed), as 6 code units, and 32 of its bits. Each part enters as
 * its length and its first HASHED_CHARS characters: a prompt can be 8,000 characters, and two conversations
 * that agree on that much of caller, system prompt, opening and reply share their cache prefix anyway.
 * (The values are those of the definition in test/analyze/sessions.test.ts.)
 */
export function hashKey(by: string, parts: string[]): [string, number] {
  hashStart(by);
  for (const p of parts) hashPart(p);
  return hashFinish();
}

/** The hash's running state a, b, c (an Int32Array: it runs on every request, and mutable module variables would box). */
const H = new Int32Array(3);

function hashStart(by: string): void {
  H[0] = 0x811c9dc5;
  H[1] = 0x41c6ce57;
  H[2] = 0x9e3779b9;
  hashPart(by);
}

/**
 * The code units a part is hashed from, copied in one native call (Buffer#write as UTF-16LE writes each code
 * unit as it is, lone surrogates included), and read as 32-bit words of two units (little-endian: the first
 * unit is the low half): a loop over a typed array runs about twice as fast as one over charCodeAt, which checks
 * the string's representation on every character, and each step takes four units (two words).
 */
const UNITS = new Uint16Array(HASHED_CHARS);
const UNIT_BYTES = Buffer.from(UNITS.buffer);
const UNIT_PAIRS = new Uint32Array(UNITS.buffer);

/**
 * Feeds one part: its length, then its first HASHED_CHARS code units, four per step (a takes the first word, b
 * the second, c what b became; each lane still waits only on its own last value, one xor and the multiply),
 * then a last word and a last unit alone.
 */
function hashPart(s: string): void {
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let x = s.length;
  a = Math.imul(a ^ x, 0x01000193);
  b = Math.imul(b ^ x ^ (a >>> 15), 0x5bd1e995);
  c = Math.imul(c ^ x ^ (b >>> 13), 0x27d4eb2f);
  const n = Math.min(s.length, HASHED_CHARS);
  UNIT_BYTES.write(s, 0, 2 * n, 'utf16le');
  const words = UNIT_PAIRS;
  const m = n >>> 1;
  const quads = m & ~1;
  for (let i = 0; i < quads; i += 2) {
    const w0 = words[i]! | 0;
    const w1 = words[i + 1]! | 0;
    a = Math.imul(a ^ w0, 0x01000193);
    b = Math.imul(b ^ (w1 ^ (a >>> 15)), 0x5bd1e995);
    c = Math.imul(c ^ (w0 ^ (b >>> 13)), 0x27d4eb2f);
  }
  if (m & 1) {
    x = words[m - 1]! | 0;
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ (x ^ (a >>> 15)), 0x5bd1e995);
    c = Math.imul(c ^ (x ^ (b >>> 13)), 0x27d4eb2f);
  }
  if (n & 1) {
    x = UNITS[n - 1]!;
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ (x ^ (a >>> 15)), 0x5bd1e995);
    c = Math.imul(c ^ (x ^ (b >>> 13)), 0x27d4eb2f);
  }
  H[0] = a;
  H[1] = b;
  H[2] = c;
}

function hashFinish(): [string, number] {
  const a = fmix32(H[0]! ^ H[2]!);
  const b = fmix32(H[1]! ^ a);
  const c = fmix32(H[2]! ^ b);
  return [keyOfWords(a, b, c), c >>> 0];
}

/**
 * The state after 'conversation', caller and system prompt, memoized per (system prompt, caller): a
 * template's system prompt (often thousands of characters) is the same on every request. Bounded per thread;
 * TextKeyMaps, which do not hash the copy of the system prompt and ARN each request carries.
 */
const CONVERSATION_PREFIXES = new TextKeyMap<TextKeyMap<Int32Array>>();
let conversationPrefixes = 0;
const MAX_CONVERSATION_PREFIXES = 4096;

function conversationPrefix(identity: string, system: string): void {
  let bySystem = CONVERSATION_PREFIXES.get(system);
  const state = bySystem?.get(identity);
  if (state !== undefined) {
    H.set(state);
    return;
  }
  hashStart('conversation');
  hashPart(identity);
  hashPart(system);
  if (conversationPrefixes >= MAX_CONVERSATION_PREFIXES) {
    CONVERSATION_PREFIXES.clear();
    conversationPrefixes = 0;
    bySystem = undefined;
  }
  if (bySystem === undefined) CONVERSATION_PREFIXES.set(system, (bySystem = new TextKeyMap()));
  bySystem.set(identity, H.slice());
  conversationPrefixes++;
}

function keeps(level: number, hash: number): boolean {
  return level === 0 || (hash & ((2 ** Math.min(level, 31) - 1) | 0)) === 0;
}

/** What addTurn needs of a request besides its session facts. */
export interface TurnFacts extends TurnPlace {
  label: Difficulty;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h?: number;
}

/** Counts a request into its session (keeping the turn when its session is kept). */
export function addTurn(s: SessionAcc, session: SessionFacts | undefined, f: TurnFacts): void {
  if (!session) {
    s.unkeyed++;
    s.turnsBy.none++;
    return;
  }
  s.turnsBy[session.by]++;
  if (!keeps(s.level, session.hash)) return;
  const key = session.key;
  const o = appendTurn(s, sessionIndex(s, keyWord(key, 0), keyWord(key, 2), keyWord(key, 4), session.hash));
  const t = s.turns;
  t[o + T_AT] = session.at;
  t[o + T_LINE] = session.line;
  t[o + T_LABEL] = f.label === 'easy' ? 0 : f.label === 'moderate' ? 1 : 2;
  t[o + T_PLACE] = placeOf(s, f);
  t[o + T_INPUT] = f.input;
  t[o + T_OUTPUT] = f.output;
  t[o + T_READ] = f.cacheRead;
  t[o + T_WRITE] = f.cacheWrite;
  t[o + T_WRITE1H] = f.cacheWrite1h ?? 0;
  bound(s);
}

/** The index of the kept session of key (a, b, c), a new one when the key is new. */
function sessionIndex(s: SessionAcc, a: number, b: number, c: number, hash: number): number {
  if (s.slots.length < 2 * (s.keptSessions + 1)) rebuildSlots(s, s.keptSessions + 1);
  const slots = s.slots;
  const keys = s.keys;
  const mask = slots.length - 1;
  // a is mixed (fmix32): its low bits make a good slot.
  let slot = a & mask;
  for (;;) {
    const i = slots[slot]! - 1;
    if (i < 0) break;
    const at = i * KEY_WORDS;
    if (keys[at] === a && keys[at + 1] === b && keys[at + 2] === c) return i;
    slot = (slot + 1) & mask;
  }
  const i = s.keptSessions++;
  if ((i + 1) * KEY_WORDS > keys.length) {
    s.keys = grown(keys, (i + 1) * KEY_WORDS);
    s.hashes = grown(s.hashes, i + 1);
  }
  const at = i * KEY_WORDS;
  s.keys[at] = a;
  s.keys[at + 1] = b;
  s.keys[at + 2] = c;
  s.hashes[i] = hash;
  slots[slot] = i + 1;
  return i;
}

/** A fresh key table for the kept sessions with room for `need` of them (at most half full). */
function rebuildSlots(s: SessionAcc, need: number): void {
  let size = Math.max(s.slots.length, 2 * INITIAL_SESSIONS);
  while (size < 2 * need) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  const keys = s.keys;
  for (let i = 0; i < s.keptSessions; i++) {
    let slot = keys[i * KEY_WORDS]! & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = i + 1;
  }
  s.slots = slots;
}

/** Room for one more turn of session `session`: the offset of its fields. */
function appendTurn(s: SessionAcc, session: number): number {
  const o = s.keptTurns * TURN_FIELDS;
  // Turns past the bound are dropped at once (bound()): room for one more than the bound is all it takes.
  if (o + TURN_FIELDS > s.turns.length) s.turns = grown(s.turns, o + TURN_FIELDS, (s.maxTurns + 1) * TURN_FIELDS);
  s.turns[o + T_SESSION] = session;
  s.keptTurns++;
  return o;
}

/**
 * A copy of `a` with room for at least `need` numbers (half as much again, so appends stay amortized O(1),
 * but no more than `most` unless `need` is more).
 */
function grown<A extends Float64Array | Uint32Array>(a: A, need: number, most = Number.POSITIVE_INFINITY): A {
  const b = new (a.constructor as new (n: number) => A)(Math.max(need, Math.min(Math.ceil(a.length * 1.5), most)));
  b.set(a);
  return b;
}

function placeOf(s: SessionAcc, p: TurnPlace): number {
  // Consecutive requests mostly share a place: compare with the last one before building a key.
  const last = s.places[s.lastPlace ?? -1];
  if (last !== undefined && last.modelId === p.modelId && last.region === p.region && last.batch === p.batch && last.ttl === p.ttl && last.service === p.service) return s.lastPlace!;
  const i = placeIndexOf(s, p);
  s.lastPlace = i;
  return i;
}

function placeIndexOf(s: SessionAcc, p: TurnPlace): number {
  // The bucket key without a label or prompt class (a turn's own tokens give its class): memoized, the same string each time.
  const id = bucketKey(p.modelId, p.region, '', p.batch, p.ttl, 0, p.service);
  let i = s.placeIndex.get(id);
  if (i === undefined) {
    i = s.places.length;
    s.places.push({ modelId: p.modelId, region: p.region, batch: p.batch, ttl: p.ttl, service: p.service });
    s.placeIndex.set(id, i);
  }
  return i;
}

/** Raises the sampling level until the kept turns fit the bound. */
function bound(s: SessionAcc): void {
  while (s.keptTurns > s.maxTurns && s.level < 31) setLevel(s, s.level + 1);
}

function setLevel(s: SessionAcc, level: number): void {
  s.level = level;
  // Sessions renumbered in the order they stay (the order they were met); their turns compacted in place, in order.
  const renumber = new Int32Array(s.keptSessions).fill(-1);
  const keys = s.keys;
  let next = 0;
  for (let i = 0; i < s.keptSessions; i++) {
    if (!keeps(level, s.hashes[i]!)) continue;
    renumber[i] = next;
    s.hashes[next] = s.hashes[i]!;
    keys.copyWithin(next * KEY_WORDS, i * KEY_WORDS, (i + 1) * KEY_WORDS);
    next++;
  }
  s.keptSessions = next;
  rebuildSlots(s, next);
  const t = s.turns;
  let kept = 0;
  for (let k = 0; k < s.keptTurns; k++) {
    const from = k * TURN_FIELDS;
    const session = renumber[t[from + T_SESSION]!]!;
    if (session < 0) continue;
    const to = kept++ * TURN_FIELDS;
    if (to !== from) t.copyWithin(to, from, from + TURN_FIELDS);
    t[to + T_SESSION] = session;
  }
  s.keptTurns = kept;
}

/**
 * Merges `from` into `into` (worker threads), and returns `into`; `from` is consumed (its arrays may be taken
 * over). The result is that of appending all of `from`'s turns at the higher of the two levels and then
 * raising the level until the turns fit the bound. A small `from` (one chunk's turns) is merged just so; for
 * a large one the level is found first (by counting), so that `into` never holds more than the bound: a merge
 * of two full accumulators costs no more memory than one.
 */
export function mergeSessions(into: SessionAcc, from: SessionAcc): SessionAcc {
  into.unkeyed += from.unkeyed;
  for (const k of SESSION_KEYINGS) into.turnsBy[k] += from.turnsBy[k];
  const level = from.keptTurns * 8 <= into.maxTurns ? Math.max(into.level, from.level) : mergedLevel(into, from);
  if (into.keptSessions === 0 && into.keptTurns === 0 && into.places.length === 0) {
    // Nothing kept here yet (the main thread's accumulator when workers read everything): take `from`'s arrays.
    for (const p of from.places) placeOf(into, p);
    into.level = from.level;
    into.keptSessions = from.keptSessions;
    into.keys = from.keys;
    into.hashes = from.hashes;
    into.slots = from.slots;
    into.keptTurns = from.keptTurns;
    into.turns = from.turns;
    if (level > into.level) setLevel(into, level);
    bound(into);
    return into;
  }
  if (level > into.level) setLevel(into, level);
  const remap = from.places.map((p) => placeOf(into, p));
  // from's sessions → into's (-1: not kept at into's level), in the order `from` met them; a session's turns
  // from `from` follow its own.
  const session = new Int32Array(from.keptSessions).fill(-1);
  const keys = from.keys;
  for (let i = 0; i < from.keptSessions; i++) {
    const hash = from.hashes[i]!;
    const at = i * KEY_WORDS;
    if (keeps(into.level, hash)) session[i] = sessionIndex(into, keys[at]!, keys[at + 1]!, keys[at + 2]!, hash);
  }
  const t = from.turns;
  let adding = 0;
  for (let k = 0; k < from.keptTurns; k++) if (session[t[k * TURN_FIELDS + T_SESSION]!]! >= 0) adding++;
  const need = (into.keptTurns + adding) * TURN_FIELDS;
  if (need > into.turns.length) into.turns = grown(into.turns, need, (into.maxTurns + 1) * TURN_FIELDS);
  for (let k = 0; k < from.keptTurns; k++) {
    const src = k * TURN_FIELDS;
    const to = session[t[src + T_SESSION]!]!;
    if (to < 0) continue;
    const o = appendTurn(into, to);
    into.turns.set(t.subarray(src + 1, src + TURN_FIELDS), o + 1);
    into.turns[o + T_PLACE] = remap[t[src + T_PLACE]!]!;
  }
  bound(into);
  return into;
}

/** The trailing zero bits of a 32-bit hash (32 for 0): a session is kept at every level up to that. */
function trailingZeros(hash: number): number {
  return hash === 0 ? 32 : 31 - Math.clz32(hash & -hash);
}

/**
 * The level `into` and `from` merged end at: the lowest from the higher of their levels at which the turns
 * both keep fit `into`'s bound (31 at most), as bound() would raise it after appending everything.
 */
function mergedLevel(into: SessionAcc, from: SessionAcc): number {
  // Turns by their session's trailing zero bits: a level l ≥ 1 keeps those with at least min(l, 31).
  const byZeros = new Float64Array(33);
  for (const s of [into, from]) {
    const t = s.turns;
    for (let k = 0; k < s.keptTurns; k++) byZeros[trailingZeros(s.hashes[t[k * TURN_FIELDS + T_SESSION]!]!)]!++;
  }
  let level = Math.max(into.level, from.level);
  for (; level < 31; level++) {
    let kept = 0;
    for (let z = level === 0 ? 0 : level; z <= 32; z++) kept += byZeros[z]!;
    if (kept <= into.maxTurns) break;
  }
  return level;
}
