/**
 * A routing pattern: how its thresholds route an item up the tier ladder,
 * what a route costs, how calibration prepares its threshold sweep, and the
 * signal a saved policy of this pattern routes on. One file per pattern;
 * the registry (index.ts) names them all, exhaustively.
 */
import type { RoutingPolicyFile } from '../../artifacts/policy.js';
import type { RouterModel } from '../../artifacts/router.js';
import type { TrainOptions } from '../../classify/trained.js';
import type { BarMode, PatternFacts } from '../../config/schema.js';
import type { ResultsTable } from '../results.js';
import type { ScopedSearchResult, SearchInput } from '../scopes.js';
import type { OutcomeMatrix, RouteFamily } from '../sweep.js';

/** What calibration tells a pattern when it prepares the sweep. */
interface PrepareInput {
  table: ResultsTable;
  m: OutcomeMatrix;
  /** cascade: the grader that gates escalation, when the user chose one. */
  gate?: string;
  /** confidence: the results field the signal came from (for messages). */
  confidenceField?: string;
  routerCostUsd: number;
  train?: TrainOptions;
  barMode: BarMode;
  onProgress?: (message: string) => void;
  /** Notes for the report (e.g. an optimistic simulation). */
  notes: string[];
}

/** What the report says about a prepared pattern beyond its sweep. */
interface PatternExtra {
  gate?: string;
  /** Share of items where the signal exists. */
  signalCoverage?: number;
  router?: { oofAuc: number | null; oofLogLoss: number; folds: number; items: number };
}

/** A pattern ready to sweep: its family, the per-item signal a route is read from, and (classifier) the router certified. */
interface PreparedPattern {
  fam: RouteFamily;
  signal: Float64Array;
  extra: PatternExtra;
  gate?: string;
  router?: RouterModel;
  /**
   * A pattern certified by its own search instead of one sweep of `fam`
   * (the per-scope patterns: a sweep per scope, scopes.ts), under the
   * pattern's share of the confidence budget.
   */
  search?: (input: SearchInput) => ScopedSearchResult;
}

/** Why a pattern cannot be simulated on these results. */
interface SkippedPattern {
  skipped: string;
  gate?: string;
}

export interface PatternSpec {
  /**
   * What a saved route needs and what its thresholds may be (config
   * `routing.thresholds` and policy files are checked against these).
   * classifier: probabilities in [0, 1]. cascade / confidence: gate scores and
   * confidences lie in [0, 1] and an item escalates while its signal is below
   * the threshold, so a threshold above 1 escalates every item; calibrate
   * writes 2 for that ("always escalate", when some signal is exactly 1).
   * Anything above 2 means nothing more and is refused.
   */
  facts: PatternFacts;
  /** Whether the route tries tiers one after another (paying for every tier touched; the gate substitutes tiers per step). */
  sequential: boolean;
  /** Whether the route runs a router on every request, whose own latency each request waits for (latency.ts). */
  runsRouter?: boolean;
  /** Each item's final tier under the thresholds, read from the pattern's per-item signal. */
  route(thresholds: readonly number[], signal: Float64Array, n: number, k: number): Uint8Array;
  /** Cost of item i when it ends on tier t (n × k): the tier's cost, plus what the pattern pays on the way. */
  routedCosts(m: OutcomeMatrix, routerCostUsd: number): Float64Array;
  /** Calibration: the sweep family and signal, or why the pattern is skipped. */
  prepare(input: PrepareInput): PreparedPattern | SkippedPattern;
  /**
   * A saved policy's per-item signal on a table. `missing` says why it
   * cannot route these results (no prompts, no gate grader result, no
   * confidence): --apply refuses them; the gate's per-item route ignores it.
   */
  policySignal(policy: RoutingPolicyFile, table: ResultsTable, tiers: readonly string[]): { values: Float64Array; missing?: string };
}
