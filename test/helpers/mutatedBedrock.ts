/**
 * Bedrock invocation records mutated at random (a seeded generator, so every
 * run writes the same lines) from the hand-written fixtures: fields dropped or
 * given another type or value (null, a string count, a float, an object where
 * a count goes, a body logged as a string, a service tier in the request, a
 * cacheDetails split, an empty or numeric tag), and lines rewritten as text
 * (cut short, indented, a key or a Region spelled with a \u escape, counts
 * written 40.0 / 4e1 / "40", timestamps in other ISO-8601 shapes, spaces
 * between tokens), some logged twice. Each line is one the engines must read
 * as tokor's parser does, or leave to it: the differential test
 * (test/engines/differential.test.ts) runs them through every engine.
 *
 * Left out on purpose: a key written twice in one object (JSON.parse keeps the
 * last, the SQL engines the first: docs/scale.md), copies of one request that
 * differ (DuckDB refuses them: duckdb.test.ts), counts of 16 digits and more
 * (a float sum of the session simulation then depends on the order records are
 * read in, below a millionth of a cent at sane sizes).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

const BASES = [
  'fixtures/ingest/bedrock-bodies.jsonl',
  'fixtures/ingest/bedrock-edge-cases.jsonl',
  'fixtures/engines/duplicated-requests.jsonl',
  'fixtures/engines/streamed-bodies.jsonl',
  'fixtures/engines/typed-reader-edges.jsonl',
  'fixtures/analyze/mixed/invocations.jsonl',
  'fixtures/pricing/service-tier/invocations.jsonl',
  'fixtures/ingest/ttl/anthropic-cache-creation.jsonl',
  'fixtures/ingest/ttl/converse-cache-details.jsonl',
  // Prompts that fit a tier's window alone but not with their answers (a window class above the prompt class).
  'fixtures/pricing/window-answer/invocations.jsonl',
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
type Step = string | number;

const VALUES: Json[] = [
  null, 0, 1, 7, -3, 2.5, 1e3, '12', '', 'x', true, false, {}, [], [1], { a: 1 }, 123456789012345,
  'priority', 'flex', 'default', 'reserved', 'batch', 'Batch', '2025-11-03T00:00:01Z', '2025-11-03T00:00:01.123456Z',
  '2025-11-03T00:00:01+00:00', '2025-11-03', 'us-east-1', 'eu-west-1', 'anthropic.claude-3-haiku-20240307-v1:0',
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-pro-v1:0', 'ThrottlingException', 'é', '\u0000',
];
const KEYS = [
  'modelId', 'region', 'inferenceRegion', 'operation', 'errorCode', 'requestId', 'timestamp', 'batch', 'inferenceType', 'serviceTier',
  'invocationType', 'identity', 'requestMetadata', 'input', 'output', 'cacheDetails', 'usage', 'inputTokenCount', 'outputTokenCount',
  'cacheReadInputTokenCount', 'cacheWriteInputTokenCount', 'type', 'ttl', 'cache_creation', 'ephemeral_1h_input_tokens',
  'ephemeral_5m_input_tokens', 'input_tokens', 'output_tokens', 'amazon-bedrock-invocationMetrics', 'team',
];

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `n` mutated lines (a line may be followed by an exact copy of itself), the same for the same seed. */
export function mutatedBedrockLines(seed: number, n: number): string[] {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const bases = BASES.flatMap((f) =>
    readFileSync(path.join(ROOT, f), 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          const v = JSON.parse(l) as Json;
          return isObj(v) && typeof v.modelId === 'string' ? [v] : [];
        } catch {
          return [];
        }
      }),
  );
  // Every path into a record (small values only: not each word of a prompt).
  const paths = (o: Json, pre: Step[] = [], out: Step[][] = []): Step[][] => {
    if (o !== null && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        const p = [...pre, Array.isArray(o) ? Number(k) : k];
        out.push(p);
        if (JSON.stringify(v).length < 4000) paths(v, p, out);
      }
    }
    return out;
  };
  const get = (o: Json, p: Step[]): Json | undefined => p.reduce<Json | undefined>((x, k) => (x !== null && typeof x === 'object' ? (x as Record<string, Json>)[k] : undefined), o);
  const set = (o: Json, p: Step[], v: Json | undefined) => {
    const parent = get(o, p.slice(0, -1));
    const k = p[p.length - 1]!;
    if (Array.isArray(parent)) {
      if (v === undefined) parent.splice(Number(k), 1);
      else parent[Number(k)] = v;
    } else if (isObj(parent)) {
      if (v === undefined) delete parent[k];
      else parent[k] = v;
    }
  };
  const mutate = (rec: Obj): Obj => {
    const r = structuredClone(rec);
    for (let i = 1 + Math.floor(rnd() * 4); i > 0; i--) {
      const ps = paths(r);
      const m = rnd();
      if (m < 0.25 && ps.length) set(r, pick(ps), undefined);
      else if (m < 0.6 && ps.length) set(r, pick(ps), structuredClone(pick(VALUES)));
      else if (m < 0.75) {
        const objs = [r, ...ps.map((p) => get(r, p)).filter(isObj)];
        pick(objs)[pick(KEYS)] = structuredClone(pick(VALUES));
      } else if (m < 0.82) {
        if (isObj(r.output) && r.output.outputBodyJson !== undefined) r.output.outputBodyJson = JSON.stringify(r.output.outputBodyJson);
      } else if (m < 0.88) {
        if (isObj(r.input) && isObj(r.input.inputBodyJson)) r.input.inputBodyJson.serviceTier = { type: pick(['priority', 'flex', 'default', 'reserved', 5]) };
      } else if (m < 0.94) r.requestMetadata = { team: pick(['a', 'b', 5, null, { x: 1 }, '']) };
      else if (isObj(r.input)) r.input.cacheDetails = pick<Json>([null, [], [{ ttl: '1h', inputTokens: 5 }], [{ ttl: '5m', inputTokens: 3 }, { ttl: '1h', inputTokens: 2 }], {}]);
    }
    return r;
  };
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = pick(bases);
    const r = rnd() < 0.15 ? structuredClone(base) : mutate(base);
    // One request per line (a copy that differs is refused by DuckDB, not compared): IDs made unique.
    if (r.requestId !== undefined) r.requestId = `${typeof r.requestId === 'string' ? r.requestId : 'id'}-${i}`;
    let text = JSON.stringify(r);
    const t = rnd();
    if (t < 0.02) text = text.slice(0, Math.floor(text.length * rnd()));
    else if (t < 0.03) text = `  ${text}`;
    else if (t < 0.04) text = text.replace(/"modelId":/, '"model\\u0049d":');
    else if (t < 0.06) text = text.replace(/"([a-z]+)":"/, '"$1":"\\u00e9');
    else if (t < 0.09) {
      text = text.replace(/"(inputTokenCount|outputTokenCount|input_tokens|output_tokens|outputTokens|inputTokens|cacheReadInputTokenCount|cacheWriteInputTokenCount)":(\d+)/g, (_, k: string, v: string) => `"${k}":${pick([`${v}.0`, `${v}e0`, '-0', ` ${v} `, v, `"${v}"`])}`);
    } else if (t < 0.11) text = JSON.stringify(JSON.parse(text), null, 1).replace(/\n/g, ' ');
    else if (t < 0.13) text = text.replace(/"(us|eu)-([a-z]+)-(\d)"/g, '"$1\\u002d$2-$3"');
    else if (t < 0.15) {
      text = text.replace(/"timestamp":"([^"]+)"/, (_, v: string) => `"timestamp":"${pick([v.replace('Z', '.5Z'), v.replace('Z', '.123456Z'), v.replace('T', ' '), v.toLowerCase(), v.replace('Z', '+01:00'), v.slice(0, 19), v.replace(/:00Z$/, ':60Z')])}"`);
    }
    lines.push(text);
    if (rnd() < 0.03) lines.push(text);
  }
  return lines;
}
