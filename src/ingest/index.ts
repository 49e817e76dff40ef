/**
 * Traffic log parsers behind the log-format registry (formats/): Bedrock,
 * CloudWatch, gateways, Claude Code, OpenTelemetry, Vertex, Azure, CSV →
 * TrafficEvents (records or counted skips). Pure: reading
 * files, folders and stdin is the engines' job (src/engines/).
 */
export {
  type InputSource,
  type InputLine,
  type InputReadKind,
  type OpenInputHooks,
  type RepeatedInput,
  readLinesFrom,
  decompressBytes,
  describeReadFailure,
  overlongReason,
  isLogFileName,
  LOG_EXTENSIONS,
  STDIN_DISPLAY,
  InputReadError,
} from './inputs.js';
export { LineChunker, MAX_LINE_BYTES, countNewlines, type LineBlock } from './lineChunker.js';
export { gunzipMembers, GzipError, type GzipFailure } from './gunzip.js';
export { detectFormat, guessFormat, checkLogFormat, describeMixed, readsWhole, FORMAT_SAMPLE_RECORDS, type FormatGuess, type FormatVotes } from './detectFormat.js';
export { RecordError, TEXT_CAP, normalizeTimestamp, newTags } from './fields.js';
export { parseBedrockRecord } from './parseBedrockRecord.js';
export { parseOpenAIRecord } from './parseOpenAIRecord.js';
export {
  parseJsonLine,
  readJsonLine,
  readJsonDocument,
  readJsonValue,
  MAX_DOCUMENT_BYTES,
  documentTooLarge,
  countTextLines,
  jsonStart,
  jsonKind,
  JSON_FORMATS,
  type JsonLineFormat,
  type JsonReadFormat,
  type EmitEvent,
} from './parseJsonLine.js';
export { LOG_FORMATS, LOG_FORMAT_NAMES, type LogFormat as LogFormatSpec, type LogFormatName } from './formats/index.js';
export { parseCsvMap, resolveCsvColumns, csvRowToRecord, readCsvEvents, MAX_RECORD_LINES, type CsvColumnMap, type CsvField, CSV_FIELDS, DEFAULT_COLUMNS, DEFAULT_TAG_COLUMNS } from './csv.js';
