/**
 * `tokor gate`: read the policy (a tokor config or a calibrate policy file)
 * and the base, read the golden results or grade the bundled recordings in
 * memory, simulate, judge. Returns the verdict; the command renders it. The
 * policy is the config here: gate resolves no tokor.config.yaml of its own.
 */
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { parseConfigText } from '../config/load.js';
import { loadCatalog } from '../config/catalog.js';
import { DEFAULT_TIERS, GLOBAL_SCOPE, qualityOf, scopesOf, tiersOf, type TierConfig, type TokorConfig } from '../config/schema.js';
import { PACKAGE_ROOT } from '../paths.js';
import { SAMPLE_RECORDINGS_WHAT } from '../types.js';
import { parsePolicyText, readPolicy, POLICY_SCHEMA_VERSION, type RoutingPolicyFile } from '../artifacts/policy.js';
import { readArtifactText } from '../artifacts/read.js';
import { readRouterModel } from '../artifacts/router.js';
import { applyPolicy } from '../calibrate/apply.js';
import { PATTERN_FACTS } from '../calibrate/patterns/index.js';
import { loadDataset, bundledDatasets } from '../io/goldenDatasets.js';
import type { GoldenDataset } from '../eval/types.js';
import { gateResultsOf, looksLikePolicyJson, policyFromFile, provenanceNote, type GateResults } from '../gate/inputs.js';
import { routeItems } from '../gate/route.js';
import type { GateOptions, GatePolicy, GateVerdict, ScopeRule } from '../gate/types.js';
import { evaluateGate } from '../gate/verdict.js';
import type { Catalog } from '../pricing/index.js';
import type { CsvColumnMap } from '../ingest/index.js';
import { BUNDLED_RESULTS, gradeBundledRecordings, type BundledResults } from './bundled.js';
import { loadResultsByDataset, resultsTableOf, type DatasetFor } from './resultsTable.js';
import { compareProfiles } from '../drift/compare.js';
import { driftChecks } from '../gate/drift.js';
import { checkDriftOptions, datasetSide, datasetsOfPolicy, driftJson, readSide, resolveThresholds } from './driftInputs.js';

/** The policy `tokor gate` checks when given no --policy. */
const DEFAULT_POLICY_FILE = path.join(PACKAGE_ROOT, 'policies', 'default.tokor.config.yaml');

/**
 * Loads a policy: a calibrate policy file or a tokor config. A JSON text that
 * declares `kind` or `schemaVersion` (a config has neither), or a `.json`
 * file that is not valid JSON, is a policy file and is read with the policy
 * schema, as `calibrate --apply` reads it; anything else is a config.
 */
export async function loadGatePolicy(file: string, label = file): Promise<GatePolicy> {
  const text = await readArtifactText(file, 'policy');
  if (text.trim() === '') {
    throw new InputError('empty file; expected a tokor config (tokor.config.yaml) or a `tokor calibrate --out` policy file', file);
  }
  if (looksLikePolicyJson(text, file)) {
    return policyFromFile(parsePolicyText(text, file, PATTERN_FACTS), label);
  }
  const config = await parseConfigText(text, file);
  return policyFromConfig(config, path.dirname(path.resolve(file)), label);
}

