/**
 * Traffic log parsers behind the log-format registry (formats/): Bedrock,
 * CloudWatch, gateways, Claude Code, OpenTelemetry, Vertex, Azure, CSV →
 * TrafficEvents (records or counted skips). Pure: reading
 * files, folders and stdin is the engines' job (src/engines/).
 */
export {
  type InputSource,
  type InputLine,
  
  
  type RepeatedInput,
  readLinesFrom,
  
  describeReadFailure,
  overlongReason,
  isLogFileName,
  
  
  InputReadError,
} from './inputs.js';
export { LineChunker, MAX_LINE_BYTES, pendingRoom, type LineBlock } from './lineChunker.js';
export { gunzipMembers, GzipError, startsGzip } from './gunzip.js';
export { detectFormat, guessFormat, FormatSample, checkLogFormat, describeMixed, readsWhole, FORMAT_SAMPLE_RECORDS, type FormatGuess, type FormatVotes } from './detectFormat.js';
export { RecordError,  normalizeTimestamp, newTags } from './fields.js';
export { parseBedrockRecord } from './parseBedrockRecord.js';
export { tokorLine } from './tokorLines.js';
export { parseOpenAIRecord } from './parseOpenAIRecord.js';
export {
  parseJsonLine,
  readJsonLine,
  readJsonDocument,
  
  MAX_DOCUMENT_BYTES,
  documentTooLarge,
  countTextLines,
  
  jsonKind,
  JSON_FORMATS,
  type JsonLineFormat,
  type JsonReadFormat,
  
} from './parseJsonLine.js';
export { LOG_FORMATS, LOG_FORMAT_NAMES,   } from './formats/index.js';
export { parseCsvMap, resolveCsvColumns, csvRowToRecord, readCsvEvents, MAX_RECORD_LINES, type CsvColumnMap,     } from './csv.js';
