/**
 * Traffic log parsers: Bedrock model-invocation logs, OpenAI-style gateway
 * JSONL and CSV → TrafficEvents (records or counted skips). Pure: reading
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
export { detectFormat, guessFormat, checkLogFormat, FORMAT_SAMPLE_RECORDS, type FormatGuess } from './detectFormat.js';
export { RecordError, TEXT_CAP, normalizeTimestamp, newTags } from './fields.js';
export { parseBedrockRecord } from './parseBedrockRecord.js';
export { parseOpenAIRecord } from './parseOpenAIRecord.js';
export { parseJsonLine, jsonStart, jsonKind, JSON_RECORD_PARSERS, type JsonLineFormat } from './parseJsonLine.js';
export { parseCsvMap, resolveCsvColumns, csvRowToRecord, readCsvEvents, MAX_RECORD_LINES, type CsvColumnMap, type CsvField, CSV_FIELDS, DEFAULT_COLUMNS, DEFAULT_TAG_COLUMNS } from './csv.js';
