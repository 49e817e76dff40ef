/**
 * The parts of `tokor analyze --format json` the HTML report shows about
 * sessions, prompt caches and how the traffic was read (schemaVersion 3:
 * `sessions`, the cache-aware ceilings, `scan`, `labelSample`), checked with
 * one schema. What analyze writes is one (the compiler checks it below); an
 * analyze JSON written before schemaVersion 3 has none of it, and the page
 * then leaves the figure out.
 */
import { z } from 'zod';
import type { AnalyzeReport } from '../analyze/report.js';

const share = z.number().min(0).max(1);

const AnalyzeCachesSchema = z.object({
  distributionSource: z.enum(['measured', 'prior']),
  sessions: z.object({
    count: z.number().int().min(0),
    keyedBy: z.enum(['sessionId', 'requestMetadata', 'conversation', 'none', 'mixed']),
    sessionKey: z.string().optional(),
    turnsMedian: z.number().min(0),
    turnsP90: z.number().min(0),
    cacheReadShareMedian: share.nullable(),
    cacheReadShareP90: share.nullable(),
    keptShare: share,
    coldTurns: z.number().int().min(0),
    simulatedTurns: z.number().int().min(0),
  }),
  savings: z.object({
    ceilingPct: z.number(),
    ceilingPerRequestPct: z.number(),
    ceilingSessionPinnedPct: z.number(),
    ceilingRouting: z.enum(['per-request', 'session-pinned']),
  }),
  cost: z.object({
    routedCeiling: z.number(),
    routedPerRequestUsd: z.number(),
    routedSessionPinnedUsd: z.number(),
    fragmentationLossUsd: z.number(),
  }),
  scan: z
    .object({
      engine: z.literal('athena'),
      queries: z.number().int().min(0),
      bytesScanned: z.number().min(0),
      costUsd: z.number().min(0),
      price: z.object({ usdPerTB: z.string(), source: z.string(), asOf: z.string() }),
    })
    .optional(),
  labelSample: z.object({ size: z.number().int().min(0), of: z.number().int().min(0), seed: z.number().int() }).optional(),
});

export type AnalyzeCaches = z.output<typeof AnalyzeCachesSchema>;
const writtenIsRead = (r: AnalyzeReport): AnalyzeCaches => r;
void writtenIsRead;

/** The sessions, cache and scan figures of an analyze JSON, or undefined when it has none (written before schemaVersion 3). */
export function parseAnalyzeCaches(value: unknown): AnalyzeCaches | undefined {
  const r = AnalyzeCachesSchema.safeParse(value);
  return r.success ? r.data : undefined;
}
