/**
 * `tokor costs --format json` (kind 'tokor-costs', versioned) and analyze's
 * `reconciliation` (`tokor analyze --cost-explorer --format json`): the only
 * place their shape is written down. src/costs builds these values (its types
 * come from here); `tokor report --costs` and the HTML costs section read them
 * through these schemas instead of guessing field names.
 */
import { z } from 'zod';
import { BILL_FORMAT_NAMES } from '../costs/billFormats.js';
import { GRANULARITIES } from '../costs/dates.js';
import { BILL_PROVIDERS } from '../costs/meters.js';
import { COSTS_SCHEMA_VERSION } from '../costs/schemaVersion.js';
import { COST_METRICS } from '../costs/response.js';
import { TOKEN_KINDS, USAGE_TIERS } from '../costs/usageTypes.js';
import { parseCostsInput } from './reportInputs.js';
import { InputError } from '../errors.js';
import { checkArtifact, parseArtifact, whereOf, type ArtifactSpec } from './read.js';

;

const usd = z.number({ error: 'expected an amount in USD (a number)' });
const PeriodSchema = z.object({ start: z.string(), end: z.string() });
const TokenKindSchema = z.enum(TOKEN_KINDS);
const TierSchema = z.enum(USAGE_TIERS);
const byKind = z.partialRecord(TokenKindSchema, z.number());
const byTier = z.partialRecord(TierSchema, z.number());

/** One Bedrock (period, usage type) line of the bill, parsed. */
const CostRowSchema = z.object({
  /** Who billed it (aws, azure, gcp, anthropic, openai); files written before it are Bedrock-only, so 'aws'. */
  provider: z.enum(BILL_PROVIDERS).default('aws'),
  period: PeriodSchema,
  estimated: z.boolean(),
  service: z.string(),
  usageType: z.string(),
  category: z.enum(['tokens', 'provisioned', 'unrecognized']),
  model: z.string().optional(),
  modelName: z.string().optional(),
  region: z.string().optional(),
  tokenKind: TokenKindSchema.optional(),
  tier: TierSchema.optional(),
  global: z.boolean().optional(),
  longContext: z.boolean().optional(),
  modality: z.string().optional(),
  /** Exact decimal string, as billed. */
  costUsd: z.string(),
  /** Exact decimal string, as the bill reports the quantity (its scale is not tokens; see tokens). */
  quantity: z.string().optional(),
  unit: z.string(),
  /** quantity × the assumed tokens per unit (docs/costs.md); absent when unknown. */
  tokens: z.number().optional(),
  reason: z.string().optional(),
  /** Grouping keys of the line: `tag:<key>`, principal, inferenceProfile, project, workspace, resource, `label:<key>`. */
  groups: z.record(z.string(), z.string()).optional(),
});

/** The one billed-spend model over every source (issue #16): LLM inference only; other services are in otherServices. */
const BilledSchema = z.object({
  totalUsd: usd,
  /** totalUsd as an exact decimal string. */
  totalExact: z.string(),
  /** The days the bill covers (end exclusive). */
  window: PeriodSchema,
  /** LLM spend no model owns (listed in unrecognizedUsageTypes). */
  unrecognizedUsd: usd,
  /** usd = tokenUsd + provisionedUsd + unrecognizedUsd (the three are absent in files written before them). */
  byProvider: z.array(
    z.object({
      provider: z.enum(BILL_PROVIDERS),
      usd,
      /** Per-token spend attributed to a model. */
      tokenUsd: usd.optional(),
      /** Provisioned throughput attributed to a model. */
      provisionedUsd: usd.optional(),
      /** Spend no model owns (this provider's lines in unrecognizedUsageTypes). */
      unrecognizedUsd: usd.optional(),
    }),
  ),
  /** tokenClass: a token kind, or 'provisioned'. */
  byModel: z.array(z.object({ provider: z.enum(BILL_PROVIDERS), model: z.string(), tokenClass: z.string(), usd })),
  /** Spend by grouping key (tags, principal, inference profile, project, workspace): a line counts once per key it carries. */
  byGroup: z.array(z.object({ key: z.string(), value: z.string(), usd })),
  /** byModel summed per (provider, model), exactly: largest first; absent in files written before it. */
  models: z.array(z.object({ provider: z.enum(BILL_PROVIDERS), model: z.string(), usd, byTokenClass: z.record(z.string(), z.number()) })).optional(),
  /** Spend per period (every period of the bill, in order), by provider and by model (as bedrock.byPeriod); absent in files written before it. */
  byPeriod: z
    .array(PeriodSchema.extend({ estimated: z.boolean(), usd, byProvider: z.partialRecord(z.enum(BILL_PROVIDERS), z.number()), byModel: z.record(z.string(), z.number()) }))
    .optional(),
});

