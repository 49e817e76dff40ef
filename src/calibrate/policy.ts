/**
 * The routing policy file (`tokor calibrate --out policy.json`), versioned:
 * what `tokor gate` and `tokor calibrate --apply` read. It carries the
 * pattern and thresholds, the bar they were chosen for, the tier models, the
 * embedded router model (classifier pattern) and where it all came from.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { BAR_MODES, ROUTING_PATTERNS, type BarMode, type RoutingPattern } from '../config/schema.js';
import { validateRouterModel, type RouterModel } from '../classify/trained.js';

export const POLICY_SCHEMA_VERSION = 1;

export interface RoutingPolicyFile {
  schemaVersion: 1;
  kind: 'tokor-policy';
  pattern: RoutingPattern;
  /**
   * One per tier boundary (tiers − 1). classifier: escalate past boundary b
   * while the router's P(needs a tier above b) ≥ thresholds[b]. cascade /
   * confidence: escalate from tier b while its gate score / confidence < thresholds[b].
   */
  thresholds: number[];
  /** The ladder the policy routes over, cheapest first. */
  tiers: { name: string; model: string }[];
  bar: number;
  barMode: BarMode;
  confidence: number;
  /** The router (classifier pattern). */
  router?: RouterModel;
  /** cascade: the grader whose result decides escalation. */
  gate?: string;
  /** confidence: the results field holding the signal. */
  confidenceField?: string;
  /** The router's own cost per request, charged on every request (classifier). */
  routerCostUsd: number;
  provenance: {
    datasetId: string;
    datasetSha256?: string;
    resultsSha256: string[];
    catalogVersion: string;
    /** ISO-8601. */
    createdAt: string;
    /** The tokor version that wrote it. */
    tokorVersion?: string;
    /** What calibration measured at the pick (informational). */
    calibration?: { n: number; quality: number; parity: number; parityLower: number; savingsPct: number; bound: string };
  };
}

/** Reads and validates a policy file; InputError naming the file and the bad key. */
export async function readPolicyFile(file: string): Promise<RoutingPolicyFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'policy file not found' : `cannot read policy file (${code ?? (e as Error).message})`, file);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new InputError(`policy file is not JSON: ${(e as Error).message}`, file);
  }
  return validatePolicy(obj, file);
}

/** Shape checks of a parsed policy. */
export function validatePolicy(obj: unknown, where: string): RoutingPolicyFile {
  const bad = (msg: string): never => {
    throw new InputError(`invalid policy file: ${msg}`, where);
  };
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return bad('not a JSON object');
  const o = obj as Record<string, unknown>;
  if (o.kind !== 'tokor-policy') return bad(`kind must be "tokor-policy" (a \`tokor calibrate --out\` file), got ${JSON.stringify(o.kind)}`);
  if (o.schemaVersion !== POLICY_SCHEMA_VERSION) {
    return bad(`schemaVersion ${JSON.stringify(o.schemaVersion)} is not supported (this tokor reads ${POLICY_SCHEMA_VERSION}); recalibrate or upgrade tokor`);
  }
  if (!(ROUTING_PATTERNS as readonly unknown[]).includes(o.pattern)) return bad(`pattern must be one of ${ROUTING_PATTERNS.join(', ')}`);
  const tiers = o.tiers;
  if (!Array.isArray(tiers) || tiers.length < 2) return bad('tiers must list at least two {name, model}');
  tiers.forEach((t, i) => {
    if (!t || typeof t !== 'object' || typeof (t as { name?: unknown }).name !== 'string' || typeof (t as { model?: unknown }).model !== 'string') bad(`tiers[${i}] must be {name, model}`);
  });
  const th = o.thresholds;
  if (!Array.isArray(th) || !th.every((x) => typeof x === 'number' && Number.isFinite(x))) return bad('thresholds must be a list of numbers');
  if (th.length !== tiers.length - 1) return bad(`expected ${tiers.length - 1} thresholds for ${tiers.length} tiers, got ${th.length}`);
  if (typeof o.bar !== 'number' || !(o.bar >= 0 && o.bar <= 1)) return bad('bar must be a number in [0, 1]');
  if (!(BAR_MODES as readonly unknown[]).includes(o.barMode)) return bad(`barMode must be one of ${BAR_MODES.join(', ')}`);
  if (typeof o.confidence !== 'number' || !(o.confidence > 0.5 && o.confidence < 1)) return bad('confidence must be a number in (0.5, 1)');
  if (typeof o.routerCostUsd !== 'number' || !(o.routerCostUsd >= 0)) return bad('routerCostUsd must be a number ≥ 0');
  if (o.pattern === 'classifier') {
    if (o.router === undefined) return bad('a classifier policy needs its router model ("router")');
    const model = validateRouterModel(o.router, `${where} (router)`);
    const names = (tiers as { name: string }[]).map((t) => t.name);
    if (model.classes.join('\u0000') !== names.join('\u0000')) return bad(`router classes (${model.classes.join(', ')}) differ from the tiers (${names.join(', ')})`);
  }
  if (o.pattern === 'cascade' && typeof o.gate !== 'string') return bad('a cascade policy needs "gate" (the grader that decides escalation)');
  const p = o.provenance;
  if (!p || typeof p !== 'object') return bad('provenance missing');
  const pr = p as Record<string, unknown>;
  if (typeof pr.datasetId !== 'string' || !Array.isArray(pr.resultsSha256) || typeof pr.catalogVersion !== 'string' || typeof pr.createdAt !== 'string') {
    return bad('provenance must have datasetId, resultsSha256, catalogVersion and createdAt');
  }
  return obj as RoutingPolicyFile;
}

/** The policy as written to disk: 2-space JSON with number lists kept on one line. */
export function policyToJson(p: RoutingPolicyFile): string {
  return compactJson(p);
}

/** JSON.stringify(x, null, 2), except that arrays of numbers stay on one line (router weights). */
export function compactJson(x: unknown): string {
  const text = JSON.stringify(x, null, 2).replace(/\[(?:\s*-?\d[\d.eE+-]*,)*\s*-?\d[\d.eE+-]*\s*\]/g, (m) => `[${m.slice(1, -1).replace(/\s+/g, '')}]`);
  return `${text}\n`;
}
