/**
 * The routing policy file (`tokor calibrate --out policy.json`), versioned:
 * what `tokor gate --policy`, config `routing.policyFile` and
 * `tokor calibrate --apply` read, all through this schema. It carries the
 * pattern and thresholds, the bar they were chosen for, the tier models, the
 * embedded router (classifier pattern) and where it all came from.
 */
import { z } from 'zod';
import { BAR_MODES, DriftThresholdsSchema, SCOPE_KEYS, type PatternFacts } from '../config/schema.js';
import { parseArtifact, parseJsonArtifact, readJsonArtifact, type ArtifactSpec, type Origin } from './read.js';
import { compactJson, RouterModelSchema } from './router.js';

/**
 * The newest version this tokor reads and writes. Version 2 adds the
 * per-scope patterns (`scopes`); calibrate still writes 1 for the other
 * patterns, so older tokor versions keep reading those, and refuse a
 * scope policy as written by a newer tokor.
 */
export const POLICY_SCHEMA_VERSION = 2;

/**
 * How a per-scope policy (scope-tier, scope-classifier) tells scopes apart:
 * an item belongs to the entry whose `value` equals its `by` attribute
 * (`null`: items without one). The route of entry j is its slice of
 * `thresholds`; items of no listed scope take the last slice.
 */
export const PolicyScopesSchema = z.object({
  by: z.enum(SCOPE_KEYS, { error: `expected one of ${SCOPE_KEYS.join(', ')}` }),
  entries: z
    .array(
      z.object({
        value: z.string().nullable(),
        /** Calibration items in the scope. */
        items: z.number().int().min(0),
        /** scope-tier: the tier the scope is served by (the name of tiers[thresholds[j]]). */
        tier: z.string().optional(),
      }),
      { error: 'expected a list of {value, items}' },
    )
    .min(1, 'must list at least one scope'),
});

const nonEmpty = (what: string) => z.string({ error: `expected ${what} (a string)` }).min(1, `expected ${what}, got an empty string`);

export const ProvenanceSchema = z.object({
  datasetId: z.string({ error: 'expected the dataset id (a string)' }),
  datasetSha256: z.string().optional(),
  resultsSha256: z.array(z.string(), { error: 'expected a list of sha256 strings' }),
  catalogVersion: z.string({ error: 'expected the price catalog version (a string)' }),
  /** ISO-8601. */
  createdAt: z.string({ error: 'expected an ISO-8601 time (a string)' }),
  /** The tokor version that wrote it. */
  tokorVersion: z.string().optional(),
  /**
   * What calibration measured at the pick, as certified: `tokor gate` holds
   * the realized savings to `savingsPct` (--max-savings-drop) and compares
   * the observed tier shares with `tierShares` (fractions, on `n` items;
   * optional: policies written before it still load).
   */
  calibration: z
    .object({
      n: z.number(),
      quality: z.number(),
      parity: z.number(),
      parityLower: z.number(),
      savingsPct: z.number(),
      bound: z.string(),
      tierShares: z.record(z.string(), z.number().min(0, 'must be a share between 0 and 1').max(1, 'must be a share between 0 and 1'), { error: 'expected {tier: share} with shares between 0 and 1' }).optional(),
      /** p50 / p95 of the routed latency at the pick (ms, nearest-rank over items); optional: absent when unknown or written before it. */
      latency: z.object({ p50Ms: z.number().min(0), p95Ms: z.number().min(0) }).optional(),
      /** The items held out of this calibration (calibrate --holdout: a hash of each item id, salted by seed); optional. */
      holdout: z.object({ fraction: z.number().min(0).max(1), seed: z.number().int(), items: z.number().int().min(0) }).optional(),
    })
    .optional(),
});