const ModelCostSchema = z.object({
  /** Canonical model key when known, else the service/usage-type token. */
  model: z.string(),
  modelName: z.string(),
  /** Whether `model` is a canonical key. */
  known: z.boolean(),
  costUsd: usd,
  /** Per-token spend (excludes provisioned throughput). */
  tokenUsd: usd,
  provisionedUsd: usd,
  byTokenKind: byKind,
  /** Billed tokens by kind (see CostRow.tokens). */
  tokens: byKind,
  byTier,
  regions: z.array(z.string()),
  services: z.array(z.string()),
});

const PeriodCostSchema = PeriodSchema.extend({
  estimated: z.boolean(),
  totalUsd: usd,
  byModel: z.record(z.string(), z.number()),
});

const CostsSourceSchema = z.object({
  kind: z.enum(['live', 'file']),
  files: z.array(z.string()).optional(),
  endpoint: z.string().optional(),
  pages: z.number(),
});

const CostsReportSchema = z.object({
  schemaVersion: z.literal(COSTS_SCHEMA_VERSION),
  kind: z.literal('tokor-costs'),
  source: CostsSourceSchema,
  /** End exclusive, as Cost Explorer uses it. */
  period: PeriodSchema,
  granularity: z.enum(GRANULARITIES),
  metric: z.enum(COST_METRICS),
  bedrock: z.object({
    totalUsd: usd,
    tokenUsd: usd,
    provisionedUsd: usd,
    unrecognizedUsd: usd,
    byModel: z.array(ModelCostSchema),
    byTokenKind: z.record(TokenKindSchema, z.number()),
    byTier,
    byRegion: z.record(z.string(), z.number()),
    byPeriod: z.array(PeriodCostSchema),
  }),
  unrecognizedUsageTypes: z.array(
    z.object({
      service: z.string(),
      usageType: z.string(),
      costUsd: usd,
      quantity: z.number().optional(),
      unit: z.string(),
      reason: z.string().optional(),
      /** Who billed it; absent in files written before it. */
      provider: z.enum(BILL_PROVIDERS).optional(),
    }),
  ),
  otherServices: z.array(z.object({ service: z.string(), costUsd: usd })),
  otherServicesUsd: usd,
  /** True when any period is still an estimate (the bill may change). */
  estimated: z.boolean(),
  estimatedPeriods: z.array(z.string()),
  notes: z.array(z.string()),
  /** The LLM lines of the bill, parsed, from every provider (other services are only totalled). */
  rows: z.array(CostRowSchema),
  /** Absent in files written before it (same schemaVersion: an addition). */
  billed: BilledSchema.optional(),
  /** Each bill file and the format it was read as (docs/costs.md); empty for a live query (and in older files). */
  sources: z
    .array(
      z.object({
        file: z.string(),
        kind: z.enum(BILL_FORMAT_NAMES),
        /**
         * A usage report given beside its vendor's cost report: the days whose lines were left out because the
         * cost report (billedBy) bills them, and whether that was every line of the file (docs/costs.md). Absent
         * when nothing was left out.
         */
        leftOut: z.object({ days: z.array(z.string()), billedBy: z.array(z.string()), all: z.boolean() }).optional(),
      }),
    )
    .default([]),
});

export type CostsReport = z.output<typeof CostsReportSchema>;
export type CostRow = z.output<typeof CostRowSchema>;
export type ModelCost = z.output<typeof ModelCostSchema>;
export type CostsSource = z.output<typeof CostsSourceSchema>;

// --- analyze's reconciliation ------------------------------------------------

const ModelReconciliationSchema = z.object({
  modelKey: z.string(),
  modelName: z.string().optional(),
  billedUsd: usd,
  loggedUsd: usd,
  /** billed − logged. */
  deltaUsd: usd,
  /** Share of this model's bill the logs explain; null when nothing was billed. */
  coverage: z.number().nullable(),
  provisionedUsd: usd,
  likelyCauses: z.array(z.string()),
});

const TokenKindReconciliationSchema = z.object({ tokenKind: TokenKindSchema, billedUsd: usd, loggedUsd: usd, deltaUsd: usd });

