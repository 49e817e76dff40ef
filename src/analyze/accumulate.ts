/**
 * The analyze accumulator: integer token sums per bucket, mergeable across
 * worker threads. Prices are applied once per bucket at the end (cost is
 * linear in tokens), so the hot path is a Map lookup and a few additions, and
 * money stays exact. Plain data and Maps only: it crosses worker boundaries
 * by structured clone.
 *
 * Everything keyed by log data (model IDs, regions, tags, error codes,
 * reasons) lives in a Map under an injective key (`structuredKey`): no value
 * can collide with another, with a separator, or with Object.prototype
 * (`constructor`, `__proto__`).
 */
import type { Difficulty, SampleMarks, TrafficRecord } from '../types.js';
import { addToStrata, mergeStrata, newStrata, type StrataAcc, type StratumFacts } from './strata.js';
import { addTokens, bucketKey, dayBucketKey, mergeBuckets, ttlParts, type PriceKey, type TokenBucket, type TtlTokens } from './tokens.js';
import { addToProfile, mergeProfileAcc, newProfileAcc, type ProfileAcc, type ProfileFacts } from '../drift/profile.js';
import { addTurn, mergeSessions, newSessions, type SessionAcc, type SessionFacts } from './sessions.js';

export { bucketKey, bucketTokens, structuredKey, type TokenKind } from './tokens.js';

/** What analyze keeps of one request: its tokens with their TTL split, prompt and window classes and service tier (TtlTokens), and: */
export interface RecordFacts extends TtlTokens {
  modelId: string;
  region: string;
  label: Difficulty;
  score: number;
  /** True when the label came from a --labels file. */
  measured: boolean;
  batch: boolean;
  /** Group values, aligned with the accumulator's groupBy dimensions. */
  groups: string[];
  timestamp?: string;
  /** The gateway's own cost of the request (picodollars), when the log carries one. */
  reportedCost?: bigint;
  /** The record's tag keys, set only when one of its --group-by tags is missing. */
  untaggedTagKeys?: string[];
  /** With --labels: the record's task cluster and its predicted label (for the stratified estimate). */
  stratum?: Pick<StratumFacts, 'cluster' | 'predicted' | 'measured'>;
  /** The request's task cluster, score and prompt length for the traffic profile (src/drift/profile.ts). */
  profile?: ProfileFacts;
  /** The session the request belongs to; undefined: a session of its own (src/analyze/sessions.ts). */
  session?: SessionFacts;
  /** A record of tokor's synthetic logs (SAMPLE_TAG): its figures are sample data. */
  synthetic?: true;
}

/** A bucket of requests with the same model, region, label, batch flag, cache-write TTL, prompt class, service tier and window class. */
interface Bucket extends TokenBucket, PriceKey {
  label: Difficulty;
  windowOver: number;
}

/** A bucket of one UTC day (the record's timestamp date): model, region, batch flag and TTL — the actual cost per day, for reconciling with a bill day by day. */
interface DayBucket extends TokenBucket, PriceKey {
  day: string;
}

/** Requests that carry the gateway's own cost (LiteLLM spend): their tokens and that cost, to compare with tokor's price. */
interface ReportedBucket extends TokenBucket, PriceKey {
  /** Σ the gateway's cost, picodollars. */
  reportedCost: bigint;
}

/** A bucket restricted to one value of one --group-by dimension. */
interface GroupBucket extends TokenBucket {
  /** Index into groupBy. */
  dim: number;
  value: string;
  /** The key of the Bucket in `buckets` these requests belong to. */
  bucket: string;
  label: Difficulty;
}

type FileIssueKind = 'truncated' | 'corrupt' | 'trailing-garbage' | 'not-gzip' | 'repeated-path' | 'mixed-formats';

/** Something about a whole input file (not one line): said once, at file level. */
export interface FileIssue {
  file: string;
  kind: FileIssueKind;
  /** The line it concerns (for a break: the first line not read). */
  line?: number;
  message: string;
}

