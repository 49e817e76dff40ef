/**
 * Reads what the gate checks: the policy (tokor.config.yaml or a calibrate
 * policy.json) and the golden results. All input errors are InputErrors
 * (exit 2) naming the file and what is wrong.
 */
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { parseConfigText } from '../config/load.js';
import { GLOBAL_SCOPE, qualityOf, scopesOf, tiersOf, type TierConfig, type TokorConfig } from '../config/schema.js';
import { PACKAGE_ROOT } from '../paths.js';
import { parsePolicyText, readPolicy, POLICY_SCHEMA_VERSION, type RoutingPolicyFile } from '../artifacts/policy.js';
import { readArtifactText } from '../artifacts/read.js';
import { readRouterModel } from '../artifacts/router.js';
import { loadResultsByDataset, type ResultsTable } from '../calibrate/results.js';
import { loadDataset, bundledDatasets } from '../io/goldenDatasets.js';
import type { GoldenDataset } from '../eval/types.js';
import type { Catalog } from '../pricing/index.js';
import type { ItemContext } from './scopes.js';
import type { GatePolicy, ScopeRule } from './types.js';

/** The policy `tokor gate` checks when given no --policy. */
export const DEFAULT_POLICY_FILE = path.join(PACKAGE_ROOT, 'policies', 'default.tokor.config.yaml');

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
    return policyFromFile(parsePolicyText(text, file), label);
  }
  const config = parseConfigText(text, file);
  return policyFromConfig(config, path.dirname(path.resolve(file)), label);
}

/** Whether a policy argument is meant as a calibrate policy file rather than a config. */
function looksLikePolicyJson(text: string, file: string): boolean {
  const t = text.trimStart();
  if (!t.startsWith('{')) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: a policy file cut or hand-edited (NaN, a trailing comma), unless it is a YAML flow mapping.
    return /\.json$/i.test(file) || /"(kind|schemaVersion)"\s*:/.test(text);
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) && ('kind' in value || 'schemaVersion' in value);
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
    routing = await readPolicy(file);
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
  return policy;
}

/** What the gate runs on: one table (several datasets merged), with per-item context for scopes. */
export interface GateResults {
  table: ResultsTable;
  datasets: string[];
  context: (itemId: string) => ItemContext | undefined;
}

/**
 * Loads results files (any mix of datasets and tiers per file), grouped by
 * dataset line by line. With `datasetFiles`, every result must be for one of
 * them; otherwise datasets are looked up among the bundled ones by ID (for
 * prompts and tags). Several datasets are merged into one table whose item
 * IDs are "<dataset>/<item>". Every tier of the policy must have results.
 */
export async function loadGateResults(files: string[], opts: { tiers: TierConfig[]; catalog: Catalog; datasetFiles?: string[]; confidenceField?: string }): Promise<GateResults> {
  if (files.length === 0) throw new UsageError('--results: give at least one results JSONL file (from `tokor eval --out`)');
  const explicit = opts.datasetFiles?.length ? await Promise.all(opts.datasetFiles.map((f) => loadDataset(f))) : undefined;
  let known: GoldenDataset[] | undefined = explicit;
  const used = new Map<string, GoldenDataset | undefined>();
  const datasetFor = async (id: string): Promise<GoldenDataset | undefined> => {
    known ??= await bundled();
    const d = known.find((x) => x.id === id);
    if (explicit && !d) {
      throw new InputError(`results are for dataset "${id}", not ${explicit.map((x) => `"${x.id}"`).join(' or ')} (--dataset ${opts.datasetFiles!.join(' ')})`);
    }
    used.set(id, d);
    return d;
  };
  const table = await loadResultsByDataset(files, {
    tiers: opts.tiers,
    catalog: opts.catalog,
    datasetFor,
    ...(opts.confidenceField ? { confidenceField: opts.confidenceField } : {}),
  });
  const names = opts.tiers.map((t) => t.name);
  const missing = names.filter((n) => !table.tiers.includes(n));
  if (missing.length) {
    throw new InputError(
      `the policy routes to tier${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} but the results of dataset "${table.datasetId}" have none (results tiers: ${table.tiers.join(', ')})`,
    );
  }
  const datasets = [...used.keys()];
  const multi = datasets.length > 1;
  const tags = new Map<string, ItemContext>();
  for (const [id, d] of used) {
    for (const c of d?.cases ?? []) tags.set(multi ? `${id}/${c.id}` : c.id, { dataset: id, tags: c.tags ?? [] });
  }
  const only = datasets[0];
  const context = (itemId: string): ItemContext | undefined => {
    const hit = tags.get(itemId);
    if (hit) return hit;
    if (!multi) return only === undefined ? undefined : { dataset: only };
    const slash = itemId.indexOf('/');
    return slash > 0 ? { dataset: itemId.slice(0, slash) } : undefined;
  };
  return { table: { ...table, tiers: names }, datasets, context };
}

/** The bundled golden datasets (prompts and tags for results that name them). */
async function bundled(): Promise<GoldenDataset[]> {
  const out: GoldenDataset[] = [];
  for (const file of await bundledDatasets()) out.push(await loadDataset(file));
  return out;
}

/**
 * A calibrate policy gated on results of another dataset than the one(s) it
 * was calibrated on ("a+b" when calibrate merged several) — a held-out or a
 * newer set: gated all the same, with a note saying so (as `calibrate --apply`
 * does). Returns the note, or nothing when the datasets match.
 */
export function provenanceNote(policy: GatePolicy, datasets: string[]): string | undefined {
  const calibratedOn = policy.routing.provenance?.datasetId;
  if (!calibratedOn) return undefined;
  const allowed = calibratedOn.split('+');
  const other = datasets.filter((d) => !allowed.includes(d));
  if (!other.length) return undefined;
  return `the policy was calibrated on "${calibratedOn}"; these results are for ${other.map((d) => `"${d}"`).join(', ')}: gated as a held-out or newer set`;
}