/** A tokor config: routing from `routing.policyFile` or from `routing.pattern` + thresholds. */
async function policyFromConfig(config: TokorConfig, baseDir: string, source: string): Promise<GatePolicy> {
  const tiers = tiersOf(config);
  const quality = qualityOf(config);
  const r = config.routing;
  let routing: RoutingPolicyFile;
  if (r?.policyFile) {
    const file = path.resolve(baseDir, r.policyFile);
    routing = await readPolicy(file, PATTERN_FACTS);
    const names = tiers.map((t) => t.name);
    const missing = routing.tiers.filter((t) => !names.includes(t.name));
    if (missing.length) {
      throw new InputError(`routing.policyFile refers to tier${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t.name}"`).join(', ')} that the config's ladder does not have (tiers: ${names.join(', ')})`, source);
    }
  } else if (r?.thresholds) {
    routing = {
      schemaVersion: POLICY_SCHEMA_VERSION,
      kind: 'tokor-policy',
      pattern: r.pattern,
      thresholds: r.thresholds,
      tiers: tiers.map((t) => ({ name: t.name, model: t.model })),
      bar: quality.bar,
      barMode: quality.barMode,
      confidence: quality.confidence,
      routerCostUsd: r.routerCostUsd,
      provenance: { datasetId: '', resultsSha256: [], catalogVersion: '', createdAt: '' },
    };
    if (r.gate) routing.gate = r.gate;
    if (r.confidenceField) routing.confidenceField = r.confidenceField;
    if (r.routerLatencyMs !== undefined) routing.routerLatencyMs = r.routerLatencyMs;
    if (r.routerModel) {
      routing.router = await readRouterModel(path.resolve(baseDir, r.routerModel));
      const names = tiers.map((t) => t.name);
      if (routing.router.classes.join('\u0000') !== names.join('\u0000')) {
        throw new InputError(`routing.routerModel was trained for tiers ${routing.router.classes.join(', ')}, not this ladder (${names.join(', ')})`, source);
      }
    }
  } else {
    throw new InputError('no routing to gate: set routing.thresholds (with routing.pattern) or routing.policyFile (a `tokor calibrate --out` file)', source);
  }
  const global: ScopeRule = { name: GLOBAL_SCOPE, match: {}, floor: quality.bar, barMode: quality.barMode, confidence: quality.confidence, floorFrom: 'quality' };
  const policy: GatePolicy = { source, routing, tiers, global, scopes: scopesOf(config) };
  if (config.catalog) policy.catalogFiles = [path.resolve(baseDir, config.catalog)];
  if (config.modelMap) policy.modelMap = config.modelMap;
  if (config.gate?.minSavings !== undefined) policy.minSavings = config.gate.minSavings;
  if (config.gate?.maxSavingsDrop !== undefined) policy.maxSavingsDrop = config.gate.maxSavingsDrop;
  const maxP95 = config.gate?.maxP95LatencyMs ?? routing.maxP95LatencyMs;
  if (maxP95 !== undefined) policy.maxP95LatencyMs = maxP95;
  const drift = config.drift ?? routing.drift;
  if (drift) policy.drift = drift;
  return policy;
}

/**
 * Loads results files (any mix of datasets and tiers per file), or results
 * handed over in memory (the bundled recordings, graded), grouped by dataset
 * line by line. With `datasetFiles`, every result must be for one of them;
 * otherwise datasets are looked up among the bundled ones by ID (for prompts
 * and tags). Several datasets are merged into one table whose item IDs are
 * "<dataset>/<item>". Every tier of the policy must have results.
 */
async function loadGateResults(
  source: { files: string[] } | { bundled: BundledResults },
  opts: { tiers: TierConfig[]; catalog: Catalog; datasetFiles?: string[]; confidenceField?: string },
): Promise<GateResults> {
  if ('files' in source && source.files.length === 0) throw new UsageError('--results: give at least one results JSONL file (from `tokor eval --out`)');
  const explicit = opts.datasetFiles?.length ? await Promise.all(opts.datasetFiles.map((f) => loadDataset(f))) : undefined;
  let known: GoldenDataset[] | undefined = explicit;
  const used = new Map<string, GoldenDataset | undefined>();
  const datasetFor: DatasetFor = async (id) => {
    known ??= await bundled();
    const d = known.find((x) => x.id === id);
    if (explicit && !d) {
      throw new InputError(`results are for dataset "${id}", not ${explicit.map((x) => `"${x.id}"`).join(' or ')} (--dataset ${opts.datasetFiles!.join(' ')})`);
    }
    used.set(id, d);
    return d;
  };
  const loadOpts = { tiers: opts.tiers, catalog: opts.catalog, datasetFor, ...(opts.confidenceField ? { confidenceField: opts.confidenceField } : {}) };
  const table =
    'files' in source
      ? await loadResultsByDataset(source.files, loadOpts)
      : await resultsTableOf(source.bundled.results, { ...loadOpts, where: BUNDLED_RESULTS, sha256: source.bundled.sha256 });
  return gateResultsOf(table, used, opts.tiers);
}

