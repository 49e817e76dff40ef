/**
 * The nouns of tokor. Modules own their detailed types; the ones every layer
 * passes to another live here.
 */

export const DIFFICULTIES = ['easy', 'moderate', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where a record came from, for error messages ("file:line"). */
export interface SourceLocation {
  file: string;
  line: number;
}

/** Token counts of one request. `input` is uncached input only (as Bedrock logs it). */
/** The service tier a request was served on; 'standard' is the default one (OpenAI's and Bedrock's `default`). */
export type ServiceLevel = 'standard' | 'flex' | 'priority';

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /**
   * Of `cacheWrite`, the tokens written with a 1-hour TTL (priced at the 1h
   * rate); the rest are 5-minute writes. Undefined when the log does not split
   * writes by TTL (then `TrafficRecord.cacheWriteTtl` says which, 5m by default).
   */
  cacheWrite1h?: number;
}

/**
 * One logged model call, whatever the log format. Readers fill what the log
 * has; everything optional may be missing in real logs.
 */
export interface TrafficRecord {
  source: SourceLocation;
  requestId?: string;
  /** ISO-8601 when the log's timestamp parsed; otherwise undefined and `problems` says so. */
  timestamp?: string;
  operation?: string;
  /** The model ID exactly as logged (bare ID, profile ID, or ARN). */
  modelId: string;
  /** Where the request ran: `inferenceRegion` when the log has it, else `region`. */
  region?: string;
  /**
   * The Region the request was made from, when it differs from `region`
   * (cross-Region inference). AWS prices a request by its source Region.
   */
  sourceRegion?: string;
  identityArn?: string;
  /** requestMetadata (Bedrock) or metadata/tags (gateways). */
  tags: Record<string, string>;
  tokens: TokenCounts;
  /** Cache write TTL when the log says so; 5m otherwise. */
  cacheWriteTtl?: '5m' | '1h';
  /** Batch inference records are priced at batch rates. */
  batch?: boolean;
  /**
   * The service tier that served the request when it is not the standard one (OpenAI's and Bedrock's `flex` and
   * `priority`): priced at that tier's rates (src/pricing/cost.ts).
   */
  serviceTier?: Exclude<ServiceLevel, 'standard'>;
  /** Failed call: zero cost, counted apart. */
  errorCode?: string;
  /** The user-facing prompt text (last user turn), for labeling. Bodies may be absent. */
  prompt?: string;
  /** System prompt text, if any. */
  system?: string;
  /** Number of messages in the conversation (1 for a single prompt). */
  turns?: number;
  /**
   * The conversation's opening exchange, when the request body has messages: the first non-system message's
   * text and, when the request has one, the reply after it. Requests that extend one another share them (the
   * first request's reply is its outputText), which is how analyze chains a conversation's turns.
   */
  opening?: string;
  openingReply?: string;
  /** The log's own session key (Claude Code `sessionId`, with the subagent's ID for a subagent transcript). */
  sessionId?: string;
  /** Requested max output tokens, if logged. */
  maxTokens?: number;
  /** The answer text, when the log has it. */
  outputText?: string;
  /** Non-fatal problems with this record (e.g. "timestamp unparseable"). */
  problems?: string[];
  /**
   * The gateway's own cost of this request, USD as exact decimal text (LiteLLM SpendLogs `spend`,
   * StandardLoggingPayload `response_cost`): compared with tokor's price, never used as it.
   */
  reportedCostUsd?: string;
}

/** A record the reader could not use, with the reason. */
export interface SkippedRecord {
  source: SourceLocation;
  reason: string;
}

export type TrafficEvent = { kind: 'record'; record: TrafficRecord } | { kind: 'skipped'; skipped: SkippedRecord };

/** A difficulty label with its score in [0,1] (0 = trivially easy, 1 = hardest). */
export interface DifficultyLabel {
  label: Difficulty;
  score: number;
}

/**
 * Where a report's figures come from, carried in every JSON contract as
 * `provenance` so that a report built from saved JSON still knows:
 * `synthetic` when any figure rests on bundled sample data (the synthetic
 * Bedrock logs in fixtures/sample, the golden datasets' recorded responses);
 * `what` then names it.
 */
export interface Provenance {
  synthetic: boolean;
  what?: string;
}

/** How the bundled sample data is named next to a figure. */
export const SAMPLE_LOGS_WHAT = 'the bundled synthetic Bedrock invocation logs (fixtures/sample), written by tokor';
export const SAMPLE_RECORDINGS_WHAT = "the bundled golden datasets' synthetic recorded responses";

/**
 * The tag every record of tokor's synthetic logs carries (requestMetadata.sample, as the bundled sample and
 * `scripts/gen-bedrock-logs.mjs` write it): such records are sample data wherever they are read from (stdin,
 * a copy of the sample, a generated log), not only inside fixtures/sample.
 */
export const SAMPLE_TAG = { key: 'sample', value: 'tokor-synthetic' } as const;
export const SAMPLE_RECORDS_WHAT = `tokor's synthetic logs (every record tagged requestMetadata.${SAMPLE_TAG.key} = "${SAMPLE_TAG.value}")`;
/** When only some records carry the tag. */
export const SOME_SAMPLE_RECORDS_WHAT = `tokor's synthetic logs among others (some records tagged requestMetadata.${SAMPLE_TAG.key} = "${SAMPLE_TAG.value}")`;

/** A record of tokor's synthetic logs (its tags carry SAMPLE_TAG). */
export function isSampleRecord(r: Pick<TrafficRecord, 'tags'>): boolean {
  return r.tags[SAMPLE_TAG.key] === SAMPLE_TAG.value;
}

/** Valid records read with and without SAMPLE_TAG (an engine that labels a sample counts the records it parsed). */
export interface SampleMarks {
  marked: number;
  unmarked: number;
}

/** Counts one record's mark. */
export function countSampleMark(marks: SampleMarks, r: Pick<TrafficRecord, 'tags'>): void {
  if (isSampleRecord(r)) marks.marked++;
  else marks.unmarked++;
}

/** The marks of records read one by one. */
export function sampleMarksOf(records: Iterable<Pick<TrafficRecord, 'tags'>>): SampleMarks {
  const marks = { marked: 0, unmarked: 0 };
  for (const r of records) countSampleMark(marks, r);
  return marks;
}

/**
 * The ids of the bundled golden datasets. Their recordings are synthetic sample
 * data: a results line replayed from them (`source: "replay"`) is sample data,
 * not a measurement of a model (a test checks this list against the folder).
 */
export const BUNDLED_DATASET_IDS: readonly string[] = ['doc-extraction', 'multistep-reasoning', 'support-triage'];

/** Whether a results line is graded from bundled sample recordings: it says so (sampleData), or it replays a bundled dataset. */
export function isSampleResult(o: { datasetId?: unknown; source?: unknown; sampleData?: unknown }): boolean {
  return o.sampleData === true || (o.source === 'replay' && typeof o.datasetId === 'string' && BUNDLED_DATASET_IDS.includes(o.datasetId));
}

/** The built-in difficulty scorers `tokor analyze --labeler` names (docs/labeling.md has each one's measured AUC). */
export const LABELER_NAMES = ['heuristic', 'routellm'] as const;
export type LabelerName = (typeof LABELER_NAMES)[number];
