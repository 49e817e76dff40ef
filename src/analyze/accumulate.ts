/**
 * The analyze accumulator: integer token sums per bucket, mergeable across
 * worker threads. Prices are applied once per bucket at the end (cost is
 * linear in tokens), so the hot path is a Map lookup and a few additions, and
 * money stays exact. Plain data only: it crosses worker boundaries by
 * structured clone.
 */
import type { Difficulty, TrafficRecord } from '../types.js';

/** What analyze keeps of one request. */
export interface RecordFacts {
  modelId: string;
  region: string;
  label: Difficulty;
  score: number;
  /** True when the label came from a --labels file. */
  measured: boolean;
  batch: boolean;
  ttl: '5m' | '1h';
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Group values, aligned with the accumulator's groupBy dimensions. */
  groups: string[];
  timestamp?: string;
  /** The record's tag keys, set only when one of its --group-by tags is missing. */
  untaggedTagKeys?: string[];
}

export interface TokenBucket {
  requests: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface Accumulator {
  groupBy: string[];
  /** Lines or rows read (records + invalid). */
  read: number;
  valid: number;
  failed: number;
  invalid: number;
  invalidReasons: Record<string, number>;
  invalidExamples: { file: string; line: number; reason: string }[];
  problems: Record<string, number>;
  failedByCode: Record<string, number>;
  /** Timestamps, ISO strings compare in order. */
  firstTimestamp?: string;
  lastTimestamp?: string;
  labels: Record<Difficulty, number>;
  measuredLabels: Record<Difficulty, number>;
  /** key = bucketKey(modelId, region, label, batch, ttl) */
  buckets: Record<string, TokenBucket>;
  /** key = dimIndex \u0001 value \u0001 bucketKey */
  groupBuckets: Record<string, TokenBucket>;
  /** Label scores in 20 bins, for the report's histogram. */
  scoreBins: number[];
  /** Tag keys of records that miss a --group-by tag (distinct, at most MAX_TAG_KEYS): what a typo should have been. */
  untaggedTagKeys: string[];
}

export const MAX_TAG_KEYS = 50;

export const MAX_INVALID_EXAMPLES = 5;
const SEP = '\u0001';

export function newAccumulator(groupBy: string[]): Accumulator {
  return {
    groupBy,
    read: 0,
    valid: 0,
    failed: 0,
    invalid: 0,
    invalidReasons: {},
    invalidExamples: [],
    problems: {},
    failedByCode: {},
    labels: { easy: 0, moderate: 0, hard: 0 },
    measuredLabels: { easy: 0, moderate: 0, hard: 0 },
    buckets: {},
    groupBuckets: {},
    scoreBins: new Array<number>(20).fill(0),
    untaggedTagKeys: [],
  };
}

export function bucketKey(modelId: string, region: string, label: Difficulty, batch: boolean, ttl: '5m' | '1h'): string {
  return `${modelId}${SEP}${region}${SEP}${label}${SEP}${batch ? 'b' : ''}${SEP}${ttl}`;
}

export function parseBucketKey(key: string): { modelId: string; region: string; label: Difficulty; batch: boolean; ttl: '5m' | '1h' } {
  const [modelId, region, label, batch, ttl] = key.split(SEP) as [string, string, Difficulty, string, '5m' | '1h'];
  return { modelId, region, label, batch: batch === 'b', ttl };
}

export function parseGroupKey(key: string): { dim: number; value: string; bucket: string } {
  const i = key.indexOf(SEP);
  const j = key.indexOf(SEP, i + 1);
  return { dim: Number(key.slice(0, i)), value: key.slice(i + 1, j), bucket: key.slice(j + 1) };
}

export function addInvalid(acc: Accumulator, file: string, line: number, reason: string): void {
  acc.read++;
  acc.invalid++;
  const key = reasonKey(reason);
  acc.invalidReasons[key] = (acc.invalidReasons[key] ?? 0) + 1;
  if (acc.invalidExamples.length < MAX_INVALID_EXAMPLES) acc.invalidExamples.push({ file, line, reason });
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
    .replace(/"[^"]{0,80}"/g, '"…"');
}

/** Counts a failed call (errorCode): zero cost, counted apart, not labeled. */
export function addFailed(acc: Accumulator, record: TrafficRecord): void {
  acc.read++;
  acc.failed++;
  const code = record.errorCode ?? 'unknown';
  acc.failedByCode[code] = (acc.failedByCode[code] ?? 0) + 1;
  noteProblems(acc, record);
}

export function noteProblems(acc: Accumulator, record: TrafficRecord): void {
  if (!record.problems) return;
  for (const p of record.problems) acc.problems[p] = (acc.problems[p] ?? 0) + 1;
}

export function addFacts(acc: Accumulator, f: RecordFacts): void {
  acc.read++;
  acc.valid++;
  acc.labels[f.label]++;
  if (f.measured) acc.measuredLabels[f.label]++;
  acc.scoreBins[Math.min(19, Math.floor(f.score * 20))]!++;
  if (f.timestamp) {
    if (acc.firstTimestamp === undefined || f.timestamp < acc.firstTimestamp) acc.firstTimestamp = f.timestamp;
    if (acc.lastTimestamp === undefined || f.timestamp > acc.lastTimestamp) acc.lastTimestamp = f.timestamp;
  }
  const key = bucketKey(f.modelId, f.region, f.label, f.batch, f.ttl);
  addTo(acc.buckets, key, f);
  for (let d = 0; d < f.groups.length; d++) addTo(acc.groupBuckets, `${d}${SEP}${f.groups[d]}${SEP}${key}`, f);
  if (f.untaggedTagKeys) addTagKeys(acc.untaggedTagKeys, f.untaggedTagKeys);
}

function addTagKeys(into: string[], keys: readonly string[]): void {
  for (const k of keys) if (into.length < MAX_TAG_KEYS && !into.includes(k)) into.push(k);
}

function addTo(map: Record<string, TokenBucket>, key: string, f: RecordFacts): void {
  let b = map[key];
  if (!b) {
    b = { requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    map[key] = b;
  }
  b.requests++;
  b.input += f.input;
  b.output += f.output;
  b.cacheRead += f.cacheRead;
  b.cacheWrite += f.cacheWrite;
}

/** Merges `from` into `into` (same groupBy). */
export function mergeAccumulators(into: Accumulator, from: Accumulator): Accumulator {
  into.read += from.read;
  into.valid += from.valid;
  into.failed += from.failed;
  into.invalid += from.invalid;
  mergeCounts(into.invalidReasons, from.invalidReasons);
  for (const ex of from.invalidExamples) if (into.invalidExamples.length < MAX_INVALID_EXAMPLES) into.invalidExamples.push(ex);
  mergeCounts(into.problems, from.problems);
  mergeCounts(into.failedByCode, from.failedByCode);
  if (from.firstTimestamp && (!into.firstTimestamp || from.firstTimestamp < into.firstTimestamp)) into.firstTimestamp = from.firstTimestamp;
  if (from.lastTimestamp && (!into.lastTimestamp || from.lastTimestamp > into.lastTimestamp)) into.lastTimestamp = from.lastTimestamp;
  mergeCounts(into.labels, from.labels);
  mergeCounts(into.measuredLabels, from.measuredLabels);
  mergeBuckets(into.buckets, from.buckets);
  mergeBuckets(into.groupBuckets, from.groupBuckets);
  from.scoreBins.forEach((v, i) => (into.scoreBins[i]! += v));
  addTagKeys(into.untaggedTagKeys, from.untaggedTagKeys);
  return into;
}

function mergeCounts<K extends string>(into: Record<K, number>, from: Record<K, number>): void {
  for (const k of Object.keys(from) as K[]) into[k] = (into[k] ?? 0) + from[k];
}

function mergeBuckets(into: Record<string, TokenBucket>, from: Record<string, TokenBucket>): void {
  for (const [k, b] of Object.entries(from)) {
    const t = into[k];
    if (!t) into[k] = { ...b };
    else {
      t.requests += b.requests;
      t.input += b.input;
      t.output += b.output;
      t.cacheRead += b.cacheRead;
      t.cacheWrite += b.cacheWrite;
    }
  }
}
