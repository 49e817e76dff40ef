/**
 * What an engine that aggregates where the data lives (DuckDB, Athena) hands
 * back, folded into analyze's Accumulator. Pure.
 *
 * The engine returns exact integer token totals per (model, Region, day,
 * group keys, error code, batch flag, cache-write TTL) and a stratified
 * sample of whole records, which tokor parses and labels. A stratum is what
 * a priced bucket is made of except the label: model, price Region, batch
 * flag, TTL and the --group-by values. When the sample holds every record of
 * a stratum, its records are added one by one, exactly as the in-process
 * reader adds them. Otherwise the stratum's requests and tokens (exact
 * totals) are split over the labels in the proportions the sample shows
 * (requests by label count, each token kind by the sampled tokens of that
 * kind), in integers, so every token is counted once and the money, priced
 * later per bucket, stays exact; the label mix then carries the sampling
 * error that `labelEstimate` lets the report put into its intervals.
 */
import { DIFFICULTIES, type Difficulty, type ServiceLevel } from '../types.js';
import { addBucketPart, addFacts, addTagKeys, addToDay, markSample, scoreBin, structuredKey, type Accumulator, type LabelEstimate, type RecordFacts } from './accumulate.js';
import { UNTAGGED, roleOf } from './facts.js';
import type { PriceKey } from './tokens.js';

/**
 * The stratum the engine samples a row's records in: as ours, but finer where a --group-by value is derived
 * (the identity ARN, not its role; a missing tag apart from one written as the untagged placeholder). It
 * restates the SQL's sampling stratum (stratumColumns in src/engines/sql/aggregation.ts): change both together.
 */
function engineStratum(row: PushdownRow, groupBy: readonly string[]): string {
  const dims = groupBy.map((d) => (d === 'day' ? row.day : d === 'region' ? row.groupRegion : d === 'role' ? row.arn : d === 'model' ? '' : null));
  return JSON.stringify([row.modelId, row.priceRegion, row.batch, row.ttl, row.over, row.service, row.windowOver, dims, row.tags]);
}

/** One aggregate row: plain records (the SQL read them as tokor's parser does) of one group. */
export interface PushdownRow {
  /** Set for failed calls: counted apart, never priced. */
  errorCode: string | null;
  modelId: string;
  /** The Region prices follow (source Region, else inference Region; '' when neither). */
  priceRegion: string;
  /** The Region the `region` dimension shows (inference Region, else source Region). */
  groupRegion: string | null;
  batch: boolean;
  ttl: '5m' | '1h';
  /** The records' prompt class (src/pricing/promptBounds.ts). */
  over: number;
  /** The service tier that served the records. */
  service: ServiceLevel;
  /** The records' window class (their prompt and answer tokens over the same bounds). */
  windowOver: number;
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** Identity ARN, when role is a --group-by dimension. */
  arn: string | null;
  /** requestMetadata values of the tag dimensions (tagDimensions order); null when the record has no such tag. */
  tags: (string | null)[];
  requests: number;
  /** Records dropped as duplicates of one of these (same request ID, model and tokens). */
  duplicates: number;
  /** Records whose 1-hour cache writes exceed their cache writes (a parser problem). */
  exceed: number;
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  /** All cache writes; of them `cacheWrite1h` are 1-hour writes of records that split their writes. */
  cacheWrite: bigint;
  cacheWrite1h: bigint;
  minTs: string | null;
  maxTs: string | null;
}

const EXCEED_PROBLEM = '1h cache writes exceed cache writes';

/** The --group-by value of a row, as groupValue (facts.ts) gives it for a record. */
function rowGroupValue(row: PushdownRow, dim: string, tagDims: readonly string[]): string {
  switch (dim) {
    case 'model':
      return row.modelId;
    case 'day':
      return row.day;
    case 'region':
      return row.groupRegion ?? '(unknown region)';
    case 'role':
      return roleOf(row.arn ?? undefined);
    default: {
      const i = tagDims.indexOf(dim);
      return i >= 0 ? (row.tags[i] ?? UNTAGGED) : UNTAGGED;
    }
  }
}

function stratumKey(modelId: string, region: string, batch: boolean, ttl: string, over: number, service: ServiceLevel, windowOver: number, groups: readonly string[]): string {
  return structuredKey(modelId, region, batch ? 'b' : '-', ttl, String(over), service, String(windowOver), ...groups);
}

/** Per label: the sampled requests, and each token kind's sampled tokens (the weights the stratum's totals are split by). */
interface SampleTally {
  count: bigint;
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  write1h: bigint;
  writeRest: bigint;
}

interface Stratum extends PriceKey {
  windowOver: number;
  groups: string[];
  requests: number;
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  cacheWrite1h: bigint;
  rows: PushdownRow[];
  /** The engine's strata it is made of (see engineStratum). */
  parts: Set<string>;
  /** Each of its engine strata of no more lines (requests and their duplicates) than the sample's size: sampled whole, its records added one by one. */
  whole: boolean;
  sampled: number;
  /** Of an estimated stratum: what its sample shows, by label (DIFFICULTIES order), and its score histogram. */
  tally: SampleTally[];
  bins: bigint[];
}

