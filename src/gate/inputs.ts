/**
 * Reads what the gate checks: the policy (tokor.config.yaml or a calibrate
 * policy.json) and the golden results. All input errors are InputErrors
 * (exit 2) naming the file and what is wrong.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { parseConfigText } from '../config/load.js';
import { GLOBAL_SCOPE, qualityOf, scopesOf, tiersOf, type TierConfig, type TokorConfig } from '../config/schema.js';
import { PACKAGE_ROOT } from '../paths.js';
import { readPolicyFile, POLICY_SCHEMA_VERSION, type RoutingPolicyFile } from '../calibrate/policy.js';
import { loadResults, mergeResultsTables, type ResultsTable } from '../calibrate/results.js';
import { loadDataset, bundledDatasets } from '../eval/dataset.js';
import type { GoldenDataset } from '../eval/types.js';
import { validateRouterModel } from '../classify/trained.js';
import type { Catalog } from '../pricing/index.js';
import type { ItemContext } from './scopes.js';
import type { GatePolicy, ScopeRule } from './types.js';

/** The policy `tokor gate` checks when given no --policy. */
export const DEFAULT_POLICY_FILE = path.join(PACKAGE_ROOT, 'policies', 'default.tokor.config.yaml');

/** Loads a policy: a calibrate policy file (JSON with kind "tokor-policy") or a tokor config. */
export async function loadGatePolicy(file: string, label = file): Promise<GatePolicy> {
  const text = await readText(file, 'policy');
  const json = tryJson(text);
  if (json && typeof json === 'object' && (json as { kind?: unknown }).kind === 'tokor-policy') {
    return policyFromFile(await readPolicyFile(file), label);
  }
  const config = parseConfigText(text, file);
  return policyFromConfig(config, path.dirname(path.resolve(file)), label);
}

/** A calibrate policy file on its own: one floor (its bar), the default ladder names from the file. */
export function policyFromFile(routing: RoutingPolicyFile, source: string): GatePolicy {
  const tiers: TierConfig[] = routing.tiers.map((t) => ({ name: t.name, model: t.model, provider: 'bedrock' }));
  return {
    source,
    routing,
    tiers,
    global: { name: GLOBAL_SCOPE, match: {}, floor: routing.bar, barMode: routing.barMode, confidence: routing.confidence, floorFrom: 'policy' },
    scopes: [],
  };
}

/** A tokor config: routing from `routing.policyFile` or from `routing.pattern` + thresholds. */
export async function policyFromConfig(config: TokorConfig, baseDir: string, source: string): Promise<GatePolicy> {
  const tiers = tiersOf(config);
  const quality = qualityOf(config);
  const r = config.routing;
  let routing: RoutingPolicyFile;
  if (r?.policyFile) {
    const file = path.resolve(baseDir, r.policyFile);
    routing = await readPolicyFile(file);
    const names = tiers.map((t) => t.name);
    const missing = routing.tiers.filter((t) => !names.includes(t.name));
    if (missing.length) {
      throw new InputError(`routing.policyFile refers to tier${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t.name}"`).join(', ')} that the config's ladder does not have (tiers: ${names.join(', ')})`, source);
    }
  } else if (r?.thresholds || (r?.pattern === 'cascade' && r.gate)) {
    routing = {
      schemaVersion: POLICY_SCHEMA_VERSION,
      kind: 'tokor-policy',
      pattern: r.pattern,
      thresholds: r.thresholds ?? [],
      tiers: tiers.map((t) => ({ name: t.name, model: t.model })),
      bar: quality.bar,
      barMode: quality.barMode,
      confidence: quality.confidence,
      routerCostUsd: r.routerCostUsd,
      provenance: { datasetId: '', resultsSha256: [], catalogVersion: '', createdAt: '' },
    };
    if (r.gate) routing.gate = r.gate;
    if (r.confidenceField) routing.confidenceField = r.confidenceField;
    if (r.routerModel) routing.router = await readRouterModel(path.resolve(baseDir, r.routerModel));
  } else {
    throw new InputError('no routing to gate: set routing.thresholds (with routing.pattern) or routing.policyFile (a `tokor calibrate --out` file)', source);
  }
  const global: ScopeRule = { name: GLOBAL_SCOPE, match: {}, floor: quality.bar, barMode: quality.barMode, confidence: quality.confidence, floorFrom: 'quality' };
  const policy: GatePolicy = { source, routing, tiers, global, scopes: scopesOf(config) };
  if (config.catalog) policy.catalogFiles = [path.resolve(baseDir, config.catalog)];
  if (config.modelMap) policy.modelMap = config.modelMap;
  if (config.gate?.minSavings !== undefined) policy.minSavings = config.gate.minSavings;
  if (config.gate?.maxSavingsDrop !== undefined) policy.maxSavingsDrop = config.gate.maxSavingsDrop;
  return policy;
}

async function readRouterModel(file: string): Promise<NonNullable<RoutingPolicyFile['router']>> {
  const text = await readText(file, 'router model');
  const json = tryJson(text);
  if (json === undefined) throw new InputError('router model is not JSON (expected a `tokor calibrate --out-router` file)', file);
  return validateRouterModel(json, file);
}

