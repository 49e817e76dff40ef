/**
 * `tokor analyze --format json` (kind 'tokor-analyze', ANALYZE_SCHEMA_VERSION),
 * checked with one schema. analyze builds it as the AnalyzeReport type
 * (src/analyze/report.ts); the compiler checks below that the two are the same
 * type, key for key, so neither can change without the other. `tokor report
 * --analyze` and the HTML traffic section read it through this schema and
 * never guess a field: an older analyze JSON (schemaVersion 1 or 2) or
 * another file is refused in one line naming the file.
 */
import { z } from 'zod';
import { ANALYZE_SCHEMA_VERSION, type AnalyzeReport } from '../analyze/report.js';
import { DIFFICULTIES } from '../types.js';
import { TrafficProfileSchema } from './drift.js';
import { parseArtifact, type ArtifactSpec, type Origin } from './read.js';

const count = z.number().int().min(0);
const usd = z.number();
const share = z.number().min(0).max(1);
const interval = z.tuple([z.number(), z.number()]);
const Difficulty = z.enum(DIFFICULTIES);
const perDifficulty = <T extends z.ZodType>(v: T) => z.object({ easy: v, moderate: v, hard: v });
const TokenCountsSchema = z.object({ input: count, output: count, cacheRead: count, cacheWrite: count, cacheWrite1h: count.optional() });
const SampleSchema = z.object({ size: count, of: count, seed: z.number().int() });

/** Sessions, as analyze keys them (src/analyze/sessions.ts); the prompt-cache ceilings rest on them. */
const SessionsSchema = z.object({
  count,
  keyedBy: z.enum(['sessionId', 'requestMetadata', 'conversation', 'none', 'mixed']),
  sessionKey: z.string().optional(),
  requestsBy: z.object({ sessionId: count, requestMetadata: count, conversation: count, none: count }),
  turnsMedian: z.number().min(0),
  turnsP90: z.number().min(0),
  cacheReadShareMedian: share.nullable(),
  cacheReadShareP90: share.nullable(),
  keptShare: share,
  coldTurns: count,
  simulatedTurns: count,
});

/** --engine athena: what the queries scanned, and its list price. */
const ScanSchema = z.object({
  engine: z.literal('athena'),
  queries: count,
  bytesScanned: z.number().min(0),
  costUsd: z.number().min(0),
  price: z.object({ usdPerTB: z.string(), source: z.string(), asOf: z.string() }),
});

const GatewayCostSchema = z.object({
  requests: count,
  reportedUsd: usd,
  tokorUsd: usd,
  deltaUsd: usd,
  unpricedRequests: count,
  byModel: z.array(
    z.object({ model: z.string(), modelKey: z.string().nullable(), requests: count, reportedUsd: usd, tokorUsd: usd.nullable(), deltaUsd: usd.nullable() }),
  ),
});

const CostByTokenKindSchema = z.object({ input: usd, output: usd, cacheRead: usd, cacheWrite5m: usd, cacheWrite1h: usd });

