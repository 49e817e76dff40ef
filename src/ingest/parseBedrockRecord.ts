/**
 * Amazon Bedrock model-invocation log records (schemaType "ModelInvocationLog"),
 * exactly as AWS delivers them to S3 or CloudWatch Logs: one JSON object per
 * line, keys in any order.
 *
 * Token accounting: `input.inputTokenCount` is uncached input only; cache reads
 * and writes come from `input.cacheReadInputTokenCount` /
 * `cacheWriteInputTokenCount`. When a top-level count is missing, the body's
 * own usage is used (Converse `usage`, Anthropic Messages `usage`, Titan and
 * Llama counts, or `amazon-bedrock-invocationMetrics` of streamed chunks).
 *
 * Bodies handled: Converse / ConverseStream (logged aggregated), Anthropic
 * Messages, Amazon Nova, Amazon Titan Text, Meta Llama, Mistral (text and chat);
 * InvokeModelWithResponseStream bodies logged as arrays of chunks. Records
 * without bodies (text delivery off, or bodies delivered to S3 via
 * inputBodyS3Path/outputBodyS3Path) keep their counts and have no prompt.
 */
import type { SourceLocation, TrafficRecord } from '../types.js';
import {
  RecordError,
  TEXT_CAP,
  capText,
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

const METRICS_KEY = 'amazon-bedrock-invocationMetrics';

/** Cache writes split by TTL. */
export interface TtlSplit {
  h1: number;
  m5: number;
}

/** Converse/Bedrock `cacheDetails: [{ttl: "5m"|"1h", inputTokens}]` → the split; undefined when absent. */
function cacheDetailsSplit(v: unknown, where: string): TtlSplit | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: TtlSplit = { h1: 0, m5: 0 };
  let any = false;
  for (const [i, d] of v.entries()) {
    if (!isObject(d)) continue;
    const n = tokenCount(d.inputTokens ?? d.input_tokens, `${where}[${i}].inputTokens`);
    if (n === undefined) continue;
    const ttl = typeof d.ttl === 'string' ? d.ttl.toLowerCase() : '';
    if (ttl === '1h' || ttl === '60m' || ttl === '3600s') out.h1 += n;
    else out.m5 += n;
    any = true;
  }
  return any ? out : undefined;
}

/** Anthropic `cache_creation: {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}` → the split; undefined when absent. */
export function cacheCreationSplit(v: unknown, where: string): TtlSplit | undefined {
  if (!isObject(v)) return undefined;
  const h1 = tokenCount(v.ephemeral_1h_input_tokens, `${where}.ephemeral_1h_input_tokens`);
  const m5 = tokenCount(v.ephemeral_5m_input_tokens, `${where}.ephemeral_5m_input_tokens`);
  if (h1 === undefined && m5 === undefined) return undefined;
  return { h1: h1 ?? 0, m5: m5 ?? 0 };
}

/** Usage found in a response body; every field optional. */
interface BodyUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Cache writes by TTL (Converse `cacheDetails`, Anthropic `cache_creation.ephemeral_{5m,1h}_input_tokens`). */
  write1h?: number;
  write5m?: number;
}

