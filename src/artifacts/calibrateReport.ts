/**
 * The `tokor calibrate --format json` report, versioned: a calibration
 * (`kind: "calibrate"`) or a saved policy applied (`kind: "apply"`). The
 * renderer writes it (calibrate/render.ts calibrateJson, typed by this
 * schema) and `tokor report --calibrate` / `calibrate --format html` read it
 * through this schema — the HTML shows the figures calibrate certified
 * (e.g. the paired parity interval) and never recomputes them.
 * Non-finite numbers are written as JSON null (a bound that cannot be
 * taken), so those keys are nullable.
 */
import { z } from 'zod';
import { BAR_MODES, SCOPE_KEYS } from '../config/schema.js';
import { parseArtifact, type ArtifactSpec } from './read.js';
import { PolicyScopesSchema, ProvenanceSchema as PolicyProvenanceSchema } from './policy.js';
import { parseCalibrateInput } from './reportInputs.js';

const CALIBRATE_REPORT_SCHEMA_VERSION = 1;

const share = z.number().min(0).max(1);
const interval = z.tuple([z.number(), z.number()]);
const shares = z.record(z.string(), z.number());
/** A number JSON may have turned into null (NaN, ±Infinity). */
const maybe = z.number().nullable();
/** A routing pattern's name (calibrate wrote it from the pattern registry). */
const pattern = z.string().min(1);

/** p50 / p95 of a route's simulated latency (ms, nearest-rank over items); null when some result has no latency. Absent in reports written before it. */
const latency = z.object({ p50Ms: z.number(), p95Ms: z.number() }).nullable().optional();

const ShareDriftSchema = z.object({ tier: z.string(), certified: share, observed: share, flagged: z.boolean() });

/** A policy's figures on a set of items (calibrate/apply.ts PolicyEvaluation). */
const PolicyEvaluationSchema = z.object({
  n: z.number().int().min(0),
  quality: z.number(),
  qualityCi95: interval,
  qualityLower: z.number(),
  costUsd: z.number(),
  savingsPct: z.number(),
  tierShares: shares,
  escalationRate: z.number(),
  frontier: z.object({ quality: z.number(), costUsd: z.number() }),
  parity: z.number(),
  /** One-sided lower bound of parity at the confidence (Fieller, paired by item): the bound the bar is tested on. */
  parityLower: z.number(),
  /** Two-sided 95% interval of parity, paired by item: the interval calibrate certifies. */
  parityCi95: interval,
  meetsBar: z.boolean(),
  latency,
  shares: z.array(ShareDriftSchema).optional(),
});

const RouteSummarySchema = z.object({
  pattern,
  thresholds: z.array(z.number()),
  quality: z.number(),
  parity: z.number(),
  lowerBound: z.number(),
  costUsd: z.number(),
  savingsPct: z.number(),
  tierShares: shares,
  escalationRate: z.number(),
  latency,
});

const BaselineSchema = z.object({ quality: z.number(), costUsd: z.number(), savingsPct: z.number(), tierShares: shares, latency });

const PatternOutcomeSchema = z.object({
  pattern,
  status: z.enum(['ok', 'skipped']),
  reason: z.string().optional(),
  parameter: z.string().optional(),
  candidates: z.number().optional(),
  apgr: maybe.optional(),
  gate: z.string().optional(),
  signalCoverage: z.number().optional(),
  router: z.object({ oofAuc: maybe, oofLogLoss: z.number(), folds: z.number(), items: z.number() }).optional(),
  scopeBy: z.enum(SCOPE_KEYS).optional(),
  scopeConfidence: z.number().optional(),
  scopes: z
    .array(
      z.object({
        value: z.string().nullable(),
        items: z.number(),
        certified: z.boolean(),
        thresholds: z.array(z.number()),
        tier: z.string().optional(),
        quality: z.number(),
        parity: z.number(),
        lowerBound: maybe,
        savingsPct: z.number(),
      }),
    )
    .optional(),
  best: RouteSummarySchema.optional(),
  bestPoint: RouteSummarySchema.extend({ itemsNeeded: maybe }).optional(),
  bestBound: RouteSummarySchema.optional(),
  bestOverLatency: RouteSummarySchema.optional(),
  curve: z.array(RouteSummarySchema.extend({ meetsBar: z.boolean() })),
});

const PickSchema = PolicyEvaluationSchema.extend({
  pattern,
  thresholds: z.array(z.number()),
  gate: z.string().optional(),
  confidenceField: z.string().optional(),
  routerCostUsd: z.number(),
  routerLatencyMs: z.number().optional(),
  apgr: maybe,
  oracleCapturedPct: maybe,
  scopes: z.object({ by: z.enum(SCOPE_KEYS), entries: z.array(z.object({ value: z.string().nullable(), items: z.number() })) }).optional(),
});

