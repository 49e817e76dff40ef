/**
 * The nouns of `tokor gate`: the policy it checks, the verdict per scope and
 * check, and the JSON contract (`--format json`, GATE_SCHEMA_VERSION).
 */
import type { BarMode, DriftThresholdsConfig, ResolvedScope, TierConfig } from '../config/schema.js';
import type { PolicyEvaluation, ShareDrift } from '../calibrate/apply.js';
import type { RoutingPolicyFile } from '../artifacts/policy.js';
import type { DriftJson } from '../artifacts/drift.js';
import type { ResultsTable } from '../calibrate/results.js';
import type { Provenance } from '../types.js';
import type { LatencySummary } from '../calibrate/latency.js';

export const GATE_SCHEMA_VERSION = 1;

/** `tokor gate --format`. */
export const GATE_FORMATS = ['table', 'json', 'markdown'] as const;
export type GateFormat = (typeof GATE_FORMATS)[number];

/** `tokor init --gateway`: which starter config to write. */
export const GATEWAYS = ['bedrock', 'openai', 'litellm'] as const;
export type Gateway = (typeof GATEWAYS)[number];

/** The simulation the gate runs: calibrate's applyPolicy (injected so the verdict stays pure and testable). */
export type ApplyPolicy = (policy: RoutingPolicyFile, table: ResultsTable, opts?: { confidence?: number }) => PolicyEvaluation;

/** The measure a floor bounds: parity to the frontier tier (relative bar) or the pass rate (absolute bar). */
export type QualityMeasure = 'parity' | 'pass-rate';

/** The floor of one scope (or of the whole population), resolved. */
export interface ScopeRule extends Omit<ResolvedScope, 'floorFrom'> {
  floorFrom: ResolvedScope['floorFrom'] | 'flag' | 'policy';
}

/** A routing policy ready to gate: what to simulate, on which ladder, under which floors. */
export interface GatePolicy {
  /** Where it came from, for messages ("tokor.config.yaml", "policy.json", "bundled default policy"). */
  source: string;
  routing: RoutingPolicyFile;
  tiers: TierConfig[];
  /** The whole population's floor (scope name "global", match everything). */
  global: ScopeRule;
  scopes: ScopeRule[];
  /** Extra price catalogs (absolute paths) and model aliases from the config. */
  catalogFiles?: string[];
  modelMap?: Record<string, string>;
  /** Defaults for the savings checks from the config's `gate:` section. */
  minSavings?: number;
  maxSavingsDrop?: number;
  /** The routed p95 latency (ms) the whole population and every scope without its own is held to (config gate.maxP95LatencyMs, else the policy file's). */
  maxP95LatencyMs?: number;
  /** Drift thresholds (config `drift:` or the policy file's `drift`). */
  drift?: DriftThresholdsConfig;
}

/** Per-run overrides from flags. */
export interface GateOptions {
  /** Replaces every floor (global and scopes) for this run. */
  floor?: number;
  /** Replaces every confidence level for this run. */
  confidence?: number;
  /** Fail when global savings (percent) fall below this. */
  minSavings?: number;
  /**
   * Fail when global savings drop by more than this many percentage points
   * below the base policy's (with a base) and below the policy's certified
   * savings (when it carries them; default DEFAULT_MAX_SAVINGS_DROP).
   */
  maxSavingsDrop?: number;
  /** Fail when a tier's share moved beyond sampling error and by more than this many points from the certified share. */
  maxShareDrift?: number;
  /** Replaces the policy's global routed p95 latency limit (ms): the whole population and every scope without its own. */
  maxP95LatencyMs?: number;
}

/** --max-savings-drop against a policy's certified savings when neither the flag nor the config sets it. */
export const DEFAULT_MAX_SAVINGS_DROP = 10;

/** The numbers of one policy on one population, as shown before → after. */
export interface Snapshot {
  n: number;
  passRate: number;
  passRateLower: number;
  parity: number;
  parityLower: number;
  costUsd: number;
  frontierCostUsd: number;
  savingsPct: number;
  tierShares: Record<string, number>;
  escalationRate: number;
  /** p50 / p95 of the routed latency (ms); null when some result has no latency. */
  latency?: LatencySummary | null;
}