export interface PushdownResult {
  /** Records labeled: every sampled one. */
  sampled: number;
  /** Strata whose sample is smaller than the stratum (their label mix is estimated). */
  estimatedStrata: number;
}

/** Takes the labeled sample one record at a time, then `finish` adds what the sample does not hold record by record. */
export interface PushdownSink {
  /** The facts of one sampled record (duplicates among them already dropped), in the sample's order. */
  add(f: RecordFacts): void;
  /**
   * Adds the estimated strata. Throws when the sample does not fit the rows (a stratum with more sampled
   * records than requests, requests and no sampled record, or a stratum sampled whole with fewer records than
   * requests): the engine's SQL and tokor's parser disagree.
   */
  finish(): PushdownResult;
}

/**
 * Adds the engine's rows to `acc` and returns the sink that takes the labeled sample. A stratum of no more
 * lines than `perStratum` (its requests and their duplicates, in each of the engine's finer strata) is sampled
 * whole by the engine: its records (duplicates dropped) are added as they come, exactly as the in-process
 * reader adds them. Of the others only the sample's tallies are kept, so memory does not grow
 * with the sample. Throws as `finish` does when a sampled record belongs to no stratum.
 */
export function startPushdown(acc: Accumulator, rows: readonly PushdownRow[], groupBy: readonly string[], tagDims: readonly string[], perStratum: number): PushdownSink {
  const strata = new Map<string, Stratum>();
  // Lines (requests and their duplicates) per engine stratum: the engine samples at most perStratum of them.
  const engineLines = new Map<string, number>();
  for (const row of rows) {
    acc.read += row.requests + row.duplicates;
    acc.duplicates += row.duplicates;
    if (row.exceed > 0) acc.problems.set(EXCEED_PROBLEM, (acc.problems.get(EXCEED_PROBLEM) ?? 0) + row.exceed);
    if (row.errorCode !== null) {
      acc.failed += row.requests;
      acc.failedByCode.set(row.errorCode, (acc.failedByCode.get(row.errorCode) ?? 0) + row.requests);
      continue;
    }
    // Counted again by addFacts or the estimate below.
    acc.read -= row.requests;
    if (row.minTs !== null && (acc.firstTimestamp === undefined || row.minTs < acc.firstTimestamp)) acc.firstTimestamp = row.minTs;
    if (row.maxTs !== null && (acc.lastTimestamp === undefined || row.maxTs > acc.lastTimestamp)) acc.lastTimestamp = row.maxTs;
    const groups = groupBy.map((d) => rowGroupValue(row, d, tagDims));
    const key = stratumKey(row.modelId, row.priceRegion, row.batch, row.ttl, row.over, row.service, row.windowOver, groups);
    let s = strata.get(key);
    if (!s) {
      s = { modelId: row.modelId, region: row.priceRegion, batch: row.batch, ttl: row.ttl, over: row.over, service: row.service, windowOver: row.windowOver, groups, requests: 0, input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n, cacheWrite1h: 0n, rows: [], parts: new Set(), whole: true, sampled: 0, tally: [], bins: [] };
      strata.set(key, s);
    }
    const part = engineStratum(row, groupBy);
    s.parts.add(part);
    engineLines.set(part, (engineLines.get(part) ?? 0) + row.requests + row.duplicates);
    s.rows.push(row);
    s.requests += row.requests;
    s.input += row.input;
    s.output += row.output;
    s.cacheRead += row.cacheRead;
    s.cacheWrite += row.cacheWrite;
    s.cacheWrite1h += row.cacheWrite1h;
  }
  for (const s of strata.values()) {
    s.whole = [...s.parts].every((p) => (engineLines.get(p) ?? 0) <= perStratum);
    if (!s.whole) {
      s.tally = DIFFICULTIES.map(() => ({ count: 0n, input: 0n, output: 0n, cacheRead: 0n, write1h: 0n, writeRest: 0n }));
      s.bins = acc.scoreBins.map(() => 0n);
    }
  }
  const disagree = (s: Stratum) => new Error(`${s.modelId} (${s.region || 'no Region'}): ${s.sampled} sampled records for ${s.requests} requests: the engine's SQL and tokor's parser disagree`);
  return {
    add(f) {
      const s = strata.get(stratumKey(f.modelId, f.region, f.batch, f.ttl, f.over, f.service, f.windowOver, f.groups));
      if (!s) throw new Error(`a sampled ${f.modelId} record (${f.region || 'no Region'}) belongs to no aggregated group: the engine's SQL and tokor's parser disagree`);
      if (++s.sampled > s.requests) throw disagree(s);
      if (s.whole) {
        addFacts(acc, f);
        return;
      }
      const t = s.tally[DIFFICULTIES.indexOf(f.label)]!;
      t.count++;
      t.input += BigInt(f.input);
      t.output += BigInt(f.output);
      t.cacheRead += BigInt(f.cacheRead);
      t.write1h += BigInt(f.cacheWrite1h ?? 0);
      t.writeRest += BigInt(f.cacheWrite - (f.cacheWrite1h ?? 0));
      s.bins[scoreBin(f.score)]!++;
      markSample(acc, f);
      if (f.untaggedTagKeys) addTagKeys(acc.untaggedTagKeys, f.untaggedTagKeys);
    },
    finish() {
      let sampled = 0;
      let estimatedStrata = 0;
      for (const s of strata.values()) {
        sampled += s.sampled;
        if ((s.sampled === 0 && s.requests > 0) || (s.whole && s.sampled !== s.requests)) throw disagree(s);
        if (s.whole) continue;
        estimatedStrata++;
        addEstimated(acc, s);
      }
      return { sampled, estimatedStrata };
    },
  };
}

