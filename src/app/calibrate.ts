/**
 * `tokor calibrate`: flags + the context's config → results table (files,
 * a CSV, or the bundled recordings graded in memory) → calibration, or
 * --apply of a saved policy → what to print and which files to write (the
 * command writes `outputs`). Callable from tests; throws UsageError /
 * InputError (exit 2) for bad flags and input.
 */
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { qualityOf, type BarMode, type TierConfig } from '../config/schema.js';
import { PATTERN_FACTS, ROUTING_PATTERNS, type RoutingPattern } from '../calibrate/patterns/index.js';
import type { GoldenDataset } from '../eval/types.js';
import { applyPolicy, shareDrift, sharesNote } from '../calibrate/apply.js';
import { calibrate, splitHoldout } from '../calibrate/calibrate.js';
import { DEFAULT_HOLDOUT, buildPolicy, headlineWithHoldout, holdoutReport, provenanceOf, type CalibrateRun, type HoldoutReport, type Output } from '../calibrate/calibrateRun.js';
import { pct } from '../report/format.js';
import { policyToJson, readPolicy } from '../artifacts/policy.js';
import { routerModelToJson } from '../artifacts/router.js';
import { curveCsv } from '../calibrate/render.js';
import type { ResultsTable } from '../calibrate/results.js';
import type { Catalog } from '../pricing/types.js';
import { BUNDLED_RESULTS, gradeBundledRecordings } from './bundled.js';
import { openContext, type Context } from './context.js';
import { loadResultsByDataset, loadResultsCsv, readExcludedPrompts, resultsTableOf, type DatasetFor } from './resultsTable.js';

export type { CalibrateRun,   } from '../calibrate/calibrateRun.js';

const PATTERN_CHOICES = [...ROUTING_PATTERNS, 'all'] as const;
type PatternChoice = (typeof PATTERN_CHOICES)[number];

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
  /** classifier: the router's own latency per request (ms). */
  routerLatency?: number;
  /** Routes whose routed p95 latency exceeds this many ms are not eligible for the pick. */
  maxP95Latency?: number;
  folds?: number;
  seed?: number;
  holdout?: number;
  out?: string;
  outRouter?: string;
  curveCsv?: string;
  apply?: string;
  cwd?: string;
}

export interface CalibrateHooks {
  onProgress?: (message: string) => void;
}

/** Runs the command's core over a context opened from the flags (--config, cwd). */
export async function runCalibrate(o: CalibrateCommandOptions, hooks: CalibrateHooks = {}): Promise<CalibrateRun> {
  checkCalibrateFlags(o);
  return calibrateWith(await openContext({ ...(o.config ? { config: o.config } : {}), ...(o.cwd ? { cwd: o.cwd } : {}) }), o, hooks);
}

/** Flag combinations that contradict each other (before any file is read). */
function checkCalibrateFlags(o: CalibrateCommandOptions): void {
  if (o.results?.length && o.resultsCsv) throw new UsageError('give --results (JSONL) or --results-csv, not both');
  if (o.apply && (o.out || o.outRouter || o.holdout !== undefined || o.curveCsv)) {
    throw new UsageError('--apply evaluates a saved policy: it cannot be combined with --out, --out-router, --curve-csv or --holdout');
  }
  if (o.apply && (o.maxP95Latency !== undefined || o.routerLatency !== undefined)) {
    throw new UsageError('--apply reports a saved policy’s latency as simulated with its own router latency: --max-p95-latency and --router-latency choose a policy; to hold one to a p95, use `tokor gate --max-p95-latency`');
  }
}