export interface ScopeVerdict {
  scope: string;
  /** Items of the golden results in the scope. */
  n: number;
  /** 'empty': the scope matched no item (a warning, not a failure). */
  status: 'pass' | 'fail' | 'empty';
  measure: QualityMeasure;
  barMode: BarMode;
  confidence: number;
  floor: number;
  floorFrom: ScopeRule['floorFrom'];
  allowedTiers?: string[];
  /** The routed p95 latency limit (ms) in force for the scope. */
  maxP95LatencyMs?: number;
  /** Point estimate and one-sided lower bound of the measure the floor applies to. */
  value: number;
  lower: number;
  /** lower − floor: negative when failing. */
  margin: number;
  proposed?: Snapshot;
  base?: Snapshot;
  /** One line, e.g. "scope payments: parity lower bound 0.912 < floor 0.95 (−3.8 pts)". */
  message: string;
}

export interface SavingsCheck {
  /** traffic-coverage / traffic-drift: `tokor gate --traffic` (docs/drift.md). */
  check: 'min-savings' | 'max-savings-drop' | 'max-share-drift' | 'traffic-coverage' | 'traffic-drift' | 'max-p95-latency';
  /** max-p95-latency: the scope whose routed p95 latency (ms, `actual`) is held to `limit` (ms). */
  scope?: string;
  pass: boolean;
  /** The limit in percent (min-savings, traffic-coverage), percentage points (max-savings-drop) or a PSI (traffic-drift). */
  limit: number;
  /** Savings in percent, or the drop in points. */
  actual: number;
  /** max-savings-drop: what the savings are compared with — the base policy's or the policy's certified savings. */
  against?: 'base' | 'certified';
  message: string;
}

export interface GateVerdict {
  pass: boolean;
  policy: string;
  base?: string;
  datasets: string[];
  pattern: string;
  thresholds: number[];
  tiers: string[];
  /** global first, then the configured scopes in order. */
  scopes: ScopeVerdict[];
  checks: SavingsCheck[];
  warnings: string[];
  /** Said beside the verdict, e.g. results of another dataset than the policy was calibrated on. */
  notes?: string[];
  /** Observed tier shares (whole population) next to the policy's certified ones, when it carries them. */
  shares?: ShareDrift[];
  overrides: { floor?: number; confidence?: number };
  /** synthetic when the results are graded from bundled sample recordings (every figure is sample data). */
  provenance?: Provenance;
  /** With --traffic: the drift of the traffic against the golden set. */
  drift?: DriftJson;
}

/** `tokor gate --format json`: a stable, documented contract. */
export interface GateJson {
  schemaVersion: typeof GATE_SCHEMA_VERSION;
  pass: boolean;
  policy: string;
  datasets: string[];
  pattern: string;
  thresholds: number[];
  scopes: {
    scope: string;
    n: number;
    /** What quality/qualityLower/floor measure: parity to frontier (relative bar) or pass rate (absolute bar). */
    measure: QualityMeasure;
    quality: number | null;
    qualityLower: number | null;
    floor: number;
    confidence: number;
    pass: boolean;
    /** qualityLower − floor; null for an empty scope. */
    margin: number | null;
    status: ScopeVerdict['status'];
    passRate: number | null;
    parity: number | null;
    costUsd: number | null;
    savingsPct: number | null;
    tierShares: Record<string, number>;
    /** p50 / p95 of the routed latency (ms, nearest-rank over the scope's items); null when unknown or the scope is empty. */
    latency: LatencySummary | null;
    /** The routed p95 limit (ms) in force for the scope, when one is. */
    maxP95LatencyMs?: number;
    base?: { quality: number; qualityLower: number; savingsPct: number; tierShares: Record<string, number> };
  }[];
  savings: { pct: number; costUsd: number; frontierCostUsd: number; checks: SavingsCheck[] };
  base?: { policy: string; quality: number; qualityLower: number; savingsPct: number; costUsd: number; tierShares: Record<string, number> };
  warnings: string[];
  /** Notes beside the verdict (results of another dataset than the calibration one, …). */
  notes: string[];
  /** Observed vs certified tier shares (fractions), flagged beyond sampling error; [] when the policy carries no certified shares. */
  shares: ShareDrift[];
  provenance: Provenance;
  /** With --traffic: `tokor drift --format json` of the traffic against the golden set (docs/drift.md). */
  drift?: DriftJson;
}
