/**
 * Difficulty labelers behind one interface: the heuristic one ships with
 * analyze; the trained classifier comes from `tokor calibrate --out-router`.
 */
import type { DifficultyLabel } from '../types.js';

/** What a labeler may look at: the request, never its answer. */
export interface LabelInput {
  prompt?: string;
  system?: string;
  turns?: number;
  maxTokens?: number;
  inputTokens?: number;
  task?: string;
  category?: string;
}

export interface Labeler {
  readonly name: string;
  label(input: LabelInput): DifficultyLabel;
  /**
   * The label, and the score of the same request as one turn (`turns` left out: what the traffic profile
   * scores), computed in one pass; for labelers that can. Equal to label(input) and label({…input, turns: undefined}).score.
   */
  labelWithOneTurnScore?(input: LabelInput): { label: DifficultyLabel; oneTurnScore: number };
}
