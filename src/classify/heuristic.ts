/**
 * The heuristic difficulty labeler: a documented, fixed linear score over cues
 * a reader can check, squashed to [0,1]. It needs no training data, so it is
 * what `tokor analyze` uses until `tokor calibrate --out-router` trains one on
 * the user's own eval results. See docs/labeling.md.
 *
 *   z = −1.7
 *       + 2.0 × length      (context size: 0 at ≤150 tokens, 1 at ≥8,000, log scale)
 *       + 1.3 × code        (code fences, stack traces, code keywords)
 *       + 1.7 × reasoning   (multi-step cues: prove, derive, step by step, trade-offs …; 0–1 by count)
 *       + 0.8 × longOutput  (asks for an essay/report/detailed analysis, or max tokens ≥ 4,000)
 *       + 0.6 × depth       (conversation depth: 0 for one turn, 1 at ≥ 11 messages)
 *       − 1.6 × routine     (classify, extract, label, translate, yes/no, one word …; 0–1 by count)
 *   score = 1 / (1 + e^−z);  easy < 0.35 ≤ moderate < 0.65 ≤ hard
 */
import type { Difficulty, DifficultyLabel } from '../types.js';
import type { LabelInput, Labeler } from './types.js';

const HEURISTIC_THRESHOLDS = { moderate: 0.35, hard: 0.65 } as const;

const WEIGHTS = { bias: -1.7, length: 2.0, code: 1.3, reasoning: 1.7, longOutput: 0.8, depth: 0.6, routine: -1.6 } as const;

// One pass over the lower-cased text finds every cue; each match is then
// sorted into its family. Four separate regex scans cost four times as much
// on GB-sized logs.
const REASONING_CUES = `step[- ]by[- ]step|prove|proof|derive|derivation|reason(?:ing)? through|explain why|why does|analy[sz]e|evaluate|compare|trade-?offs?|design (?:a|an|the)|architect|plan (?:a|an|the)|optimi[sz]e|debug|root cause|calculate|compute|estimate|how many|probability|multi-step|implications|strategy|refactor|implement`;
const ROUTINE_CUES = `classify|categori[sz]e|which category|label (?:this|the)|extract|sentiment|yes or no|one word|single word|translate|tag (?:this|the)|fix (?:the )?typos?|spell(?:ing)?|rephrase|reword|tl;?dr|one sentence|short answer|intent|is this (?:spam|positive|negative)`;
const LONG_OUTPUT_CUES = `essay|report|detailed|comprehensive|in[- ]depth|thorough|write a (?:long|full|complete)|full implementation`;
const CODE_CUES = String.raw`def \w|function|class \w|import \w|const \w+ =|select .{1,200}? from|traceback \(most recent call last\)|exception|stack trace`;
const CUES = new RegExp(String.raw`\b(?:(${REASONING_CUES})|(${ROUTINE_CUES})|(${LONG_OUTPUT_CUES})|(${CODE_CUES}))\b|(\x60\x60\x60|=>|#include)`, 'g');

/** How much of the prompt the cue scan reads: instructions sit at the start and the end. */
const HEAD_CHARS = 1200;
const TAIL_CHARS = 300;

export interface HeuristicFeatures {
  length: number;
  code: number;
  reasoning: number;
  longOutput: number;
  depth: number;
  routine: number;
}

export function heuristicFeatures(input: LabelInput): HeuristicFeatures {
  const prompt = input.prompt ?? '';
  const text = (prompt.length > HEAD_CHARS + TAIL_CHARS ? `${prompt.slice(0, HEAD_CHARS)}\n${prompt.slice(-TAIL_CHARS)}` : prompt).toLowerCase();
  // Without a token count (bodies only), ~4 characters per token.
  const tokens = input.inputTokens && input.inputTokens > 0 ? input.inputTokens : Math.ceil((prompt.length + (input.system?.length ?? 0)) / 4);
  const length = clamp01(Math.log(Math.max(tokens, 1) / 150) / Math.log(8000 / 150));
  let reasoning = 0;
  let routine = 0;
  let longOutput = (input.maxTokens ?? 0) >= 4000 ? 1 : 0;
  let code = prompt.length > HEAD_CHARS + TAIL_CHARS && prompt.includes('```') ? 1 : 0;
  CUES.lastIndex = 0;
  for (let m = CUES.exec(text); m !== null; m = CUES.exec(text)) {
    if (m[1] !== undefined) reasoning++;
    else if (m[2] !== undefined) routine++;
    else if (m[3] !== undefined) longOutput = 1;
    else code = 1;
  }
  return { length, code, reasoning: Math.min(reasoning, 3) / 3, longOutput, depth: clamp01(((input.turns ?? 1) - 1) / 10), routine: Math.min(routine, 2) / 2 };
}

export function heuristicScore(f: HeuristicFeatures): number {
  const z =
    WEIGHTS.bias +
    WEIGHTS.length * f.length +
    WEIGHTS.code * f.code +
    WEIGHTS.reasoning * f.reasoning +
    WEIGHTS.longOutput * f.longOutput +
    WEIGHTS.depth * f.depth +
    WEIGHTS.routine * f.routine;
  return 1 / (1 + Math.exp(-z));
}

export function labelForScore(score: number): Difficulty {
  if (score >= HEURISTIC_THRESHOLDS.hard) return 'hard';
  if (score >= HEURISTIC_THRESHOLDS.moderate) return 'moderate';
  return 'easy';
}

export const heuristicLabeler: Labeler = {
  name: 'heuristic',
  label(input: LabelInput): DifficultyLabel {
    const score = heuristicScore(heuristicFeatures(input));
    return { label: labelForScore(score), score };
  },
  labelWithOneTurnScore(input: LabelInput): { label: DifficultyLabel; oneTurnScore: number } {
    // The cue scan once: without turns, only the depth feature changes (to 0).
    const f = heuristicFeatures(input);
    const score = heuristicScore(f);
    return { label: { label: labelForScore(score), score }, oneTurnScore: f.depth === 0 ? score : heuristicScore({ ...f, depth: 0 }) };
  },
};

function clamp01(x: number): number {
  return x < 0 ? 0 : Math.min(x, 1);
}
