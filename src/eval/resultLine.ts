/**
 * The results line and its serializer, side by side: `resultLine` builds every
 * line in one fixed key order (RESULT_KEYS), and `resultJson` writes that order
 * field by field — the same text as JSON.stringify, without walking each
 * object's layout and escaping every key on every line (the largest single
 * cost of the harness per item, bench/eval.mjs). Anything else (a missing or
 * mistyped field, an extra or reordered key) takes JSON.stringify itself, so
 * the output is always exactly JSON.stringify's; test/eval/result-line.test.ts
 * checks that every line `resultLine` builds takes the fast path.
 */
import { RESULTS_SCHEMA_VERSION, type EvalResult, type NamedGradeResult } from './types.js';

/** Every key of a results line, in the order lines are built and written. */
export const RESULT_KEYS = [
  'schemaVersion',
  'datasetId',
  'itemId',
  'tier',
  'model',
  'pass',
  'score',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'costUsd',
  'latencyMs',
  'output',
  'graders',
  'error',
  'task',
  'category',
  'confidence',
  'invokedModel',
  'source',
] as const satisfies readonly (keyof EvalResult)[];

// A key of EvalResult missing from RESULT_KEYS fails to compile here.
type Unlisted = Exclude<keyof EvalResult, (typeof RESULT_KEYS)[number]>;
const everyKeyListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKeyListed;

/** What an item run came to; the identity and the item's task and category come from the item. */
export type ResultBody = Omit<EvalResult, 'schemaVersion' | 'datasetId' | 'itemId' | 'tier' | 'task' | 'category'>;

/** Which item on which tier a line is for. */
export interface ResultIdentity {
  datasetId: string;
  case: { id: string; task?: string | undefined; category?: string | undefined };
  tier: { name: string };
}

/**
 * A results line: identity, the body, then the optional keys — built as one
 * literal in RESULT_KEYS order (not a spread), so every line has the same
 * keys in the same order, and the same object shape.
 */
export function resultLine(item: ResultIdentity, b: ResultBody): EvalResult {
  const r: EvalResult = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    datasetId: item.datasetId,
    itemId: item.case.id,
    tier: item.tier.name,
    model: b.model,
    pass: b.pass,
    score: b.score,
    inputTokens: b.inputTokens,
    outputTokens: b.outputTokens,
    cacheReadTokens: b.cacheReadTokens,
    cacheWriteTokens: b.cacheWriteTokens,
    costUsd: b.costUsd,
    latencyMs: b.latencyMs,
    output: b.output,
    graders: b.graders,
  };
  if (b.error !== undefined) r.error = b.error;
  if (item.case.task !== undefined) r.task = item.case.task;
  if (item.case.category !== undefined) r.category = item.case.category;
  if (b.confidence !== undefined) r.confidence = b.confidence;
  if (b.invokedModel !== undefined) r.invokedModel = b.invokedModel;
  if (b.source !== undefined) r.source = b.source;
  return r;
}

const q = JSON.stringify as (s: string) => string;

/** A JSON number as JSON.stringify writes it (null when not finite). */
function num(x: number): string {
  return Number.isFinite(x) ? `${x}` : 'null';
}

/** A result line as JSON: exactly JSON.stringify(r), fast for the lines resultLine builds. */
export function resultJson(r: EvalResult): string {
  return fastResultJson(r) ?? JSON.stringify(r);
}

/** The fast path alone: the JSON text of a line in RESULT_KEYS order, or undefined when `r` is anything else. */
export function fastResultJson(r: EvalResult): string | undefined {
  const keys = orderedKeys(r, RESULT_KEYS);
  if (
    keys < 0 ||
    typeof r.schemaVersion !== 'number' ||
    typeof r.datasetId !== 'string' ||
    typeof r.itemId !== 'string' ||
    typeof r.tier !== 'string' ||
    typeof r.model !== 'string' ||
    typeof r.pass !== 'boolean' ||
    typeof r.score !== 'number' ||
    typeof r.inputTokens !== 'number' ||
    typeof r.outputTokens !== 'number' ||
    typeof r.cacheReadTokens !== 'number' ||
    typeof r.cacheWriteTokens !== 'number' ||
    (r.costUsd !== null && typeof r.costUsd !== 'number') ||
    typeof r.latencyMs !== 'number' ||
    typeof r.output !== 'string' ||
    !Array.isArray(r.graders)
  ) {
    return undefined;
  }
  const graders = gradersJson(r.graders);
  if (graders === undefined) return undefined;
  let line =
    `{"schemaVersion":${num(r.schemaVersion)},"datasetId":${q(r.datasetId)},"itemId":${q(r.itemId)},"tier":${q(r.tier)},"model":${q(r.model)},` +
    `"pass":${r.pass},"score":${num(r.score)},"inputTokens":${num(r.inputTokens)},"outputTokens":${num(r.outputTokens)},` +
    `"cacheReadTokens":${num(r.cacheReadTokens)},"cacheWriteTokens":${num(r.cacheWriteTokens)},"costUsd":${r.costUsd === null ? 'null' : num(r.costUsd)},` +
    `"latencyMs":${num(r.latencyMs)},"output":${q(r.output)},"graders":[${graders}]`;
  let seen = 15;
  // The optional keys, in RESULT_KEYS order.
  if (r.error !== undefined) {
    if (typeof r.error !== 'string') return undefined;
    line += `,"error":${q(r.error)}`;
    seen++;
  }
  if (r.task !== undefined) {
    if (typeof r.task !== 'string') return undefined;
    line += `,"task":${q(r.task)}`;
    seen++;
  }
  if (r.category !== undefined) {
    if (typeof r.category !== 'string') return undefined;
    line += `,"category":${q(r.category)}`;
    seen++;
  }
  if (r.confidence !== undefined) {
    if (typeof r.confidence !== 'number') return undefined;
    line += `,"confidence":${num(r.confidence)}`;
    seen++;
  }
  if (r.invokedModel !== undefined) {
    if (typeof r.invokedModel !== 'string') return undefined;
    line += `,"invokedModel":${q(r.invokedModel)}`;
    seen++;
  }
  if (r.source !== undefined) {
    if (typeof r.source !== 'string') return undefined;
    line += `,"source":${q(r.source)}`;
    seen++;
  }
  // A key present but undefined (which JSON.stringify leaves out): it decides.
  if (seen !== keys) return undefined;
  return `${line}}`;
}

const GRADER_KEYS: readonly string[] = ['grader', 'pass', 'score', 'reason'] satisfies readonly (keyof NamedGradeResult)[];

function gradersJson(gs: readonly NamedGradeResult[]): string | undefined {
  let out = '';
  for (const g of gs) {
    if (orderedKeys(g, GRADER_KEYS) !== 4 || typeof g.grader !== 'string' || typeof g.pass !== 'boolean' || typeof g.score !== 'number' || typeof g.reason !== 'string') return undefined;
    out += `${out ? ',' : ''}{"grader":${q(g.grader)},"pass":${g.pass},"score":${num(g.score)},"reason":${q(g.reason)}}`;
  }
  return out;
}

/** How many own enumerable keys `o` has if they all appear in `order`, in that order; else -1. */
function orderedKeys(o: object, order: readonly string[]): number {
  let i = 0;
  let n = 0;
  for (const k in o) {
    while (i < order.length && order[i] !== k) i++;
    if (i === order.length) return -1;
    i++;
    n++;
  }
  return n;
}