/** Random routing at the pick's tier shares on the same items, and the pick's paired margin over it. */
const RandomAtSharesSchema = z.object({
  savingsPct: z.number(),
  quality: z.number(),
  parity: z.number(),
  marginPts: z.number(),
  marginLowerPts: maybe,
  routerBeatsRandom: z.boolean(),
});

/** The pick applied unchanged to items it was not chosen on (calibrateRun.ts HoldoutReport). */
const HoldoutSchema = z.object({
  items: z.number().int().min(0),
  savingsPct: z.number(),
  parity: z.number(),
  parityLower95: z.number(),
  quality: z.number(),
  meetsBar: z.boolean(),
  tierShares: shares,
  latency,
  fraction: z.number(),
  seed: z.number(),
  calibrationItems: z.number(),
});

const ProvenanceSchema = z.object({ synthetic: z.boolean(), what: z.string().optional() });

const CalibrationReportSchema = z.object({
  kind: z.literal('calibrate'),
  schemaVersion: z.literal(CALIBRATE_REPORT_SCHEMA_VERSION),
  datasetId: z.string(),
  n: z.number().int().min(0),
  tiers: z.array(z.object({ name: z.string(), model: z.string().optional(), quality: z.number(), costUsd: z.number(), costPerItemUsd: z.number() })),
  bar: z.number(),
  barMode: z.enum(BAR_MODES),
  confidence: z.number(),
  target: z.number(),
  bound: z.string(),
  boundConfidence: z.number(),
  pick: PickSchema.nullable(),
  randomAtShares: RandomAtSharesSchema.nullable(),
  baselines: z.object({
    frontier: BaselineSchema,
    cheapest: BaselineSchema,
    random: BaselineSchema.nullable(),
    oracle: BaselineSchema.extend({ meetsTarget: z.boolean() }),
    oracleMaxQuality: BaselineSchema,
  }),
  patterns: z.array(PatternOutcomeSchema),
  headline: z.string(),
  bestAchievable: RouteSummarySchema.optional(),
  /** How latency was simulated (absent in reports written before it). */
  latency: z.object({ routerLatencyMs: z.number(), maxP95Ms: z.number().nullable(), unknownResults: z.number().int().min(0) }).optional(),
  notes: z.array(z.string()),
  /** null when nothing was held out (--holdout 0, too few items, no pick); the notes say why. Absent in reports written before it existed. */
  holdout: HoldoutSchema.nullable().optional(),
  outputs: z.array(z.object({ what: z.string(), file: z.string() })),
  provenance: ProvenanceSchema,
});

const ApplyReportSchema = PolicyEvaluationSchema.extend({
  schemaVersion: z.literal(CALIBRATE_REPORT_SCHEMA_VERSION),
  kind: z.literal('apply'),
  policy: z.object({
    file: z.string(),
    pattern,
    thresholds: z.array(z.number()),
    scopes: PolicyScopesSchema.optional(),
    tiers: z.array(z.object({ name: z.string(), model: z.string() })),
    bar: z.number(),
    barMode: z.enum(BAR_MODES),
    confidence: z.number(),
    provenance: PolicyProvenanceSchema,
  }),
  datasetId: z.string(),
  notes: z.array(z.string()),
  provenance: ProvenanceSchema,
});

const CalibrateReportSchema = z.discriminatedUnion('kind', [CalibrationReportSchema, ApplyReportSchema]);

/** `tokor calibrate --format json`: a calibration or an --apply evaluation. */
export type CalibrateReportJson = z.infer<typeof CalibrateReportSchema>;
export type CalibrationReportJson = z.infer<typeof CalibrationReportSchema>;

const CALIBRATE_REPORT_SPEC: ArtifactSpec<CalibrateReportJson> = {
  name: 'calibrate report',
  kind: ['calibrate', 'apply'],
  schema: CalibrateReportSchema,
  version: CALIBRATE_REPORT_SCHEMA_VERSION,
  hint: 'give the output of `tokor calibrate --format json` (docs/calibrate.md)',
};

/** A parsed calibrate report JSON value, checked; InputError at the line of the bad key when `text` is given. */
function parseCalibrateReport(value: unknown, origin: { file: string; text?: string }): CalibrateReportJson {
  return parseArtifact(CALIBRATE_REPORT_SPEC, value, origin);
}

/**
 * `tokor report --calibrate FILE`: the text of a calibrate report, checked.
 * A file of another command is named as what it looks like (and the flag it
 * belongs to); a calibrate report with a bad key is an InputError at its line.
 */
export function parseCalibrateReportText(text: string, file: string): CalibrateReportJson {
  return parseCalibrateReport(parseCalibrateInput(text, file), { file, text });
}