export function parseBedrockRecord(obj: unknown, loc: SourceLocation): TrafficRecord {
  if (!isObject(obj)) throw new RecordError('not a JSON object');
  const modelId = obj.modelId;
  if (typeof modelId !== 'string' || modelId === '') {
    throw new RecordError(modelId === undefined ? 'modelId missing (not a Bedrock invocation log record?)' : 'modelId is not a non-empty string');
  }

  const input = isObject(obj.input) ? obj.input : undefined;
  const output = isObject(obj.output) ? obj.output : undefined;
  const inBody = bodyOf(input?.inputBodyJson);
  const outBody = bodyOf(output?.outputBodyJson);

  let inTok = tokenCount(input?.inputTokenCount, 'input.inputTokenCount');
  let outTok = tokenCount(output?.outputTokenCount, 'output.outputTokenCount');
  let cacheRead = tokenCount(input?.cacheReadInputTokenCount, 'input.cacheReadInputTokenCount');
  let cacheWrite = tokenCount(input?.cacheWriteInputTokenCount, 'input.cacheWriteInputTokenCount');
  let split = cacheDetailsSplit(input?.cacheDetails, 'input.cacheDetails');
  if (outBody !== undefined && (inTok === undefined || outTok === undefined || cacheRead === undefined || cacheWrite === undefined || (split === undefined && cacheWrite !== 0))) {
    // The body's usage fills missing counts; its TTL split of cache writes applies even when the
    // top-level cacheWriteInputTokenCount is there (it always is in real logs, and has no TTL).
    const u = bodyUsage(outBody);
    inTok ??= u.input;
    outTok ??= u.output;
    cacheRead ??= u.cacheRead;
    cacheWrite ??= u.cacheWrite;
    if (split === undefined && (u.write1h !== undefined || u.write5m !== undefined)) split = { h1: u.write1h ?? 0, m5: u.write5m ?? 0 };
  }

  const record: TrafficRecord = {
    source: loc,
    modelId,
    tags: newTags(),
    tokens: { input: inTok ?? 0, output: outTok ?? 0, cacheRead: cacheRead ?? 0, cacheWrite: cacheWrite ?? 0 },
  };
  let problems: string[] | undefined;

  const requestId = str(obj.requestId);
  if (requestId !== undefined) record.requestId = requestId;
  const operation = str(obj.operation);
  if (operation !== undefined) record.operation = operation;

  if (obj.timestamp === undefined || obj.timestamp === null || obj.timestamp === '') {
    (problems ??= []).push('timestamp missing');
  } else {
    const ts = normalizeTimestamp(obj.timestamp);
    if (ts === undefined) (problems ??= []).push('timestamp unparseable');
    else record.timestamp = ts;
  }

  const region = str(obj.inferenceRegion) ?? str(obj.region);
  if (region !== undefined) record.region = region;
  // Cross-Region inference is billed at the source Region's price.
  const source = str(obj.region);
  if (source !== undefined && source !== region) record.sourceRegion = source;
  if (isObject(obj.identity)) {
    const arn = str(obj.identity.arn);
    if (arn !== undefined) record.identityArn = arn;
  }
  copyTags(record.tags, obj.requestMetadata);

  const errorCode = str(obj.errorCode);
  if (errorCode !== undefined) record.errorCode = errorCode;
  if (split !== undefined && split.h1 > 0) {
    const total = record.tokens.cacheWrite;
    if (total === 0 && cacheWrite === undefined) record.tokens.cacheWrite = split.h1 + split.m5;
    const w = record.tokens.cacheWrite;
    if (split.h1 > w) (problems ??= []).push('1h cache writes exceed cache writes');
    if (split.h1 >= w) record.cacheWriteTtl = '1h';
    else record.tokens.cacheWrite1h = split.h1;
  }
  if (isBatch(obj, operation)) record.batch = true;
  else {
    const tier = serviceTierOf(obj, inBody, outBody);
    if (tier === 'priority' || tier === 'flex') record.serviceTier = tier;
    else if (tier !== undefined && tier !== 'default') (problems ??= []).push(`service tier '${tier}': priced at the standard on-demand rate`);
  }

  if (inBody !== undefined && !Array.isArray(inBody)) readInputBody(inBody, record);
  if (outBody !== undefined) {
    const text = outputText(outBody);
    if (text !== undefined) record.outputText = text;
  }

  if (errorCode === undefined && inTok === undefined && outTok === undefined) {
    (problems ??= []).push('token counts missing');
  }
  if (problems !== undefined) record.problems = problems;
  return record;
}

