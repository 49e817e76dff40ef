/**
 * Golden datasets and eval results: the contract between `eval`, `calibrate`,
 * `gate` and any other tool that writes results. Versioned by RESULTS_SCHEMA_VERSION.
 */

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** What is sent to the model for one item. */
export interface CaseInput {
  system?: string;
  messages: ChatMessage[];
}

/** One grader and its parameters, e.g. { type: 'numeric', tolerance: 0.01 } or { type: 'not-contains', value: 'sorry' }. */
export interface GraderSpec {
  type: string;
  [param: string]: unknown;
}

/** One item of a golden dataset. */
export interface GoldenCase {
  id: string;
  input: CaseInput;
  /** The expected answer (text, number, label, or an object for extraction). */
  expected?: unknown;
  /** Graders for this item; none → normalized exact match against `expected`. */
  graders?: GraderSpec[];
  task?: string;
  category?: string;
  tags?: string[];
  /** Reference answer for an LLM judge (Bedrock referenceResponse, OpenAI Evals ideal). */
  reference?: string;
}

export interface GoldenDataset {
  /** Stable ID: the dataset's declared id, else the file name without extension. */
  id: string;
  file: string;
  /** sha256 of the file's bytes, for provenance. */
  sha256: string;
  cases: GoldenCase[];
}

/** What one grader says: promptfoo's shape. */
export interface GradeResult {
  pass: boolean;
  /** In [0,1]. */
  score: number;
  reason: string;
}

export interface NamedGradeResult extends GradeResult {
  grader: string;
}

export const RESULTS_SCHEMA_VERSION = 1;

/**
 * One line of a results JSONL file (`tokor eval --out`). Other tools may write
 * it: only schemaVersion, datasetId, itemId, tier and pass are required.
 */
export interface EvalResult {
  schemaVersion: number;
  datasetId: string;
  itemId: string;
  tier: string;
  model: string;
  pass: boolean;
  score: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Priced from the catalog with the returned usage; null when the model is unpriced. */
  costUsd: number | null;
  latencyMs: number;
  output: string;
  graders: NamedGradeResult[];
  /** Set when the item could not be run (then pass is false and it is counted apart). */
  error?: string;
  task?: string;
  category?: string;
  /** Optional confidence signal for the confidence routing pattern (e.g. self-reported). */
  confidence?: number;
  /** The model a prompt router actually invoked, when different from `model`. */
  invokedModel?: string;
  /** Replay, cache or live. */
  source?: 'live' | 'cache' | 'replay';
}