/** The bundled golden datasets (prompts and tags for results that name them). */
async function bundled(): Promise<GoldenDataset[]> {
  const out: GoldenDataset[] = [];
  for (const file of await bundledDatasets()) out.push(await loadDataset(file));
  return out;
}

export interface GateRunOptions extends GateOptions {
  /** tokor.config.yaml or a calibrate policy.json; default: the bundled default policy. */
  policy?: string;
  /** Results JSONL files; default: the bundled golden datasets' recordings, replayed and graded. */
  results?: string[];
  /** The datasets the results are for (prompts and tags; every result must be for one of them). */
  dataset?: string[];
  /** The target branch's policy. */
  base?: string;
  /** --traffic: production traffic (logs or analyze JSONs) to hold against the golden set (docs/drift.md). */
  traffic?: string[];
  /** --map: the columns of CSV traffic logs. */
  csvMap?: CsvColumnMap;
  /** Drift thresholds over the policy's `drift` section. */
  minCoverage?: number;
  maxPsi?: number;
  driftAlpha?: number;
  cwd?: string;
  onProgress?: (message: string) => void;
}

export interface GateRun {
  verdict: GateVerdict;
  /** For stderr: how the results were produced, rows the reader dropped. */
  notes: string[];
}

/** Flag checks that need no file: a floor above 1, percentages out of range. */
function checkGateOptions(o: GateRunOptions): void {
  if (!o.traffic?.length) {
    if (o.csvMap) throw new UsageError('--map needs --traffic: it maps the columns of CSV traffic logs (give them with --traffic FILE…, or drop --map)');
    const thresholds = ([['--min-coverage', o.minCoverage], ['--max-psi', o.maxPsi], ['--drift-alpha', o.driftAlpha]] as const).filter(([, v]) => v !== undefined).map(([flag]) => flag);
    if (thresholds.length) throw new UsageError(`${thresholds.join(', ')} need${thresholds.length === 1 ? 's' : ''} --traffic: ${thresholds.length === 1 ? 'it is a threshold' : 'they are thresholds'} of the drift check on production traffic (give it with --traffic FILE…, or drop ${thresholds.length === 1 ? 'it' : 'them'})`);
  }
  checkDriftOptions({ alpha: o.driftAlpha, maxPsi: o.maxPsi, minCoverage: o.minCoverage }, '--drift-alpha');
  if (o.floor !== undefined && !(o.floor >= 0 && o.floor <= 1)) throw new UsageError(`--floor must be between 0 and 1 (a fraction: 0.95 = 95%), got ${o.floor}`);
  if (o.confidence !== undefined && !(o.confidence > 0.5 && o.confidence < 1)) throw new UsageError(`--confidence must be above 0.5 and below 1 (e.g. 0.95), got ${o.confidence}`);
  if (o.maxP95LatencyMs !== undefined && !(o.maxP95LatencyMs > 0)) throw new UsageError(`--max-p95-latency is in milliseconds (above 0), got ${o.maxP95LatencyMs}`);
  for (const [flag, v] of [['--min-savings', o.minSavings], ['--max-savings-drop', o.maxSavingsDrop], ['--max-share-drift', o.maxShareDrift]] as const) {
    if (v !== undefined && !(v >= 0 && v <= 100)) throw new UsageError(`${flag} is in percent (0–100), got ${v}`);
  }
}

