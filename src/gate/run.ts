/**
 * `tokor gate` end to end: read the policy (and the base), read or produce the
 * golden results, simulate, judge. Returns the verdict; the command renders it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_TIERS } from '../config/schema.js';
import { SAMPLE_RECORDINGS_WHAT } from '../types.js';
import { applyPolicy } from '../calibrate/apply.js';
import { loadCatalog } from '../config/catalog.js';
import { provenanceNote, DEFAULT_POLICY_FILE, loadGatePolicy, loadGateResults } from './inputs.js';
import { evaluateGate } from './verdict.js';
import { routeItems } from './route.js';
import type { GateOptions, GatePolicy, GateVerdict } from './types.js';

export interface GateRunOptions extends GateOptions {
  /** tokor.config.yaml or a calibrate policy.json; default: the bundled default policy. */
  policy?: string;
  /** Results JSONL files; default: the bundled golden datasets' recordings, replayed and graded. */
  results?: string[];
  /** The datasets the results are for (prompts and tags; every result must be for one of them). */
  dataset?: string[];
  /** The target branch's policy. */
  base?: string;
  cwd?: string;
  onProgress?: (message: string) => void;
}

export interface GateRun {
  verdict: GateVerdict;
  /** For stderr: how the results were produced, rows the reader dropped. */
  notes: string[];
}

/** Flag checks that need no file: a floor above 1, percentages out of range. */
export function checkGateOptions(o: GateRunOptions): void {
  if (o.floor !== undefined && !(o.floor >= 0 && o.floor <= 1)) throw new UsageError(`--floor must be between 0 and 1 (a fraction: 0.95 = 95%), got ${o.floor}`);
  if (o.confidence !== undefined && !(o.confidence > 0.5 && o.confidence < 1)) throw new UsageError(`--confidence must be above 0.5 and below 1 (e.g. 0.95), got ${o.confidence}`);
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

  let files = o.results?.map(at);
  let scratch: string | undefined;
  if (!files?.length) {
    if (o.dataset?.length) throw new UsageError('--dataset needs --results (the results of that dataset, from `tokor eval --dataset D --out results.jsonl`)');
    scratch = await mkdtemp(path.join(tmpdir(), 'tokor-gate-'));
    files = [await replayBundled(policy, scratch, o.onProgress)];
    notes.push('gating on the bundled golden datasets, graded from their recorded responses (sample data, not measurements of the models)');
    for (const t of policy.tiers) {
      const recorded = DEFAULT_TIERS.find((d) => d.name === t.name)!.model;
      if (t.model !== recorded) notes.push(`tier ${t.name} is ${t.model} in the policy but the bundled recordings are of ${recorded}`);
    }
  }
  try {
    const confidenceField = policy.routing.confidenceField;
    const results = await loadGateResults(files, {
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
    return { verdict, notes };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

function checkBaseTiers(base: GatePolicy, tiers: string[]): void {
  const missing = base.routing.tiers.map((t) => t.name).filter((n) => !tiers.includes(n));
  if (missing.length) {
    throw new InputError(`the base policy routes to tier${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} that the proposed policy's results do not cover (tiers: ${tiers.join(', ')})`, base.source);
  }
}

/**
 * The bundled golden datasets' recordings, replayed and graded by the eval
 * runner into one results file. Only the default ladder has recordings.
 */
async function replayBundled(policy: GatePolicy, dir: string, onProgress?: (m: string) => void): Promise<string> {
  const known = DEFAULT_TIERS.map((t) => t.name);
  const missing = policy.tiers.map((t) => t.name).filter((n) => !known.includes(n));
  if (missing.length) {
    throw new UsageError(`the bundled recordings cover tiers ${known.join(', ')} only; the policy routes to ${missing.join(', ')}: pass --results (from \`tokor eval --out\`)`);
  }
  const [{ evaluate }, { openContext }] = await Promise.all([import('../app/eval.js'), import('../app/context.js')]);
  const out = path.join(dir, 'bundled-results.jsonl');
  onProgress?.('grading the bundled recordings…');
  await evaluate(await openContext({ config: DEFAULT_POLICY_FILE, cwd: dir }), { tier: policy.tiers.map((t) => t.name).join(','), out, cache: false });
  return out;
}
