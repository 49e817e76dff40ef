/**
 * Measured difficulty of a logged request (`tokor label`), pure: the case a
 * request becomes (its system prompt and last user turn, graded against the
 * logged answer), and the label its cheaper tiers' results decide — easy
 * when the cheapest tier holds, moderate when only a later one does, hard
 * when none does, and no label when a tier that decides it could not answer.
 * The command itself: src/app/label.ts.
 */
import type { LabelLine } from '../artifacts/labels.js';
import type { Difficulty, TrafficRecord } from '../types.js';
import type { EvalResult, GoldenCase } from './types.js';

/** easy when the first (cheapest) tier passes, moderate when a later replayed tier does, hard when none does. */
export function labelFor(passes: boolean[]): Difficulty {
  const first = passes.indexOf(true);
  return first === 0 ? 'easy' : first > 0 ? 'moderate' : 'hard';
}

/** The ID a label is joined on: the log's request ID, else file:line of the record. */
export function requestKey(r: Pick<TrafficRecord, 'requestId' | 'source'>): string {
  return r.requestId ?? `${r.source.file}:${r.source.line}`;
}

/** Why a logged record cannot be labeled, if it cannot. */
export function unlabelable(r: Pick<TrafficRecord, 'prompt' | 'outputText'>): 'noPrompt' | 'noAnswer' | undefined {
  if (!r.prompt) return 'noPrompt';
  if (r.outputText === undefined || r.outputText === '') return 'noAnswer';
  return undefined;
}

/** The case a logged request becomes: its input, graded with `grader` against the logged answer. */
export function trafficCase(id: string, r: Pick<TrafficRecord, 'system' | 'prompt' | 'outputText'>, grader: string): GoldenCase {
  return {
    id,
    input: { ...(r.system ? { system: r.system } : {}), messages: [{ role: 'user', content: r.prompt ?? '' }] },
    expected: r.outputText,
    reference: r.outputText ?? '',
    graders: [{ type: grader }],
  };
}

/** A tier whose answer could not be judged (the judge failed) is as undecided as one that did not answer. */
function undecided(x: EvalResult): boolean {
  return Boolean(x.error) || x.graders.some((g) => g.reason.startsWith('grader error:'));
}

/** The label of a request from its tiers' results, cheapest first; undefined when a tier cheaper than the first pass (or any, when none passed) could not run. */
export function decideLabel(ordered: readonly EvalResult[]): Difficulty | undefined {
  const firstPass = ordered.findIndex((x) => !undecided(x) && x.pass);
  const firstError = ordered.findIndex(undecided);
  if (firstError >= 0 && (firstPass < 0 || firstError < firstPass)) return undefined;
  return labelFor(ordered.map((x) => !x.error && x.pass));
}

/** Where a sampled request's label stands for more traffic: its cluster and sampling weight. */
export interface SampleInfo {
  /** The task cluster's signature. */
  cluster: string;
  /** Requests of the cluster ÷ the cluster's sample size. */
  weight: number;
}

/** The labels-file line of a decided request. */
export function labelLine(r: Pick<TrafficRecord, 'requestId' | 'source' | 'modelId'>, ordered: readonly EvalResult[], label: Difficulty, sample?: SampleInfo): LabelLine {
  return {
    requestId: requestKey(r),
    label,
    tiers: Object.fromEntries(ordered.map((x) => [x.tier, { model: x.model, pass: x.pass, score: x.score, costUsd: x.costUsd, ...(x.graders[0]?.reason ? { reason: x.graders[0].reason } : {}) }])),
    servedBy: r.modelId,
    source: `${r.source.file}:${r.source.line}`,
    ...(sample ? { cluster: sample.cluster, weight: sample.weight } : {}),
  };
}
