/**
 * What a `tokor calibrate` run comes to — a calibration (with its held-out
 * result) or a saved policy applied — and the policy file a calibration
 * saves. Pure: src/app/calibrate.ts reads the inputs and writes the outputs.
 */
import type { RoutingPolicyFile } from '../artifacts/policy.js';
import { patternNeeds } from './patterns/index.js';
import type { RouterModel } from '../artifacts/router.js';
import { SAMPLE_RECORDINGS_WHAT, type Provenance } from '../types.js';
import { VERSION } from '../version.js';
import { pct } from '../report/format.js';
import type { PolicyEvaluation } from './apply.js';
import type { LatencySummary } from './latency.js';
import type { Calibration } from './calibrate.js';
import type { ResultsTable } from './results.js';

/** A file the command writes. */
export interface Output {
  file: string;
  text: string;
  what: string;
}

/** The share of items every calibration holds out by default (`--holdout`; 0 holds none out). */
export const DEFAULT_HOLDOUT = 0.3;

/**
 * The pick applied unchanged — thresholds, and the router trained on the
 * calibration part only — to items it was not chosen on: the held-out
 * result every calibration reports (JSON `holdout`).
 */
export interface HoldoutReport {
  /** Held-out items. */
  items: number;
  /** (1 − routed cost / all-frontier cost) × 100 on them. */
  savingsPct: number;
  /** Routed pass rate ÷ all-frontier pass rate on them. */
  parity: number;
  /** One-sided 95% lower bound of that parity (Fieller, paired by item). */
  parityLower95: number;
  /** Routed pass rate on them. */
  quality: number;
  /** Whether the held-out point estimate keeps the bar: parity ≥ bar (relative) or quality ≥ bar (absolute). */
  meetsBar: boolean;
  tierShares: Record<string, number>;
  /** p50 / p95 of the routed latency on them (ms; null when unknown). */
  latency?: LatencySummary | null;
  /** The split: the share held out, its seed, and the items calibrated on. */
  fraction: number;
  seed: number;
  calibrationItems: number;
}

/** The held-out result of a pick from its evaluation on the held-out items (at 95% confidence). */
export function holdoutReport(evaluation: PolicyEvaluation, bar: { bar: number; barMode: 'relative' | 'absolute' }, split: { fraction: number; seed: number; calibrationItems: number }): HoldoutReport {
  const point = bar.barMode === 'relative' ? evaluation.parity : evaluation.quality;
  return {
    items: evaluation.n,
    savingsPct: evaluation.savingsPct,
    parity: evaluation.parity,
    parityLower95: evaluation.parityLower,
    quality: evaluation.quality,
    meetsBar: point >= bar.bar - 1e-12,
    tierShares: evaluation.tierShares,
    ...(evaluation.latency !== undefined ? { latency: evaluation.latency } : {}),
    ...split,
  };
}

/** The headline, saying so when the held-out result breaks the bar. */
export function headlineWithHoldout(headline: string, h: HoldoutReport | null, bar: { bar: number; barMode: 'relative' | 'absolute' }): string {
  if (!h || h.meetsBar) return headline;
  const value = bar.barMode === 'relative' ? `${pct(h.parity)} parity` : `${pct(h.quality)} quality`;
  return `${headline} — but on ${h.items} held-out items it breaks the bar: ${value} < ${pct(bar.bar)}`;
}

export type CalibrateRun = (
  | { kind: 'calibrate'; report: Calibration; holdout: HoldoutReport | null; outputs: Output[]; outcome: 'ok' | 'bar-failed' }
  | { kind: 'apply'; policyFile: string; policy: RoutingPolicyFile; datasetId: string; evaluation: PolicyEvaluation; notes: string[]; outputs: Output[]; outcome: 'ok' | 'bar-failed' }
) & {
  /** synthetic when the results are graded from bundled sample recordings. */
  provenance: Provenance;
};

/** Sample data when any results line replays the bundled recordings. */
export function provenanceOf(table: ResultsTable): Provenance {
  return table.sampleResults ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false };
}

/** The policy file of a calibration's pick (`calibrate --out`, what `tokor gate` reads). */
export function buildPolicy(
  report: Calibration,
  table: ResultsTable,
  router: RouterModel | undefined,
  o: { catalogVersion: string; confidenceField: string; createdAt: Date; holdout?: { fraction: number; seed: number; items: number } },
): RoutingPolicyFile {
  const pick = report.pick!;
  const policy: RoutingPolicyFile = {
    // Version 2 only where it is needed (the per-scope patterns), so older tokor versions keep reading the rest.
    schemaVersion: pick.scopes ? 2 : 1,
    kind: 'tokor-policy',
    pattern: pick.pattern,
    thresholds: pick.thresholds,
    tiers: table.tiers.map((t) => ({ name: t, model: table.models?.[t] ?? t })),
    bar: report.bar,
    barMode: report.barMode,
    confidence: report.confidence,
    routerCostUsd: pick.routerCostUsd,
    provenance: {
      datasetId: table.datasetId,
      resultsSha256: table.sha256,
      catalogVersion: o.catalogVersion,
      createdAt: o.createdAt.toISOString(),
      tokorVersion: VERSION,
      calibration: { n: report.n, quality: pick.quality, parity: pick.parity, parityLower: pick.parityLower, savingsPct: pick.savingsPct, bound: report.bound, tierShares: pick.tierShares, ...(pick.latency ? { latency: pick.latency } : {}), ...(o.holdout ? { holdout: o.holdout } : {}) },
    },
  };
  if (pick.routerLatencyMs !== undefined) policy.routerLatencyMs = pick.routerLatencyMs;
  const maxP95 = report.latency?.maxP95Ms;
  if (maxP95 !== undefined && maxP95 !== null) policy.maxP95LatencyMs = maxP95;
  if (table.datasetSha256) policy.provenance.datasetSha256 = table.datasetSha256;
  if (patternNeeds(pick.pattern).router) policy.router = router!;
  if (pick.scopes) {
    const names = table.tiers;
    const tierOf = (j: number): { tier?: string } => (pick.pattern === 'scope-tier' ? { tier: names[pick.thresholds[j]!] ?? names[names.length - 1]! } : {});
    policy.scopes = { by: pick.scopes.by, entries: pick.scopes.entries.map((e, j) => ({ ...e, ...tierOf(j) })) };
  }
  if (pick.gate) policy.gate = pick.gate;
  if (pick.pattern === 'confidence') policy.confidenceField = o.confidenceField;
  return policy;
}