export interface Accumulator {
  groupBy: string[];
  /** Lines or rows read: valid + failed + invalid + duplicates. */
  read: number;
  valid: number;
  failed: number;
  invalid: number;
  /** Records dropped because an earlier one had the same request ID (and model and token counts). */
  duplicates: number;
  invalidReasons: Map<string, number>;
  /** The first MAX_INVALID_EXAMPLES skipped lines in input order (`at`), whatever order they were met in. */
  invalidExamples: InvalidExample[];
  problems: Map<string, number>;
  failedByCode: Map<string, number>;
  /** Timestamps, ISO strings compare in order. */
  firstTimestamp?: string;
  lastTimestamp?: string;
  labels: Record<Difficulty, number>;
  measuredLabels: Record<Difficulty, number>;
  /** key = bucketKey(modelId, region, label, batch, ttl, over, service, windowOver) */
  buckets: Map<string, Bucket>;
  /** key = groupKey(dim, value, bucketKey) */
  groupBuckets: Map<string, GroupBucket>;
  /** Label scores in 20 bins, for the report's histogram. */
  scoreBins: number[];
  /** Tag keys of records that miss a --group-by tag (distinct, at most MAX_TAG_KEYS): what a typo should have been. */
  untaggedTagKeys: string[];
  fileIssues: FileIssue[];
  /** With --labels: task clusters and measured requests (src/analyze/strata.ts). */
  strata?: StrataAcc;
  /** Per UTC day (records with a timestamp): key = day + bucketKey(modelId, region, '', batch, ttl, over, service). */
  days?: Map<string, DayBucket>;
  /** The traffic profile `tokor drift` reads (analyze JSON trafficProfile). */
  profile?: ProfileAcc;
  /** Sessions and the turns kept for the cache simulation (src/analyze/sessions.ts). */
  sessions: SessionAcc;
  /** Set when an engine labeled a sample of some strata (src/analyze/pushdown.ts): the label counts are estimates. */
  labelEstimate?: LabelEstimate;
  /** Requests carrying the gateway's own cost: key = bucketKey(modelId, region, '', batch, ttl, over, service). */
  reported?: Map<string, ReportedBucket>;
  /** Records parsed with and without the synthetic sample's tag (every valid record in process; an engine's sample and whole strata). */
  sampleMarks: SampleMarks;
}

/** Strata whose label mix was estimated from a sample: what the mix's intervals are computed from. */
export interface LabelEstimate {
  strata: { total: number; sampled: number; labels: Record<Difficulty, number> }[];
}

const MAX_TAG_KEYS = 50;

const MAX_INVALID_EXAMPLES = 5;

interface InvalidExample {
  file: string;
  line: number;
  reason: string;
  /** Position in the input: file index × 2^32 + line. */
  at: number;
}

/** A line's position in the whole input, for ordering across files and worker threads. */
function positionOf(fileIndex: number, line: number): number {
  return fileIndex * 4294967296 + line;
}

export function newAccumulator(groupBy: string[]): Accumulator {
  return {
    groupBy,
    read: 0,
    valid: 0,
    failed: 0,
    invalid: 0,
    duplicates: 0,
    invalidReasons: new Map(),
    invalidExamples: [],
    problems: new Map(),
    failedByCode: new Map(),
    labels: { easy: 0, moderate: 0, hard: 0 },
    measuredLabels: { easy: 0, moderate: 0, hard: 0 },
    buckets: new Map(),
    groupBuckets: new Map(),
    scoreBins: new Array<number>(20).fill(0),
    untaggedTagKeys: [],
    fileIssues: [],
    sessions: newSessions(),
    sampleMarks: { marked: 0, unmarked: 0 },
  };
}

function groupKey(dim: number, value: string, bucket: string): string {
  return `${dim}:${value.length}:${value}${bucket}`;
}

