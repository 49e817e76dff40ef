/**
 * `tokor analyze --cost-explorer <file|live>`: the bill beside the logs.
 * Billed spend per model is reconciled with the log-derived cost, and the
 * savings ceiling is restated in billed dollars.
 */
import type { AnalyzeReport } from '../../analyze/report.js';
import { InputError } from '../../errors.js';
import type { AnalyzeFlags } from './analyze.js';

/** `reconciliation` in analyze's JSON: the costs module's Reconciliation, its source, and the billed ceiling. */
export type AnalyzeReconciliation = import('../../costs/reconcile.js').Reconciliation & {
  source: string;
  billedCeiling: import('../../costs/reconcile.js').BilledCeiling;
};

export async function attachReconciliation(report: AnalyzeReport, flags: AnalyzeFlags): Promise<void> {
  const { loadCostsReport, reconcile, billingRangeFor, billedCeiling } = await import('../../costs/index.js');
  const live = flags.costExplorer === 'live';
  if (!report.period) throw new InputError('the logs have no parseable timestamps, so their period cannot be matched to the bill', '--cost-explorer');
  const costs = live
    ? await loadCostsReport({ ...billingRangeFor(report.period), profile: flags.profile, endpoint: flags.endpointUrl })
    : await loadCostsReport({ files: [flags.costExplorer!] });
  const byKey = new Map<string, { modelKey: string; costUsd: number; routedUsd: number; byTokenKind: Record<string, number>; tokens: Record<string, number> }>();
  for (const m of report.byModel) {
    if (!m.modelKey || m.costUsd === null || !m.costByTokenKind) continue;
    const e = byKey.get(m.modelKey) ?? { modelKey: m.modelKey, costUsd: 0, routedUsd: 0, byTokenKind: {}, tokens: {} };
    e.costUsd += m.costUsd;
    e.routedUsd += m.routedCeilingUsd ?? 0;
    for (const [k, v] of Object.entries(m.costByTokenKind)) e.byTokenKind[k] = (e.byTokenKind[k] ?? 0) + v;
    // Cache writes are not split by TTL in token counts: only the kinds that map one to one.
    for (const k of ['input', 'output', 'cacheRead'] as const) e.tokens[k] = (e.tokens[k] ?? 0) + m.tokens[k];
    byKey.set(m.modelKey, e);
  }
  const reconciliation = reconcile(costs, {
    period: report.period,
    byModel: [...byKey.values()].map(({ routedUsd: _r, ...m }) => m),
    sampleRate: report.sample ? report.sample.size / report.sample.of : undefined,
  });
  const billed = billedCeiling(
    reconciliation,
    [...byKey.values()].map((m) => ({ modelKey: m.modelKey, actualUsd: m.costUsd, routedCeilingUsd: m.routedUsd })),
  );
  report.reconciliation = { source: live ? 'Cost Explorer (live)' : flags.costExplorer!, ...reconciliation, billedCeiling: billed } satisfies AnalyzeReconciliation;
}