/** The command's core on an open context. */
async function calibrateWith(ctx: Context, o: CalibrateCommandOptions, hooks: CalibrateHooks = {}): Promise<CalibrateRun> {
  const resolve = (f: string): string => path.resolve(ctx.cwd, f);
  const config = ctx.config;
  const ladder = ctx.tiers();
  const quality = qualityOf(config);
  const bar = o.bar ?? quality.bar;
  const barMode = o.barMode ?? quality.barMode;
  const confidence = o.confidence ?? quality.confidence;
  if (!(bar >= 0 && bar <= 1)) throw new UsageError(`--bar must be between 0 and 1, got ${bar}`);
  if (!(confidence > 0.5 && confidence < 1)) throw new UsageError(`--confidence must be between 0.5 and 1 (e.g. 0.95), got ${confidence}`);

  const policyForApply = o.apply ? await readPolicy(resolve(o.apply), PATTERN_FACTS) : undefined;
  const confidenceField = o.confidenceField ?? policyForApply?.confidenceField ?? config.routing?.confidenceField ?? 'confidence';
  hooks.onProgress?.('reading results');
  const { table, catalogVersion, notes } = await loadTable(o, ctx, { ladder, confidenceField });

  if (policyForApply) {
    const applied = applyPolicy(policyForApply, table, o.confidence !== undefined ? { confidence } : {});
    const shares = shareDrift(policyForApply, applied);
    const evaluation = shares ? { ...applied, shares } : applied;
    const applyNotes = [...notes, ...(table.notes ?? [])];
    if (shares) applyNotes.push(sharesNote(shares));
    if (policyForApply.provenance.datasetId && policyForApply.provenance.datasetId !== table.datasetId) {
      applyNotes.push(`the policy was calibrated on "${policyForApply.provenance.datasetId}"; these results are for "${table.datasetId}"`);
    } else if (policyForApply.provenance.resultsSha256.length && policyForApply.provenance.resultsSha256.join() === table.sha256.join()) {
      const held = policyForApply.provenance.calibration?.holdout;
      applyNotes.push(
        held
          ? `these are the results the policy was calibrated on: ${held.items} of these items were held out of its calibration (--holdout ${held.fraction}, seed ${held.seed}) and the rest chose its thresholds, so the figures mix both; calibrate reports the held-out result alone`
          : 'these are the results the policy was calibrated on: the figures reproduce the calibration (its thresholds were chosen on these items); apply it to held-out results for a test',
      );
    }
    return { kind: 'apply', policyFile: o.apply!, policy: policyForApply, datasetId: table.datasetId, evaluation, notes: applyNotes, outputs: [], outcome: evaluation.meetsBar ? 'ok' : 'bar-failed', provenance: provenanceOf(table) };
  }

  const patterns: RoutingPattern[] = !o.pattern || o.pattern === 'all' ? [...ROUTING_PATTERNS] : [o.pattern];
  const gate = o.gate ?? config.routing?.gate;
  const routerCostUsd = o.routerCost ?? config.routing?.routerCostUsd ?? 0;
  const routerLatencyMs = o.routerLatency ?? config.routing?.routerLatencyMs;
  const calOpts = {
    bar,
    barMode,
    confidence,
    patterns,
    confidenceField,
    routerCostUsd,
    ...(routerLatencyMs !== undefined ? { routerLatencyMs } : {}),
    ...(o.maxP95Latency !== undefined ? { maxP95LatencyMs: o.maxP95Latency } : {}),
    train: { ...(o.folds !== undefined ? { folds: o.folds } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) },
    ...(gate ? { gate } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  };

  // Every calibration holds items out (seeded, stated) and reports the pick on them; --holdout 0 holds none out.
  const seed = o.seed ?? 1;
  const fraction = o.holdout ?? DEFAULT_HOLDOUT;
  const holdNotes: string[] = [];
  let calTable = table;
  let holdTable: ResultsTable | undefined;
  let calibration: ReturnType<typeof calibrate> | undefined;
  if (fraction > 0) {
    try {
      const split = splitHoldout(table, fraction, seed);
      calibration = calibrate(split.calibration, calOpts);
      calTable = split.calibration;
      holdTable = split.holdout;
    } catch (e) {
      // Too few items to hold any out: an explicit --holdout is an error; the default falls back to calibrating on all of them.
      if (o.holdout !== undefined || !(e instanceof InputError || e instanceof UsageError)) throw e;
      holdNotes.push(`no held-out result: ${table.items.length} items are too few to hold ${pct(fraction, 0)} out and still calibrate (${e.message}); calibrated on all of them`);
    }
  } else holdNotes.push('no held-out result (--holdout 0): the figures are those of the items the thresholds were chosen on');
  const { report, router } = calibration ?? calibrate(table, calOpts);
  const splitNote = holdTable ? [`calibrated on ${calTable.items.length} items; ${holdTable.items.length} held out (--holdout ${fraction}${o.holdout === undefined ? ', the default' : ''}, seed ${seed}; by a hash of each item id)`] : [];
  report.notes.unshift(...notes, ...splitNote, ...holdNotes);

  const split = holdTable ? { fraction, seed, items: holdTable.items.length } : undefined;
  const policy = report.pick ? buildPolicy(report, table, router, { catalogVersion, confidenceField, createdAt: new Date(), ...(split ? { holdout: split } : {}) }) : undefined;
  let holdout: HoldoutReport | null = null;
  if (holdTable && policy) {
    hooks.onProgress?.('evaluating the pick on the held-out items');
    holdout = holdoutReport(applyPolicy(policy, holdTable, { confidence: 0.95 }), report, { fraction, seed, calibrationItems: calTable.items.length });
    report.headline = headlineWithHoldout(report.headline, holdout, report);
  } else if (holdTable) report.notes.push('no held-out result: no route meets the bar, so there is no pick to hold out');

  const outputs: Output[] = [];
  if (o.out) {
    if (policy) outputs.push({ file: resolve(o.out), text: policyToJson(policy, PATTERN_FACTS), what: 'policy' });
    else report.notes.push(`no policy written to ${o.out}: no route meets the bar`);
  }
  if (o.outRouter) {
    if (router) outputs.push({ file: resolve(o.outRouter), text: routerModelToJson(router), what: 'router model' });
    else report.notes.push(`no router written to ${o.outRouter}: the classifier pattern did not run`);
  }
  const provenance = provenanceOf(table);
  if (o.curveCsv) outputs.push({ file: resolve(o.curveCsv), text: curveCsv(report, provenance.synthetic), what: 'curve CSV' });
  return { kind: 'calibrate', report, holdout, outputs, outcome: report.pick ? 'ok' : 'bar-failed', provenance };
}

/** "a=1,b=2" (repeatable) → { a: 1, b: 2 }. */
function parsePairs(values: readonly string[] | undefined, flag: string, numeric: true): Record<string, number>;
function parsePairs(values: readonly string[] | undefined, flag: string, numeric: false): [string, string][];
function parsePairs(values: readonly string[] | undefined, flag: string, numeric: boolean): Record<string, number> | [string, string][] {
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
    if (!Number.isFinite(x) || x < 0 || x > 1e15) throw new UsageError(`${flag}: "${value}" for ${name} is not a number from 0 to 1e15`);
    out[name] = x;
  }
  return out;
}

