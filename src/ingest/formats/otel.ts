/**
 * OpenTelemetry exports, as OTLP JSON (one export request per line or per
 * file, or JSON lines of single spans):
 *
 * - traces (`resourceSpans[].scopeSpans[].spans[]`) with the GenAI semantic
 *   conventions: `gen_ai.request.model` / `gen_ai.response.model`,
 *   `gen_ai.usage.input_tokens` / `output_tokens` (deprecated
 *   `gen_ai.usage.prompt_tokens` / `completion_tokens`),
 *   `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens`
 *   (and the older and other spellings: `cache_read_input_tokens`,
 *   `input_tokens.cached`, `cache_creation_input_tokens`, `input_tokens.cache_write`,
 *   `cache_write_input_tokens`). OTLP int values are strings.
 *   The conventions say cache reads and writes are included in
 *   `gen_ai.usage.input_tokens`, so they are taken out of it (when it is large
 *   enough to contain them: some instrumentations report uncached input).
 * - logs (`resourceLogs[].scopeLogs[].logRecords[]`): Claude Code's
 *   `claude_code.api_request` events (attributes `model`, `input_tokens`,
 *   `output_tokens`, `cache_read_tokens`, `cache_creation_tokens`, `session.id`,
 *   `user.id`), whose input count is Anthropic's (uncached).
 *
 * Metrics exports (`resourceMetrics`, e.g. `claude_code.token.usage`) hold
 * totals over time, not requests: they are the `otel-metrics` format
 * (otelMetrics.ts), and forced on this reader they are rejected saying so.
 */
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../../types.js';
import { RecordError, checkTokens, isObject, newTags, normalizeTimestamp, str, tokenCount, type JsonObject } from '../fields.js';
import type { LogFormat } from './types.js';

export type Attrs = Record<string, unknown>;

/** An OTLP AnyValue → a plain value. */
function anyValue(v: unknown): unknown {
  if (!isObject(v)) return v;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return v.intValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if (isObject(v.arrayValue) && Array.isArray(v.arrayValue.values)) return v.arrayValue.values.map(anyValue);
  return undefined;
}

/** OTLP attributes (a KeyValue list, or a plain object as some exporters write) → a map. */
export function attrs(list: unknown): Attrs {
  const out: Attrs = Object.create(null) as Attrs;
  if (Array.isArray(list)) {
    for (const kv of list) if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  } else if (isObject(list)) {
    for (const k of Object.keys(list)) out[k] = anyValue(list[k]);
  }
  return out;
}

function first(a: Attrs, keys: readonly string[]): { key: string; value: unknown } | undefined {
  for (const k of keys) if (a[k] !== undefined && a[k] !== null && a[k] !== '') return { key: k, value: a[k] };
  return undefined;
}

function count(a: Attrs, keys: readonly string[]): number | undefined {
  const f = first(a, keys);
  return f === undefined ? undefined : tokenCount(f.value, f.key);
}

const MODEL = ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name'] as const;
const INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'] as const;
const OUTPUT = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'] as const;
const CACHE_READ = ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens', 'gen_ai.usage.input_tokens.cached'] as const;
const CACHE_WRITE = [
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'gen_ai.usage.input_tokens.cache_write',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_write_input_tokens',
] as const;

/** gen_ai.provider.name / gen_ai.system → tokor's provider prefix. */
function providerPrefix(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const v = p.toLowerCase();
  if (v === 'openai') return 'openai';
  if (v === 'anthropic') return 'anthropic';
  if (v.includes('azure') || v === 'az.ai.openai') return 'azure-openai';
  if (v.startsWith('gcp') || v === 'vertex_ai' || v === 'gemini') return 'vertex';
  return undefined; // aws.bedrock IDs are recognised as they are
}

export function nanosToIso(v: unknown): string | undefined {
  const s = typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'string' ? v.trim() : '';
  if (!/^\d{13,19}$/.test(s)) return undefined;
  // Nanoseconds (19 digits) or microseconds (16) or milliseconds (13) since the epoch.
  const ms = s.length >= 19 ? Number(s.slice(0, s.length - 6)) : s.length >= 16 ? Number(s.slice(0, s.length - 3)) : Number(s);
  return normalizeTimestamp(ms);
}

