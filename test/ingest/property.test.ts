/**
 * Property tests: random and mutated records never make the readers throw,
 * and whatever they keep has sane counts (whole numbers ≥ 0, never NaN).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrafficEvent } from '../../src/types.js';
import { RecordError, csvRowToRecord, parseJsonLine, readCsvEvents, resolveCsvColumns, type InputLine } from '../../src/ingest/index.js';
import { fixture } from './helpers.js';

const SEED = 20251103;
const loc = { file: 'prop.jsonl', line: 1 };

const jsonLines = (file: string): unknown[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
const BEDROCK = [...jsonLines(fixture('bedrock-edge-cases.jsonl')), ...jsonLines(fixture('bedrock-bodies.jsonl'))];
const OPENAI = [...jsonLines(fixture('litellm.jsonl')), ...jsonLines(fixture('gateway.jsonl'))];

/** The one event of a line that holds one record. */
function only(evs: TrafficEvent[]): TrafficEvent {
  expect(evs).toHaveLength(1);
  return evs[0]!;
}

function checkEvents(evs: TrafficEvent[]): void {
  for (const ev of evs) checkEvent(ev);
}

function checkEvent(ev: TrafficEvent): void {
  if (ev.kind === 'skipped') {
    expect(typeof ev.skipped.reason).toBe('string');
    expect(ev.skipped.reason.length).toBeGreaterThan(0);
    expect(ev.skipped.reason.length).toBeLessThanOrEqual(201);
    return;
  }
  const r = ev.record;
  for (const v of Object.values(r.tokens)) {
    expect(Number.isInteger(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
  }
  expect(typeof r.modelId).toBe('string');
  expect(r.modelId.length).toBeGreaterThan(0);
  for (const v of Object.values(r.tags)) expect(typeof v).toBe('string');
  if (r.timestamp !== undefined) expect(Number.isNaN(Date.parse(r.timestamp))).toBe(false);
  for (const t of [r.prompt, r.system, r.outputText]) {
    if (t !== undefined) {
      expect(typeof t).toBe('string');
      expect(t.length).toBeLessThanOrEqual(8000);
    }
  }
  if (r.maxTokens !== undefined) expect(Number.isInteger(r.maxTokens) && r.maxTokens > 0).toBe(true);
}

/** All [container, key] pairs of a JSON value, depth-first. */
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

const nasty = fc.oneof(
  fc.jsonValue(),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.constantFrom('NaN', 'Infinity', '-1', '1e309', '', ' ', '12abc', '2025-02-30T00:00:00Z', 'xxxxxxxxxxxx', null, true, [], {}),
  fc.double(),
  fc.string(),
);
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

describe('readers never throw on bad data', () => {
  it('random JSON values, both formats', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('bedrock' as const, 'openai' as const), (v, format) => {
        checkEvents(parseJsonLine(format, JSON.stringify(v) ?? 'null', loc));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('random strings, both formats', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('bedrock' as const, 'openai' as const), (s, format) => {
        checkEvents(parseJsonLine(format, s, loc));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('mutated Bedrock records of every shape in the fixtures (dropped keys, wrong types, negative counts)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BEDROCK), fc.array(mutation, { minLength: 1, maxLength: 6 }), (base, muts) => {
        checkEvents(parseJsonLine('bedrock', JSON.stringify(mutate(base, muts)), loc));
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('mutated OpenAI-style records', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPENAI), fc.array(mutation, { minLength: 1, maxLength: 6 }), (base, muts) => {
        checkEvents(parseJsonLine('openai', JSON.stringify(mutate(base, muts)), loc));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('truncated lines are skipped as malformed JSON', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BEDROCK), fc.double({ min: 0, max: 0.999, noNaN: true }), (base, frac) => {
        const line = JSON.stringify(base);
        const cut = line.slice(0, Math.floor(line.length * frac));
        const ev = only(parseJsonLine('bedrock', cut, loc));
        checkEvent(ev);
        expect(ev.kind).toBe('skipped');
        if (ev.kind === 'skipped') expect(ev.skipped.reason).toMatch(/^malformed JSON: /);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('negative counts anywhere in the token fields are never kept', () => {
    const fields = [
      ['input', 'inputTokenCount'],
      ['input', 'cacheReadInputTokenCount'],
      ['input', 'cacheWriteInputTokenCount'],
      ['output', 'outputTokenCount'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.integer({ min: -1e9, max: -1 }), ([part, key], n) => {
        const rec = structuredClone(BEDROCK[0]) as Record<string, Record<string, unknown>>;
        rec[part]![key] = n;
        const ev = only(parseJsonLine('bedrock', JSON.stringify(rec), loc));
        expect(ev.kind).toBe('skipped');
        if (ev.kind === 'skipped') expect(ev.skipped.reason).toBe(`${part}.${key} is negative (${n})`);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('CSV rows with random cells give a record or a RecordError, nothing else', () => {
    const header = ['model', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'timestamp', 'team'];
    const cols = resolveCsvColumns(header, { fields: {}, tags: {} }, 'prop.csv');
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer().map(String), fc.constant('')), { minLength: 6, maxLength: 6 }), (row) => {
        try {
          checkEvent({ kind: 'record', record: csvRowToRecord(row, cols, loc) });
        } catch (e) {
          expect(e).toBeInstanceOf(RecordError);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('CSV: every physical row is counted once, a broken row costs only itself, line numbers hold', async () => {
    const kind = fc.constantFrom('clean', 'clean', 'clean', 'quoted', 'unclosed', 'midquote', 'nbsp', 'columns', 'garbage', 'blank', 'cr');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(kind, fc.nat(1000)), { minLength: 1, maxLength: 40 }), async (spec) => {
        // Two broken rows in a row may legitimately read as one record spanning two lines: keep them apart.
        const kinds = spec.map(([k]) => k);
        const broken = (k: string | undefined): boolean => k === 'unclosed' || k === 'midquote';
        for (let i = 1; i < kinds.length; i++) if (broken(kinds[i - 1]) && kinds[i] !== 'blank') kinds[i] = 'clean';
        for (let i = 1; i < kinds.length; i++) if (broken(kinds[i - 1]) && kinds[i] === 'blank') kinds[i] = 'clean';
        const rows = kinds.map((k, i) => {
          const n = spec[i]![1];
          const ok = `m${n % 3},${n},${n % 7},t${n % 2}`;
          switch (k) {
            case 'quoted': return `"m${n % 3}",${n},${n % 7},"t, ""${n}"""`;
            case 'unclosed': return `"m${n % 3},${n},${n % 7},t`;
            case 'midquote': return `m${n % 3},${n},${n % 7},a"b`;
            case 'nbsp': return `"m${n % 3}"\u00a0,${n},${n % 7},t`;
            case 'columns': return `m${n % 3},${n}`;
            case 'garbage': return `@@${n}`;
            case 'blank': return '';
            case 'cr': return `m${n % 3},${n},${n % 7},"a\rb"`;
            default: return ok;
          }
        });
        const lines: InputLine[] = ['model,input_tokens,output_tokens,team', ...rows].map((line, i) => ({ line, lineNo: i + 1 }));
        const evs: TrafficEvent[] = [];
        for await (const ev of readCsvEvents((async function* () { yield* lines; })(), 'p.csv', {})) evs.push(ev);
        const counted = evs.map((e) => (e.kind === 'record' ? e.record.source.line : e.skipped.source.line)).sort((a, b) => a - b);
        const expected = kinds.map((k, i) => (k === 'blank' ? 0 : i + 2)).filter((x) => x > 0);
        expect(counted).toEqual(expected);
        for (const e of evs) {
          const k = kinds[(e.kind === 'record' ? e.record.source.line : e.skipped.source.line) - 2];
          expect(e.kind).toBe(k === 'clean' || k === 'quoted' || k === 'cr' ? 'record' : 'skipped');
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });
});
