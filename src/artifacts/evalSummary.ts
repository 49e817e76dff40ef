/**
 * The `tokor eval --format json` summary, versioned: eval writes it
 * (src/eval/summary.ts `summarize`, typed EvalSummary) and `tokor report
 * --eval` reads it through this schema, so the HTML shows the tier statistics
 * eval computed and never recomputes or re-guesses them.
 */
import { z } from 'zod';
import { BAR_MODES } from '../config/schema.js';
import type { EvalSummary } from '../eval/summary.js';
import { parseArtifact, type ArtifactSpec, type Origin } from './read.js';

const EVAL_SUMMARY_SCHEMA_VERSION = 1;

const count = z.number().int().min(0);
const usd = z.number().nullable();

const TierStatsSchema = z.object({
  tier: z.string(),
  model: z.string(),
  items: count,
  passed: count,
  passRate: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  meanScore: z.number(),
  costUsd: usd,
  costPerItemUsd: usd,
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  tokens: z.object({ input: z.number(), output: z.number(), cacheRead: z.number(), cacheWrite: z.number() }),
  errors: count,
  unpriced: count,
  clearsBar: z.boolean(),
});

const GroupSummarySchema = z.object({
  name: z.string(),
  tiers: z.array(TierStatsSchema),
  threshold: z.number(),
  referenceTier: z.string().optional(),
  cheapestPassing: z.string().nullable(),
});

const RunCountsSchema = z.object({
  total: z.number(),
  done: z.number(),
  errors: z.number(),
  live: z.number(),
  cached: z.number(),
  replayed: z.number(),
  resumed: z.number(),
  unpriced: z.number(),
  retries: z.number(),
  throttled: z.number(),
  spentUsd: z.number(),
  cancelled: z.number(),
  stopped: z.boolean(),
});

const EvalSummarySchema = z.object({
  schemaVersion: z.number().int().min(1),
  kind: z.literal('tokor-eval-summary'),
  bar: z.object({ value: z.number(), mode: z.enum(BAR_MODES), referenceTier: z.string().optional(), threshold: z.number() }),
  datasets: z.array(z.object({ id: z.string(), file: z.string().optional(), items: count })),
  tiers: z.array(TierStatsSchema),
  cheapestPassing: z.string().nullable(),
  byTask: z.array(GroupSummarySchema),
  byCategory: z.array(GroupSummarySchema),
  run: RunCountsSchema.optional(),
  resultsFile: z.string().optional(),
  /** Summaries written before provenance was recorded read as measured. */
  provenance: z.object({ synthetic: z.boolean(), what: z.string().optional() }).default({ synthetic: false }),
});

/** An eval summary as read. What eval writes (EvalSummary) is one: the compiler checks it below. */
export type EvalSummaryJson = z.output<typeof EvalSummarySchema>;
const writtenIsRead = (s: EvalSummary): EvalSummaryJson => s;
void writtenIsRead;

const EVAL_SUMMARY_SPEC: ArtifactSpec<EvalSummaryJson> = {
  name: 'eval summary',
  kind: ['tokor-eval-summary'],
  schema: EvalSummarySchema,
  version: EVAL_SUMMARY_SCHEMA_VERSION,
  hint: 'give the output of `tokor eval --format json` (docs/report.md)',
};

/** A parsed eval summary JSON value, checked; InputError at the line of the bad key when `origin.text` is given. */
export function parseEvalSummary(value: unknown, origin: Origin): EvalSummaryJson {
  return parseArtifact(EVAL_SUMMARY_SPEC, value, origin);
}