function skip(loc: SourceLocation, reason: string): TrafficEvent {
  return { kind: 'skipped', skipped: { source: loc, reason } };
}

/** One span → its record, or undefined when it carries no GenAI usage. */
function spanRecord(span: JsonObject, resource: Attrs, loc: SourceLocation): TrafficRecord | undefined {
  const a = attrs(span.attributes);
  const m = first(a, MODEL);
  const input = count(a, INPUT);
  const output = count(a, OUTPUT);
  if (m === undefined || typeof m.value !== 'string' || (input === undefined && output === undefined)) return undefined;
  const read = count(a, CACHE_READ) ?? 0;
  const write = count(a, CACHE_WRITE) ?? 0;
  let uncached = input ?? 0;
  // The conventions include cache reads and writes in input_tokens; an instrumentation that does not is detected by the subtraction going negative.
  if (uncached - read - write >= 0) uncached -= read + write;
  else if (uncached - read >= 0) uncached -= read;
  let model = m.value;
  const prefix = providerPrefix(str(a['gen_ai.provider.name']) ?? str(a['gen_ai.system']));
  if (prefix !== undefined && !model.includes('/')) model = `${prefix}/${model}`;
  const record: TrafficRecord = { source: loc, modelId: model, tags: newTags(), tokens: { input: uncached, output: output ?? 0, cacheRead: read, cacheWrite: write } };
  const id = str(a['gen_ai.response.id']) ?? str(span.spanId);
  if (id !== undefined) record.requestId = id;
  const op = str(a['gen_ai.operation.name']) ?? str(span.name);
  if (op !== undefined) record.operation = op;
  const ts = nanosToIso(span.startTimeUnixNano) ?? normalizeTimestamp(span.start_time ?? span.startTime);
  if (ts !== undefined) record.timestamp = ts;
  else record.problems = ['timestamp missing'];
  const service = str(resource['service.name']);
  if (service !== undefined) record.tags.service = service;
  for (const [k, tag] of [['user.id', 'user'], ['session.id', 'session'], ['gen_ai.conversation.id', 'conversation']] as const) {
    const v = str(a[k]) ?? str(resource[k]);
    if (v !== undefined) record.tags[tag] = v;
  }
  const status = isObject(span.status) ? span.status : undefined;
  if (status?.code === 2 || status?.code === 'STATUS_CODE_ERROR') record.errorCode = str(a['error.type']) ?? 'error';
  return record;
}

/** One Claude Code `api_request` log record → its record, or undefined for another event. */
function claudeCodeLogRecord(rec: JsonObject, resource: Attrs, loc: SourceLocation): TrafficRecord | undefined {
  const a = attrs(rec.attributes);
  const body = anyValue(rec.body);
  const name = str(a['event.name']) ?? (typeof body === 'string' ? body : undefined);
  if (name !== 'api_request' && name !== 'claude_code.api_request') return undefined;
  const model = str(a.model);
  if (model === undefined) throw new RecordError('claude_code.api_request event without a model attribute');
  const record: TrafficRecord = {
    source: loc,
    modelId: model,
    tags: newTags(),
    tokens: {
      input: tokenCount(a.input_tokens, 'input_tokens') ?? 0,
      output: tokenCount(a.output_tokens, 'output_tokens') ?? 0,
      cacheRead: tokenCount(a.cache_read_tokens, 'cache_read_tokens') ?? 0,
      cacheWrite: tokenCount(a.cache_creation_tokens, 'cache_creation_tokens') ?? 0,
    },
  };
  record.operation = 'claude-code';
  const id = str(a.request_id) ?? str(a['prompt.id']);
  if (id !== undefined) record.requestId = id;
  const ts = normalizeTimestamp(a['event.timestamp']) ?? nanosToIso(rec.timeUnixNano) ?? nanosToIso(rec.observedTimeUnixNano);
  if (ts !== undefined) record.timestamp = ts;
  else record.problems = ['timestamp missing'];
  for (const [k, tag] of [['session.id', 'session'], ['user.id', 'user'], ['user.email', 'user_email'], ['organization.id', 'organization']] as const) {
    const v = str(a[k]) ?? str(resource[k]);
    if (v !== undefined) record.tags[tag] = v;
  }
  const service = str(resource['service.name']);
  if (service !== undefined) record.tags.service = service;
  return record;
}

