/**
 * `tokor calibrate` end to end: flags + config → results table → calibration
 * (or --apply of a saved policy) → what to print and which files to write.
 * Reads files; writes nothing (the command writes `outputs`).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { qualityOf, tiersOf, type BarMode, type RoutingPattern, ROUTING_PATTERNS, type TierConfig } from '../config/schema.js';
import type { GoldenDataset } from '../eval/types.js';
import { VERSION } from '../version.js';
import { applyPolicy, shareDrift, sharesNote, type PolicyEvaluation } from './apply.js';
import { calibrate, splitHoldout, type Calibration } from './calibrate.js';
import { loadResultsCsv, readExcludedPrompts } from './csv.js';
import { policyToJson, readPolicy, type RoutingPolicyFile } from '../artifacts/policy.js';
import { routerModelToJson, type RouterModel } from '../artifacts/router.js';
import { curveCsv } from './render.js';
import { loadResultsByDataset, type ResultsTable } from './results.js';
import { SAMPLE_RECORDINGS_WHAT, type Provenance } from '../types.js';

export const PATTERN_CHOICES = [...ROUTING_PATTERNS, 'all'] as const;
export type PatternChoice = (typeof PATTERN_CHOICES)[number];

/** The flags of `tokor calibrate`. */
export interface CalibrateCommandOptions {
  config?: string;
  dataset?: string;
  results?: string[];
  /** A per-item results CSV (e.g. RouteLLM's) instead of results JSONL. */
  resultsCsv?: string;
  /** CSV: "tier=column", cheapest or not (tiers are ordered by --tier-cost). */
  tierColumn?: string[];
  /** CSV: "tier=usd" pairs, comma-separated and/or repeated: the cost of one call. */
  tierCost?: string[];
  /** CSV: "tier=column" of each item's own cost (repeatable). */
  costColumn?: string[];
  /** CSV: numeric outcome columns pass at ≥ this value (default 0.5). */
  passThreshold?: number;
  promptColumn?: string;
  idColumn?: string;
  categoryColumn?: string;
  taskColumn?: string;
  /** CSV: a JSONL of prompts to drop (RouteLLM's contaminated_prompts.jsonl). */
  excludePrompts?: string;
  bar?: number;
  barMode?: BarMode;
  confidence?: number;
  pattern?: PatternChoice;
  gate?: string;
  confidenceField?: string;
  routerCost?: number;
  folds?: number;
  seed?: number;
  holdout?: number;
  out?: string;
  outRouter?: string;
  curveCsv?: string;
  apply?: string;
  cwd?: string;
}

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
function provenanceOf(table: ResultsTable): Provenance {
  return table.sampleResults ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false };
}

export interface CalibrateHooks {
  onProgress?: (message: string) => void;
}

