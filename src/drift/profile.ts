/**
 * A traffic profile: what `tokor drift` compares between the traffic a policy
 * was certified on and the traffic it routes now. Per task cluster (the
 * template signature `tokor label` samples by, src/classify/signature.ts) the
 * requests and their priced spend; the labeler's score in 20 bins; the prompt
 * length in log-2 bins. Built the same way from golden datasets, traffic logs
 * and inside `tokor analyze` (its JSON carries it as `trafficProfile`, so a
 * later `tokor drift` needs no second pass over the logs). Pure; the
 * accumulator is plain data and Maps (crosses worker threads).
 */
import { taskSignature, type TaskSignature } from '../classify/signature.js';
import { addBigTokens, addTokens, bucketKey, bucketTokens, mergeBuckets, ttlParts, type PriceKey, type TokenBucket, type TokenKind, type TtlTokens } from '../analyze/tokens.js';
import { costOf } from '../pricing/cost.js';
import { moneyToUsd } from '../pricing/money.js';
import type { ModelPrice, Money } from '../pricing/types.js';

export const PROFILE_VERSION = 1;

/** Score bins: [i/20, (i+1)/20), the last closed at 1. */
export const SCORE_BINS = 20;

/** Lower edges of the prompt-length bins, in (estimated) tokens; the last bin is open above. */
export const LENGTH_EDGES = [0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072] as const;

/** Clusters a profile lists one by one (most requests first); the rest are lumped into `rest`. */
const MAX_PROFILE_CLUSTERS = 1000;

/**
 * Clusters an accumulator keeps one by one at most (about 20 MB): past them, boundProfile lumps the half with
 * the fewest requests into `rest`, so memory does not grow with the variety of a log's prompts.
 */
const PROFILE_CLUSTER_CAP = 20_000;

/** Characters per token of the length estimate from text. */
const CHARS_PER_TOKEN = 4;

/** One task cluster of a profile. */
export interface ProfileCluster {
  /** The signature key (8 hex digits), as in `tokor label`'s sample and labels. */
  signature: string;
  /** A readable rendering: "app/team · system#abcd · first words …". */
  text: string;
  requests: number;
  /** Priced spend of its requests in USD; null when none could be priced (a golden dataset). */
  spendUsd: number | null;
}

/** The compact profile (analyze JSON `trafficProfile`, version 1; docs/drift.md). */
export interface TrafficProfile {
  version: typeof PROFILE_VERSION;
  /** The labeler whose scores `score` bins ("heuristic", or "classifier FILE"). */
  labeler: string;
  requests: number;
  /** Priced spend of every request in USD; null when nothing was priced. */
  spendUsd: number | null;
  /** Most requests first (ties by signature), at most MAX_PROFILE_CLUSTERS. */
  clusters: ProfileCluster[];
  /** The clusters past MAX_PROFILE_CLUSTERS, lumped; null when every cluster is listed. */
  rest: { clusters: number; requests: number; spendUsd: number | null } | null;
  /** Requests per score bin (SCORE_BINS bins over [0, 1]). */
  score: number[];
  /**
   * Requests per prompt-length bin (lower edges LENGTH_EDGES). The length is
   * the characters of the system prompt and the last user turn ÷ 4 when the
   * request carries text (`fromText` of them), else its logged input tokens
   * (`fromTokens`).
   */
  promptLength: { edges: number[]; counts: number[]; fromText: number; fromTokens: number };
}

/** What one request adds to a profile. */
export interface ProfileFacts {
  cluster: TaskSignature;
  /** The labeler's score in [0, 1] (its prediction, even when a label was measured). */
  score: number;
  /** Prompt length in (estimated) tokens. */
  length: number;
  fromText: boolean;
}

/** The tokens a request was billed for, to price its cluster's spend (on its own model: no window class). */
export interface SpendFacts extends Omit<TtlTokens, 'windowOver'> {
  modelId: string;
  region: string;
  batch: boolean;
}