function event(make: () => TrafficRecord | undefined, loc: SourceLocation): TrafficEvent | undefined {
  try {
    const r = make();
    if (r === undefined) return undefined;
    checkTokens(r.tokens);
    return { kind: 'record', record: r };
  } catch (e) {
    return skip(loc, e instanceof RecordError ? e.reason : `unusable record: ${(e as Error).message}`);
  }
}

function list(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function at(loc: SourceLocation, line: number | undefined): SourceLocation {
  return line === undefined ? loc : { file: loc.file, line };
}

function isSpan(obj: JsonObject): boolean {
  if (!('attributes' in obj) || !('spanId' in obj || 'span_id' in obj || 'traceId' in obj || 'context' in obj)) return false;
  const a = attrs(obj.attributes);
  return first(a, MODEL) !== undefined || first(a, INPUT) !== undefined;
}

export const otel: LogFormat = {
  title: 'OpenTelemetry GenAI spans (OTLP JSON traces) and Claude Code OTel log events',
  inputTokens: 'includes-cache',
  inputField: 'gen_ai.usage.input_tokens (includes cache reads and writes; Claude Code events: input_tokens, uncached)',
  detect(obj) {
    if (Array.isArray(obj.resourceSpans) || Array.isArray(obj.resourceLogs)) return 3;
    return isSpan(obj) ? 2 : 0;
  },
  parse(obj, loc, lines) {
    if (Array.isArray(obj.resourceMetrics)) {
      throw new RecordError(
        'looks like an OTLP metrics export: metrics such as claude_code.token.usage are totals over time, read by --log-format otel-metrics (detected by itself); otel reads traces (resourceSpans with gen_ai.* attributes) and Claude Code log events (resourceLogs)',
      );
    }
    const out: TrafficEvent[] = [];
    if (Array.isArray(obj.resourceSpans)) {
      let spans = 0;
      obj.resourceSpans.forEach((rs, i) => {
        if (!isObject(rs)) return;
        const where = at(loc, lines?.('resourceSpans', i));
        const resource = attrs(isObject(rs.resource) ? rs.resource.attributes : undefined);
        for (const ss of list(rs.scopeSpans ?? rs.instrumentationLibrarySpans)) {
          for (const span of list(ss.spans)) {
            spans++;
            const ev = event(() => spanRecord(span, resource, where), where);
            if (ev) out.push(ev);
          }
        }
      });
      if (out.length === 0 && spans > 0) out.push(skip(loc, `looks like an OTLP traces export, but none of its ${spans} span${spans === 1 ? '' : 's'} carries gen_ai model and usage attributes`));
      return out;
    }
    if (Array.isArray(obj.resourceLogs)) {
      let records = 0;
      obj.resourceLogs.forEach((rl, i) => {
        if (!isObject(rl)) return;
        const where = at(loc, lines?.('resourceLogs', i));
        const resource = attrs(isObject(rl.resource) ? rl.resource.attributes : undefined);
        for (const sl of list(rl.scopeLogs)) {
          for (const rec of list(sl.logRecords)) {
            records++;
            const ev = event(() => claudeCodeLogRecord(rec, resource, where), where);
            if (ev) out.push(ev);
          }
        }
      });
      if (out.length === 0 && records > 0) out.push(skip(loc, `looks like an OTLP logs export, but none of its ${records} log record${records === 1 ? '' : 's'} is a claude_code.api_request event`));
      return out;
    }
    if (isSpan(obj)) {
      const resource = attrs(isObject(obj.resource) ? (obj.resource.attributes ?? obj.resource) : undefined);
      const r = spanRecord(obj, resource, loc);
      return r === undefined ? [] : r;
    }
    throw new RecordError('not an OTLP export (no resourceSpans or resourceLogs) nor a span with gen_ai attributes');
  },
};