/** Runs the command's core. Throws UsageError / InputError (exit 2) for bad flags and input. */
export async function runCalibrate(o: CalibrateCommandOptions, hooks: CalibrateHooks = {}): Promise<CalibrateRun> {
  const cwd = o.cwd ?? process.cwd();
  const resolve = (f: string): string => path.resolve(cwd, f);
  if (o.results?.length && o.resultsCsv) throw new UsageError('give --results (JSONL) or --results-csv, not both');
  if (o.apply && (o.out || o.outRouter || o.holdout !== undefined || o.curveCsv)) {
    throw new UsageError('--apply evaluates a saved policy: it cannot be combined with --out, --out-router, --curve-csv or --holdout');
  }
  const { config, baseDir } = await loadConfig(o.config ? resolve(o.config) : undefined, cwd);
  const ladder = tiersOf(config);
  const quality = qualityOf(config);
  const bar = o.bar ?? quality.bar;
  const barMode = o.barMode ?? quality.barMode;
  const confidence = o.confidence ?? quality.confidence;
  if (!(bar >= 0 && bar <= 1)) throw new UsageError(`--bar must be between 0 and 1, got ${bar}`);
  if (!(confidence > 0.5 && confidence < 1)) throw new UsageError(`--confidence must be between 0.5 and 1 (e.g. 0.95), got ${confidence}`);

  const policyForApply = o.apply ? await readPolicy(resolve(o.apply)) : undefined;
  const confidenceField = o.confidenceField ?? policyForApply?.confidenceField ?? config.routing?.confidenceField ?? 'confidence';
  hooks.onProgress?.('reading results');
  const { table, catalogVersion, notes } = await loadTable(o, { cwd, baseDir, ladder, config, confidenceField, ...(o.config ? { configFile: resolve(o.config) } : {}) });

  if (policyForApply) {
    const applied = applyPolicy(policyForApply, table, o.confidence !== undefined ? { confidence } : {});
    const shares = shareDrift(policyForApply, applied);
    const evaluation = shares ? { ...applied, shares } : applied;
    const applyNotes = [...notes, ...(table.notes ?? [])];
    if (shares) applyNotes.push(sharesNote(shares));
    if (policyForApply.provenance.datasetId && policyForApply.provenance.datasetId !== table.datasetId) {
      applyNotes.push(`the policy was calibrated on "${policyForApply.provenance.datasetId}"; these results are for "${table.datasetId}"`);
    } else if (policyForApply.provenance.resultsSha256.length && policyForApply.provenance.resultsSha256.join() === table.sha256.join()) {
      applyNotes.push('these are the results the policy was calibrated on: the figures reproduce the calibration (its thresholds were chosen on these items); apply it to held-out results for a test');
    }
    return { kind: 'apply', policyFile: o.apply!, policy: policyForApply, datasetId: table.datasetId, evaluation, notes: applyNotes, outputs: [], outcome: evaluation.meetsBar ? 'ok' : 'bar-failed', provenance: provenanceOf(table) };
  }

  const patterns: RoutingPattern[] = !o.pattern || o.pattern === 'all' ? [...ROUTING_PATTERNS] : [o.pattern];
  const gate = o.gate ?? config.routing?.gate;
  const routerCostUsd = o.routerCost ?? config.routing?.routerCostUsd ?? 0;
  const calOpts = {
    bar,
    barMode,
    confidence,
    patterns,
    confidenceField,
    routerCostUsd,
    train: { ...(o.folds !== undefined ? { folds: o.folds } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) },
    ...(gate ? { gate } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  };

  let calTable = table;
  let holdTable: ResultsTable | undefined;
  if (o.holdout !== undefined) {
    const split = splitHoldout(table, o.holdout, o.seed ?? 1);
    calTable = split.calibration;
    holdTable = split.holdout;
  }
  const { report, router } = calibrate(calTable, calOpts);
  report.notes.unshift(...notes);
  if (holdTable) report.notes.unshift(`calibrated on ${calTable.items.length} items; ${holdTable.items.length} held out (--holdout ${o.holdout}, seed ${o.seed ?? 1})`);

  const policy = report.pick ? buildPolicy(report, table, router, { catalogVersion, confidenceField }) : undefined;
  let holdout: HoldoutReport | undefined;
  if (holdTable && policy) {
    hooks.onProgress?.('evaluating the pick on the held-out items');
    holdout = { fraction: o.holdout!, calibrationItems: calTable.items.length, holdoutItems: holdTable.items.length, evaluation: applyPolicy(policy, holdTable) };
  }

  const outputs: Output[] = [];
  if (o.out) {
    if (policy) outputs.push({ file: resolve(o.out), text: policyToJson(policy), what: 'policy' });
    else report.notes.push(`no policy written to ${o.out}: no route meets the bar`);
  }
  if (o.outRouter) {
    if (router) outputs.push({ file: resolve(o.outRouter), text: routerModelToJson(router), what: 'router model' });
    else report.notes.push(`no router written to ${o.outRouter}: the classifier pattern did not run`);
  }
  if (o.curveCsv) outputs.push({ file: resolve(o.curveCsv), text: curveCsv(report), what: 'curve CSV' });
  const run: CalibrateRun = { kind: 'calibrate', report, outputs, outcome: report.pick ? 'ok' : 'bar-failed', provenance: provenanceOf(table) };
  if (holdout) run.holdout = holdout;
  return run;
}

function buildPolicy(report: Calibration, table: ResultsTable, router: RouterModel | undefined, o: { catalogVersion: string; confidenceField: string }): RoutingPolicyFile {
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
      createdAt: new Date().toISOString(),
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

/** "a=1,b=2" (repeatable) → { a: 1, b: 2 }. */
export function parsePairs(values: readonly string[] | undefined, flag: string, numeric: true): Record<string, number>;
export function parsePairs(values: readonly string[] | undefined, flag: string, numeric: false): [string, string][];
export function parsePairs(values: readonly string[] | undefined, flag: string, numeric: boolean): Record<string, number> | [string, string][] {
  const pairs: [string, string][] = [];
  for (const v of values ?? []) {
    for (const part of numeric ? v.split(',') : [v]) {
      const eq = part.indexOf('=');
      const name = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (eq <= 0 || !name || !value) throw new UsageError(`${flag}: expected NAME=VALUE, got "${part}"`);
      pairs.push([name, value]);
    }
  }
  if (!numeric) return pairs;
  const out: Record<string, number> = {};
  for (const [name, value] of pairs) {
    const x = Number(value);
    if (!Number.isFinite(x) || x < 0) throw new UsageError(`${flag}: "${value}" for ${name} is not a number ≥ 0`);
    out[name] = x;
  }
  return out;
}

async function loadTable(
  o: CalibrateCommandOptions,
  ctx: { cwd: string; baseDir: string; ladder: TierConfig[]; config: Awaited<ReturnType<typeof loadConfig>>['config']; confidenceField: string; configFile?: string },
): Promise<{ table: ResultsTable; catalogVersion: string; notes: string[] }> {
  const resolve = (f: string): string => path.resolve(ctx.cwd, f);
  if (o.resultsCsv) {
    const tierColumns = parsePairs(o.tierColumn, '--tier-column', false).map(([tier, column]) => ({ tier, column }));
    const table = await loadResultsCsv(resolve(o.resultsCsv), {
      tierColumns,
      tierCosts: parsePairs(o.tierCost, '--tier-cost', true),
      ...(o.costColumn?.length ? { costColumns: Object.fromEntries(parsePairs(o.costColumn, '--cost-column', false)) } : {}),
      ...(o.passThreshold !== undefined ? { passThreshold: o.passThreshold } : {}),
      ...(o.promptColumn ? { promptColumn: o.promptColumn } : {}),
      ...(o.idColumn ? { idColumn: o.idColumn } : {}),
      ...(o.categoryColumn ? { categoryColumn: o.categoryColumn } : {}),
      ...(o.taskColumn ? { taskColumn: o.taskColumn } : {}),
      ...(o.excludePrompts ? { excludePrompts: await readExcludedPrompts(resolve(o.excludePrompts)) } : {}),
    });
    return { table, catalogVersion: o.costColumn?.length ? 'none (per-item costs from the CSV)' : 'none (flat per-call costs from --tier-cost)', notes: [] };
  }
  if (o.tierColumn?.length || o.tierCost?.length || o.costColumn?.length) throw new UsageError('--tier-column, --tier-cost and --cost-column go with --results-csv');
  const { loadCatalog } = await import('../config/catalog.js');
  const catalog = await loadCatalog({
    ...(ctx.config.catalog ? { extra: [path.resolve(ctx.baseDir, ctx.config.catalog)] } : {}),
    ...(ctx.config.modelMap ? { modelMap: ctx.config.modelMap } : {}),
  });
  const { loadDataset, bundledDatasets } = await import('../io/goldenDatasets.js');
  const explicit = o.dataset ? await loadDataset(resolve(o.dataset)) : undefined;
  const bundledCache = new Map<string, GoldenDataset>();
  let bundledLoaded = false;
  const bundled = async (id: string): Promise<GoldenDataset | undefined> => {
    if (!bundledLoaded) {
      bundledLoaded = true;
      for (const f of await bundledDatasets()) {
        const d = await loadDataset(f);
        bundledCache.set(d.id, d);
      }
    }
    return bundledCache.get(id);
  };
  const datasetFor = async (id: string): Promise<GoldenDataset | undefined> => {
    if (explicit) {
      if (explicit.id !== id) throw new InputError(`results are for dataset "${id}" but --dataset is "${explicit.id}"`, explicit.file);
      return explicit;
    }
    return bundled(id);
  };
  const loadOpts = { tiers: ctx.ladder, catalog, confidenceField: ctx.confidenceField, datasetFor };
  if (o.results?.length) {
    const table = await loadResultsByDataset(o.results.map(resolve), loadOpts);
    return { table, catalogVersion: catalog.version, notes: [] };
  }
  if (o.dataset) throw new UsageError('--dataset needs --results: run `tokor eval --dataset FILE --tier all --out results.jsonl` first');
  return bundledResults(ctx, loadOpts, catalog.version);
}

/** No --results: replay the bundled golden datasets' recordings through `tokor eval` into a temporary results file. */
async function bundledResults(
  ctx: { cwd: string; configFile?: string },
  loadOpts: Parameters<typeof loadResultsByDataset>[1],
  catalogVersion: string,
): Promise<{ table: ResultsTable; catalogVersion: string; notes: string[] }> {
  const { bundledDatasets } = await import('../io/goldenDatasets.js');
  if ((await bundledDatasets()).length === 0) throw new InputError('no --results given and no bundled golden datasets found: run `tokor eval --out results.jsonl` and pass --results');
  const [{ evaluate }, { openContext }] = await Promise.all([import('../app/eval.js'), import('../app/context.js')]);
  const dir = await mkdtemp(path.join(tmpdir(), 'tokor-calibrate-'));
  const file = path.join(dir, 'results.jsonl');
  try {
    const outcome = await evaluate(await openContext({ cwd: ctx.cwd, ...(ctx.configFile ? { config: ctx.configFile } : {}) }), { tier: 'all', out: file, cache: false });
    const text = await readFile(file, 'utf8');
    if (!text.trim()) throw new InputError('replaying the bundled recordings produced no results');
    const table = await loadResultsByDataset([file], loadOpts);
    return { table, catalogVersion, notes: ['no --results: calibrated on the bundled golden datasets’ recorded responses (sample data, not measurements of the models)', ...outcome.notes.filter((n) => !/sample data/.test(n))] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
