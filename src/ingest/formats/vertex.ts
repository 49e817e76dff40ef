/**
 * Vertex AI request-response logging: rows of its BigQuery table
 * (`logging_<endpoint>.request_response_logging`) exported as JSON lines
 * (`bq extract --destination_format NEWLINE_DELIMITED_JSON`, or a query's JSON
 * download): `model`, `logging_time`, `request_id`, `full_request`,
 * `full_response` (JSON, or JSON text) with
 * `usageMetadata.{promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount}`.
 *
 * Token accounting: `promptTokenCount` includes the cached-content tokens, so
 * uncached input = promptTokenCount − cachedContentTokenCount, and cached
 * content is priced at the cache rate. Thinking tokens are billed as output:
 * output = candidatesTokenCount + thoughtsTokenCount. Request labels
 * (`full_request.labels`) become tags.
 *
 * Claude on Vertex (model `claude-…@…` or `publishers/anthropic/models/claude-…`, called
 * through rawPredict/streamRawPredict): the logged response is an Anthropic Messages body,
 * whose `usage.input_tokens` is uncached input with cache reads and writes apart
 * (`cache_creation.ephemeral_{5m,1h}_input_tokens` split the writes by TTL). Such a model
 * keys as `vertex/claude-…`: billed by Google, priced by the Vertex catalog's Claude rows. The
 * row's `endpoint` (`projects/…/locations/<location>/publishers/…`) gives the record's region:
 * from Claude Sonnet 4.5 on, a regional endpoint costs 10% more than the global one (and
 * Vertex logs Anthropic models' requests only at regional endpoints).
 */
import type { SourceLocation, TrafficRecord } from '../../types.js';
import { RecordError, contentText, copyTags, isObject, lastUserText, newTags, normalizeTimestamp, str, tokenCount, type JsonObject } from '../fields.js';
import { anthropicUsage } from '../parseOpenAIRecord.js';
import type { LogFormat } from './types.js';

function json(v: unknown): JsonObject | undefined {
  if (isObject(v)) return v;
  if (typeof v === 'string' && v.trim().startsWith('{')) {
    try {
      const o: unknown = JSON.parse(v);
      return isObject(o) ? o : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isRow(obj: JsonObject): boolean {
  return 'full_response' in obj || ('logging_time' in obj && ('model' in obj || 'full_request' in obj));
}

function parseVertexRow(row: JsonObject, loc: SourceLocation): TrafficRecord {
  if (!isRow(row)) throw new RecordError('not a Vertex AI request-response log row (no full_response)');
  const response = json(row.full_response);
  const request = json(row.full_request);
  const usage = response === undefined ? undefined : json(response.usageMetadata ?? response.usage_metadata);
  const model = str(row.model) ?? str(response?.modelVersion) ?? str(response?.model);
  if (model === undefined) throw new RecordError('model missing (not a Vertex AI request-response log row?)');
  const anthropicUsage = usage === undefined && response !== undefined ? json(response.usage) : undefined;
  if (anthropicUsage !== undefined) return claudeRow(row, response!, request, anthropicUsage, model, loc);
  const prompt = tokenCount(usage?.promptTokenCount, 'full_response.usageMetadata.promptTokenCount') ?? 0;
  const cached = tokenCount(usage?.cachedContentTokenCount, 'full_response.usageMetadata.cachedContentTokenCount') ?? 0;
  const candidates = tokenCount(usage?.candidatesTokenCount, 'full_response.usageMetadata.candidatesTokenCount') ?? 0;
  const thoughts = tokenCount(usage?.thoughtsTokenCount, 'full_response.usageMetadata.thoughtsTokenCount') ?? 0;
  const record: TrafficRecord = {
    source: loc,
    modelId: vertexModelId(model),
    tags: newTags(),
    tokens: { input: Math.max(0, prompt - cached), output: candidates + thoughts, cacheRead: cached, cacheWrite: 0 },
  };
  if (cached > prompt) record.problems = ['cached tokens exceed prompt tokens'];
  const id = str(row.request_id) ?? str(response?.responseId);
  if (id !== undefined) record.requestId = id;
  const op = str(row.api_method);
  if (op !== undefined) record.operation = op;
  const ts = normalizeTimestamp(row.logging_time);
  if (ts !== undefined) record.timestamp = ts;
  else (record.problems ??= []).push(row.logging_time === undefined ? 'timestamp missing' : 'timestamp unparseable');
  if (usage === undefined) (record.problems ??= []).push('token counts missing');
  copyTags(record.tags, request?.labels);
  endpointOf(row, record);
  const contents = request?.contents;
  if (Array.isArray(contents)) {
    record.turns = contents.length;
    const turns = contents.map((c) => (isObject(c) ? { role: c.role, content: c.parts } : c));
    const p = lastUserText(turns);
    if (p !== undefined) record.prompt = p;
  }
  const cands = response?.candidates;
  if (Array.isArray(cands) && isObject(cands[0]) && isObject(cands[0].content)) {
    const t = contentText(cands[0].content.parts);
    if (t !== undefined) record.outputText = t;
  }
  return record;
}

/**
 * The row's endpoint as a tag, and its location (`projects/…/locations/us-east5/…`) as the record's region: Claude
 * from Sonnet 4.5 on costs more at a regional endpoint than at the global one.
 */
function endpointOf(row: JsonObject, record: TrafficRecord): void {
  const endpoint = str(row.endpoint);
  if (endpoint === undefined) return;
  record.tags.endpoint = endpoint;
  const location = /(?:^|\/)locations\/([^/]+)(?:\/|$)/.exec(endpoint)?.[1];
  if (location) record.region = location.toLowerCase();
}

/** A Vertex model ID as tokor keys it: bare names get the vertex/ prefix (Claude's `claude-…@…` included). */
function vertexModelId(model: string): string {
  return model.includes('/') ? model : `vertex/${model}`;
}

/** A row of Claude on Vertex: an Anthropic Messages response (usage.input_tokens excludes cache reads and writes). */
function claudeRow(row: JsonObject, response: JsonObject, request: JsonObject | undefined, usage: JsonObject, model: string, loc: SourceLocation): TrafficRecord {
  const record: TrafficRecord = {
    source: loc,
    modelId: vertexModelId(model),
    tags: newTags(),
    ...anthropicUsage(usage, 'full_response.usage'),
  };
  const id = str(row.request_id) ?? str(response.id);
  if (id !== undefined) record.requestId = id;
  const op = str(row.api_method);
  if (op !== undefined) record.operation = op;
  const ts = normalizeTimestamp(row.logging_time);
  if (ts !== undefined) record.timestamp = ts;
  else record.problems = [row.logging_time === undefined ? 'timestamp missing' : 'timestamp unparseable'];
  copyTags(record.tags, request?.labels);
  endpointOf(row, record);
  const messages = request?.messages;
  if (Array.isArray(messages)) {
    record.turns = messages.length;
    const p = lastUserText(messages);
    if (p !== undefined) record.prompt = p;
  }
  const t = contentText(response.content);
  if (t !== undefined) record.outputText = t;
  return record;
}

export const vertex: LogFormat = {
  title: 'Vertex AI request-response logging (BigQuery rows as JSON lines)',
  inputTokens: 'includes-cache',
  inputField: 'full_response.usageMetadata.promptTokenCount (includes cachedContentTokenCount)',
  detect: (obj) => (isRow(obj) ? 3 : 0),
  parse: parseVertexRow,
};
