/**
 * Identity of results lines: one line per (dataset, item, tier); later lines
 * supersede earlier ones. Reading and writing the file: src/artifacts/results.ts.
 */
import type { EvalResult } from './types.js';

/** The identity of a result: one line per (dataset, item, tier). */
export function resultKey(r: { datasetId: string; itemId: string; tier: string }): string {
  return `${r.datasetId}\u0000${r.itemId}\u0000${r.tier}`;
}

/** The last line per (dataset, item, tier): later lines supersede earlier ones. */
export function latestByKey(results: Iterable<EvalResult>): Map<string, EvalResult> {
  const m = new Map<string, EvalResult>();
  for (const r of results) m.set(resultKey(r), r);
  return m;
}
