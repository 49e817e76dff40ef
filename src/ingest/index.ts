/**
 * Traffic log readers: Bedrock model-invocation logs, OpenAI-style gateway
 * JSONL and CSV → a stream of TrafficEvents (records or counted skips).
 */
export { type InputSource, listInputs, openInput, readLines, readLinesFrom, decompressStream, isLogFileName, LOG_EXTENSIONS, STDIN_DISPLAY, InputReadError } from './inputs.js';
export { detectFormat, checkLogFormat } from './detectFormat.js';
export { RecordError, TEXT_CAP, normalizeTimestamp } from './fields.js';
export { parseBedrockRecord } from './parseBedrockRecord.js';
export { parseOpenAIRecord } from './parseOpenAIRecord.js';
export { parseJsonLine, jsonStart, JSON_RECORD_PARSERS, type JsonLineFormat } from './parseJsonLine.js';
export { parseCsvMap, resolveCsvColumns, csvRowToRecord, readCsvEvents, type CsvColumnMap, type CsvField, CSV_FIELDS, DEFAULT_COLUMNS, DEFAULT_TAG_COLUMNS } from './csv.js';
export { readTraffic, FORMAT_READERS, type ReadTrafficOptions } from './readTraffic.js';