/** A request as the profile sees it. `inputTokens`: logged input incl. cache (records without text). */
export function profileFacts(r: { prompt?: string | undefined; system?: string | undefined; tags?: Readonly<Record<string, string>> | undefined; inputTokens?: number | undefined }, score: number): ProfileFacts {
  // taskSignature reads an absent field and an undefined one alike (no copy of the request per call).
  const cluster = taskSignature({ prompt: r.prompt, system: r.system, tags: r.tags });
  const chars = (r.system?.length ?? 0) + (r.prompt?.length ?? 0);
  if (chars > 0) return { cluster, score, length: Math.ceil(chars / CHARS_PER_TOKEN), fromText: true };
  return { cluster, score, length: r.inputTokens ?? 0, fromText: false };
}

interface SpendBucket extends TokenBucket, PriceKey {}

interface ProfileClusterAcc {
  key: string;
  text: string;
  requests: number;
  spend: Map<string, SpendBucket>;
}

export interface ProfileAcc {
  requests: number;
  clusters: Map<string, ProfileClusterAcc>;
  /** Clusters boundProfile lumped (a cluster lumped, seen again and lumped again counts twice); absent until then. */
  lumped?: { entries: number; requests: number; spend: Map<string, SpendBucket> };
  score: number[];
  length: number[];
  fromText: number;
  fromTokens: number;
}

export function newProfileAcc(): ProfileAcc {
  return { requests: 0, clusters: new Map(), score: new Array<number>(SCORE_BINS).fill(0), length: new Array<number>(LENGTH_EDGES.length).fill(0), fromText: 0, fromTokens: 0 };
}

function scoreBin(score: number): number {
  const bin = Math.floor(score * SCORE_BINS);
  return bin >= SCORE_BINS - 1 ? SCORE_BINS - 1 : Math.max(bin, 0);
}

function lengthBin(length: number): number {
  let i = LENGTH_EDGES.length - 1;
  while (i > 0 && length < LENGTH_EDGES[i]!) i--;
  return i;
}

export function addToProfile(acc: ProfileAcc, f: ProfileFacts, spend?: SpendFacts): void {
  acc.requests++;
  acc.score[scoreBin(f.score)]!++;
  acc.length[lengthBin(f.length)]!++;
  if (f.fromText) acc.fromText++;
  else acc.fromTokens++;
  let c = acc.clusters.get(f.cluster.key);
  if (!c) acc.clusters.set(f.cluster.key, (c = { key: f.cluster.key, text: f.cluster.text, requests: 0, spend: new Map() }));
  c.requests++;
  if (!spend) return;
  const h1 = spend.cacheWrite1h ?? 0;
  if (h1 > 0 && h1 < spend.cacheWrite) {
    for (const p of ttlParts(spend)) addSpend(c, spend, p.ttl, p.requests, p.input, p.output, p.cacheRead, p.cacheWrite);
  } else {
    // One part (what ttlParts gives), without its array: this runs on every request.
    addSpend(c, spend, h1 > 0 ? '1h' : spend.ttl, 1, spend.input, spend.output, spend.cacheRead, spend.cacheWrite);
  }
}

function addSpend(c: ProfileClusterAcc, spend: SpendFacts, ttl: '5m' | '1h', requests: number, input: number, output: number, cacheRead: number, cacheWrite: number): void {
  const key = bucketKey(spend.modelId, spend.region, '', spend.batch, ttl, spend.over, spend.service);
  let b = c.spend.get(key);
  if (!b) c.spend.set(key, (b = { modelId: spend.modelId, region: spend.region, batch: spend.batch, ttl, over: spend.over, service: spend.service, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }));
  addTokens(b, requests, input, output, cacheRead, cacheWrite);
}

export function mergeProfileAcc(into: ProfileAcc, from: ProfileAcc): ProfileAcc {
  into.requests += from.requests;
  from.score.forEach((v, i) => {
    into.score[i]! += v;
  });
  from.length.forEach((v, i) => {
    into.length[i]! += v;
  });
  into.fromText += from.fromText;
  into.fromTokens += from.fromTokens;
  for (const [k, c] of from.clusters) {
    const t = into.clusters.get(k);
    if (!t) {
      into.clusters.set(k, c);
      continue;
    }
    t.requests += c.requests;
    mergeBuckets(t.spend, c.spend);
  }
  if (from.lumped) {
    const l = (into.lumped ??= { entries: 0, requests: 0, spend: new Map() });
    l.entries += from.lumped.entries;
    l.requests += from.lumped.requests;
    mergeBuckets(l.spend, from.lumped.spend);
  }
  return into;
}

