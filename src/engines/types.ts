/**
 * A traffic engine: where the traffic is read and aggregated. The in-process
 * engine reads files, folders and stdin on this machine (worker threads for
 * large inputs); engines that push the same aggregation down to where the
 * data lives (DuckDB, Athena) implement the same interface.
 */
import type { Accumulator } from '../analyze/accumulate.js';
import type { RouterModel } from '../artifacts/router.js';
import type { CsvColumnMap } from '../ingest/index.js';
import type { Difficulty, TrafficEvent } from '../types.js';
import type { LogFormatName } from '../ingest/formats/index.js';
import type { Money } from '../pricing/types.js';
import type { ScanPrice } from '../pricing/scan/scanCost.js';
import type { SkipEntry } from './inprocess/chunk.js';
import type { ReadProgress } from './inprocess/readInput.js';
import type { ReadTrafficOptions } from './inprocess/readTraffic.js';

export const ENGINE_NAMES = ['inprocess', 'duckdb', 'athena'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** What analyze asks an engine for. */
export interface ScanRequest {
  paths: string[];
  format?: LogFormatName;
  csvMap?: CsvColumnMap;
  strict?: boolean;
  groupBy: string[];
  /** Measured labels by request ID (--labels). */
  measured?: Map<string, Difficulty>;
  /** --session-key: the requestMetadata key that names a request's session. */
  sessionKey?: string;
  /** The catalog's prompt classes (src/pricing/promptBounds.ts): requests are summed apart by prompt class. */
  promptBounds?: number[];
  /** A router model (--classifier); the heuristic labeler without one. */
  router?: RouterModel;
  /** --sample: a seeded uniform sample of this many records. */
  sample?: { size: number; seed: number };
  /** --engine athena: where the table is and where results go. */
  athena?: AthenaOptions;
  /** Engines that aggregate where the data lives: records labeled per stratum (--label-sample) and the sample's seed. */
  labelSample?: { perStratum?: number; seed: number };
  /** Worker threads; default: one per core when the input is large, 0 = none. */
  workers?: number;
  onProgress?: (p: ReadProgress) => void;
  /** Every skipped line (invalid, duplicate, file-level break), in input order: `--skipped`. */
  onSkip?: (s: SkipEntry) => void;
  /** Lines longer than this many bytes are skipped unread. */
  maxLineBytes?: number;
  /**
   * --dedupe-keys: de-duplication keys held in memory (the in-process engine; default DEDUPE_KEYS). Beyond
   * them keys are written to disk, and when one repeats there the logs are read a second time.
   */
  dedupeKeys?: number;
  /**
   * Before that second reading (the in-process engine): what is read again and why. Skipped lines the first
   * reading reported are reported again (in input order), so a --skipped file starts over here.
   */
  onReread?: (why: { keptKeys: number; repeatedKeys: number }) => void | Promise<void>;
  /**
   * The DuckDB engine: a sample with more text than this is written out and sorted a range of hashes at a time
   * (default 256 MB, within DuckDB's memory limit; smaller in tests).
   */
  samplePageBytes?: number;
  /**
   * The DuckDB engine: the buffers its line reader reads with, first and when a line is longer
   * (engines/duckdb/lines.ts: LINE_BYTES, LONG_LINE_BYTES; smaller in tests).
   */
  lineBytes?: { first: number; long: number };
  /** Stops reading (Ctrl-C): the scan throws Interrupted. */
  signal?: AbortSignal;
}

/** The traffic aggregated for analyze's report. */
export interface ScanResult {
  acc: Accumulator;
  files: string[];
  formats: Partial<Record<LogFormatName, number>>;
  bytesRead: number;
  sample?: { size: number; of: number; seed: number };
  /** Engines that aggregate where the data lives: the records labeled, when some strata were labeled from a sample (every count and dollar still covers all records). */
  labelSample?: { size: number; of: number; seed: number };
  /** What the engine scanned and what that cost (Athena bills per byte scanned). */
  scan?: ScanCost;
}

/** Bytes an engine scanned where the data lives, and their price (exact money). */
interface ScanCost {
  engine: 'athena';
  queries: number;
  bytesScanned: number;
  cost: Money;
  price: ScanPrice;
}

export interface AthenaOptions {
  /** database.table, as `tokor athena ddl` creates it. */
  table: string;
  workgroup?: string;
  /** s3:// location for result files (the workgroup's when absent). */
  output?: string;
  /** Days, YYYY-MM-DD, inclusive (UTC): partition pruning on the hour partitions. */
  since?: string;
  until?: string;
  region?: string;
  /** An Athena-compatible endpoint (tests, VPC endpoints). */
  endpoint?: string;
  profile?: string;
  /** Waits between status polls; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface TrafficEngine {
  readonly name: EngineName;
  /** Reads and aggregates the traffic (tokor analyze). */
  scan(request: ScanRequest): Promise<ScanResult>;
  /** The traffic as records and skips, in input order (tokor label). */
  read(paths: string[], opts?: ReadTrafficOptions): AsyncIterable<TrafficEvent>;
}

export type { ReadProgress, SkipEntry };
