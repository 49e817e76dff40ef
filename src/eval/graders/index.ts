/**
 * The grader registry and per-item grading. Every grader returns
 * {pass, score, reason}; an item passes when all its required graders pass,
 * and its score is the weighted mean of their scores (weight 1 each unless a
 * spec sets `weight`). `not-<type>` negates any grader. See docs/graders.md.
 */
import { InputError } from '../../errors.js';
import type { GoldenCase, GraderSpec, NamedGradeResult } from '../types.js';
import { jsonFieldMatch, jsonSchema, validJson } from './json.js';
import { llmJudge } from './llmJudge.js';
import { Cancelled } from '../engine/index.js';
import { label } from './label.js';
import { numeric } from './numeric.js';
import { rougeLGrader, tokenF1Grader } from './similarity.js';
import { contains, containsAll, containsAny, exact, icontains, icontainsAll, icontainsAny, normalizedExact, regex } from './text.js';
import { failed, gradeError, passed, type GradeContext, type GraderDef, type GraderOutcome } from './types.js';

export type { GradeContext, GraderDef,  } from './types.js';
export { extractJson } from './json.js';
export { extractFinalNumber } from './numeric.js';
;
export { buildJudgePrompt, parseJudgeReply, JUDGE_PROMPT } from './llmJudge.js';
;

/**
 * The grader registry: a grader is one file exporting a GraderDef plus one
 * line here (its key is its name; `not-<name>` comes free). Order: help and docs.
 */
export const GRADERS = {
  exact,
  'normalized-exact': normalizedExact,
  contains,
  icontains,
  'contains-all': containsAll,
  'contains-any': containsAny,
  'icontains-all': icontainsAll,
  'icontains-any': icontainsAny,
  regex,
  'valid-json': validJson,
  'json-schema': jsonSchema,
  'json-field-match': jsonFieldMatch,
  numeric,
  label,
  'token-f1': tokenF1Grader,
  'rouge-l': rougeLGrader,
  'llm-judge': llmJudge,
} as const satisfies Record<string, GraderDef>;

const REGISTRY = new Map<string, GraderDef>(Object.entries(GRADERS));

/** Base grader types; any of them may be prefixed with `not-`. */
export const GRADER_NAMES: readonly string[] = Object.freeze([...REGISTRY.keys()]);

/** The grader used for items that declare none (unless ctx.defaultGrader says otherwise). */
const DEFAULT_GRADER = 'normalized-exact';

const NEGATION_PREFIX = 'not-';

function unknownGrader(type: string, where?: string): InputError {
  return new InputError(`unknown grader "${type}" (graders: ${GRADER_NAMES.join(', ')}; prefix any with ${NEGATION_PREFIX} to negate)`, where);
}

/** Splits `not-not-contains` into the base grader and how many negations (memoized: types repeat on every item). */
function resolve(type: string): { def: GraderDef; negations: number } | undefined {
  if (RESOLVED.has(type)) return RESOLVED.get(type);
  let negations = 0;
  let name = type;
  while (!REGISTRY.has(name) && name.startsWith(NEGATION_PREFIX)) {
    name = name.slice(NEGATION_PREFIX.length);
    negations++;
  }
  const def = REGISTRY.get(name);
  const r = def ? { def, negations } : undefined;
  if (RESOLVED.size < 1000) RESOLVED.set(type, r);
  return r;
}

const RESOLVED = new Map<string, { def: GraderDef; negations: number } | undefined>();

/** Whether a grader type (with or without not-) exists. */
export function isGraderType(type: string): boolean {
  return resolve(type) !== undefined;
}

/**
 * Checks one grader spec against its case (load time). Throws InputError for
 * an unknown type; returns a problem message for bad parameters, else undefined.
 */
export function checkGraderSpec(spec: GraderSpec, c: GoldenCase, where?: string): string | undefined {
  if (typeof spec !== 'object' || spec === null || typeof spec.type !== 'string' || spec.type === '') return 'a grader needs a `type`';
  const r = resolve(spec.type);
  if (!r) throw unknownGrader(spec.type, where);
  if (spec.weight !== undefined && (typeof spec.weight !== 'number' || !(spec.weight >= 0))) return `${spec.type}: \`weight\` must be a number ≥ 0`;
  if (spec.required !== undefined && typeof spec.required !== 'boolean') return `${spec.type}: \`required\` must be true or false`;
  const problem = r.def.check?.(spec, c);
  return problem ? `${spec.type}: ${problem}` : undefined;
}

/**
 * One grader on an answer: its outcome, or a promise of it for an
 * asynchronous grader (llm-judge). A throw or rejection is a grader error.
 */