/**
 * A profile as a worker thread hands one chunk's over: arrays, not Maps of objects. Structured clone writes
 * every object's property names and reads them back one by one, and a chunk's profile is a few hundred small
 * objects; as Maps it was about 5% of the analyze engine's CPU time on the benchmark log (cloning it on the
 * worker, reading it back and merging it on the main thread). `mergePackedProfile` gives what mergeProfileAcc
 * of the ProfileAcc it packs gives. A chunk's profile is never bounded, so it has no `lumped`.
 */
export interface PackedProfile {
  requests: number;
  score: number[];
  length: number[];
  fromText: number;
  fromTokens: number;
  /** The clusters in their Map's order: key, text, requests, and how many spend rows (in `rows`) follow. */
  keys: string[];
  texts: string[];
  clusterRequests: number[];
  spendRows: number[];
  /** The places spend rows name by index: model, region, batch flag, TTL, prompt class, service tier. */
  places: PriceKey[];
  /** Spend rows, PACKED_ROW numbers each: place index, requests, input, output, cacheRead, cacheWrite. */
  rows: Float64Array;
  /** The token sums past 2^53 of the rows that have them (a row's `big`), by row index. */
  big: [number, Record<TokenKind, bigint>][];
}

const PACKED_ROW = 6;

/** Packs a chunk's profile for postMessage (`rows` may be transferred); see PackedProfile. */
export function packProfile(acc: ProfileAcc): PackedProfile {
  let rowCount = 0;
  for (const c of acc.clusters.values()) rowCount += c.spend.size;
  const p: PackedProfile = {
    requests: acc.requests,
    score: acc.score,
    length: acc.length,
    fromText: acc.fromText,
    fromTokens: acc.fromTokens,
    keys: [],
    texts: [],
    clusterRequests: [],
    spendRows: [],
    places: [],
    rows: new Float64Array(rowCount * PACKED_ROW),
    big: [],
  };
  const placeIndex = new Map<string, number>();
  let o = 0;
  for (const c of acc.clusters.values()) {
    p.keys.push(c.key);
    p.texts.push(c.text);
    p.clusterRequests.push(c.requests);
    p.spendRows.push(c.spend.size);
    for (const [k, b] of c.spend) {
      let place = placeIndex.get(k);
      if (place === undefined) {
        place = p.places.push({ modelId: b.modelId, region: b.region, batch: b.batch, ttl: b.ttl, over: b.over, service: b.service }) - 1;
        placeIndex.set(k, place);
      }
      if (b.big) p.big.push([o / PACKED_ROW, b.big]);
      p.rows[o++] = place;
      p.rows[o++] = b.requests;
      p.rows[o++] = b.input;
      p.rows[o++] = b.output;
      p.rows[o++] = b.cacheRead;
      p.rows[o++] = b.cacheWrite;
    }
  }
  return p;
}

/** Merges a packed chunk's profile into `into` (a new accumulator when undefined): mergeProfileAcc of what it packs. */
export function mergePackedProfile(into: ProfileAcc | undefined, p: PackedProfile): ProfileAcc {
  const acc = into ?? newProfileAcc();
  acc.requests += p.requests;
  for (let i = 0; i < SCORE_BINS; i++) acc.score[i]! += p.score[i]!;
  for (let i = 0; i < LENGTH_EDGES.length; i++) acc.length[i]! += p.length[i]!;
  acc.fromText += p.fromText;
  acc.fromTokens += p.fromTokens;
  // The places' bucket keys, memoized (bucketKey): the same strings, hashed once, as every chunk's.
  const placeKeys = p.places.map((pl) => bucketKey(pl.modelId, pl.region, '', pl.batch, pl.ttl, pl.over, pl.service));
  const big = new Map(p.big);
  const rows = p.rows;
  let row = 0;
  for (let i = 0; i < p.keys.length; i++) {
    const key = p.keys[i]!;
    let c = acc.clusters.get(key);
    if (!c) acc.clusters.set(key, (c = { key, text: p.texts[i]!, requests: 0, spend: new Map() }));
    c.requests += p.clusterRequests[i]!;
    for (const end = row + p.spendRows[i]!; row < end; row++) {
      const o = row * PACKED_ROW;
      const place = rows[o]!;
      const k = placeKeys[place]!;
      let b = c.spend.get(k);
      if (!b) {
        const pl = p.places[place]!;
        c.spend.set(k, (b = { modelId: pl.modelId, region: pl.region, batch: pl.batch, ttl: pl.ttl, over: pl.over, service: pl.service, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }));
      }
      addTokens(b, rows[o + 1]!, rows[o + 2]!, rows[o + 3]!, rows[o + 4]!, rows[o + 5]!);
      const extra = big.get(row);
      if (extra) addBigTokens(b, extra);
    }
  }
  return acc;
}

