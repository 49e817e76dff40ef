/**
 * OpenAI-style JSONL written by gateways, one object per line, in three shapes:
 *
 *  1. LiteLLM's StandardLoggingPayload: `model`, `messages`, `response`,
 *     top-level `prompt_tokens`/`completion_tokens`, `startTime` (epoch seconds),
 *     `metadata` (user_api_key_* plus requester_metadata / spend_logs_metadata),
 *     `request_tags`, `status`/`error_information`, `custom_llm_provider`.
 *  2. A gateway line with a `request` (model, messages, max_tokens) and a
 *     `response` (choices, usage) — Azure AI Foundry and generic proxies.
 *  3. A plain chat-completion response object (`object: "chat.completion"`,
 *     `choices`, `usage`), optionally with the `request` beside it.
 *
 * Token accounting follows OpenAI's convention: `prompt_tokens` includes cached
 * tokens, so input = prompt_tokens − cached_tokens. LiteLLM also adds Anthropic's
 * `cache_creation_input_tokens` into prompt_tokens, so those are subtracted too
 * when prompt_tokens is large enough to contain them (a gateway that does not
 * fold them in is detected by the subtraction going negative). A usage object
 * with Anthropic's own `input_tokens` (no `input_tokens_details`) is uncached
 * input; OpenAI Responses-style `input_tokens` + `input_tokens_details` includes
 * cached tokens like prompt_tokens.
 */
import type { SourceLocation, TrafficRecord } from '../types.js';
import {
  RecordError,
  contentText,
  copyTags,
  isObject,
  readMessages,
  normalizeTimestamp,
  positiveInt,
  str,
  systemText,
  newTags,
  tokenCount,
  type JsonObject,
} from './fields.js';
import { cacheCreationSplit, type TtlSplit } from './parseBedrockRecord.js';
import { fastModelId, parseModelId } from '../pricing/modelId.js';

/**
 * Puts a TTL split of cache writes on a record: all 1-hour → cacheWriteTtl '1h';
 * mixed → tokens.cacheWrite1h (each part is priced at its own rate).
 */
function applyTtlSplit(record: Pick<TrafficRecord, 'tokens' | 'cacheWriteTtl'>, split: TtlSplit | undefined): void {
  if (split === undefined || split.h1 === 0) return;
  const w = record.tokens.cacheWrite;
  if (w === 0) return;
  if (split.h1 >= w) record.cacheWriteTtl = '1h';
  else record.tokens.cacheWrite1h = split.h1;
}

/**
 * An Anthropic Messages `usage` (Claude Code transcripts, Claude on Vertex): `input_tokens` excludes cache
 * reads and writes; cache writes split by TTL from `cache_creation` (which also gives the total when
 * `cache_creation_input_tokens` is absent). `where` names the object in messages; `model`, the logged model ID,
 * tells whether `usage.inference_geo` and `usage.speed` are the Claude API's (see inferenceGeo, fastModelId):
 * a fast-mode request comes back under its fast model ID.
 */
export function anthropicUsage(usage: JsonObject, where: string, model?: string): Pick<TrafficRecord, 'tokens' | 'cacheWriteTtl' | 'region'> & { modelId?: string } {
  const out: Pick<TrafficRecord, 'tokens' | 'cacheWriteTtl' | 'region'> & { modelId?: string } = {
    tokens: {
      input: tokenCount(usage.input_tokens, `${where}.input_tokens`) ?? 0,
      output: tokenCount(usage.output_tokens, `${where}.output_tokens`) ?? 0,
      cacheRead: tokenCount(usage.cache_read_input_tokens, `${where}.cache_read_input_tokens`) ?? 0,
      cacheWrite: tokenCount(usage.cache_creation_input_tokens, `${where}.cache_creation_input_tokens`) ?? 0,
    },
  };
  const split = cacheCreationSplit(usage.cache_creation, `${where}.cache_creation`);
  if (split !== undefined && out.tokens.cacheWrite === 0) out.tokens.cacheWrite = split.h1 + split.m5;
  applyTtlSplit(out, split);
  const geo = inferenceGeo(model, usage);
  if (geo !== undefined) out.region = geo;
  if (model !== undefined && isFast(model, usage)) out.modelId = fastModelId(model);
  return out;
}

