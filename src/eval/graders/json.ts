/**
 * JSON graders: valid-json, json-schema (ajv) and json-field-match.
 *
 * Models wrap JSON in prose and code fences, so the answer's JSON is found by
 * `extractJson`: the whole trimmed answer if it parses as an object or array;
 * else the first ```json (or bare ```) fenced block that parses; else the first
 * balanced {…} or […] span in the text that parses. `strict: true` on
 * valid-json / json-schema / json-field-match accepts only the whole answer.
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import type { GoldenCase, GraderSpec } from '../types.js';
import { normalizeText, show, textOf } from './normalize.js';
import { toNumber, withinTolerance } from './numeric.js';
import { failed, gradeError, passed, type GraderDef } from './types.js';

export interface ExtractedJson {
  value: unknown;
  /** Where it was found. */
  how: 'whole' | 'fenced' | 'embedded';
}

function tryParse(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) as unknown };
  } catch {
    return { ok: false };
  }
}

const isContainer = (v: unknown): boolean => typeof v === 'object' && v !== null;

/** End index (exclusive) of the balanced bracket span starting at `start`, string-aware; -1 if unbalanced. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

const MAX_EMBEDDED_TRIES = 64;

/** The answer's JSON object or array (see the module comment), or undefined. */
export function extractJson(text: string, opts: { strict?: boolean } = {}): ExtractedJson | undefined {
  const whole = tryParse(text.trim());
  if (whole.ok && isContainer(whole.value)) return { value: whole.value, how: 'whole' };
  if (opts.strict) return undefined;
  for (const m of text.matchAll(/```[ \t]*(?:json5?|jsonc|JSON)?[ \t]*\r?\n([\s\S]*?)```/g)) {
    const block = tryParse((m[1] ?? '').trim());
    if (block.ok && isContainer(block.value)) return { value: block.value, how: 'fenced' };
  }
  let tries = 0;
  for (let i = 0; i < text.length && tries < MAX_EMBEDDED_TRIES; i++) {
    const ch = text[i];
    if (ch !== '{' && ch !== '[') continue;
    tries++;
    const end = balancedEnd(text, i);
    if (end < 0) continue;
    const span = tryParse(text.slice(i, end));
    if (span.ok && isContainer(span.value)) return { value: span.value, how: 'embedded' };
  }
  return undefined;
}

const validJson: GraderDef = {
  name: 'valid-json',
  summary: 'the answer holds a JSON object or array (whole, fenced or embedded in prose; strict: true = whole answer only)',
  grade(output, spec) {
    const found = extractJson(output, { strict: spec.strict === true });
    return found ? passed(`valid JSON (${found.how})`) : failed(spec.strict === true ? 'the answer is not a JSON object or array' : 'no parseable JSON object or array in the answer');
  },
};

// One shared ajv, loaded at the first json-schema grade: loading it took about 100 ms, which every command that
// reaches this module (analyze, through the judge's prompt) paid at start. Compiled validators are cached by the
// schema's JSON text. Formats are checked by simple patterns (no ajv-formats dependency).
let ajv: AjvClass | undefined;
const newAjv = () => {
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new Ajv({
    allErrors: true,
    strict: false,
    formats: {
      date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
      time: /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/,
      'date-time': /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/,
      email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
      uri: /^[a-z][a-z\d+.-]*:\S+$/i,
    },
  });
};
const compiled = new Map<string, ValidateFunction | string>();

function validatorOf(spec: GraderSpec): ValidateFunction | string {
  const schema = spec.schema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'needs `schema` (a JSON Schema object)';
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (v === undefined) {
    try {
      v = (ajv ??= newAjv()).compile(schema as object);
    } catch (e) {
      v = `invalid schema: ${(e as Error).message}`;
    }
    compiled.set(key, v);
  }
  return v;
}

const jsonSchema: GraderDef = {
  name: 'json-schema',
  summary: 'the answer\'s JSON validates against `schema` (JSON Schema draft-07, ajv)',
  check(spec) {
    const v = validatorOf(spec);
    return typeof v === 'string' ? v : undefined;
  },
  grade(output, spec) {
    const validate = validatorOf(spec);
    if (typeof validate === 'string') return gradeError(validate);
    const found = extractJson(output, { strict: spec.strict === true });
    if (!found) return failed('no parseable JSON object or array in the answer');
    if (validate(found.value)) return passed('matches the schema');
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
    const more = (validate.errors?.length ?? 0) > 3 ? ` (+${(validate.errors?.length ?? 0) - 3} more)` : '';
    return failed(`schema: ${errors.join('; ')}${more}`);
  },
};

interface FieldMatchOptions {
  /** Absolute tolerance for numbers. */
  tolerance: number;
  /** Compare strings case- and punctuation-sensitively. */
  caseSensitive: boolean;
}