const PolicyFields = z.object({
    schemaVersion: z.union([z.literal(1), z.literal(POLICY_SCHEMA_VERSION)], { error: `expected 1 or ${POLICY_SCHEMA_VERSION}` }),
    kind: z.literal('tokor-policy', { error: 'expected "tokor-policy" (a `tokor calibrate --out` file)' }),
    /** A key of the routing-pattern registry: checked against the patterns the reader is given. */
    pattern: z.string({ error: 'expected the name of a routing pattern' }).min(1, 'expected the name of a routing pattern'),
    /**
     * One per tier boundary (tiers − 1). classifier: escalate past boundary b
     * while the router's P(needs a tier above b) ≥ thresholds[b]. cascade /
     * confidence: escalate from tier b while its gate score / confidence < thresholds[b].
     * scope-tier: one per scope entry plus one for items of no listed scope, each the
     * index of the tier serving it; scope-classifier: a block of (tiers − 1) classifier
     * thresholds per scope entry, plus one block for items of no listed scope.
     */
    thresholds: z.array(z.number({ error: 'expected a number' }), { error: 'expected a list of numbers' }),
    /** The ladder the policy routes over, cheapest first. */
    tiers: z
      .array(z.object({ name: nonEmpty('the tier name'), model: nonEmpty('the model ID') }), { error: 'expected a list of {name, model}' })
      .min(2, 'must list at least two tiers {name, model}'),
    bar: z.number({ error: 'expected a number between 0 and 1' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    barMode: z.enum(BAR_MODES, { error: `expected one of ${BAR_MODES.join(', ')}` }),
    confidence: z.number({ error: 'expected a confidence level such as 0.95' }).gt(0.5, 'must be above 0.5 (e.g. 0.95)').lt(1, 'must be below 1 (e.g. 0.95)'),
    /** The scopes a per-scope policy routes by (scope-tier, scope-classifier; schemaVersion 2). */
    scopes: PolicyScopesSchema.optional(),
    /** The router (classifier pattern). */
    router: RouterModelSchema.optional(),
    /** cascade: the grader whose result decides escalation. */
    gate: nonEmpty('the gate grader').optional(),
    /** confidence: the results field holding the signal. */
    confidenceField: nonEmpty('the confidence field').optional(),
    /** The router's own cost per request, charged on every request (classifier). */
    routerCostUsd: z.number({ error: 'expected an amount in USD (a number ≥ 0)' }).min(0, 'must be ≥ 0 (a cost cannot be negative)'),
    /** The router's own latency per request (ms), waited for on every request (classifier); optional (default 1 ms). */
    routerLatencyMs: z.number({ error: 'expected milliseconds (a number ≥ 0)' }).min(0, 'must be ≥ 0').optional(),
    /** calibrate --max-p95-latency: the routed p95 (ms) the policy was chosen under; `tokor gate` holds the whole population to it. Optional. */
    maxP95LatencyMs: z.number({ error: 'expected milliseconds (a number > 0)' }).positive('must be > 0').optional(),
    provenance: ProvenanceSchema,
    /** When `tokor drift` / `tokor gate --traffic` fail for traffic against this policy's dataset (optional; flags win). */
    drift: DriftThresholdsSchema.optional(),
  });

export type RoutingPolicyFile = z.infer<typeof PolicyFields>;

/** The routing patterns a policy may name, with their facts (src/calibrate/patterns/index.ts PATTERN_FACTS). */
export type PolicyPatterns = Readonly<Record<string, PatternFacts>>;

function policySchema(patterns: PolicyPatterns) {
  return PolicyFields.superRefine((p, ctx) => {
    const facts = Object.hasOwn(patterns, p.pattern) ? patterns[p.pattern]! : undefined;
    if (!facts) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `expected one of ${Object.keys(patterns).join(', ')}` });
      return;
    }
    const names = p.tiers.map((t) => t.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'name'], message: `duplicate tier name "${n}"` });
    });
    const needs = facts;
    const slots = needs.scopes ? (p.scopes?.entries.length ?? 0) + 1 : 1;
    const perSlot = p.pattern === 'scope-tier' ? 1 : names.length - 1;
    if (needs.scopes && !p.scopes) ctx.addIssue({ code: 'custom', path: ['scopes'], message: `a ${p.pattern} policy needs its scopes {by, entries}` });
    if (needs.scopes && p.schemaVersion < 2) ctx.addIssue({ code: 'custom', path: ['schemaVersion'], message: `a ${p.pattern} policy has schemaVersion 2` });
    if (!needs.scopes && p.scopes) ctx.addIssue({ code: 'custom', path: ['scopes'], message: `a ${p.pattern} policy routes every item alike: remove scopes` });
    if (p.thresholds.length !== slots * perSlot) {
      const what = needs.scopes ? `(${perSlot} per scope entry plus ${perSlot} for items of no listed scope)` : `for ${names.length} tiers`;
      ctx.addIssue({ code: 'custom', path: ['thresholds'], message: `expected ${slots * perSlot} threshold(s) ${what}, got ${p.thresholds.length}` });
    }
    const range = facts.thresholds;
    p.thresholds.forEach((t, i) => {
      if (t < range.min || t > range.max) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `a ${p.pattern} threshold must be between ${range.min} and ${range.max} (${range.meaning}), got ${t}` });
      } else if (p.pattern === 'scope-tier' && !(Number.isInteger(t) && t < names.length)) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `a scope-tier threshold is a tier index: an integer from 0 to ${names.length - 1}, got ${t}` });
      }
    });
    p.scopes?.entries.forEach((e, j) => {
      const t = p.thresholds[j];
      if (e.tier !== undefined && p.pattern === 'scope-tier' && t !== undefined && names[t] !== e.tier) {
        ctx.addIssue({ code: 'custom', path: ['scopes', 'entries', j, 'tier'], message: `thresholds[${j}] routes this scope to "${names[t] ?? t}", not "${e.tier}"` });
      }
    });
    if (needs.router) {
      if (!p.router) ctx.addIssue({ code: 'custom', path: ['router'], message: `a ${p.pattern} policy needs its router model` });
      else if (p.router.classes.join('\u0000') !== names.join('\u0000')) {
        ctx.addIssue({ code: 'custom', path: ['router', 'classes'], message: `the router's classes (${p.router.classes.join(', ')}) differ from the tiers (${names.join(', ')})` });
      }
    }
    if (p.pattern === 'cascade' && !p.gate) ctx.addIssue({ code: 'custom', path: ['gate'], message: 'a cascade policy needs the grader that decides escalation' });
  });
}