/**
 * Whether the Claude API served a request in fast mode (`usage.speed: "fast"`): a premium on every token, priced
 * as the model's fast variant. Only for the Claude API's own model IDs (fast mode runs on Anthropic's API).
 */
function isFast(model: string, usage: JsonObject | undefined): boolean {
  return usage?.speed === 'fast' && parseModelId(model).provider === 'anthropic' && fastModelId(model) !== model;
}

/**
 * Where the Claude API ran a request (`usage.inference_geo`, Opus 4.6 and later): US-only inference costs 1.1×
 * (the Anthropic catalog's 'us' rows). Only for the Claude API's own model IDs: on Bedrock and Vertex the
 * endpoint or profile decides, and the field says nothing.
 */
function inferenceGeo(model: string | undefined, usage: JsonObject | undefined): 'us' | 'global' | undefined {
  const geo = usage?.inference_geo;
  if (geo !== 'us' && geo !== 'global') return undefined;
  return model !== undefined && parseModelId(model).provider === 'anthropic' ? geo : undefined;
}

export function parseOpenAIRecord(obj: unknown, loc: SourceLocation): TrafficRecord {
  if (!isObject(obj)) throw new RecordError('not a JSON object');
  const request = isObject(obj.request) ? obj.request : isObject(obj.request_body) ? obj.request_body : undefined;
  const response = isObject(obj.response) ? obj.response : isObject(obj.response_body) ? obj.response_body : undefined;
  const metadata = isObject(obj.metadata) ? obj.metadata : undefined;

  let model = str(obj.model) ?? str(request?.model) ?? str(response?.model) ?? str(obj.model_group);
  if (model === undefined) throw new RecordError('model missing (not an OpenAI-style log line?)');
  // "gpt-4o" alone is ambiguous between OpenAI and Azure prices: keep the gateway's provider.
  const provider = str(obj.custom_llm_provider) ?? str(obj.provider) ?? (isObject(obj.hidden_params) ? str(obj.hidden_params.custom_llm_provider) : undefined);
  if (provider !== undefined && !model.includes('/')) model = `${provider}/${model}`;

  const usage = isObject(obj.usage)
    ? obj.usage
    : isObject(response?.usage)
      ? response.usage
      : isObject(metadata?.usage_object)
        ? metadata.usage_object
        : undefined;

  const record: TrafficRecord = { source: loc, modelId: model, tags: newTags(), tokens: readTokens(obj, usage) };
  let problems: string[] | undefined;
  if (record.tokens.input < 0) {
    record.tokens.input = 0;
    (problems ??= []).push('cached tokens exceed prompt tokens');
  }
  if (usage !== undefined) applyTtlSplit(record, cacheCreationSplit(usage.cache_creation, 'usage.cache_creation'));

  const requestId = str(obj.id) ?? str(obj.request_id) ?? str(obj.requestId) ?? str(response?.id);
  if (requestId !== undefined) record.requestId = requestId;
  const callType = str(obj.call_type);
  if (callType !== undefined) record.operation = callType;
  else if (str(obj.object) !== undefined) record.operation = obj.object as string;

  const rawTs = obj.startTime ?? obj.timestamp ?? obj.start_time ?? obj.created_at ?? obj.created ?? response?.created;
  if (rawTs === undefined || rawTs === null || rawTs === '') {
    (problems ??= []).push('timestamp missing');
  } else {
    const ts = normalizeTimestamp(rawTs);
    if (ts === undefined) (problems ??= []).push('timestamp unparseable');
    else record.timestamp = ts;
  }

  // LiteLLM's StandardLoggingPayload: the gateway's own cost figure (compared with tokor's, docs/analyze.md).
  const reported = decimalText(obj.response_cost);
  if (reported !== undefined) record.reportedCostUsd = reported;

  const region = str(obj.region) ?? str(metadata?.region) ?? inferenceGeo(model, usage);
  if (region !== undefined) record.region = region;
  if (isFast(model, usage)) record.modelId = fastModelId(model);

  readTags(obj, request, metadata, record.tags);
  const who =
    str(metadata?.user_api_key_alias) ?? str(metadata?.user_api_key_user_id) ?? str(obj.end_user) ?? str(obj.user) ?? str(request?.user);
  if (who !== undefined) record.identityArn = who;

  const errorCode = readError(obj);
  if (errorCode !== undefined) record.errorCode = errorCode;
  if (obj.batch === true || callType?.toLowerCase().includes('batch')) record.batch = true;
  // The tier that served the request, as the response says: an Anthropic usage's 'batch' tier is a Message Batches
  // result; flex and priority (OpenAI, Anthropic's Priority Tier) are priced at the catalog's rates for that tier.
  const tier = str(response?.service_tier) ?? str(obj.service_tier) ?? str(usage?.service_tier);
  if (tier === 'batch') record.batch = true;
  else if ((tier === 'flex' || tier === 'priority') && record.batch !== true) record.serviceTier = tier;
  // OpenAI calls priority processing Fast mode since 2026-07-30.
  else if (tier === 'fast' && record.batch !== true) record.serviceTier = 'priority';

  const messages = obj.messages ?? request?.messages;
  if (Array.isArray(messages)) {
    readMessages(messages, record);
    // OpenAI puts the system prompt in messages; Anthropic-style requests beside them.
    const system = leadingSystemText(messages) ?? systemText(request?.system ?? obj.system);
    if (system !== undefined) record.system = system;
  } else if (typeof messages === 'string' && messages !== '') {
    record.turns = 1;
    record.prompt = contentText(messages)!;
  } else if (typeof (obj.prompt ?? request?.prompt) === 'string') {
    record.turns = 1;
    const p = contentText(obj.prompt ?? request?.prompt);
    if (p !== undefined) record.prompt = p;
  }

  const params = isObject(obj.model_parameters) ? obj.model_parameters : undefined;
  const maxTokens =
    positiveInt(request?.max_tokens) ??
    positiveInt(request?.max_completion_tokens) ??
    positiveInt(params?.max_tokens) ??
    positiveInt(params?.max_completion_tokens) ??
    positiveInt(obj.max_tokens);
  if (maxTokens !== undefined) record.maxTokens = maxTokens;

  const text = answerText(response ?? (Array.isArray(obj.choices) ? obj : undefined), obj.response);
  if (text !== undefined) record.outputText = text;

  if (usage === undefined && obj.prompt_tokens === undefined && obj.completion_tokens === undefined && errorCode === undefined) {
    (problems ??= []).push('token counts missing');
  }
  if (problems !== undefined) record.problems = problems;
  return record;
}