/**
 * Whether an extracted value matches the expected one: null ↔ null or absent;
 * numbers within tolerance (numeric strings such as "$1,234.50" count);
 * strings normalized (case, whitespace, punctuation) unless caseSensitive;
 * booleans exactly (or "true"/"false"); arrays element by element in order;
 * objects key by key over the expected keys.
 */
function sameValue(expected: unknown, actual: unknown, o: FieldMatchOptions): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (typeof expected === 'number') {
    const n = toNumber(actual);
    return n !== undefined && withinTolerance(n, expected, o.tolerance, 0);
  }
  if (typeof expected === 'boolean') {
    if (typeof actual === 'boolean') return actual === expected;
    return typeof actual === 'string' && normalizeText(actual) === String(expected);
  }
  if (typeof expected === 'string') {
    if (actual === null || actual === undefined || typeof actual === 'object') return false;
    const a = String(actual);
    return o.caseSensitive ? a.trim() === expected.trim() : normalizeText(a) === normalizeText(expected);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameValue(e, actual[i], o));
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const act = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).every(([k, e]) => sameValue(e, act[k], o));
  }
  return false;
}

function expectedObject(spec: GraderSpec, c: GoldenCase): Record<string, unknown> | string {
  const e = spec.expected !== undefined ? spec.expected : c.expected;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'needs an expected JSON object (`expected` on the item or the grader)';
  return e as Record<string, unknown>;
}

function fieldsOf(spec: GraderSpec, expected: Record<string, unknown>): string[] | string {
  if (spec.fields === undefined) return Object.keys(expected);
  if (!Array.isArray(spec.fields) || spec.fields.some((f) => typeof f !== 'string')) return '`fields` must be a list of field names';
  const missing = (spec.fields as string[]).filter((f) => !(f in expected));
  if (missing.length) return `fields not in the expected object: ${missing.join(', ')}`;
  return spec.fields as string[];
}

const jsonFieldMatch: GraderDef = {
  name: 'json-field-match',
  summary: 'per-field comparison of the answer\'s JSON object with the expected object; score = fraction of fields right, pass when score ≥ `threshold` (default 1)',
  check(spec, c) {
    const e = expectedObject(spec, c);
    if (typeof e === 'string') return e;
    const f = fieldsOf(spec, e);
    if (typeof f === 'string') return f;
    if (f.length === 0) return 'no fields to compare';
    if (spec.threshold !== undefined && (typeof spec.threshold !== 'number' || spec.threshold < 0 || spec.threshold > 1)) return '`threshold` must be between 0 and 1';
    if (spec.tolerance !== undefined && (typeof spec.tolerance !== 'number' || !(spec.tolerance >= 0 && Number.isFinite(spec.tolerance)))) return '`tolerance` must be a finite number ≥ 0';
    return undefined;
  },
  grade(output, spec, c) {
    const expected = expectedObject(spec, c);
    if (typeof expected === 'string') return gradeError(expected);
    const fields = fieldsOf(spec, expected);
    if (typeof fields === 'string') return gradeError(fields);
    if (fields.length === 0) return gradeError('no fields to compare');
    const found = extractJson(output, { strict: spec.strict === true });
    if (!found) return failed(`no parseable JSON object in the answer (0/${fields.length} fields)`);
    if (typeof found.value !== 'object' || found.value === null || Array.isArray(found.value)) {
      return failed(`the answer's JSON is an array, not an object (0/${fields.length} fields)`);
    }
    const actual = found.value as Record<string, unknown>;
    const o: FieldMatchOptions = {
      tolerance: typeof spec.tolerance === 'number' ? spec.tolerance : 1e-6,
      caseSensitive: spec.caseSensitive === true,
    };
    const wrong = fields.filter((f) => !sameValue(expected[f], actual[f], o));
    const score = (fields.length - wrong.length) / fields.length;
    const threshold = typeof spec.threshold === 'number' ? spec.threshold : 1;
    const detail = wrong
      .slice(0, 4)
      .map((f) => `${f}: got ${f in actual ? show(textOf(actual[f]) || String(actual[f]), 30) : 'nothing'}, expected ${show(textOf(expected[f]) || 'null', 30)}`)
      .join('; ');
    const summary = `${fields.length - wrong.length}/${fields.length} fields right`;
    if (wrong.length === 0) return passed(summary);
    const more = wrong.length > 4 ? ` (+${wrong.length - 4} more)` : '';
    return score >= threshold ? passed(`${summary}; ${detail}${more}`, score) : failed(`${summary}; ${detail}${more}`, score);
  },
};

export { validJson, jsonSchema, jsonFieldMatch };
