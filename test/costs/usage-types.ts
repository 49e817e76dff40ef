/**
 * The (SERVICE, USAGE_TYPE) pairs of a daily Bedrock bill — Marketplace Claude on Global and Batch, first-party
 * Nova on demand — and what each means. Both fixtures/costs/cost-explorer.json (npm test) and the real-shaped
 * ../shared/datasets/aws-formats/cost-explorer-example.json (npm run test:data) hold exactly these.
 */
export type UsageTypeRow = [service: string, usageType: string, expected: Record<string, unknown>];

const SONNET = 'Claude Sonnet 4.5 (Amazon Bedrock Edition)';
const HAIKU = 'Claude Haiku 4.5 (Amazon Bedrock Edition)';
const BEDROCK = 'Amazon Bedrock';

export const BILL_USAGE_TYPES: UsageTypeRow[] = [
  [SONNET, 'USE1-MP:USE1_InputTokenCount_Global-Units', { model: 'anthropic.claude-sonnet-4-5', tokenKind: 'input', tier: 'global', global: true }],
  [SONNET, 'USE1-MP:USE1_OutputTokenCount_Global-Units', { model: 'anthropic.claude-sonnet-4-5', tokenKind: 'output', tier: 'global' }],
  [SONNET, 'USE1-MP:USE1_CacheReadInputTokenCount_Global-Units', { tokenKind: 'cacheRead', tier: 'global' }],
  [SONNET, 'USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units', { tokenKind: 'cacheWrite5m', tier: 'global' }],
  [HAIKU, 'USE1-MP:USE1_InputTokenCount_Batch-Units', { model: 'anthropic.claude-haiku-4-5', tokenKind: 'input', tier: 'batch', global: false }],
  [HAIKU, 'USE1-MP:USE1_OutputTokenCount_Batch-Units', { tokenKind: 'output', tier: 'batch' }],
  [BEDROCK, 'USE1-NovaLite-input-tokens', { model: 'amazon.nova-lite', modelName: 'Nova Lite', tokenKind: 'input', tier: 'on-demand' }],
  [BEDROCK, 'USE1-NovaLite-output-tokens', { model: 'amazon.nova-lite', tokenKind: 'output', tier: 'on-demand' }],
  [BEDROCK, 'USE1-NovaLite-cache-read-input-token-count', { model: 'amazon.nova-lite', tokenKind: 'cacheRead', tier: 'on-demand' }],
];

/** The sorted distinct "service|usage type" pairs of a GetCostAndUsage response's text. */
export function usageTypePairs(text: string): string[] {
  const body = JSON.parse(text) as { ResultsByTime: { Groups: { Keys: string[] }[] }[] };
  return [...new Set(body.ResultsByTime.flatMap((r) => r.Groups.map((g) => g.Keys.join('|'))))].sort();
}