/** What the gate runs on: one table (several datasets merged), with per-item context for scopes. */
export interface GateResults {
  table: ResultsTable;
  datasets: string[];
  context: (itemId: string) => ItemContext | undefined;
}

/**
 * Loads results files, grouped by dataset. With `datasetFiles`, every result
 * must be for one of them. Otherwise datasets are looked up among the bundled
 * ones by ID (for prompts and tags); results of several datasets are merged
 * into one table whose item IDs are prefixed "<dataset>/".
 */
export async function loadGateResults(files: string[], opts: { tiers: TierConfig[]; catalog: Catalog; datasetFiles?: string[]; confidenceField?: string }): Promise<GateResults> {
  if (files.length === 0) throw new UsageError('--results: give at least one results JSONL file (from `tokor eval --out`)');
  const byDataset = new Map<string, string[]>();
  for (const f of files) {
    const id = await datasetIdOfResults(f);
    byDataset.set(id, [...(byDataset.get(id) ?? []), f]);
  }
  const explicit = opts.datasetFiles?.length ? await Promise.all(opts.datasetFiles.map((f) => loadDataset(f))) : undefined;
  if (explicit) {
    for (const [id, fs] of byDataset) {
      if (!explicit.some((d) => d.id === id)) {
        throw new InputError(`results are for dataset "${id}", not ${explicit.map((d) => `"${d.id}"`).join(' or ')} (--dataset ${opts.datasetFiles!.join(' ')})`, fs[0]);
      }
    }
  }
  const known = explicit ?? (await bundled());
  const tables: { table: ResultsTable; dataset?: GoldenDataset }[] = [];
  for (const [id, fs] of byDataset) {
    const dataset = known.find((d) => d.id === id);
    const table = await loadResults(fs, { tiers: opts.tiers, catalog: opts.catalog, ...(dataset ? { dataset } : {}), ...(opts.confidenceField ? { confidenceField: opts.confidenceField } : {}) });
    tables.push(dataset ? { table, dataset } : { table });
  }
  return mergeTables(tables, opts.tiers);
}

/** The datasetId of a results file's first readable line. */
async function datasetIdOfResults(file: string): Promise<string> {
  const text = await readText(file, 'results');
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const obj = tryJson(line) as { datasetId?: unknown } | undefined;
    if (obj && typeof obj.datasetId === 'string') return obj.datasetId;
    throw new InputError('not a results line: expected JSON with datasetId, itemId, tier, pass (`tokor eval --out`)', `${file}:${i + 1}`);
  }
  throw new InputError('results file is empty', file);
}

/** The bundled golden datasets (prompts and tags for results that name them). */
async function bundled(): Promise<GoldenDataset[]> {
  const out: GoldenDataset[] = [];
  for (const file of await bundledDatasets()) out.push(await loadDataset(file));
  return out;
}

/**
 * Several datasets' tables as one (item IDs "<dataset>/<item>" when more than
 * one), restricted to the policy's tiers: every tier the policy routes to must
 * have results.
 */
export function mergeTables(tables: { table: ResultsTable; dataset?: GoldenDataset }[], tiers: TierConfig[]): GateResults {
  const names = tiers.map((t) => t.name);
  for (const { table } of tables) {
    const missing = names.filter((n) => !table.tiers.includes(n));
    if (missing.length) {
      throw new InputError(
        `the policy routes to tier${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} but the results of dataset "${table.datasetId}" have none (results tiers: ${table.tiers.join(', ')})`,
      );
    }
  }
  const restricted = tables.map(({ table }) => ({ ...table, tiers: names }));
  const table = mergeResultsTables(restricted);
  const multi = tables.length > 1;
  const context = new Map<string, ItemContext>();
  for (const { table: t, dataset } of tables) {
    const tags = new Map(dataset?.cases.map((c) => [c.id, c.tags ?? []]) ?? []);
    for (const item of t.items) {
      const tagList = tags.get(item.itemId);
      context.set(multi ? `${t.datasetId}/${item.itemId}` : item.itemId, tagList ? { dataset: t.datasetId, tags: tagList } : { dataset: t.datasetId });
    }
  }
  return { table, datasets: tables.map((t) => t.table.datasetId), context: (id) => context.get(id) };
}

/**
 * A calibrate policy is gated on results of the dataset(s) it was calibrated
 * on ("a+b" when calibrate merged several): results for another dataset are an
 * input error, not a verdict.
 */
export function checkProvenance(policy: GatePolicy, datasets: string[]): void {
  const calibratedOn = policy.routing.provenance?.datasetId;
  if (!calibratedOn) return;
  const allowed = calibratedOn.split('+');
  const other = datasets.filter((d) => !allowed.includes(d));
  if (other.length) {
    throw new InputError(
      `results are for dataset ${other.map((d) => `"${d}"`).join(', ')} but the policy was calibrated on "${calibratedOn}": gate it on that dataset's results, or recalibrate`,
      policy.source,
    );
  }
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${what} file not found` : `cannot read ${what} file (${code ?? (e as Error).message})`, file);
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
