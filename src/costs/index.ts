/**
 * The costs domain (pure): billed spend by model, token kind and period, and
 * its reconciliation with the logs. Reading bills and calling Cost Explorer is
 * src/app/costs.ts over src/artifacts/bills/ and src/providers/costExplorer.ts.
 */
export { reconcile, reconcileAnalyze, scaleToBill, billedCeiling, type AnalyzeReconciliation, type BilledCeiling } from './reconcile.js';
export type { AnalyzeTotals, BilledSavings, ExplainedModel, ExplainedSpend, ReconcileOptions, Reconciliation } from './reconcile.js';
export { billingRangeFor, type DateRange, type Granularity } from './dates.js';
export { renderCosts } from './render.js';
export type { CostsReport, CostRow, ModelCost } from './report.js';
export { TOKEN_KINDS, type TokenKind } from './usageTypes.js';