async function loadTable(o: CalibrateCommandOptions, ctx: Context, c: { ladder: TierConfig[]; confidenceField: string }): Promise<{ table: ResultsTable; catalogVersion: string; notes: string[] }> {
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
  const catalog = await ctx.catalog();
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
  const datasetFor: DatasetFor = async (id) => {
    if (explicit) {
      if (explicit.id !== id) throw new InputError(`results are for dataset "${id}" but --dataset is "${explicit.id}"`, explicit.file);
      return explicit;
    }
    return bundled(id);
  };
  const loadOpts = { tiers: c.ladder, catalog, confidenceField: c.confidenceField, datasetFor };
  if (o.results?.length) {
    const table = await loadResultsByDataset(o.results.map(resolve), loadOpts);
    return { table, catalogVersion: catalog.version, notes: [] };
  }
  if (o.dataset) throw new UsageError('--dataset needs --results: run `tokor eval --dataset FILE --tier all --out results.jsonl` first');
  return bundledResults(ctx, loadOpts, catalog);
}

/** No --results: the bundled golden datasets' recordings, graded by the eval engine in memory. */
async function bundledResults(ctx: Context, loadOpts: { tiers: TierConfig[]; catalog: Catalog; confidenceField: string; datasetFor: DatasetFor }, catalog: Catalog): Promise<{ table: ResultsTable; catalogVersion: string; notes: string[] }> {
  const { bundledDatasets } = await import('../io/goldenDatasets.js');
  if ((await bundledDatasets()).length === 0) throw new InputError('no --results given and no bundled golden datasets found: run `tokor eval --out results.jsonl` and pass --results');
  const graded = await gradeBundledRecordings({ tier: 'all', cwd: ctx.cwd, confidenceField: loadOpts.confidenceField, ...(ctx.configFile ? { config: ctx.configFile } : {}) });
  const table = await resultsTableOf(graded.results, { ...loadOpts, where: BUNDLED_RESULTS, sha256: graded.sha256 });
  return {
    table,
    catalogVersion: catalog.version,
    notes: ['no --results: calibrated on the bundled golden datasets’ recorded responses (sample data, not measurements of the models)', ...graded.notes.filter((n) => !/sample data/.test(n))],
  };
}
