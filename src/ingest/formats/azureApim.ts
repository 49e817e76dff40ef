/**
 * Azure API Management LLM logs: rows of the `ApiManagementGatewayLlmLog`
 * Log Analytics table, exported as CSV (portal "Export to CSV": headers such
 * as `TimeGenerated [UTC]`) or JSON (`az monitor log-analytics query` output,
 * JSON lines): `TimeGenerated`, `RequestId`, `CorrelationId`, `ModelName`,
 * `DeploymentName`, `PromptTokens`, `CompletionTokens`, `TotalTokens`,
 * `OperationName`, `Region`, `SequenceNumber`.
 *
 * Token accounting: `PromptTokens` is the model's prompt count, which for
 * Azure OpenAI includes cached tokens; the table has no cached count, so all
 * prompt tokens are priced at the input rate (an upper bound when prompts hit
 * the cache). Large requests are split over several rows with sequence
 * numbers; only the first row (SequenceNumber 0 or absent) is the request.
 * Grouping keys (tags): deployment, operation, api_version.
 */
import type { SourceLocation, TrafficRecord } from '../../types.js';
import { RecordError, newTags, normalizeTimestamp, str, tokenCount, type JsonObject } from '../fields.js';
import type { LogFormat, ParseResult } from './types.js';

/** Column names without a Log Analytics type suffix ("TimeGenerated [UTC]" → "timegenerated"), lower-cased. */
function columns(obj: JsonObject): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const k of Object.keys(obj)) m.set(k.replace(/\s*\[[^\]]*\]\s*$/, '').trim().toLowerCase(), obj[k]);
  return m;
}

function isRow(c: Map<string, unknown>): boolean {
  return c.has('modelname') && (c.has('prompttokens') || c.has('completiontokens'));
}

function parseApimRow(obj: JsonObject, loc: SourceLocation): ParseResult {
  const c = columns(obj);
  if (!isRow(c)) throw new RecordError('not an ApiManagementGatewayLlmLog row (no ModelName and PromptTokens)');
  const seq = tokenCount(c.get('sequencenumber'), 'SequenceNumber');
  if (seq !== undefined && seq > 0) return []; // a continuation row of a large request's messages
  const model = str(c.get('modelname')) ?? str(c.get('deploymentname'));
  if (model === undefined) throw new RecordError('ModelName is empty');
  const record: TrafficRecord = {
    source: loc,
    modelId: model.includes('/') ? model : `azure-openai/${model}`,
    tags: newTags(),
    tokens: {
      input: tokenCount(c.get('prompttokens'), 'PromptTokens') ?? 0,
      output: tokenCount(c.get('completiontokens'), 'CompletionTokens') ?? 0,
      cacheRead: 0,
      cacheWrite: 0,
    },
  };
  const id = str(c.get('requestid')) ?? str(c.get('correlationid'));
  if (id !== undefined) record.requestId = id;
  const ts = normalizeTimestamp(c.get('timegenerated'));
  if (ts !== undefined) record.timestamp = ts;
  else record.problems = [c.get('timegenerated') === undefined ? 'timestamp missing' : 'timestamp unparseable'];
  const region = str(c.get('region'));
  if (region !== undefined) record.region = region;
  for (const [col, tag] of [['deploymentname', 'deployment'], ['operationname', 'operation'], ['apiversion', 'api_version']] as const) {
    const v = str(c.get(col));
    if (v !== undefined) record.tags[tag] = v;
  }
  const op = str(c.get('operationname'));
  if (op !== undefined) record.operation = op;
  return record;
}

export const azureApim: LogFormat = {
  title: 'Azure API Management LLM logs (ApiManagementGatewayLlmLog rows, CSV or JSON)',
  inputTokens: 'includes-cache',
  inputField: 'PromptTokens (includes cached tokens; no cached count in the table)',
  detect: (obj) => (isRow(columns(obj)) ? 3 : 0),
  parse: parseApimRow,
  csvHeader: (cols) => {
    const bare = cols.map((k) => k.replace(/\s*\[[^\]]*\]\s*$/, '').trim());
    return bare.includes('modelname') && bare.includes('prompttokens');
  },
};
