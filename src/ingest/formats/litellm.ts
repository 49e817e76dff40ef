/**
 * LiteLLM proxy SpendLogs rows (the `LiteLLM_SpendLogs` table: UI/CSV export,
 * `/spend/logs` JSON array, JSON lines): `request_id`, `call_type`, `spend`,
 * `prompt_tokens`, `completion_tokens`, `startTime`, `model`,
 * `custom_llm_provider`, `user`, `team_id`, `end_user`, `request_tags`, and
 * `metadata` (JSON; in CSV a JSON string) with `usage_object` /
 * `additional_usage_values` holding the cache split.
 *
 * Token accounting: LiteLLM's `prompt_tokens` includes cache reads and cache
 * writes (OpenAI's convention, which LiteLLM applies to Anthropic too), so
 * uncached input = prompt_tokens − cache reads − cache writes, with the cache
 * counts from `metadata.usage_object` (cache_read_input_tokens,
 * cache_creation_input_tokens, prompt_tokens_details.cached_tokens).
 * Grouping keys (tags): team (alias, else team_id), user, end_user, key, and
 * each request tag.
 */
import type { SourceLocation, TrafficRecord } from '../../types.js';
import { RecordError, isObject, str, type JsonObject } from '../fields.js';
import { decimalText, parseOpenAIRecord } from '../parseOpenAIRecord.js';
import type { LogFormat } from './types.js';

/** Columns that a CSV export holds as JSON text. */
const JSON_COLUMNS = ['metadata', 'request_tags', 'messages', 'response', 'proxy_server_request'] as const;

function parsedJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (t === '' || (t[0] !== '{' && t[0] !== '[')) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

function isSpendLogsRow(obj: JsonObject): boolean {
  return typeof obj.request_id === 'string' && Object.hasOwn(obj, 'spend') && (Object.hasOwn(obj, 'call_type') || Object.hasOwn(obj, 'startTime') || Object.hasOwn(obj, 'prompt_tokens'));
}

/** One SpendLogs row (JSON, or a CSV row with JSON text in its JSON columns) → its record. */
function parseSpendLogsRow(row: JsonObject, loc: SourceLocation): TrafficRecord {
  if (!isSpendLogsRow(row)) throw new RecordError('not a LiteLLM SpendLogs row (request_id and spend missing)');
  const obj: JsonObject = { ...row };
  for (const k of JSON_COLUMNS) if (k in obj) obj[k] = parsedJson(obj[k]);
  const metadata = isObject(obj.metadata) ? obj.metadata : undefined;
  // The cache split lives in metadata; the response (often empty in SpendLogs) does not carry it.
  const usage = isObject(metadata?.usage_object) ? metadata.usage_object : isObject(metadata?.additional_usage_values) ? metadata.additional_usage_values : undefined;
  if (usage !== undefined) obj.usage = usage;
  if (!isObject(obj.response)) delete obj.response;
  if (typeof obj.request_tags === 'string' && obj.request_tags !== '') obj.request_tags = obj.request_tags.split(',').map((t) => t.trim());
  const record = parseOpenAIRecord(obj, loc);
  const tags = record.tags;
  const team = str(obj.team_id);
  if (team !== undefined) tags.team ??= team;
  const user = str(obj.user);
  if (user !== undefined) tags.user = user;
  const endUser = str(obj.end_user);
  if (endUser !== undefined) tags.end_user = endUser;
  const spend = decimalText(obj.spend);
  if (spend !== undefined) record.reportedCostUsd = spend;
  return record;
}

export const litellm: LogFormat = {
  title: 'LiteLLM proxy SpendLogs (CSV, JSON array or JSON lines)',
  inputTokens: 'includes-cache',
  inputField: 'prompt_tokens (includes cache reads and writes)',
  detect: (obj) => (isSpendLogsRow(obj) ? 3 : 0),
  parse: parseSpendLogsRow,
  csvHeader: (columns) => columns.includes('request_id') && columns.includes('spend') && columns.includes('prompt_tokens') && columns.includes('model'),
};
