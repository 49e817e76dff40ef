/**
 * Exact token sums: numbers while they stay safe integers, bigint past 2^53.
 * Shared by the accumulator's buckets and the task clusters (strata.ts).
 */
import type { ServiceLevel } from '../types.js';
/** An injective key over strings: each part is prefixed by its length, so no content can shift a boundary. */
export function structuredKey(...parts: string[]): string {
  let k = '';
  for (const p of parts) k += `${p.length}:${p}`;
  return k;
}

export type TokenKind = 'input' | 'output' | 'cacheRead' | 'cacheWrite';

/**
 * The key of a priced bucket: model, region, label, batch flag, cache-write TTL, prompt class (`over`: the
 * largest prompt bound the prompt is over, 0 for none; src/pricing/promptBounds.ts), service tier and window
 * class (`windowOver`: the same of the prompt and answer together). A bucket priced only on the model that served
 * it (a day, the gateway's cost, a cluster's spend) has no window class of its own: it defaults to `over`.
 */
export function bucketKey(modelId: string, region: string, label: string, batch: boolean, ttl: '5m' | '1h', over: number, service: ServiceLevel, windowOver = over): string {
  const slot = keySlot(label, batch, ttl);
  if (slot < 0 || windowOver !== 0 || over !== 0 || service !== 'standard') return newBucketKey(modelId, region, label, batch, ttl, over, service, windowOver);
  const place = placeKeys(modelId, region);
  return (place.keys[slot] ??= newBucketKey(modelId, region, label, batch, ttl, 0, service, 0));
}

/** The key of a day's bucket: the day (YYYY-MM-DD), then bucketKey(modelId, region, '', batch, ttl, over, service). */
export function dayBucketKey(day: string, modelId: string, region: string, batch: boolean, ttl: '5m' | '1h', over: number, service: ServiceLevel): string {
  if (over !== 0 || service !== 'standard') return day + bucketKey(modelId, region, '', batch, ttl, over, service);
  const slot = keySlot('', batch, ttl);
  const place = placeKeys(modelId, region);
  if (place.days[slot] === day) return place.dayKeys[slot]!;
  const key = day + bucketKey(modelId, region, '', batch, ttl, 0, service);
  place.days[slot] = day;
  place.dayKeys[slot] = key;
  return key;
}

function newBucketKey(modelId: string, region: string, label: string, batch: boolean, ttl: '5m' | '1h', over: number, service: ServiceLevel, windowOver: number): string {
  // label, batch, ttl and service come from fixed sets, so they need no length prefix; the classes end the key
  // (a window class only where it differs from the prompt class).
  return `${modelId.length}:${modelId}${region.length}:${region}${label}${batch ? 'b' : '-'}${ttl}${service === 'standard' ? '' : service === 'flex' ? '~f' : '~p'}${over === 0 ? '' : `>${over}`}${windowOver === over ? '' : `<${windowOver}`}`;
}

/**
 * The keys of one model and region, built once: every request adds to several buckets (its bucket, its day,
 * its task cluster's spend, its session's place), and building each key anew, then hashing it for the Map,
 * cost more than the rest of adding a request. A memoized key is also the same string each time, whose hash
 * V8 keeps. By slot (keySlot); for the day keys, the last day per slot (logs run in time order).
 */
interface PlaceKeys {
  keys: (string | undefined)[];
  days: (string | undefined)[];
  dayKeys: (string | undefined)[];
}

/** Places by model, then region; at most MAX_PLACE_KEYS per thread (all dropped when full). */
const PLACE_KEYS = new Map<string, Map<string, PlaceKeys>>();
let placeKeyCount = 0;
const MAX_PLACE_KEYS = 4096;

/**
 * The place of the last call, and the strings it was asked with: a request asks for its own place several
 * times, with the same string objects, which compare equal at once (a Map compares with the first request's).
 */
let lastModelId = '';
let lastRegion = '';
let lastPlace: PlaceKeys | undefined;

function placeKeys(modelId: string, region: string): PlaceKeys {
  if (lastPlace !== undefined && modelId === lastModelId && region === lastRegion) return lastPlace;
  lastModelId = modelId;
  lastRegion = region;
  lastPlace = placeOf(modelId, region);
  return lastPlace;
}

function placeOf(modelId: string, region: string): PlaceKeys {
  let byRegion = PLACE_KEYS.get(modelId);
  let place = byRegion?.get(region);
  if (place !== undefined) return place;
  if (placeKeyCount >= MAX_PLACE_KEYS) {
    PLACE_KEYS.clear();
    placeKeyCount = 0;
    byRegion = undefined;
  }
  if (byRegion === undefined) PLACE_KEYS.set(modelId, (byRegion = new Map()));
  place = { keys: [], days: [], dayKeys: [] };
  byRegion.set(region, place);
  placeKeyCount++;
  return place;
}