const AnalyzeReportSchema = z.object({
  schemaVersion: z
    .number()
    .int()
    .refine((v) => v === ANALYZE_SCHEMA_VERSION, { error: (iss) => `${String(iss.input)} is an analyze JSON of an older tokor (this one reads ${ANALYZE_SCHEMA_VERSION})` }),
  kind: z.literal('tokor-analyze'),
  headline: z.object({
    savingsPct: z.number().nullable(),
    savingsRangePct: interval.optional(),
    savingsCi95Pct: interval.optional(),
    baseline: z.literal('all-frontier'),
    text: z.string(),
    caveats: z.array(z.string()),
  }),
  provenance: z.object({ synthetic: z.boolean(), what: z.string().optional() }),
  sources: z.object({ files: count, paths: z.array(z.string()), formats: z.record(z.string(), count), bytesRead: z.number().min(0) }),
  catalogVersion: z.string(),
  labeler: z.string(),
  tiers: z.array(
    z.object({
      name: z.string(),
      model: z.string(),
      modelKey: z.string(),
      rates: z.object({ input: z.string(), output: z.string(), cacheRead: z.string().optional(), cacheWrite5m: z.string().optional() }),
      costIfAllUsd: usd,
      blendedRatePerMTok: z.number(),
    }),
  ),
  labelTiers: perDifficulty(z.string()),
  period: z.object({ start: z.string(), end: z.string() }).nullable(),
  sample: SampleSchema.optional(),
  labelSample: SampleSchema.optional(),
  records: z.object({ read: count, valid: count, priced: count, unpriced: count, failed: count, invalid: count, duplicates: count }),
  fileIssues: z.array(
    z.object({
      file: z.string(),
      kind: z.enum(['truncated', 'corrupt', 'trailing-garbage', 'not-gzip', 'repeated-path', 'mixed-formats']),
      line: z.number().int().optional(),
      message: z.string(),
    }),
  ),
  unpricedTokenShare: share,
  invalid: z.object({
    reasons: z.array(z.object({ reason: z.string(), count })),
    examples: z.array(z.object({ file: z.string(), line: z.number().int(), reason: z.string() })),
  }),
  problems: z.array(z.object({ problem: z.string(), count })),
  failedByCode: z.array(z.object({ code: z.string(), count })),
  tokens: TokenCountsSchema,
  distribution: perDifficulty(z.object({ count: z.number().min(0), share, ci95: interval })),
  distributionSource: z.enum(['measured', 'prior']),
  measured: z.object({ count, ofValid: count, clusters: count }).optional(),
  clusters: z.array(z.object({ signature: z.string(), key: z.string(), requests: count, measured: count, easyShare: share, ci95: interval })).optional(),
  toMeasure: z.object({ command: z.string(), sample: count, expectedCostUsd: usd }).optional(),
  sessions: SessionsSchema,
  cost: z.object({
    actual: usd,
    frontierCounterfactual: usd,
    routedCeiling: usd,
    routedCeilingCi95: interval.nullable(),
    routedPerRequestUsd: usd,
    routedSessionPinnedUsd: usd,
    fragmentationLossUsd: usd,
  }),
  savings: z.object({
    formulaPct: z.number(),
    ceilingPct: z.number(),
    actualVsFrontierPct: z.number(),
    ceilingVsActualPct: z.number(),
    ceilingCi95: interval.nullable(),
    sensitivity: z.array(z.object({ easyShare: share, ceilingPct: z.number(), routedCeilingUsd: usd })),
    ceilingPerRequestPct: z.number(),
    ceilingSessionPinnedPct: z.number(),
    ceilingRouting: z.enum(['per-request', 'session-pinned']),
  }),
  formula: z.array(z.object({ label: Difficulty, tier: z.string(), share: z.number(), rateRatio: z.number(), contributionPct: z.number() })),
  qualityNote: z.string(),
  byModel: z.array(
    z.object({
      model: z.string(),
      modelKey: z.string().nullable(),
      region: z.string(),
      requests: count,
      tokens: TokenCountsSchema,
      costUsd: usd.nullable(),
      shareOfCost: z.number(),
      labels: perDifficulty(z.number()),
      easyShare: share,
      frontierCounterfactualUsd: usd.nullable(),
      routedCeilingUsd: usd.nullable(),
      costByTokenKind: CostByTokenKindSchema.nullable(),
    }),
  ),
  byGroup: z.array(
    z.object({
      groupBy: z.string(),
      group: z.string(),
      requests: count,
      labels: perDifficulty(z.number()),
      easyShare: share,
      costUsd: usd,
      frontierCounterfactualUsd: usd,
      routedCeilingUsd: usd,
      savingsPct: z.number(),
    }),
  ),
  topWaste: z.array(z.object({ model: z.string(), region: z.string(), easyRequests: count, costUsd: usd, cheapTierCostUsd: usd, wasteUsd: usd })),
  unpricedModels: z.array(z.object({ model: z.string(), requests: count, tokens: TokenCountsSchema })),
  priceNotes: z.array(z.string()),
  gatewayCost: GatewayCostSchema.optional(),
  byDay: z
    .array(
      z.object({
        day: z.string(),
        model: z.string(),
        modelKey: z.string(),
        requests: count,
        costUsd: usd,
        costByTokenKind: CostByTokenKindSchema,
        tokens: z.object({ input: count, output: count, cacheRead: count, cacheWrite: count }),
      }),
    )
    .optional(),
  /** Checked by its own schema (src/artifacts/costsReport.ts `parseAnalyzeReconciliation`), which the app applies beside this one. */
  reconciliation: z.unknown().optional(),
  scan: ScanSchema.optional(),
  trafficProfile: TrafficProfileSchema,
});

/** An analyze report as read: the same type analyze writes (checked both ways below). */
export type AnalyzeReportJson = z.output<typeof AnalyzeReportSchema>;

/** True when A and B are the same type (not merely assignable), key for key, optional for optional. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameType: Same<AnalyzeReport, AnalyzeReportJson> = true;
void sameType;

const ANALYZE_REPORT_SPEC: ArtifactSpec<AnalyzeReportJson> = {
  name: 'analyze JSON',
  kind: ['tokor-analyze'],
  schema: AnalyzeReportSchema,
  version: ANALYZE_SCHEMA_VERSION,
  hint: 'give the output of `tokor analyze --format json` (docs/analyze.md)',
};

/** A parsed analyze JSON value, checked; InputError at the line of the bad key when `origin.text` is given. */
export function parseAnalyzeReport(value: unknown, origin: Origin): AnalyzeReportJson {
  return parseArtifact(ANALYZE_REPORT_SPEC, value, origin);
}