/**
 * Keeps at most `cap` clusters: past it, the half with the fewest requests (ties by signature) goes into
 * `lumped` (their requests and spend exactly; their signatures forgotten). Decided on what the accumulator
 * holds, whatever order it was filled in, so callers that bound at the same points of the input (after each
 * chunk, after each record read on the main thread) get the same profile on any number of threads. A cluster
 * seen again after it was lumped starts over: its listed requests are those since.
 */
export function boundProfile(acc: ProfileAcc | undefined, cap = PROFILE_CLUSTER_CAP): void {
  if (!acc || acc.clusters.size <= cap) return;
  const byFew = [...acc.clusters.values()].sort((a, b) => a.requests - b.requests || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const l = (acc.lumped ??= { entries: 0, requests: 0, spend: new Map() });
  for (const c of byFew.slice(0, byFew.length - Math.floor(cap / 2))) {
    acc.clusters.delete(c.key);
    l.entries++;
    l.requests += c.requests;
    mergeBuckets(l.spend, c.spend);
  }
}

/** Prices a model in a region; undefined when the catalog has no price. */
export type PriceOf = (modelId: string, region: string) => ModelPrice | undefined;

/** The accumulator as the compact, serializable profile; spend priced once per bucket. */
export function finishProfile(acc: ProfileAcc, labeler: string, priceOf?: PriceOf): TrafficProfile {
  let anyPriced = false;
  const priced = (buckets: Map<string, SpendBucket>): Money | undefined => {
    let spend: Money = 0n;
    let any = false;
    for (const b of buckets.values()) {
      const price = priceOf?.(b.modelId, b.region);
      if (!price) continue;
      any = true;
      spend += costOf(bucketTokens(b), price, { batch: b.batch, service: b.service, cacheWriteTtl: b.ttl, promptOver: b.over });
    }
    anyPriced ||= any;
    return any ? spend : undefined;
  };
  const rows = [...acc.clusters.values()].map((c) => ({ signature: c.key, text: c.text, requests: c.requests, spend: priced(c.spend) }));
  const lumpedSpend = acc.lumped ? priced(acc.lumped.spend) : undefined;
  rows.sort((a, b) => b.requests - a.requests || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  const usd = (m: Money | undefined) => (anyPriced ? moneyToUsd(m ?? 0n) : null);
  const listed = rows.slice(0, MAX_PROFILE_CLUSTERS);
  const lumped = rows.slice(MAX_PROFILE_CLUSTERS);
  if (acc.lumped) lumped.push({ signature: '', text: '', requests: acc.lumped.requests, spend: lumpedSpend });
  const lumpedClusters = lumped.length + (acc.lumped ? acc.lumped.entries - 1 : 0);
  const total = rows.reduce((s, r) => s + (r.spend ?? 0n), 0n) + (lumpedSpend ?? 0n);
  return {
    version: PROFILE_VERSION,
    labeler,
    requests: acc.requests,
    spendUsd: usd(total),
    clusters: listed.map((r) => ({ signature: r.signature, text: r.text, requests: r.requests, spendUsd: usd(r.spend) })),
    rest: lumped.length ? { clusters: lumpedClusters, requests: lumped.reduce((s, r) => s + r.requests, 0), spendUsd: usd(lumped.reduce((s, r) => s + (r.spend ?? 0n), 0n)) } : null,
    score: [...acc.score],
    promptLength: { edges: [...LENGTH_EDGES], counts: [...acc.length], fromText: acc.fromText, fromTokens: acc.fromTokens },
  };
}