/** A key's slot in PlaceKeys by label ('' or a difficulty), batch flag and TTL; -1 for another label. */
function keySlot(label: string, batch: boolean, ttl: '5m' | '1h'): number {
  const l = label === '' ? 0 : label === 'easy' ? 1 : label === 'moderate' ? 2 : label === 'hard' ? 3 : -1;
  return l < 0 ? -1 : l * 4 + (batch ? 2 : 0) + (ttl === '1h' ? 1 : 0);
}

/** One request's tokens, with the 1-hour share of its cache writes when the record splits them by TTL. */
export interface TtlTokens {
  ttl: '5m' | '1h';
  /** The request's prompt class (src/pricing/promptBounds.ts); 0 when its prompt is over no bound. */
  over: number;
  /** The request's window class: the same of its prompt and answer (input, cache and output tokens). */
  windowOver: number;
  /** The service tier that served the request. */
  service: ServiceLevel;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h?: number;
}

/** What a request adds to the bucket of one TTL (requests 0: tokens only). */
export interface TtlPart {
  ttl: '5m' | '1h';
  requests: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * A request's contributions by cache-write TTL, so each write is priced at its rate: one part; or, when the
 * record splits its writes, the request and its 5-minute writes at 5m and its 1-hour writes (tokens only) at 1h.
 */
export function ttlParts(t: Omit<TtlTokens, 'over' | 'windowOver' | 'service'>): TtlPart[] {
  const h1 = t.cacheWrite1h ?? 0;
  if (h1 > 0 && h1 < t.cacheWrite) {
    return [
      { ttl: '5m', requests: 1, input: t.input, output: t.output, cacheRead: t.cacheRead, cacheWrite: t.cacheWrite - h1 },
      { ttl: '1h', requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: h1 },
    ];
  }
  return [{ ttl: h1 > 0 ? '1h' : t.ttl, requests: 1, input: t.input, output: t.output, cacheRead: t.cacheRead, cacheWrite: t.cacheWrite }];
}

/** What prices a request's tokens: model, Region, batch flag, cache-write TTL, prompt class and service tier (a bucket's key). */
export interface PriceKey {
  modelId: string;
  region: string;
  batch: boolean;
  ttl: '5m' | '1h';
  /** The prompt class (src/pricing/promptBounds.ts). */
  over: number;
  service: ServiceLevel;
}

/**
 * Token sums. The number fields are exact while they stay safe integers; what
 * would overflow 2^53 moves to `big` (bigint), so a total is `field + big.field`.
 */
export interface TokenBucket {
  requests: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  big?: Record<TokenKind, bigint>;
}

export function addTokens(b: TokenBucket, requests: number, input: number, output: number, cacheRead: number, cacheWrite: number): void {
  b.requests += requests;
  // A sum that is still ≤ 2^53 − 1 as a double is exact; past it, the field moves to bigint.
  const i = b.input + input;
  if (i <= Number.MAX_SAFE_INTEGER) b.input = i;
  else spill(b, 'input', input);
  const o = b.output + output;
  if (o <= Number.MAX_SAFE_INTEGER) b.output = o;
  else spill(b, 'output', output);
  const r = b.cacheRead + cacheRead;
  if (r <= Number.MAX_SAFE_INTEGER) b.cacheRead = r;
  else spill(b, 'cacheRead', cacheRead);
  const w = b.cacheWrite + cacheWrite;
  if (w <= Number.MAX_SAFE_INTEGER) b.cacheWrite = w;
  else spill(b, 'cacheWrite', cacheWrite);
}

function spill(b: TokenBucket, kind: TokenKind, add: number): void {
  b.big ??= { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n };
  b.big[kind] += BigInt(b[kind]) + BigInt(add);
  b[kind] = 0;
}

/** Adds each bucket of `from` into the bucket of the same key in `into` (a copy when `into` has none): exact, as addTokens. */
export function mergeBuckets<B extends TokenBucket>(into: Map<string, B>, from: Map<string, B>): void {
  for (const [k, b] of from) {
    let t = into.get(k);
    if (!t) {
      t = { ...b, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
      delete t.big;
      into.set(k, t);
    }
    addTokens(t, b.requests, b.input, b.output, b.cacheRead, b.cacheWrite);
    if (b.big) addBigTokens(t, b.big);
  }
}

/** Adds token sums past 2^53 (another bucket's `big`) to a bucket. */
export function addBigTokens(b: TokenBucket, big: Record<TokenKind, bigint>): void {
  b.big ??= { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n };
  for (const kind of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) b.big[kind] += big[kind];
}

/** A bucket's exact token totals. */
export function bucketTokens(b: TokenBucket): Record<TokenKind, bigint> {
  const big = b.big;
  return {
    input: BigInt(b.input) + (big?.input ?? 0n),
    output: BigInt(b.output) + (big?.output ?? 0n),
    cacheRead: BigInt(b.cacheRead) + (big?.cacheRead ?? 0n),
    cacheWrite: BigInt(b.cacheWrite) + (big?.cacheWrite ?? 0n),
  };
}

