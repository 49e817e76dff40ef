/**
 * Free-text overlap graders against a reference answer (`value`, else the
 * item's expected answer, else its reference): token-F1 (SQuAD style: bag of
 * normalized words, articles dropped) and ROUGE-L (F1 of the longest common
 * word subsequence). Score = the metric (best over several references); pass
 * when score ≥ `threshold` (default 0.5).
 */
import type { GoldenCase, GraderSpec } from '../types.js';
import { answersOf, tokensOf } from './normalize.js';
import { failed, gradeError, passed, type GraderDef } from './types.js';

function tokenF1(candidate: string, reference: string): number {
  const c = tokensOf(candidate, true);
  const r = tokensOf(reference, true);
  if (c.length === 0 || r.length === 0) return c.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of c) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      common++;
      counts.set(t, n - 1);
    }
  }
  if (common === 0) return 0;
  const p = common / c.length;
  const rec = common / r.length;
  return (2 * p * rec) / (p + rec);
}

function lcsLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function rougeL(candidate: string, reference: string): number {
  const c = tokensOf(candidate);
  const r = tokensOf(reference);
  if (c.length === 0 || r.length === 0) return c.length === r.length ? 1 : 0;
  const lcs = lcsLength(c, r);
  if (lcs === 0) return 0;
  const p = lcs / c.length;
  const rec = lcs / r.length;
  return (2 * p * rec) / (p + rec);
}

function referencesOf(spec: GraderSpec, c: GoldenCase): string[] | undefined {
  const v = spec.value !== undefined ? spec.value : c.expected !== undefined ? c.expected : c.reference;
  if (v === undefined || v === null) return undefined;
  return answersOf(v).filter((s) => s.trim() !== '');
}

function similarityGrader(name: string, label: string, metric: (a: string, b: string) => number): GraderDef {
  return {
    name,
    summary: `${label} against the reference ≥ \`threshold\` (default 0.5)`,
    check(spec, c) {
      const refs = referencesOf(spec, c);
      if (!refs || refs.length === 0) return 'needs a reference text (`value`, expected or reference)';
      if (spec.threshold !== undefined && (typeof spec.threshold !== 'number' || spec.threshold < 0 || spec.threshold > 1)) return '`threshold` must be between 0 and 1';
      return undefined;
    },
    grade(output, spec, c) {
      const refs = referencesOf(spec, c);
      if (!refs || refs.length === 0) return gradeError('no reference text');
      const score = Math.max(...refs.map((r) => metric(output, r)));
      const threshold = typeof spec.threshold === 'number' ? spec.threshold : 0.5;
      const reason = `${label} ${score.toFixed(3)} (threshold ${threshold})`;
      return score >= threshold ? passed(reason, score) : failed(reason, score);
    },
  };
}

export const tokenF1Grader = similarityGrader('token-f1', 'token F1', tokenF1);
export const rougeLGrader = similarityGrader('rouge-l', 'ROUGE-L F1', rougeL);