function readTokens(obj: JsonObject, usage: JsonObject | undefined): TrafficRecord['tokens'] {
  const details = usage !== undefined && isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : undefined;
  const cached =
    tokenCount(details?.cached_tokens, 'usage.prompt_tokens_details.cached_tokens') ??
    tokenCount(usage?.cache_read_input_tokens, 'usage.cache_read_input_tokens');
  const cacheWrite =
    tokenCount(usage?.cache_creation_input_tokens, 'usage.cache_creation_input_tokens') ??
    tokenCount(details?.cache_creation_tokens, 'usage.prompt_tokens_details.cache_creation_tokens') ??
    0;
  const completion =
    tokenCount(obj.completion_tokens, 'completion_tokens') ??
    tokenCount(usage?.completion_tokens, 'usage.completion_tokens') ??
    tokenCount(usage?.output_tokens, 'usage.output_tokens') ??
    0;

  const prompt = tokenCount(obj.prompt_tokens, 'prompt_tokens') ?? tokenCount(usage?.prompt_tokens, 'usage.prompt_tokens');
  if (prompt !== undefined) {
    const cacheRead = cached ?? 0;
    let input = prompt - cacheRead - cacheWrite;
    if (input < 0) input = prompt - cacheRead; // this gateway did not fold cache writes into prompt_tokens
    return { input, output: completion, cacheRead, cacheWrite };
  }
  const inputTokens = tokenCount(usage?.input_tokens, 'usage.input_tokens');
  if (inputTokens !== undefined) {
    if (usage !== undefined && isObject(usage.input_tokens_details)) {
      // OpenAI Responses API: input_tokens includes cached tokens.
      const c = tokenCount(usage.input_tokens_details.cached_tokens, 'usage.input_tokens_details.cached_tokens') ?? 0;
      return { input: inputTokens - c, output: completion, cacheRead: c, cacheWrite };
    }
    // Anthropic-style: input_tokens is uncached input only.
    return { input: inputTokens, output: completion, cacheRead: cached ?? 0, cacheWrite };
  }
  return { input: 0, output: completion, cacheRead: cached ?? 0, cacheWrite };
}

