/** Text-match graders: exact, normalized-exact, contains family, regex. */
import type { GoldenCase, GraderSpec } from '../types.js';
import { answersOf, normalizeText, show } from './normalize.js';
import { failed, gradeError, passed, type GraderDef } from './types.js';

/** The comparison value: the spec's `value`, else the case's expected answer. */
function targetOf(spec: GraderSpec, c: GoldenCase): unknown {
  return spec.value !== undefined ? spec.value : c.expected;
}

function needsTarget(spec: GraderSpec, c: GoldenCase): string | undefined {
  const v = targetOf(spec, c);
  if (v === undefined || v === null) return 'needs `value` or an expected answer';
  if (typeof v === 'object' && !Array.isArray(v)) return '`value`/expected must be a string, number or list of them, not an object';
  return undefined;
}

const exact: GraderDef = {
  name: 'exact',
  summary: 'output equals the expected answer (or one of a list), after trimming outer whitespace unless trim: false',
  check: needsTarget,
  grade(output, spec, c) {
    const trim = spec.trim !== false;
    const got = trim ? output.trim() : output;
    const answers = answersOf(targetOf(spec, c));
    const hit = answers.find((a) => (trim ? a.trim() : a) === got);
    return hit !== undefined ? passed(`equals ${show(hit)}`) : failed(`${show(got)} is not ${answers.map((a) => show(a)).join(' or ')}`);
  },
};

const normalizedExact: GraderDef = {
  name: 'normalized-exact',
  summary: 'equal after normalization: case, whitespace and punctuation ignored',
  check: needsTarget,
  grade(output, spec, c) {
    const got = normalizeText(output);
    const answers = answersOf(targetOf(spec, c));
    const hit = answers.find((a) => normalizeText(a) === got);
    return hit !== undefined ? passed(`matches ${show(hit)} (normalized)`) : failed(`${show(output)} does not match ${answers.map((a) => show(a)).join(' or ')} (normalized)`);
  },
};

function containsGrader(name: string, ignoreCase: boolean): GraderDef {
  return {
    name,
    summary: `output contains the value${ignoreCase ? ', ignoring case' : ''}`,
    check(spec, c) {
      const problem = needsTarget(spec, c);
      if (problem) return problem;
      if (Array.isArray(targetOf(spec, c))) return `takes one value; use ${ignoreCase ? 'icontains' : 'contains'}-all or -any for a list`;
      return undefined;
    },
    grade(output, spec, c) {
      const v = targetOf(spec, c);
      if (Array.isArray(v)) return gradeError(`${name} takes one value, got a list`);
      const needle = answersOf(v)[0] ?? '';
      const hay = ignoreCase || spec.ignoreCase === true ? output.toLowerCase() : output;
      const n = ignoreCase || spec.ignoreCase === true ? needle.toLowerCase() : needle;
      return hay.includes(n) ? passed(`contains ${show(needle)}`) : failed(`does not contain ${show(needle)}`);
    },
  };
}

function listOf(spec: GraderSpec, c: GoldenCase): string[] {
  const v = spec.values !== undefined ? spec.values : targetOf(spec, c);
  return answersOf(v);
}

function checkList(spec: GraderSpec, c: GoldenCase): string | undefined {
  const v = spec.values !== undefined ? spec.values : targetOf(spec, c);
  if (v === undefined || v === null) return 'needs `values` (a list) or an expected answer';
  if (typeof v === 'object' && !Array.isArray(v)) return '`values` must be a list of strings';
  if (Array.isArray(v) && v.length === 0) return '`values` is empty';
  return undefined;
}

function containsListGrader(name: string, mode: 'all' | 'any', ignoreCase: boolean): GraderDef {
  return {
    name,
    summary: `output contains ${mode} of the values${ignoreCase ? ', ignoring case' : ''}; score = fraction found (all) or 0/1 (any)`,
    check: checkList,
    grade(output, spec, c) {
      const fold = ignoreCase || spec.ignoreCase === true;
      const hay = fold ? output.toLowerCase() : output;
      const values = listOf(spec, c);
      if (values.length === 0) return gradeError('no values to look for');
      const found = values.filter((v) => hay.includes(fold ? v.toLowerCase() : v));
      const missing = values.filter((v) => !found.includes(v));
      if (mode === 'all') {
        const score = found.length / values.length;
        return missing.length === 0 ? passed(`contains all ${values.length} values`) : failed(`missing ${missing.map((m) => show(m, 30)).join(', ')}`, score);
      }
      return found.length > 0 ? passed(`contains ${show(found[0] ?? '')}`) : failed(`contains none of ${values.map((v) => show(v, 30)).join(', ')}`);
    },
  };
}

function compileRegex(spec: GraderSpec): RegExp | string {
  if (typeof spec.pattern !== 'string' || spec.pattern === '') return 'needs `pattern` (a regular expression string)';
  if (spec.flags !== undefined && typeof spec.flags !== 'string') return '`flags` must be a string such as "i" or "ms"';
  try {
    return new RegExp(spec.pattern, (spec.flags as string | undefined) ?? '');
  } catch (e) {
    return `invalid pattern: ${(e as Error).message}`;
  }
}

const regex: GraderDef = {
  name: 'regex',
  summary: 'output matches the regular expression `pattern` (with optional `flags`)',
  check(spec) {
    const r = compileRegex(spec);
    return typeof r === 'string' ? r : undefined;
  },
  grade(output, spec) {
    const r = compileRegex(spec);
    if (typeof r === 'string') return gradeError(r);
    const m = r.exec(output);
    return m ? passed(`matches /${r.source}/ at ${show(m[0], 40)}`) : failed(`does not match /${r.source}/${r.flags}`);
  },
};

export { exact, normalizedExact, regex };
export const contains = containsGrader('contains', false);
export const icontains = containsGrader('icontains', true);
export const containsAll = containsListGrader('contains-all', 'all', false);
export const containsAny = containsListGrader('contains-any', 'any', false);
export const icontainsAll = containsListGrader('icontains-all', 'all', true);
export const icontainsAny = containsListGrader('icontains-any', 'any', true);