const specs = new WeakMap<PolicyPatterns, ArtifactSpec<RoutingPolicyFile>>();

/** The artifact spec for policies over these patterns (one per registry). */
function policySpec(patterns: PolicyPatterns): ArtifactSpec<RoutingPolicyFile> {
  let spec = specs.get(patterns);
  if (!spec) {
    spec = { name: 'policy file', kind: ['tokor-policy'], schema: policySchema(patterns), version: POLICY_SCHEMA_VERSION, hint: 'write it with `tokor calibrate --out` (docs/calibrate.md)' };
    specs.set(patterns, spec);
  }
  return spec;
}

/** A parsed policy JSON value, checked against the routing patterns; InputError at the line of the bad key. */
export function parsePolicy(value: unknown, origin: Origin, patterns: PolicyPatterns): RoutingPolicyFile {
  return parseArtifact(policySpec(patterns), value, origin);
}

/** A policy file's text, parsed and checked. */
export function parsePolicyText(text: string, file: string, patterns: PolicyPatterns): RoutingPolicyFile {
  return parseJsonArtifact(policySpec(patterns), text, file);
}

/** Reads and checks a policy file. */
export async function readPolicy(file: string, patterns: PolicyPatterns): Promise<RoutingPolicyFile> {
  return readJsonArtifact(policySpec(patterns), file);
}

/** The policy as written to disk (checked first): 2-space JSON with number lists kept on one line. */
export function policyToJson(p: RoutingPolicyFile, patterns: PolicyPatterns): string {
  parseArtifact(policySpec(patterns), p, { file: 'policy' });
  return compactJson(p);
}