function runOne(spec: GraderSpec, c: GoldenCase, output: string, ctx: GradeContext): GraderOutcome | Promise<GraderOutcome> {
  const r = resolve(spec.type);
  if (!r) throw unknownGrader(spec.type);
  let out: GraderOutcome | Promise<GraderOutcome>;
  try {
    // A misconfigured item (e.g. no expected answer) is a grader error, never a verdict on the answer.
    const problem = r.def.check?.(spec, c);
    out = problem ? gradeError(`${r.def.name}: ${problem}`) : r.def.grade(output, spec, c, ctx);
  } catch (e) {
    out = threw(r.def, e);
  }
  if (out instanceof Promise) {
    return out.then(
      (o) => settle(o, r.negations),
      (e: unknown) => {
        // The run was stopped while the judge was asked: no verdict, the item is left for --resume.
        if (e instanceof Cancelled) throw e;
        return settle(threw(r.def, e), r.negations);
      },
    );
  }
  return settle(out, r.negations);
}

/** Graders are pure and should not throw; a throw is reported as a grader error, not a crash of the run. */
function threw(def: GraderDef, e: unknown): GraderOutcome {
  return gradeError(`${def.name} threw: ${(e as Error)?.message ?? String(e)}`);
}

/** Applies `not-` prefixes and clamps the score to [0, 1]. */
function settle(out: GraderOutcome, negations: number): GraderOutcome {
  for (let i = 0; i < negations; i++) {
    if (out.error) break;
    out = out.pass ? failed(`not: ${out.reason}`, 1 - out.score) : passed(`not: ${out.reason}`, 1 - out.score);
  }
  const score = Math.min(1, Math.max(0, out.score));
  return out.error ? { pass: out.pass, score, reason: out.reason, error: true } : { pass: out.pass, score, reason: out.reason };
}

/** Runs one grader on an answer. Throws InputError for an unknown type. */
export async function runGrader(spec: GraderSpec, c: GoldenCase, output: string, ctx: GradeContext = {}): Promise<NamedGradeResult> {
  const out = await runOne(spec, c, output, ctx);
  return { grader: spec.type, pass: out.pass, score: out.score, reason: out.reason };
}

/** The graders that apply to a case: its own, else ctx.defaultGrader, else normalized-exact. */
function gradersFor(c: GoldenCase, ctx: GradeContext = {}): GraderSpec[] {
  if (c.graders && c.graders.length > 0) return c.graders;
  const type = ctx.defaultGrader ?? DEFAULT_GRADER;
  if (!resolve(type)) throw unknownGrader(type, '--grader');
  return [{ type }];
}

export interface CaseGrade {
  pass: boolean;
  score: number;
  graders: NamedGradeResult[];
}

/**
 * Grades one answer with all of the case's graders. pass = every grader with
 * `required` ≠ false passes (a grader error always fails the item);
 * score = weighted mean of the grader scores.
 */
export async function gradeCase(c: GoldenCase, output: string, ctx: GradeContext = {}): Promise<CaseGrade> {
  return gradeCaseNow(c, output, ctx);
}

/**
 * gradeCase without a promise when every grader of the case is synchronous
 * (all but llm-judge): the eval runner's per-item path.
 */
export function gradeCaseNow(c: GoldenCase, output: string, ctx: GradeContext = {}): CaseGrade | Promise<CaseGrade> {
  const specs = gradersFor(c, ctx);
  const outs: GraderOutcome[] = [];
  for (let i = 0; i < specs.length; i++) {
    const out = runOne(specs[i]!, c, output, ctx);
    if (out instanceof Promise) return gradeRest(specs, i, out, outs, c, output, ctx);
    outs.push(out);
  }
  return combine(specs, outs);
}

async function gradeRest(specs: GraderSpec[], i: number, pending: Promise<GraderOutcome>, outs: GraderOutcome[], c: GoldenCase, output: string, ctx: GradeContext): Promise<CaseGrade> {
  outs.push(await pending);
  for (let j = i + 1; j < specs.length; j++) outs.push(await runOne(specs[j]!, c, output, ctx));
  return combine(specs, outs);
}

function combine(specs: GraderSpec[], outs: GraderOutcome[]): CaseGrade {
  const graders: NamedGradeResult[] = [];
  let pass = true;
  let weighted = 0;
  let weights = 0;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const out = outs[i]!;
    graders.push({ grader: spec.type, pass: out.pass, score: out.score, reason: out.reason });
    if (!out.pass && (spec.required !== false || out.error)) pass = false;
    const w = typeof spec.weight === 'number' && spec.weight >= 0 ? spec.weight : 1;
    weighted += w * out.score;
    weights += w;
  }
  const score = weights > 0 ? weighted / weights : pass ? 1 : 0;
  return { pass, score, graders };
}
