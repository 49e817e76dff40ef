/**
 * Claude Code's OpenTelemetry metrics (`OTEL_METRICS_EXPORTER=otlp`), as OTLP JSON
 * (`resourceMetrics[].scopeMetrics[].metrics[]`; one export request per file, or one
 * per line as the Collector's file exporter writes them): the counter
 * `claude_code.token.usage`, a sum whose data points carry attributes `type`
 * (`input`, `output`, `cacheRead`, `cacheCreation`), `model` and `session.id`
 * (with `user.id`, `organization.id`, `user.email`… on the point or the resource),
 * values as `asInt` (a string) or `asDouble`.
 *
 * These are totals, not requests: each record is the tokens of one model in one
 * session over one export window (`startTimeUnixNano`..`timeUnixNano`), priced
 * exactly like a request (Claude Code's `input` is the Anthropic API's uncached
 * input; `cacheCreation` has no TTL and is priced as 5-minute writes), and
 * carries a problem that says it is an aggregate, so the report states it.
 *
 * Temporality: delta points (Claude Code's default) are each their own window and
 * add up; cumulative points repeat a running total since `startTimeUnixNano`, so
 * only the latest point of each series counts. A file is read whole so that the
 * points of one series are seen together. Other metrics (`claude_code.cost.usage`,
 * session and line counts) are not tokens and are passed over.
 */
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../../types.js';
import { RecordError, checkTokens, isObject, newTags, type JsonObject } from '../fields.js';
import { attrs, nanosToIso, type Attrs } from './otel.js';
import type { EmitEvent, LogFormat } from './types.js';

const TOKEN_METRIC = 'claude_code.token.usage';

/** What the report says of every record this reader makes. */
export const AGGREGATE_PROBLEM = 'aggregate, not one request: claude_code.token.usage tokens of a model and session over one export window';

const TOKEN_TYPES = { input: 'input', output: 'output', cacheRead: 'cacheRead', cacheCreation: 'cacheWrite' } as const;
type TokenField = (typeof TOKEN_TYPES)[keyof typeof TOKEN_TYPES];

/** One data point of the token counter, with what identifies its series and window. */
interface Point {
  model: string;
  type: TokenField;
  value: number;
  start: string;
  end: string;
  cumulative: boolean;
  tags: Record<string, string>;
  loc: SourceLocation;
}

const TAG_KEYS = [
  ['session.id', 'session'],
  ['user.id', 'user'],
  ['user.email', 'user_email'],
  ['user.account_uuid', 'account'],
  ['organization.id', 'organization'],
  ['terminal.type', 'terminal'],
] as const;

