/**
 * The log-format registry as a whole: every format is detected from its own
 * lines, each record of one format is claimed by that format and no other
 * with a higher score, and no reader (forced or auto) throws on mutated input.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrafficEvent } from '../../src/types.js';
import { JSON_FORMATS, LOG_FORMATS, LOG_FORMAT_NAMES, guessFormat, jsonKind, parseJsonLine, type JsonLineFormat } from '../../src/ingest/index.js';
import { fixture } from './helpers.js';

const SEED = 20251206;
const loc = { file: 'prop.jsonl', line: 1 };

const jsonLines = (file: string): unknown[] =>
  readFileSync(fixture(file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
const doc = (file: string): unknown => JSON.parse(readFileSync(fixture(file), 'utf8')) as unknown;

/** Real-shape values of each JSON format, one JSON line each. */
const EXAMPLES: Record<JsonLineFormat, unknown[]> = {
  bedrock: [...jsonLines('bedrock-edge-cases.jsonl'), ...jsonLines('bedrock-bodies.jsonl'), ...jsonLines('ttl/converse-cache-details.jsonl')],
  cloudwatch: [
    ...jsonLines('cloudwatch/get-log-events-pages.jsonl'),
    doc('cloudwatch/filter-log-events.json'),
    doc('cloudwatch/get-query-results.json'),
    ...(doc('cloudwatch/insights.json') as unknown[]),
  ],
  openai: [...jsonLines('litellm.jsonl'), ...jsonLines('gateway.jsonl')],
  'claude-code': [
    ...jsonLines('claude-code/projects/-Users-dev-shop/s-aaaa.jsonl'),
    ...jsonLines('claude-code/projects/-Users-dev-shop/s-aaaa/subagents/agent-a1.jsonl'),
    ...jsonLines('claude-code/projects/-Users-dev-infra/s-bbbb.jsonl'),
  ],
  litellm: jsonLines('litellm/spendlogs.jsonl'),
  otel: [...jsonLines('otel/spans.jsonl'), ...jsonLines('otel/claude-code-logs.jsonl'), doc('otel/traces.json')],
  'otel-metrics': [doc('otel/metrics.json'), doc('otel/token-usage-delta.json'), ...jsonLines('otel/token-usage-cumulative.jsonl')],
  vertex: jsonLines('vertex/request-response.jsonl'),
  'azure-apim': doc('azure-apim/llm-log.json') as unknown[],
};

function checkEvent(ev: TrafficEvent): void {
  if (ev.kind === 'skipped') {
    expect(ev.skipped.reason.length).toBeGreaterThan(0);
    expect(ev.skipped.reason.length).toBeLessThanOrEqual(201);
    return;
  }
  const r = ev.record;
  for (const v of Object.values(r.tokens)) {
    expect(Number.isSafeInteger(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
  }
  if (r.tokens.cacheWrite1h !== undefined) expect(r.tokens.cacheWrite1h).toBeLessThanOrEqual(r.tokens.cacheWrite);
  expect(r.modelId.length).toBeGreaterThan(0);
  for (const v of Object.values(r.tags)) expect(typeof v).toBe('string');
  if (r.timestamp !== undefined) expect(Number.isNaN(Date.parse(r.timestamp))).toBe(false);
}

function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => {
    out.push([v, i]);
    slots(x, out);
  });
  else if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) {
      out.push([v as Record<string, unknown>, k]);
      slots((v as Record<string, unknown>)[k], out);
    }
  }
  return out;
}
const nasty = fc.oneof(fc.jsonValue(), fc.integer({ min: -1_000_000, max: -1 }), fc.constantFrom('NaN', '-1', '1e309', '', '12abc', null, true, [], {}), fc.string());
const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom('drop', 'set', 'wrap'), value: nasty });
function mutate(base: unknown, muts: { at: number; kind: string; value: unknown }[]): unknown {
  const obj = structuredClone(base);
  for (const m of muts) {
    const all = slots(obj);
    if (all.length === 0) break;
    const [container, key] = all[m.at % all.length]!;
    const c = container as Record<string | number, unknown>;
    if (m.kind === 'drop') {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete c[key];
    } else if (m.kind === 'set') c[key] = m.value;
    else c[key] = [c[key]];
  }
  return obj;
}

describe('the log-format registry', () => {
  it('has one reader per name, each saying what its input count means', () => {
    expect(Object.keys(LOG_FORMATS)).toEqual([...LOG_FORMAT_NAMES]);
    for (const name of LOG_FORMAT_NAMES) {
      const f = LOG_FORMATS[name];
      expect(f.title.length).toBeGreaterThan(0);
      expect(['excludes-cache', 'includes-cache', 'no-cache-fields']).toContain(f.inputTokens);
    }
    expect(Object.keys(EXAMPLES).sort()).toEqual([...JSON_FORMATS].sort());
  });

  it.each(JSON_FORMATS.map((f) => [f]))('%s: every example is claimed by its own format', (format) => {
    for (const v of EXAMPLES[format]) {
      const objs = Array.isArray(v) ? v : [v];
      for (const o of objs) expect(jsonKind(o as Record<string, unknown>)).toBe(format);
    }
  });

  it('property: a file of one format is detected as that format, in any order, whatever its first line', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...JSON_FORMATS),
        fc.integer({ min: 1, max: 30 }),
        fc.nat(),
        fc.boolean(),
        (format, n, seed, cutFirst) => {
          const pool = EXAMPLES[format];
          const lines = Array.from({ length: n }, (_, i) => JSON.stringify(pool[(seed + i * 7) % pool.length]));
          if (cutFirst && n > 2) lines[0] = lines[0]!.slice(0, 20);
          const g = guessFormat(lines.join('\n'), 'x.jsonl');
          expect(g.format).toBe(format);
          expect(g.mixed).toBe(false);
          // Formats whose records span lines are read whole; the others line by line.
          expect(g.document === true).toBe(LOG_FORMATS[format].readWhole !== undefined);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('property: no reader throws on mutated records of any format, forced or auto', () => {
    const all = JSON_FORMATS.flatMap((f) => EXAMPLES[f]);
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.constantFrom<JsonLineFormat | 'auto'>('auto', ...JSON_FORMATS), (base, muts, format) => {
        for (const ev of parseJsonLine(format, JSON.stringify(mutate(base, muts)), loc)) checkEvent(ev);
      }),
      { seed: SEED, numRuns: 800 },
    );
  });

  it('property: random JSON and random text never throw, forced or auto', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), fc.string({ maxLength: 200 })), fc.constantFrom<JsonLineFormat | 'auto'>('auto', ...JSON_FORMATS), (line, format) => {
        for (const ev of parseJsonLine(format, line, loc)) checkEvent(ev);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });
});
