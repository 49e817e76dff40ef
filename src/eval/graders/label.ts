/**
 * Label / choice grader for classification. The predicted label is, in order:
 *   1. the whole answer, normalized, when it is one of the labels;
 *   2. the first non-empty line with a leading "Label:", "Category:", "Answer:"… stripped, when it is a label;
 *   3. with a `labels` set: the allowed label that occurs first in the answer
 *      (as whole words; on a tie the longer label wins).
 * Without `labels` only 1 and 2 apply, against the expected label(s).
 * Labels compare normalized: case, punctuation, `-`/`_` vs spaces ignored.
 */
import type { GraderSpec } from '../types.js';
import { answersOf, normalizeText, show } from './normalize.js';
import { failed, gradeError, passed, type GraderDef } from './types.js';

const PREFIX_RE = /^(?:the\s+)?(?:final\s+)?(?:label|category|class|classification|answer|intent|choice|queue)\s*(?:is\s*)?[:=-]?\s*/i;

function labelsOf(spec: GraderSpec): string[] | undefined | string {
  if (spec.labels === undefined) return undefined;
  if (!Array.isArray(spec.labels) || spec.labels.length === 0 || spec.labels.some((l) => typeof l !== 'string' || l.trim() === '')) {
    return '`labels` must be a non-empty list of strings';
  }
  return spec.labels as string[];
}

/** The label the answer picks (see the module comment), or undefined. */
function pickLabel(output: string, candidates: readonly string[], scan: boolean): string | undefined {
  const byNorm = new Map(candidates.map((l) => [normalizeText(l), l] as const));
  const whole = byNorm.get(normalizeText(output));
  if (whole !== undefined) return whole;
  const firstLine = output.split(/\r?\n/).map((l) => l.replace(/[*`#>]/g, '').trim()).find((l) => l !== '');
  if (firstLine !== undefined) {
    const stripped = byNorm.get(normalizeText(firstLine.replace(PREFIX_RE, '')));
    if (stripped !== undefined) return stripped;
  }
  if (!scan) return undefined;
  const text = ` ${normalizeText(output)} `;
  let best: { label: string; at: number; len: number } | undefined;
  for (const [norm, label] of byNorm) {
    if (norm === '') continue;
    const at = text.indexOf(` ${norm} `);
    if (at < 0) continue;
    if (!best || at < best.at || (at === best.at && norm.length > best.len)) best = { label, at, len: norm.length };
  }
  return best?.label;
}

const label: GraderDef = {
  name: 'label',
  summary: 'classification: the first allowed label in the answer (from `labels`), or the whole answer normalized, equals the expected label',
  check(spec, c) {
    const labels = labelsOf(spec);
    if (typeof labels === 'string') return labels;
    const e = spec.value !== undefined ? spec.value : c.expected;
    if (e === undefined || e === null || (typeof e === 'object' && !Array.isArray(e))) return 'needs an expected label (`expected` or `value`)';
    if (labels) {
      const allowed = new Set(labels.map(normalizeText));
      const outside = answersOf(e).filter((x) => !allowed.has(normalizeText(x)));
      if (outside.length) return `expected label ${show(outside[0] ?? '')} is not in \`labels\` (${labels.join(', ')})`;
    }
    return undefined;
  },
  grade(output, spec, c) {
    const labels = labelsOf(spec);
    if (typeof labels === 'string') return gradeError(labels);
    const e = spec.value !== undefined ? spec.value : c.expected;
    if (e === undefined || e === null) return gradeError('needs an expected label');
    const expected = answersOf(e);
    const predicted = labels ? pickLabel(output, labels, true) : pickLabel(output, expected, false);
    if (predicted === undefined) {
      return failed(labels ? `no allowed label in the answer ${show(output, 40)}` : `answer ${show(output, 40)} is not ${expected.map((x) => show(x)).join(' or ')}`);
    }
    const ok = expected.some((x) => normalizeText(x) === normalizeText(predicted));
    return ok ? passed(`label ${show(predicted)}`) : failed(`label ${show(predicted)}, expected ${expected.map((x) => show(x)).join(' or ')}`);
  },
};

export { label };
