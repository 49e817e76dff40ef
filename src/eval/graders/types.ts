/**
 * The grader registry's shapes. A grader is a pure function of the model's
 * output, its spec (type + parameters) and the golden case; only llm-judge
 * reaches outside, through the judge callback in the context.
 */
import type { GoldenCase, GradeResult, GraderSpec } from '../types.js';

export interface GradeContext {
  /** Sends a prompt to the judge tier and returns its text answer (llm-judge). */
  judge?: (prompt: string) => Promise<string>;
  /** Grader type for items that declare no graders (the `--grader` flag); default normalized-exact. */
  defaultGrader?: string;
}

/**
 * What a grader returns. `error` marks a result that is not a verdict on the
 * answer (misconfigured item, judge unavailable): it always fails, and `not-`
 * does not turn it into a pass.
 */
export interface GraderOutcome extends GradeResult {
  error?: true;
}

export interface GraderDef {
  name: string;
  /** One line for docs and error messages. */
  summary: string;
  /**
   * Checks the spec's parameters against the case at load time; returns a
   * problem ("needs `pattern`") or undefined. Keeps misconfiguration out of runs.
   */
  check?(spec: GraderSpec, c: GoldenCase): string | undefined;
  grade(output: string, spec: GraderSpec, c: GoldenCase, ctx: GradeContext): GraderOutcome | Promise<GraderOutcome>;
}

export function passed(reason: string, score = 1): GraderOutcome {
  return { pass: true, score, reason };
}

export function failed(reason: string, score = 0): GraderOutcome {
  return { pass: false, score, reason };
}

export function gradeError(reason: string): GraderOutcome {
  return { pass: false, score: 0, reason: `grader error: ${reason}`, error: true };
}