/** A body is logged as JSON; a few exporters store it as a JSON string. */
function bodyOf(v: unknown): JsonObject | unknown[] | undefined {
  if (isObject(v) || Array.isArray(v)) return v;
  if (typeof v === 'string' && v.length > 1 && (v[0] === '{' || v[0] === '[')) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (isObject(parsed) || Array.isArray(parsed)) return parsed;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isBatch(obj: JsonObject, operation: string | undefined): boolean {
  if (obj.batch === true) return true;
  for (const key of ['inferenceType', 'serviceTier', 'invocationType'] as const) {
    const v = obj[key];
    if (typeof v === 'string' && v.toLowerCase() === 'batch') return true;
  }
  if (operation !== undefined) {
    const op = operation.toLowerCase();
    if (op.includes('batch') || op.includes('invocationjob')) return true;
  }
  return false;
}

/**
 * The service tier that served the request (Bedrock's priority, default, flex or reserved): the response's
 * `serviceTier.type` (Converse), else the request's (a Converse request body names the tier it asks for, and
 * Bedrock refuses a tier the model does not offer), else the record's own `serviceTier` text. A streamed response
 * (a body of chunks) names none.
 */
function serviceTierOf(obj: JsonObject, inBody: JsonObject | unknown[] | undefined, outBody: JsonObject | unknown[] | undefined): string | undefined {
  const named = (body: JsonObject | unknown[] | undefined) => (isObject(body) && isObject(body.serviceTier) ? str(body.serviceTier.type) : undefined);
  return named(outBody) ?? named(inBody) ?? str(obj.serviceTier);
}

/** Prompt, system, turns and max tokens from a request body of any supported model family. */
function readInputBody(body: JsonObject, record: TrafficRecord): void {
  const messages = body.messages;
  if (Array.isArray(messages)) {
    // Converse, Anthropic Messages, Nova, Mistral chat.
    readMessages(messages, record);
  } else if (typeof body.prompt === 'string') {
    // Llama and Mistral text completion.
    record.turns = 1;
    const prompt = capText(userTurnOfTemplate(body.prompt));
    if (prompt !== undefined) record.prompt = prompt;
  } else if (typeof body.inputText === 'string') {
    // Titan Text ("User: ...\n\nBot:").
    record.turns = 1;
    const prompt = capText(userTurnOfTitan(body.inputText));
    if (prompt !== undefined) record.prompt = prompt;
  }
  const system = systemText(body.system);
  if (system !== undefined) record.system = system;

  const ic = isObject(body.inferenceConfig) ? body.inferenceConfig : undefined;
  const tgc = isObject(body.textGenerationConfig) ? body.textGenerationConfig : undefined;
  const maxTokens =
    positiveInt(ic?.maxTokens) ??
    positiveInt(ic?.max_new_tokens) ??
    positiveInt(body.max_tokens) ??
    positiveInt(tgc?.maxTokenCount) ??
    positiveInt(body.max_gen_len);
  if (maxTokens !== undefined) record.maxTokens = maxTokens;
}

/** The last user turn of a Llama 3 / Llama 2 / Mistral chat template, else the whole prompt. */
function userTurnOfTemplate(prompt: string): string {
  const l3 = '<|start_header_id|>user<|end_header_id|>';
  let i = prompt.lastIndexOf(l3);
  if (i >= 0) {
    let s = prompt.slice(i + l3.length);
    const end = s.indexOf('<|eot_id|>');
    if (end >= 0) s = s.slice(0, end);
    return s.trim();
  }
  i = prompt.lastIndexOf('[INST]');
  if (i >= 0) {
    let s = prompt.slice(i + 6);
    const end = s.indexOf('[/INST]');
    if (end >= 0) s = s.slice(0, end);
    return s.replace('<<SYS>>', '').trim();
  }
  return prompt;
}

/** Titan's conversational convention "User: ...\n\nBot:"; otherwise the text as is. */
function userTurnOfTitan(text: string): string {
  const i = text.lastIndexOf('User:');
  if (i < 0) return text;
  let s = text.slice(i + 5);
  const end = s.lastIndexOf('Bot:');
  if (end >= 0) s = s.slice(0, end);
  return s.trim();
}

function readUsageObject(u: JsonObject, into: BodyUsage, where: string): void {
  // Converse / Nova
  into.input ??= tokenCount(u.inputTokens, `${where}.inputTokens`);
  into.output ??= tokenCount(u.outputTokens, `${where}.outputTokens`);
  into.cacheRead ??= tokenCount(u.cacheReadInputTokens ?? u.cacheReadInputTokenCount, `${where}.cacheReadInputTokens`);
  into.cacheWrite ??= tokenCount(u.cacheWriteInputTokens ?? u.cacheWriteInputTokenCount, `${where}.cacheWriteInputTokens`);
  // Anthropic Messages (input_tokens is uncached input)
  into.input ??= tokenCount(u.input_tokens, `${where}.input_tokens`);
  into.output ??= tokenCount(u.output_tokens, `${where}.output_tokens`);
  into.cacheRead ??= tokenCount(u.cache_read_input_tokens, `${where}.cache_read_input_tokens`);
  into.cacheWrite ??= tokenCount(u.cache_creation_input_tokens, `${where}.cache_creation_input_tokens`);
  const split = cacheDetailsSplit(u.cacheDetails, `${where}.cacheDetails`) ?? cacheCreationSplit(u.cache_creation, `${where}.cache_creation`);
  if (split !== undefined && into.write1h === undefined && into.write5m === undefined) {
    into.write1h = split.h1;
    into.write5m = split.m5;
  }
  // Mistral chat (OpenAI-like)
  into.input ??= tokenCount(u.prompt_tokens, `${where}.prompt_tokens`);
  into.output ??= tokenCount(u.completion_tokens, `${where}.completion_tokens`);
}

function readMetrics(m: JsonObject, into: BodyUsage): void {
  // Bedrock's own accounting for streamed responses: authoritative, overrides chunk usage.
  const input = tokenCount(m.inputTokenCount, `${METRICS_KEY}.inputTokenCount`);
  const output = tokenCount(m.outputTokenCount, `${METRICS_KEY}.outputTokenCount`);
  const cr = tokenCount(m.cacheReadInputTokenCount, `${METRICS_KEY}.cacheReadInputTokenCount`);
  const cw = tokenCount(m.cacheWriteInputTokenCount, `${METRICS_KEY}.cacheWriteInputTokenCount`);
  if (input !== undefined) into.input = input;
  if (output !== undefined) into.output = output;
  if (cr !== undefined) into.cacheRead = cr;
  if (cw !== undefined) into.cacheWrite = cw;
}

/** Usage from a response body (object) or from streamed chunks (array). */
function bodyUsage(body: JsonObject | unknown[]): BodyUsage {
  const u: BodyUsage = {};
  if (!Array.isArray(body)) {
    if (isObject(body.usage)) readUsageObject(body.usage, u, 'outputBodyJson.usage');
    // Titan Text
    u.input ??= tokenCount(body.inputTextTokenCount, 'outputBodyJson.inputTextTokenCount');
    if (u.output === undefined && Array.isArray(body.results) && isObject(body.results[0])) {
      u.output = tokenCount(body.results[0].tokenCount, 'outputBodyJson.results[0].tokenCount');
    }
    // Llama
    u.input ??= tokenCount(body.prompt_token_count, 'outputBodyJson.prompt_token_count');
    u.output ??= tokenCount(body.generation_token_count, 'outputBodyJson.generation_token_count');
    if (isObject(body[METRICS_KEY])) readMetrics(body[METRICS_KEY], u);
    return u;
  }
  // Streamed chunks: per-family usage, then invocation metrics (usually in the last chunk) win.
  let metrics: JsonObject | undefined;
  let llamaOut: number | undefined;
  let titanOut: number | undefined;
  for (const chunk of body) {
    if (!isObject(chunk)) continue;
    if (isObject(chunk[METRICS_KEY])) metrics = chunk[METRICS_KEY];
    const type = chunk.type;
    if (type === 'message_start' && isObject(chunk.message) && isObject(chunk.message.usage)) {
      readUsageObject(chunk.message.usage, u, 'message_start.usage');
    } else if (type === 'message_delta' && isObject(chunk.usage)) {
      // output_tokens in message_delta is the final cumulative count.
      const out = tokenCount(chunk.usage.output_tokens, 'message_delta.usage.output_tokens');
      if (out !== undefined) u.output = out;
    } else if (isObject(chunk.metadata) && isObject(chunk.metadata.usage)) {
      readUsageObject(chunk.metadata.usage, u, 'metadata.usage'); // Nova stream
    } else {
      const ti = tokenCount(chunk.inputTextTokenCount, 'chunk.inputTextTokenCount');
      if (ti !== undefined) u.input ??= ti;
      const to = tokenCount(chunk.totalOutputTextTokenCount, 'chunk.totalOutputTextTokenCount');
      if (to !== undefined) titanOut = to;
      const lp = tokenCount(chunk.prompt_token_count, 'chunk.prompt_token_count');
      if (lp !== undefined) u.input ??= lp;
      const lg = tokenCount(chunk.generation_token_count, 'chunk.generation_token_count');
      if (lg !== undefined) llamaOut = Math.max(llamaOut ?? 0, lg);
    }
  }
  u.output ??= titanOut ?? llamaOut;
  if (metrics !== undefined) readMetrics(metrics, u);
  return u;
}

/** The answer text of a response body or of streamed chunks, capped. */
function outputText(body: JsonObject | unknown[]): string | undefined {
  if (!Array.isArray(body)) {
    // Converse / Nova
    if (isObject(body.output) && isObject(body.output.message)) return contentText(body.output.message.content);
    // Anthropic Messages
    if (Array.isArray(body.content)) return contentText(body.content);
    // Titan
    if (Array.isArray(body.results) && isObject(body.results[0])) return capText(str(body.results[0].outputText));
    // Llama
    if (typeof body.generation === 'string') return capText(body.generation);
    // Mistral text / chat
    if (Array.isArray(body.outputs) && isObject(body.outputs[0])) return capText(str(body.outputs[0].text));
    if (Array.isArray(body.choices) && isObject(body.choices[0]) && isObject(body.choices[0].message)) {
      return contentText(body.choices[0].message.content);
    }
    return undefined;
  }
  let acc = '';
  for (const chunk of body) {
    if (acc.length >= TEXT_CAP) break;
    if (!isObject(chunk)) continue;
    let piece: unknown;
    if (chunk.type === 'content_block_delta' && isObject(chunk.delta)) piece = chunk.delta.text;
    else if (isObject(chunk.contentBlockDelta) && isObject(chunk.contentBlockDelta.delta)) piece = chunk.contentBlockDelta.delta.text;
    else if (typeof chunk.outputText === 'string') piece = chunk.outputText;
    else if (typeof chunk.generation === 'string') piece = chunk.generation;
    else if (Array.isArray(chunk.outputs) && isObject(chunk.outputs[0])) piece = chunk.outputs[0].text;
    else if (Array.isArray(chunk.choices) && isObject(chunk.choices[0])) {
      const c = chunk.choices[0];
      piece = isObject(c.delta) ? c.delta.content : isObject(c.message) ? c.message.content : undefined;
    }
    if (typeof piece === 'string') acc += piece;
  }
  if (acc === '') return undefined;
  return acc.length > TEXT_CAP ? acc.slice(0, TEXT_CAP) : acc;
}
