/**
 * Numeric grader: pulls the final number out of a free-text answer and
 * compares it with the expected number within a tolerance.
 *
 * Which number is "final" (first rule that applies):
 *   1. the first number after the last `####` (GSM8K style);
 *   2. the last `\boxed{…}`;
 *   3. the first number after the last answer cue ("answer is", "answer:", "final answer =");
 *   4. otherwise the last number in the text.
 * Numbers may carry a sign, a currency symbol ($ € £ ¥), thousands commas
 * (1,234.50), a decimal part, a trailing % (kept as written: 25% → 25), or be
 * a fraction (3/4 → 0.75, \frac{3}{4}, mixed 1 1/2 → 1.5). Spelled-out numbers
 * ("eighteen") are not read.
 */
import type { GoldenCase, GraderSpec } from '../types.js';
import { answersOf, show } from './normalize.js';
import { failed, gradeError, passed, type GraderDef } from './types.js';

const INT = String.raw`(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)`;
const DEC = String.raw`(?:${INT}(?:\.\d+)?|\.\d+)`;
const SIGNED = String.raw`(?:[-−]\s?)?[$€£¥]?\s?(?:[-−]\s?)?${DEC}`;
/** mixed number | fraction | plain number (with optional %). */
const NUMBER_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}.])(?:(${SIGNED})\s+(\d+)\s*/\s*(\d+)(?![\d/])|(${SIGNED})\s*/\s*(${DEC})(?![\d/])|(${SIGNED})\s?%?)`,
  'gu',
);

export interface FoundNumber {
  value: number;
  /** The matched text. */
  raw: string;
  index: number;
}

function plain(s: string): number {
  const negative = /[-−]/.test(s);
  const digits = s.replace(/[^\d.]/g, '');
  const v = Number(digits);
  return negative ? -v : v;
}

/** All numbers in the text, in order. */
function findNumbers(text: string): FoundNumber[] {
  const src = text.replace(/\\d?frac\{([^{}]+)\}\{([^{}]+)\}/g, '$1/$2');
  const out: FoundNumber[] = [];
  for (const m of src.matchAll(NUMBER_RE)) {
    let value: number;
    if (m[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
      const whole = plain(m[1]);
      const frac = Number(m[2]) / Number(m[3]);
      value = whole < 0 ? whole - frac : whole + frac;
    } else if (m[4] !== undefined && m[5] !== undefined) {
      value = plain(m[4]) / plain(m[5]);
    } else if (m[6] !== undefined) {
      value = plain(m[6]);
    } else continue;
    if (Number.isFinite(value)) out.push({ value, raw: m[0].trim(), index: m.index ?? 0 });
  }
  return out;
}

const CUE_RE = /\b(?:final\s+answer|answer)\s*(?:is\s*:?|was\s*:?|[:=])|####/gi;

/** The answer's final number by the rules above, or undefined when the text has none. */
export function extractFinalNumber(text: string): FoundNumber | undefined {
  const marker = text.lastIndexOf('####');
  if (marker >= 0) {
    const first = findNumbers(text.slice(marker + 4))[0];
    if (first) return { ...first, index: first.index + marker + 4 };
  }
  const boxes = [...text.matchAll(/\\boxed\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g)];
  const lastBox = boxes[boxes.length - 1];
  if (lastBox?.[1] !== undefined) {
    const inBox = findNumbers(lastBox[1]);
    const last = inBox[inBox.length - 1];
    if (last) return last;
  }
  let cueEnd = -1;
  for (const m of text.matchAll(CUE_RE)) cueEnd = (m.index ?? 0) + m[0].length;
  if (cueEnd >= 0) {
    const first = findNumbers(text.slice(cueEnd))[0];
    if (first) return { ...first, index: first.index + cueEnd };
  }
  const all = findNumbers(text);
  return all[all.length - 1];
}

/** A number given as a number or as text ("$1,234.50", "3/4"); undefined if none. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '') return undefined;
  const found = findNumbers(t);
  // Only a string that is essentially one number counts (not "3 apples and 4 pears").
  if (found.length !== 1) return undefined;
  const only = found[0];
  if (!only) return undefined;
  const rest = t.replace(only.raw, '').replace(/[\s%]|[A-Za-z]{3}$/g, '');
  return rest === '' ? only.value : undefined;
}

/** Whether got is within max(tolerance, relTolerance·|expected|) of expected. */
export function withinTolerance(got: number, expected: number, tolerance: number, relTolerance: number): boolean {
  return Math.abs(got - expected) <= Math.max(tolerance, relTolerance * Math.abs(expected)) + 1e-12;
}

function expectedNumbers(spec: GraderSpec, c: GoldenCase): number[] | string {
  const v = spec.value !== undefined ? spec.value : c.expected;
  if (v === undefined || v === null) return 'needs `value` or an expected number';
  const list = Array.isArray(v) ? v : [v];
  const nums = list.map((x) => (typeof x === 'string' ? (toNumber(x) ?? extractFinalNumber(x)?.value) : toNumber(x)));
  if (nums.some((n) => n === undefined)) return `expected ${show(answersOf(v).join(', '))} is not a number`;
  return nums as number[];
}

function toleranceOf(spec: GraderSpec): { abs: number; rel: number } | string {
  const abs = spec.tolerance ?? 1e-6;
  const rel = spec.relTolerance ?? 0;
  // A tolerance past the double range (1e309 in JSON) would pass every answer.
  if (typeof abs !== 'number' || !(abs >= 0 && Number.isFinite(abs))) return '`tolerance` must be a finite number ≥ 0';
  if (typeof rel !== 'number' || !(rel >= 0 && Number.isFinite(rel))) return '`relTolerance` must be a finite number ≥ 0';
  return { abs, rel };
}

const numeric: GraderDef = {
  name: 'numeric',
  summary: 'final number of the answer within `tolerance` (absolute, default 1e-6) or `relTolerance` (relative) of the expected number',
  check(spec, c) {
    const e = expectedNumbers(spec, c);
    if (typeof e === 'string') return e;
    const t = toleranceOf(spec);
    return typeof t === 'string' ? t : undefined;
  },
  grade(output, spec, c) {
    const expected = expectedNumbers(spec, c);
    if (typeof expected === 'string') return gradeError(expected);
    const tol = toleranceOf(spec);
    if (typeof tol === 'string') return gradeError(tol);
    const got = extractFinalNumber(output);
    if (!got) return failed('no number in the answer');
    const hit = expected.find((e) => withinTolerance(got.value, e, tol.abs, tol.rel));
    return hit !== undefined
      ? passed(`final number ${got.raw} = ${hit}`)
      : failed(`final number ${got.raw} (${got.value}) ≠ expected ${expected.join(' or ')}`);
  },
};

export { numeric };
