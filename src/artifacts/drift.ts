/**
 * Drift's contracts: the compact traffic profile (analyze JSON
 * `trafficProfile`, which `tokor drift` reads through the analyze
 * contract), the drift thresholds a policy or config may carry, and `tokor drift --format json` (DRIFT_SCHEMA_VERSION).
 * Documented in docs/drift.md.
 */
import { z } from 'zod';
import { DRIFT_MEASURES } from '../drift/compare.js';
import { LENGTH_EDGES, PROFILE_VERSION, SCORE_BINS, type TrafficProfile } from '../drift/profile.js';

export const DRIFT_SCHEMA_VERSION = 1;

const count = z.number({ error: 'expected a count (a whole number ≥ 0)' }).int('expected a whole number').min(0, 'must be ≥ 0');
const usd = z.number({ error: 'expected an amount in USD or null' }).min(0).nullable();

export const TrafficProfileSchema: z.ZodType<TrafficProfile> = z.object({
  version: z.literal(PROFILE_VERSION, { error: `expected ${PROFILE_VERSION}` }),
  labeler: z.string({ error: 'expected the labeler name (a string)' }),
  requests: count,
  spendUsd: usd,
  clusters: z.array(z.object({ signature: z.string(), text: z.string(), requests: count, spendUsd: usd }), { error: 'expected a list of {signature, text, requests, spendUsd}' }),
  rest: z.object({ clusters: count, requests: count, spendUsd: usd }).nullable(),
  score: z.array(count).length(SCORE_BINS, `expected ${SCORE_BINS} score bins`),
  promptLength: z.object({
    edges: z.array(z.number()).refine((e) => e.length === LENGTH_EDGES.length && e.every((x, i) => x === LENGTH_EDGES[i]), `expected the edges ${LENGTH_EDGES.join(', ')}`),
    counts: z.array(count).length(LENGTH_EDGES.length, `expected ${LENGTH_EDGES.length} length bins`),
    fromText: count,
    fromTokens: count,
  }),
}) as z.ZodType<TrafficProfile>;

const clusterShare = z.object({
  signature: z.string(),
  text: z.string(),
  baselineShare: z.number(),
  currentShare: z.number(),
  requests: z.number(),
  spendShare: z.number().nullable(),
  z: z.number(),
});

const side = z.object({
  files: z.array(z.string()),
  kind: z.enum(['dataset', 'policy', 'logs', 'analyze']),
  requests: z.number(),
  clusters: z.number(),
  labeler: z.string(),
  spendUsd: z.number().nullable(),
});

/** `tokor drift --format json`, schemaVersion 1 (docs/drift.md). */
export const DriftJsonSchema = z.object({
  schemaVersion: z.literal(DRIFT_SCHEMA_VERSION),
  kind: z.literal('tokor-drift'),
  stable: z.boolean(),
  baseline: side,
  current: side,
  thresholds: z.object({
    alpha: z.number(),
    maxPsi: z.number(),
    minCoverage: z.number(),
    from: z.object({ alpha: z.enum(['default', 'policy', 'flag']), maxPsi: z.enum(['default', 'policy', 'flag']), minCoverage: z.enum(['default', 'policy', 'flag']) }),
  }),
  measures: z.array(
    z.object({
      measure: z.enum(DRIFT_MEASURES),
      psi: z.number(),
      test: z.literal('chi-square'),
      statistic: z.number(),
      df: z.number(),
      pValue: z.number(),
      level: z.number(),
      cells: z.number(),
      drifted: z.boolean(),
    }),
  ),
  coverage: z.object({
    requestShare: z.number(),
    spendShare: z.number().nullable(),
    pass: z.boolean(),
    uncovered: z.array(clusterShare),
    uncoveredClusters: z.number(),
  }),
  moved: z.array(clusterShare),
  notes: z.array(z.string()),
  provenance: z.object({ synthetic: z.boolean(), what: z.string().optional() }),
});
export type DriftJson = z.infer<typeof DriftJsonSchema>;