const ReconciliationSchema = z.object({
  /** The billed period compared (end exclusive). */
  period: PeriodSchema,
  billedPeriod: PeriodSchema,
  logPeriod: PeriodSchema,
  /** The same window on both sides: billed days left out (the logs do not cover them), log days the bill does not cover. */
  window: z.object({
    billedDaysDropped: z.number(),
    logDaysOutsideBill: z.number(),
    /** True when the logs were cut to the bill's days (analyze's per-day cost): their cost on other days is not compared. */
    logsTrimmed: z.boolean().optional(),
    /** The billed days left out (YYYY-MM-DD): the logs do not cover them. */
    droppedBilledDays: z.array(z.string()).optional(),
    /** The log days left out (YYYY-MM-DD): the bill does not cover them (for the logged model's provider). */
    droppedLogDays: z.array(z.string()).optional(),
    /** Log-derived cost (after sampling) on the dropped log days, USD. */
    droppedLogUsd: usd.optional(),
  }),
  sampleRate: z.number(),
  /** Share of billed Bedrock spend the logs explain, in [0, 1]; null when nothing was billed. */
  coverage: z.number().nullable(),
  billedUsd: usd,
  /** Σ min(billed, logged) over models. */
  explainedUsd: usd,
  /** Σ logged (after sampling) over Bedrock models. */
  loggedUsd: usd,
  unexplainedUsd: usd,
  /** Σ max(0, logged − billed): logged cost the bill does not show. */
  overExplainedUsd: usd,
  /** Billed Bedrock spend no model owns (unrecognized usage types). */
  unattributedUsd: usd,
  byModel: z.array(ModelReconciliationSchema),
  byTokenKind: z.array(TokenKindReconciliationSchema),
  /** Per provider billed in the compared window (aws, azure, gcp, anthropic, openai); absent in files written before it. */
  byProvider: z
    .array(z.object({ provider: z.enum(BILL_PROVIDERS), billedUsd: usd, loggedUsd: usd, explainedUsd: usd, coverage: z.number().nullable(), period: PeriodSchema }))
    .optional(),
  notes: z.array(z.string()),
});

/**
 * The savings ceiling in billed dollars, model by model (src/costs/reconcile.ts
 * `billedCeiling`): never more than the bill.
 */
const BilledCeilingSchema = z.object({
  /** Billed spend of the models the logs cover. */
  coveredBilledUsd: usd,
  billedUsd: usd,
  savingsCeilingUsd: usd,
  /** savingsCeilingUsd ÷ the whole billed Bedrock spend (0 when nothing was billed). */
  shareOfBill: z.number(),
  /** The reconciliation's coverage, beside the figure. */
  coverage: z.number().nullable(),
  /** False below the coverage threshold (src/costs/reconcile.ts COVERAGE_HEADLINE_THRESHOLD) or when the logs run days the bill does not cover. */
  headlined: z.boolean(),
  notHeadlinedBecause: z.string().optional(),
  byModel: z.array(z.object({ modelKey: z.string(), billedUsd: usd, ceilingPct: z.number(), savingsUsd: usd })),
});

/** `reconciliation` in analyze's JSON: the Reconciliation, its source (the bill), and the billed ceiling. */
const AnalyzeReconciliationSchema = ReconciliationSchema.extend({
  source: z.string(),
  billedCeiling: BilledCeilingSchema,
});

export type ModelReconciliation = z.output<typeof ModelReconciliationSchema>;
export type TokenKindReconciliation = z.output<typeof TokenKindReconciliationSchema>;
export type Reconciliation = z.output<typeof ReconciliationSchema>;
export type BilledCeiling = z.output<typeof BilledCeilingSchema>;
export type AnalyzeReconciliation = z.output<typeof AnalyzeReconciliationSchema>;

// --- reading -------------------------------------------------------------------

const COSTS_HINT = 'give the output of `tokor costs --format json` (docs/costs.md)';

const COSTS_REPORT_SPEC: ArtifactSpec<CostsReport> = {
  name: 'tokor costs report',
  kind: ['tokor-costs'],
  schema: CostsReportSchema,
  version: COSTS_SCHEMA_VERSION,
  hint: COSTS_HINT,
};

const ANALYZE_RECONCILIATION_SPEC: ArtifactSpec<AnalyzeReconciliation> = {
  name: 'analyze reconciliation',
  schema: AnalyzeReconciliationSchema,
  hint: 'give the output of `tokor analyze --cost-explorer FILE --format json` (docs/costs.md)',
};

/**
 * A costs report from its JSON text; InputError `file:line: key: what; what to do`,
 * or, for another tokor report or a raw Cost Explorer response, which flag or
 * command it belongs to (src/report/html/inputs.ts).
 */
export function parseCostsReport(text: string, file: string): CostsReport {
  return parseArtifact(COSTS_REPORT_SPEC, parseCostsInput(text, file), { file, text });
}

/** analyze's `reconciliation` (the value under that key of an analyze JSON file), checked; errors name `reconciliation.…` and its line. */
export function parseAnalyzeReconciliation(value: unknown, origin: { file: string; text?: string }): AnalyzeReconciliation {
  const r = checkArtifact(ANALYZE_RECONCILIATION_SPEC, value);
  if (r.ok) return r.value;
  const message = r.problem.path.length ? `reconciliation${r.problem.message.startsWith('[') ? '' : '.'}${r.problem.message}` : `reconciliation: ${r.problem.message.replace(/^\(top level\): /, '')}`;
  throw new InputError(message, whereOf(origin, ['reconciliation', ...r.problem.path]));
}