export async function runGate(o: GateRunOptions): Promise<GateRun> {
  checkGateOptions(o);
  const notes: string[] = [];
  // Paths stay as the user wrote them (for messages) unless a cwd was given.
  const at = (f: string) => (o.cwd ? path.resolve(o.cwd, f) : f);
  const policy = o.policy ? await loadGatePolicy(at(o.policy), o.policy) : await loadGatePolicy(DEFAULT_POLICY_FILE, 'bundled default policy');
  const base = o.base ? await loadGatePolicy(at(o.base), o.base) : undefined;
  const catalog = await loadCatalog({
    ...(policy.catalogFiles ? { extra: policy.catalogFiles } : {}),
    ...(policy.modelMap ? { modelMap: policy.modelMap } : {}),
  });

  let source: { files: string[] } | { bundled: BundledResults };
  if (o.results?.length) source = { files: o.results.map(at) };
  else {
    if (o.dataset?.length) throw new UsageError('--dataset needs --results (the results of that dataset, from `tokor eval --dataset D --out results.jsonl`)');
    source = { bundled: await gradeBundled(policy, o.onProgress) };
    notes.push('gating on the bundled golden datasets, graded from their recorded responses (sample data, not measurements of the models)');
    for (const t of policy.tiers) {
      const recorded = DEFAULT_TIERS.find((d) => d.name === t.name)!.model;
      if (t.model !== recorded) notes.push(`tier ${t.name} is ${t.model} in the policy but the bundled recordings are of ${recorded}`);
    }
  }
  const confidenceField = policy.routing.confidenceField;
  const results = await loadGateResults(source, {
    tiers: policy.tiers,
    catalog,
    ...(o.dataset?.length ? { datasetFiles: o.dataset.map(at) } : {}),
    ...(confidenceField ? { confidenceField } : {}),
  });
  const other = provenanceNote(policy, results.datasets);
  if (other) notes.push(other);
  if (base) checkBaseTiers(base, results.table.tiers);
  for (const n of results.table.notes ?? []) notes.push(n);
  o.onProgress?.('simulating…');
  const verdict = evaluateGate({ policy, table: results.table, datasets: results.datasets, context: results.context, ...(base ? { base } : {}) }, o, applyPolicy, routeItems);
  if (other) verdict.notes = [other, ...(verdict.notes ?? [])];
  verdict.provenance = results.table.sampleResults ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false };
  if (o.traffic?.length) {
    o.onProgress?.('comparing the traffic with the golden set…');
    const drift = await trafficDrift(policy, o, at, catalog, results.datasets);
    verdict.drift = drift.json;
    const checks = driftChecks(drift.json);
    verdict.checks.push(...checks);
    verdict.pass &&= checks.every((c) => c.pass);
    notes.push(...drift.notes);
  }
  return { verdict, notes };
}

/** --traffic: the traffic against the policy's golden dataset(s) (--dataset, else its provenance, else the gated datasets). */
async function trafficDrift(policy: GatePolicy, o: GateRunOptions, at: (f: string) => string, catalog: Catalog, gated: string[]) {
  const datasets = await datasetsOfPolicy(policy, policy.source, o.dataset?.map(at), gated);
  const baseline = datasetSide(datasets, datasets.map((d) => d.file), 'policy', policy.drift);
  const current = await readSide(o.traffic!.map(at), o.traffic!, 'current', { catalog, csvMap: o.csvMap });
  const { thresholds, from } = resolveThresholds({ alpha: o.driftAlpha, maxPsi: o.maxPsi, minCoverage: o.minCoverage }, policy.drift);
  const json = driftJson(compareProfiles(baseline.profile, current.profile, thresholds), baseline, current, from);
  return { json, notes: current.notes };
}

function checkBaseTiers(base: GatePolicy, tiers: string[]): void {
  const missing = base.routing.tiers.map((t) => t.name).filter((n) => !tiers.includes(n));
  if (missing.length) {
    throw new InputError(`the base policy routes to tier${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} that the proposed policy's results do not cover (tiers: ${tiers.join(', ')})`, base.source);
  }
}

/** The bundled golden datasets' recordings, graded in memory for the policy's tiers. Only the default ladder has recordings. */
async function gradeBundled(policy: GatePolicy, onProgress?: (m: string) => void): Promise<BundledResults> {
  const known = DEFAULT_TIERS.map((t) => t.name);
  const missing = policy.tiers.map((t) => t.name).filter((n) => !known.includes(n));
  if (missing.length) {
    throw new UsageError(`the bundled recordings cover tiers ${known.join(', ')} only; the policy routes to ${missing.join(', ')}: pass --results (from \`tokor eval --out\`)`);
  }
  onProgress?.('grading the bundled recordings…');
  // The default policy is the config of the replay; its directory is the cwd, so no tokor.config.yaml around is read.
  return gradeBundledRecordings({ tier: policy.tiers.map((t) => t.name).join(','), config: DEFAULT_POLICY_FILE, cwd: path.dirname(DEFAULT_POLICY_FILE) });
}
