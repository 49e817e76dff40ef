/**
 * What a `tokor calibrate` run comes to — a calibration (with its held-out
 * result) or a saved policy applied — and the policy file a calibration
 * saves. Pure: src/app/calibrate.ts reads the inputs and writes the outputs.
 */
import type { RoutingPolicyFile } from '../artifacts/policy.js';
import type { RouterModel } from '../artifacts/router.js';
import { SAMPLE_RECORDINGS_WHAT, type Provenance } from '../types.js';
import { VERSION } from '../version.js';
import type { PolicyEvaluation } from './apply.js';
import type { Calibration } from './calibrate.js';
import type { ResultsTable } from './results.js';

/** A file the command writes. */
export interface Output {
  file: string;
  text: string;
  what: string;
}

export interface HoldoutReport {
  fraction: number;
  calibrationItems: number;
  holdoutItems: number;
  /** The pick, applied unchanged (router trained on the calibration part only) to the held-out items. */
  evaluation: PolicyEvaluation;
}

export type CalibrateRun = (
  | { kind: 'calibrate'; report: Calibration; holdout?: HoldoutReport; outputs: Output[]; outcome: 'ok' | 'bar-failed' }
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
export function buildPolicy(report: Calibration, table: ResultsTable, router: RouterModel | undefined, o: { catalogVersion: string; confidenceField: string; createdAt: Date }): RoutingPolicyFile {
  const pick = report.pick!;
  const policy: RoutingPolicyFile = {
    schemaVersion: 1,
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
      calibration: { n: report.n, quality: pick.quality, parity: pick.parity, parityLower: pick.parityLower, savingsPct: pick.savingsPct, bound: report.bound, tierShares: pick.tierShares },
    },
  };
  if (table.datasetSha256) policy.provenance.datasetSha256 = table.datasetSha256;
  if (pick.pattern === 'classifier') policy.router = router!;
  if (pick.gate) policy.gate = pick.gate;
  if (pick.pattern === 'confidence') policy.confidenceField = o.confidenceField;
  return policy;
}