function bump(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

export function addInvalid(acc: Accumulator, file: string, line: number, reason: string, fileIndex = 0): void {
  acc.read++;
  acc.invalid++;
  bump(acc.invalidReasons, reasonKey(reason));
  const ex = acc.invalidExamples;
  const at = positionOf(fileIndex, line);
  if (ex.length < MAX_INVALID_EXAMPLES || at < ex[ex.length - 1]!.at) keepExamples(ex, [{ file, line, reason, at }]);
}

/** Adds examples, keeping the MAX_INVALID_EXAMPLES first in input order. */
function keepExamples(into: InvalidExample[], add: InvalidExample[]): void {
  into.push(...add);
  into.sort((a, b) => a.at - b.at);
  into.length = Math.min(into.length, MAX_INVALID_EXAMPLES);
}

/** Counts a record dropped as a duplicate of an earlier one. */
export function addDuplicate(acc: Accumulator): void {
  acc.read++;
  acc.duplicates++;
}

export function addFileIssue(acc: Accumulator, issue: FileIssue): void {
  acc.fileIssues.push(issue);
}

/**
 * Groups reasons that differ only in positions and values ("malformed JSON:
 * … at position 82", "… is negative (-5)"), so the report counts kinds of
 * problems; the examples keep the full text.
 */
export function reasonKey(reason: string): string {
  return reason
    .replace(/ (?:at|in JSON at) position \d+.*$/, '')
    .replace(/\(-?\d+(?:\.\d+)?\)/g, '(…)')
    .replace(/\d{1,3}(?:,\d{3})+ bytes/g, '… bytes')
    .replace(/"[^"]{0,80}"/g, '"…"');
}

/** Counts a failed call (errorCode): zero cost, counted apart, not labeled. */
export function addFailed(acc: Accumulator, record: Pick<TrafficRecord, 'errorCode' | 'problems'>): void {
  acc.read++;
  acc.failed++;
  bump(acc.failedByCode, record.errorCode ?? 'unknown');
  noteProblems(acc, record);
}

export function noteProblems(acc: Accumulator, record: Pick<TrafficRecord, 'problems'>): void {
  if (!record.problems) return;
  for (const p of record.problems) bump(acc.problems, p);
}

/** The score histogram's bin of a labeler score (20 bins over [0, 1]). */
export function scoreBin(score: number): number {
  const bin = Math.floor(score * 20);
  return bin >= 19 ? 19 : Math.max(bin, 0);
}

export function addFacts(acc: Accumulator, f: RecordFacts): void {
  acc.read++;
  acc.valid++;
  acc.labels[f.label]++;
  if (f.measured) acc.measuredLabels[f.label]++;
  acc.scoreBins[scoreBin(f.score)]!++;
  markSample(acc, f);
  if (f.timestamp) {
    if (acc.firstTimestamp === undefined || f.timestamp < acc.firstTimestamp) acc.firstTimestamp = f.timestamp;
    if (acc.lastTimestamp === undefined || f.timestamp > acc.lastTimestamp) acc.lastTimestamp = f.timestamp;
  }
  const h1 = f.cacheWrite1h ?? 0;
  if (h1 > 0 && h1 < f.cacheWrite) {
    for (const p of ttlParts(f)) addPart(acc, f, p.ttl, p.requests, p.input, p.output, p.cacheRead, p.cacheWrite);
  } else {
    // One part (what ttlParts gives), without its array.
    addPart(acc, f, h1 > 0 ? '1h' : f.ttl, 1, f.input, f.output, f.cacheRead, f.cacheWrite);
  }
  addTurn(acc.sessions, f.session, f);
  if (f.untaggedTagKeys) addTagKeys(acc.untaggedTagKeys, f.untaggedTagKeys);
  if (f.profile) addToProfile((acc.profile ??= newProfileAcc()), f.profile, f);
  if (f.stratum) addToStrata((acc.strata ??= newStrata()), { ...f.stratum, modelId: f.modelId, region: f.region, batch: f.batch, groups: f.groups, ttl: f.ttl, over: f.over, windowOver: f.windowOver, service: f.service, input: f.input, output: f.output, cacheRead: f.cacheRead, cacheWrite: f.cacheWrite, ...(f.cacheWrite1h ? { cacheWrite1h: f.cacheWrite1h } : {}) });
}

/** One TTL part of a request: its bucket, its day, its gateway-reported cost. */
function addPart(acc: Accumulator, f: RecordFacts, ttl: '5m' | '1h', requests: number, input: number, output: number, cacheRead: number, cacheWrite: number): void {
  addBucketPart(acc, f, ttl, requests, input, output, cacheRead, cacheWrite);
  if (f.timestamp) addToDay(acc, f, f.timestamp.slice(0, 10), ttl, requests, input, output, cacheRead, cacheWrite);
  if (f.reportedCost !== undefined) addReported(acc, f, ttl, requests, input, output, cacheRead, cacheWrite, requests > 0 ? f.reportedCost : 0n);
}

/** Adds requests and tokens to the bucket of (model, region, label, batch, ttl, prompt class, service tier, window class) and to its group buckets. */
export function addBucketPart(acc: Accumulator, f: Pick<RecordFacts, 'modelId' | 'region' | 'label' | 'batch' | 'groups' | 'over' | 'service' | 'windowOver'>, ttl: '5m' | '1h', requests: number, input: number, output: number, cacheRead: number, cacheWrite: number): void {
  const key = bucketKey(f.modelId, f.region, f.label, f.batch, ttl, f.over, f.service, f.windowOver);
  let b = acc.buckets.get(key);
  if (!b) {
    b = { modelId: f.modelId, region: f.region, label: f.label, batch: f.batch, ttl, over: f.over, service: f.service, windowOver: f.windowOver, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    acc.buckets.set(key, b);
  }
  addTokens(b, requests, input, output, cacheRead, cacheWrite);
  for (let d = 0; d < f.groups.length; d++) {
    const value = f.groups[d]!;
    const gk = groupKey(d, value, key);
    let g = acc.groupBuckets.get(gk);
    if (!g) {
      g = { dim: d, value, bucket: key, label: f.label, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
      acc.groupBuckets.set(gk, g);
    }
    addTokens(g, requests, input, output, cacheRead, cacheWrite);
  }
}

/** Adds requests and tokens to the day's bucket of (model, region, batch, ttl, prompt class, service tier): what --bill reconciles per day. */
export function addToDay(acc: Accumulator, f: Pick<RecordFacts, 'modelId' | 'region' | 'batch' | 'over' | 'service'>, day: string, ttl: '5m' | '1h', requests: number, input: number, output: number, cacheRead: number, cacheWrite: number): void {
  const key = dayBucketKey(day, f.modelId, f.region, f.batch, ttl, f.over, f.service);
  const days = (acc.days ??= new Map());
  let b = days.get(key);
  if (!b) {
    b = { day, modelId: f.modelId, region: f.region, batch: f.batch, ttl, over: f.over, service: f.service, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    days.set(key, b);
  }
  addTokens(b, requests, input, output, cacheRead, cacheWrite);
}

function addReported(acc: Accumulator, f: RecordFacts, ttl: '5m' | '1h', requests: number, input: number, output: number, cacheRead: number, cacheWrite: number, cost: bigint): void {
  const key = bucketKey(f.modelId, f.region, '', f.batch, ttl, f.over, f.service);
  const map = (acc.reported ??= new Map());
  let b = map.get(key);
  if (!b) {
    b = { modelId: f.modelId, region: f.region, batch: f.batch, ttl, over: f.over, service: f.service, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reportedCost: 0n };
    map.set(key, b);
  }
  addTokens(b, requests, input, output, cacheRead, cacheWrite);
  b.reportedCost += cost;
}

/** Counts a parsed record with or without the synthetic sample's tag. */
export function markSample(acc: Accumulator, f: Pick<RecordFacts, 'synthetic'>): void {
  if (f.synthetic) acc.sampleMarks.marked++;
  else acc.sampleMarks.unmarked++;
}

export function addTagKeys(into: string[], keys: readonly string[]): void {
  for (const k of keys) if (into.length < MAX_TAG_KEYS && !into.includes(k)) into.push(k);
}

/** Merges `from` into `into` (same groupBy). */
export function mergeAccumulators(into: Accumulator, from: Accumulator): Accumulator {
  into.read += from.read;
  into.valid += from.valid;
  into.failed += from.failed;
  into.invalid += from.invalid;
  into.duplicates += from.duplicates;
  mergeCounts(into.invalidReasons, from.invalidReasons);
  keepExamples(into.invalidExamples, from.invalidExamples);
  mergeCounts(into.problems, from.problems);
  mergeCounts(into.failedByCode, from.failedByCode);
  if (from.firstTimestamp && (!into.firstTimestamp || from.firstTimestamp < into.firstTimestamp)) into.firstTimestamp = from.firstTimestamp;
  if (from.lastTimestamp && (!into.lastTimestamp || from.lastTimestamp > into.lastTimestamp)) into.lastTimestamp = from.lastTimestamp;
  for (const d of ['easy', 'moderate', 'hard'] as const) {
    into.labels[d] += from.labels[d];
    into.measuredLabels[d] += from.measuredLabels[d];
  }
  mergeBuckets(into.buckets, from.buckets);
  mergeBuckets(into.groupBuckets, from.groupBuckets);
  from.scoreBins.forEach((v, i) => {
    into.scoreBins[i]! += v;
  });
  addTagKeys(into.untaggedTagKeys, from.untaggedTagKeys);
  into.sampleMarks.marked += from.sampleMarks.marked;
  into.sampleMarks.unmarked += from.sampleMarks.unmarked;
  into.fileIssues.push(...from.fileIssues);
  if (from.days) mergeBuckets((into.days ??= new Map()), from.days);
  if (from.profile) into.profile = into.profile ? mergeProfileAcc(into.profile, from.profile) : from.profile;
  mergeSessions(into.sessions, from.sessions);
  if (from.reported) {
    const map = (into.reported ??= new Map());
    for (const [k, b] of from.reported) {
      const had = map.get(k)?.reportedCost ?? 0n;
      mergeBuckets(map, new Map([[k, b]]));
      map.get(k)!.reportedCost = had + b.reportedCost;
    }
  }
  if (from.strata) mergeStrata((into.strata ??= { clusters: new Map(), measured: [] }), from.strata);
  if (from.labelEstimate) (into.labelEstimate ??= { strata: [] }).strata.push(...from.labelEstimate.strata);
  return into;
}

function mergeCounts(into: Map<string, number>, from: Map<string, number>): void {
  for (const [k, v] of from) bump(into, k, v);
}

