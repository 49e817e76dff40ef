/**
 * `tokor drift`: read the baseline (a golden dataset, a policy → its dataset,
 * traffic logs or an analyze JSON) and the current traffic (logs or analyze
 * JSONs), profile each (src/app/driftInputs.ts), compare. Returns the verdict
 * and the JSON contract; the command renders.
 */
import { UsageError } from '../errors.js';
import type { DriftJson } from '../artifacts/drift.js';
import { compareProfiles, type DriftVerdict } from '../drift/compare.js';
import type { LogFormatName } from '../ingest/formats/index.js';
import type { CsvColumnMap } from '../ingest/index.js';
import type { Context } from './context.js';
import { checkDriftOptions, driftJson, readSide, resolveThresholds } from './driftInputs.js';
import { loadGatePolicy } from './gate.js';

export interface DriftRequest {
  baseline: string;
  current: string[];
  /** The golden dataset(s) of a policy baseline that is not bundled. */
  dataset?: string[];
  alpha?: number;
  maxPsi?: number;
  minCoverage?: number;
  logFormat?: LogFormatName;
  /** --map: the columns of CSV logs. */
  csvMap?: CsvColumnMap;
}

export interface DriftRun {
  verdict: DriftVerdict;
  json: DriftJson;
  /** For stderr: skipped lines and the like. */
  notes: string[];
}

export async function runDrift(ctx: Context, req: DriftRequest): Promise<DriftRun> {
  checkDriftOptions(req);
  if (!req.current.length) throw new UsageError('--current: give at least one traffic file (logs, or a `tokor analyze --format json` file)');
  const catalog = await ctx.catalog();
  const opts = { catalog, logFormat: req.logFormat, csvMap: req.csvMap, datasets: req.dataset?.map(ctx.fromCwd), loadPolicy: loadGatePolicy };
  const baseline = await readSide([ctx.fromCwd(req.baseline)], [req.baseline], 'baseline', opts);
  const current = await readSide(req.current.map(ctx.fromCwd), req.current, 'current', opts);
  const { thresholds, from } = resolveThresholds(req, baseline.thresholds);
  const verdict = compareProfiles(baseline.profile, current.profile, thresholds);
  if (baseline.kind !== 'dataset' && baseline.kind !== 'policy') {
    verdict.notes.push(`the baseline is ${baseline.kind === 'logs' ? 'traffic logs' : 'an analyze JSON'}, not a golden dataset: coverage says which current clusters that traffic lacked`);
  }
  const json = driftJson(verdict, baseline, current, from);
  return { verdict, json, notes: [...baseline.notes, ...current.notes] };
}

