/**
 * What a log format is to tokor: how one parsed JSON value of it is
 * recognised (the per-file vote), how it becomes tokor's records, and what
 * its own input-token count means.
 */
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../../types.js';
import type { JsonObject } from '../fields.js';

/**
 * What a format's input-token count covers. tokor's records carry uncached
 * input apart from cache reads and writes; a format whose count includes them
 * ('includes-cache') has them taken out by its reader.
 */
type InputTokenSemantics = 'excludes-cache' | 'includes-cache' | 'no-cache-fields';

/**
 * Lines of a multi-line JSON document: the line where the i-th element of the
 * top-level array under `key` starts ('' for a top-level array). Line-per-record
 * logs have none; records then take the line of their JSON value.
 */
export type ElementLines = (key: string, index: number) => number | undefined;

/** Receives each event of a line or document, in order. */
export type EmitEvent = (ev: TrafficEvent) => void;

/** One JSON value → records: one record, or events (a wrapper such as a CloudWatch export holds many). */
export type ParseResult = TrafficRecord | TrafficEvent[];

export interface LogFormat {
  /** What users call it, for messages and --help ("Amazon Bedrock model-invocation logs"). */
  title: string;
  /** How the format counts input tokens (docs/inputs.md has the table). */
  inputTokens: InputTokenSemantics;
  /** The field(s) that count input in this format, for the docs table and messages. */
  inputField: string;
  /**
   * How strongly one parsed JSON object looks like this format: 0 not at all,
   * 1 a generic hint, 2 its own keys, 3 unmistakable. The per-file vote takes
   * the highest; a tie goes to the earlier name in LOG_FORMAT_NAMES.
   */
  detect(obj: JsonObject): number;
  /** One JSON object → its records. Throws RecordError for an object it cannot use. */
  parse(obj: JsonObject, loc: SourceLocation, lines?: ElementLines): ParseResult;
  /**
   * For CSV exports of this format: whether a header (lower-cased column names)
   * is one; its rows are then turned into objects (column → cell) and parsed.
   */
  csvHeader?(columns: readonly string[]): boolean;
  /**
   * Formats whose records span lines (streamed snapshots of one response
   * written one after another) are read whole: the file's text → its events.
   * A file detected as such a format is read whole, not line by line.
   */
  readWhole?(text: string, file: string, emit: EmitEvent): void;
}
