/**
 * What the gate checks, once read: a calibrate policy file as a gate policy,
 * and the note for results of another dataset. Pure; the files are read in
 * src/app/gate.ts.
 */
import { InputError } from '../errors.js';
import { GLOBAL_SCOPE, type TierConfig } from '../config/schema.js';
import type { ResultsTable } from '../calibrate/results.js';
import type { GoldenDataset } from '../eval/types.js';
import type { ItemContext } from './scopes.js';
import type { RoutingPolicyFile } from '../artifacts/policy.js';
import type { GatePolicy } from './types.js';

/** Whether a policy argument is meant as a calibrate policy file rather than a config. */
export function looksLikePolicyJson(text: string, file: string): boolean {
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
    ...(routing.drift ? { drift: routing.drift } : {}),
    ...(routing.maxP95LatencyMs !== undefined ? { maxP95LatencyMs: routing.maxP95LatencyMs } : {}),
  };
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

/** What the gate runs on: one table (several datasets merged), with per-item context for scopes. */
export interface GateResults {
  table: ResultsTable;
  datasets: string[];
  context: (itemId: string) => ItemContext | undefined;
}

/**
 * The joined table and the golden dataset of each dataset it holds (when
 * known) → what the gate runs on. Every tier of the policy must have results
 * (InputError); the table's tiers become the policy's, in its order.
 */
export function gateResultsOf(table: ResultsTable, used: ReadonlyMap<string, GoldenDataset | undefined>, tiers: readonly TierConfig[]): GateResults {
  const names = tiers.map((t) => t.name);
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