/** A stratum known by its totals and a sample: requests and tokens split over the labels as the sample shows. */
function addEstimated(acc: Accumulator, s: Stratum): void {
  const counts = labelRecord((d) => Number(s.tally[DIFFICULTIES.indexOf(d)]!.count));
  const byCount = s.tally.map((t) => t.count);
  const weights = (pick: (t: SampleTally) => bigint): bigint[] => {
    const w = s.tally.map(pick);
    return w.some((x) => x > 0n) ? w : byCount;
  };
  const requests = apportion(BigInt(s.requests), byCount);
  const input = apportion(s.input, weights((t) => t.input));
  const output = apportion(s.output, weights((t) => t.output));
  const cacheRead = apportion(s.cacheRead, weights((t) => t.cacheRead));
  const write1h = apportion(s.cacheWrite1h, weights((t) => t.write1h));
  const writeRest = apportion(s.cacheWrite - s.cacheWrite1h, weights((t) => t.writeRest));
  DIFFICULTIES.forEach((label, i) => {
    const n = Number(requests[i]);
    acc.read += n;
    acc.valid += n;
    acc.labels[label] += n;
    const at = { modelId: s.modelId, region: s.region, label, batch: s.batch, groups: s.groups, over: s.over, service: s.service, windowOver: s.windowOver };
    if (n > 0 || input[i]! > 0n || output[i]! > 0n || cacheRead[i]! > 0n || writeRest[i]! > 0n) addTokensTo(acc, at, s.ttl, n, input[i]!, output[i]!, cacheRead[i]!, writeRest[i]!);
    if (write1h[i]! > 0n) addTokensTo(acc, at, '1h', 0, 0n, 0n, 0n, write1h[i]!);
  });
  // The score histogram: the stratum's requests over the bins the sample fills.
  for (const [i, n] of apportion(BigInt(s.requests), s.bins).entries()) acc.scoreBins[i]! += Number(n);
  // Cost per day (--bill) needs no label: each row's exact totals, its 1-hour writes apart.
  for (const r of s.rows) {
    const at = { modelId: s.modelId, region: s.region, batch: s.batch, over: s.over, service: s.service };
    addSafe((...n) => addToDay(acc, at, r.day, s.ttl, ...n), r.requests, r.input, r.output, r.cacheRead, r.cacheWrite - r.cacheWrite1h);
    if (r.cacheWrite1h > 0n) addSafe((...n) => addToDay(acc, at, r.day, '1h', ...n), 0, 0n, 0n, 0n, r.cacheWrite1h);
  }
  const est: LabelEstimate = (acc.labelEstimate ??= { strata: [] });
  est.strata.push({ total: s.requests, sampled: s.sampled, labels: counts });
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Adds tokens to a bucket in safe-integer steps (a stratum's totals may pass 2^53). */
function addTokensTo(acc: Accumulator, at: Parameters<typeof addBucketPart>[1], ttl: '5m' | '1h', requests: number, input: bigint, output: bigint, cacheRead: bigint, cacheWrite: bigint): void {
  addSafe((...n) => addBucketPart(acc, at, ttl, ...n), requests, input, output, cacheRead, cacheWrite);
}

/** Calls `add` with safe-integer steps of the totals (the requests with the first). */
function addSafe(add: (requests: number, input: number, output: number, cacheRead: number, cacheWrite: number) => void, requests: number, input: bigint, output: bigint, cacheRead: bigint, cacheWrite: bigint): void {
  let first = true;
  while (first || input > 0n || output > 0n || cacheRead > 0n || cacheWrite > 0n) {
    const take = (x: bigint) => (x > SAFE ? SAFE : x);
    const [i, o, r, w] = [take(input), take(output), take(cacheRead), take(cacheWrite)];
    add(first ? requests : 0, Number(i), Number(o), Number(r), Number(w));
    input -= i;
    output -= o;
    cacheRead -= r;
    cacheWrite -= w;
    first = false;
  }
}

/**
 * `total` split in proportion to `weights`, in integers that sum to `total`
 * (largest remainder; ties to the earlier weight). All-zero weights: all to the first non-empty… or the first.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0n));
  const out = weights.map((w) => (total * w) / sum);
  let left = total - out.reduce((a, b) => a + b, 0n);
  const order = weights.map((w, i) => ({ i, rem: (total * w) % sum })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    out[i]!++;
    left--;
  }
  return out;
}

function labelRecord<T>(f: (d: Difficulty) => T): Record<Difficulty, T> {
  return { easy: f('easy'), moderate: f('moderate'), hard: f('hard') };
}
