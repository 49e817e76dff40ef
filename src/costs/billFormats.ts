/**
 * The bill formats tokor reads (docs/costs.md). The registry of readers is
 * src/artifacts/bills/index.ts (`BILL_FORMATS … satisfies Record<BillFormatName, BillFormat>`):
 * adding a source is one reader file there, one name here and one registry line.
 */
export const BILL_FORMAT_NAMES = ['cost-explorer', 'aws-cur', 'focus', 'gcp-billing', 'azure-cost', 'anthropic-cost', 'openai-cost', 'anthropic-usage', 'openai-usage'] as const;
export type BillFormatName = (typeof BILL_FORMAT_NAMES)[number];