const TEAM_KEYS = ['user_api_key_team_alias', 'user_api_key_team_id'] as const;

function readTags(obj: JsonObject, request: JsonObject | undefined, metadata: JsonObject | undefined, tags: Record<string, string>): void {
  if (metadata !== undefined) {
    for (const k of TEAM_KEYS) {
      const v = str(metadata[k]);
      if (v !== undefined) {
        tags.team = v;
        break;
      }
    }
    const key = str(metadata.user_api_key_alias);
    if (key !== undefined) tags.key = key;
    // LiteLLM's metadata is bookkeeping (key hashes, IP addresses): only its nested
    // requester/spend metadata are user tags. Other gateways: flat scalar metadata.
    const liteLLM = 'requester_metadata' in metadata || 'spend_logs_metadata' in metadata || 'user_api_key_hash' in metadata;
    if (!liteLLM) copyTags(tags, metadata);
    copyTags(tags, metadata.requester_metadata);
    copyTags(tags, metadata.spend_logs_metadata);
  }
  copyTags(tags, request?.metadata); // OpenAI's own `metadata` request parameter
  copyTags(tags, obj.tags);
  const requestTags = obj.request_tags ?? obj.tags;
  if (Array.isArray(requestTags)) {
    for (const t of requestTags) {
      if (typeof t !== 'string' || t === '') continue;
      const sep = t.indexOf(':') > 0 ? t.indexOf(':') : t.indexOf('=');
      if (sep > 0) tags[t.slice(0, sep)] = t.slice(sep + 1);
      else tags[t] = 'true';
    }
  }
}

function readError(obj: JsonObject): string | undefined {
  const info = isObject(obj.error_information) ? obj.error_information : undefined;
  if (obj.status === 'failure' || info !== undefined || obj.error !== undefined) {
    const fromInfo = str(info?.error_class) ?? (info?.error_code !== undefined && info.error_code !== null ? String(info.error_code) : undefined);
    if (fromInfo !== undefined && fromInfo !== '') return fromInfo;
    const err = obj.error;
    if (isObject(err)) return str(err.code) ?? str(err.type) ?? 'error';
    if (typeof err === 'string' && err !== '') return err.length > 80 ? err.slice(0, 80) : err;
    if (obj.status === 'failure') return 'failure';
  }
  return undefined;
}

/** System/developer messages at the head of the conversation. */
function leadingSystemText(messages: readonly unknown[]): string | undefined {
  let acc: string | undefined;
  for (const m of messages) {
    if (!isObject(m) || (m.role !== 'system' && m.role !== 'developer')) break;
    const t = contentText(m.content);
    if (t !== undefined) acc = acc === undefined ? t : contentText(`${acc}\n${t}`);
  }
  return acc;
}

function answerText(response: JsonObject | undefined, raw: unknown): string | undefined {
  if (typeof raw === 'string' && raw !== '') return contentText(raw);
  if (response === undefined) return undefined;
  const choices = response.choices;
  if (Array.isArray(choices) && isObject(choices[0])) {
    const c = choices[0];
    if (isObject(c.message)) return contentText(c.message.content);
    if (typeof c.text === 'string') return contentText(c.text);
  }
  // Anthropic Messages response relayed as is.
  if (Array.isArray(response.content)) return contentText(response.content);
  return undefined;
}

/** A non-negative amount (JSON number or decimal text, as gateways write costs) as decimal text; undefined otherwise. */
export function decimalText(v: unknown): string | undefined {
  const t = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
  return /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(t) ? t : undefined;
}