function list(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** A point's value: asInt (a decimal string in OTLP JSON) or asDouble, a whole non-negative number of tokens. */
function pointValue(dp: JsonObject): number {
  const raw = dp.asInt ?? dp.asDouble;
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : typeof raw === 'number' ? raw : Number.NaN;
  if (raw === undefined || raw === null) throw new RecordError(`${TOKEN_METRIC} data point has no value (asInt or asDouble)`);
  if (!Number.isSafeInteger(n) || n < 0) throw new RecordError(`${TOKEN_METRIC} data point value ${JSON.stringify(raw)} is not a whole number of tokens`);
  return n;
}

function isCumulative(sum: JsonObject): boolean {
  const t = sum.aggregationTemporality;
  return t === 2 || t === 'AGGREGATION_TEMPORALITY_CUMULATIVE';
}

/** The token-usage points of one export request; an unusable point is a skip. */
function pointsOf(obj: JsonObject, loc: SourceLocation, skips: TrafficEvent[]): { points: Point[]; metrics: number } {
  const points: Point[] = [];
  let metrics = 0;
  for (const rm of list(obj.resourceMetrics)) {
    const resource = attrs(isObject(rm.resource) ? rm.resource.attributes : undefined);
    for (const sm of list(rm.scopeMetrics ?? rm.instrumentationLibraryMetrics)) {
      for (const m of list(sm.metrics)) {
        metrics++;
        if (m.name !== TOKEN_METRIC || !isObject(m.sum)) continue;
        const cumulative = isCumulative(m.sum);
        for (const dp of list(m.sum.dataPoints)) {
          try {
            points.push(point(dp, resource, cumulative, loc));
          } catch (e) {
            skips.push({ kind: 'skipped', skipped: { source: loc, reason: e instanceof RecordError ? e.reason : `unusable data point: ${(e as Error).message}` } });
          }
        }
      }
    }
  }
  return { points, metrics };
}

function point(dp: JsonObject, resource: Attrs, cumulative: boolean, loc: SourceLocation): Point {
  const a = attrs(dp.attributes);
  const type = text(a.type);
  const field = type !== undefined && Object.hasOwn(TOKEN_TYPES, type) ? TOKEN_TYPES[type as keyof typeof TOKEN_TYPES] : undefined;
  if (field === undefined) throw new RecordError(`${TOKEN_METRIC} data point with type ${JSON.stringify(type ?? null)} (expected input, output, cacheRead or cacheCreation)`);
  const model = text(a.model);
  if (model === undefined) throw new RecordError(`${TOKEN_METRIC} data point without a model attribute`);
  const end = nanosToIso(dp.timeUnixNano);
  if (end === undefined) throw new RecordError(`${TOKEN_METRIC} data point without a timeUnixNano`);
  const start = nanosToIso(dp.startTimeUnixNano) ?? end;
  const tags = newTags();
  for (const [k, tag] of TAG_KEYS) {
    const v = text(a[k]) ?? text(resource[k]);
    if (v !== undefined) tags[tag] = v;
  }
  const service = text(resource['service.name']);
  if (service !== undefined) tags.service = service;
  return { model, type: field, value: pointValue(dp), start, end, cumulative, tags, loc };
}

/**
 * Points → records: cumulative series keep their latest point; then one record per
 * model, tags and window, with the four token kinds side by side.
 */
function recordsOf(points: Point[]): TrafficEvent[] {
  const tagKey = (p: Point) => JSON.stringify(Object.entries(p.tags).sort());
  const latest = new Map<string, Point>();
  const kept: Point[] = [];
  for (const p of points) {
    if (!p.cumulative) {
      kept.push(p);
      continue;
    }
    const series = JSON.stringify([p.model, p.type, p.start, tagKey(p)]);
    const seen = latest.get(series);
    if (seen === undefined || p.end > seen.end) latest.set(series, p);
  }
  kept.push(...latest.values());
  const windows = new Map<string, { record: TrafficRecord; first: Point }>();
  for (const p of kept) {
    const key = JSON.stringify([p.model, p.cumulative ? p.start : `${p.start}/${p.end}`, tagKey(p)]);
    let w = windows.get(key);
    if (w === undefined) {
      const record: TrafficRecord = {
        source: p.loc,
        modelId: p.model,
        tags: { ...p.tags },
        tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
        operation: TOKEN_METRIC,
        timestamp: p.end,
        problems: [AGGREGATE_PROBLEM],
      };
      w = { record, first: p };
      windows.set(key, w);
    }
    const r = w.record;
    r.tokens[p.type] += p.value;
    // A cumulative window ends at its latest point.
    if (p.end > r.timestamp!) r.timestamp = p.end;
    if (p.loc.line < r.source.line) r.source = p.loc;
  }
  const out: TrafficEvent[] = [];
  for (const { record } of windows.values()) {
    try {
      checkTokens(record.tokens);
      out.push({ kind: 'record', record });
    } catch (e) {
      out.push({ kind: 'skipped', skipped: { source: record.source, reason: e instanceof RecordError ? e.reason : String(e) } });
    }
  }
  return out.sort((x, y) => (x.kind === 'record' ? x.record.source.line : x.skipped.source.line) - (y.kind === 'record' ? y.record.source.line : y.skipped.source.line));
}

function noTokens(loc: SourceLocation, metrics: number): TrafficEvent {
  return { kind: 'skipped', skipped: { source: loc, reason: `looks like an OTLP metrics export, but none of its ${metrics} metric${metrics === 1 ? '' : 's'} is ${TOKEN_METRIC} with usable data points` } };
}

/** A whole file: one export request (a document) or JSON lines of them; cumulative series are followed across lines. */
function readMetricsFile(text: string, file: string, emit: EmitEvent): void {
  const values: { value: unknown; line: number }[] = [];
  try {
    values.push({ value: JSON.parse(text), line: 1 });
  } catch {
    let line = 0;
    for (const raw of text.split('\n')) {
      line++;
      if (raw.trim() === '') continue;
      try {
        values.push({ value: JSON.parse(raw), line });
      } catch (e) {
        emit({ kind: 'skipped', skipped: { source: { file, line }, reason: `malformed JSON: ${(e as Error).message}`.slice(0, 200) } });
      }
    }
  }
  const points: Point[] = [];
  const skips: TrafficEvent[] = [];
  for (const { value, line } of values) {
    const loc = { file, line };
    if (!isObject(value) || !Array.isArray(value.resourceMetrics)) {
      emit({ kind: 'skipped', skipped: { source: loc, reason: 'not an OTLP metrics export request (no resourceMetrics)' } });
      continue;
    }
    const got = pointsOf(value, loc, skips);
    if (got.points.length === 0 && skips.length === 0) emit(noTokens(loc, got.metrics));
    points.push(...got.points);
  }
  for (const s of skips) emit(s);
  for (const ev of recordsOf(points)) emit(ev);
}

export const otelMetrics: LogFormat = {
  title: 'Claude Code OpenTelemetry metrics (OTLP JSON claude_code.token.usage): token totals per model, session and window',
  inputTokens: 'excludes-cache',
  inputField: 'claude_code.token.usage{type="input"} (uncached; cacheRead and cacheCreation apart)',
  detect: (obj) => (Array.isArray(obj.resourceMetrics) ? 3 : 0),
  parse(obj, loc) {
    if (!Array.isArray(obj.resourceMetrics)) throw new RecordError('not an OTLP metrics export request (no resourceMetrics)');
    const skips: TrafficEvent[] = [];
    const got = pointsOf(obj, loc, skips);
    const records = recordsOf(got.points);
    return records.length || skips.length ? [...skips, ...records] : [noTokens(loc, got.metrics)];
  },
  readWhole: readMetricsFile,
};
