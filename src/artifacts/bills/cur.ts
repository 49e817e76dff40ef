/**
 * AWS CUR 2.0 / Data Exports (CSV, CSV.gz or Parquet, as delivered to S3; a
 * folder of them). Bedrock lines are read by the same usage-type tables as
 * Cost Explorer; the IAM principal, application inference profile and
 * resource tags become grouping keys.
 */
import { UsageError } from '../../errors.js';
import { amount, day, readTabular, type TabularFormat } from './tabular.js';
import type { BillFormat } from './format.js';
import { keyValues, pick, text } from './table.js';

/** Line item types that are usage (as Cost Explorer's RECORD_TYPE = Usage); the rest (tax, credits, fees…) are left out and counted in a note. */
const USAGE_TYPES = new Set(['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage']);

const CUR_FORMAT: TabularFormat = {
  required: ['line_item_usage_type', 'line_item_unblended_cost', 'line_item_usage_start_date'],
  line(row, skip) {
    const v = row.values;
    const cost = amount(pick(v, 'line_item_unblended_cost'), row.where, 'line_item_unblended_cost');
    const type = text(pick(v, 'line_item_line_item_type')) || 'Usage';
    if (!USAGE_TYPES.has(type)) {
      skip(`line_item_line_item_type ${type} (not usage)`, cost);
      return undefined;
    }
    const product = keyValues(pick(v, 'product'));
    const code = text(pick(v, 'line_item_product_code', 'product_servicecode'));
    const service = text(pick(v, 'product_product_name')) || product.product_name || (code === 'AmazonBedrock' ? 'Amazon Bedrock' : code);
    const groups: Record<string, string> = {};
    const principal = text(pick(v, 'line_item_iam_principal'));
    if (principal) groups.principal = principal;
    const resource = text(pick(v, 'line_item_resource_id'));
    if (/inference-profile/.test(resource)) groups.inferenceProfile = resource;
    for (const [k, t] of Object.entries(keyValues(pick(v, 'resource_tags')))) if (t) groups[`tag:${k.replace(/^user_/, '').replace(/^user:/, '')}`] = t;
    const quantity = pick(v, 'line_item_usage_amount');
    return {
      day: day(pick(v, 'line_item_usage_start_date'), row.where, 'line_item_usage_start_date'),
      provider: 'aws',
      service,
      usageType: text(pick(v, 'line_item_usage_type')),
      cost,
      ...(quantity !== undefined ? { quantity: amount(quantity, row.where, 'line_item_usage_amount') } : {}),
      unit: text(pick(v, 'pricing_unit')),
      groups,
    };
  },
};

export const curBill: BillFormat = {
  name: 'aws-cur',
  label: 'AWS CUR 2.0 / Data Exports (CSV, CSV.gz, Parquet)',
  detect: (head) => head.columns.some((c) => c.toLowerCase() === 'line_item_usage_type'),
  read(files, opts) {
    if (opts.metric === 'AmortizedCost') throw new UsageError('--amortized reads Cost Explorer AmortizedCost or FOCUS EffectiveCost; a CUR export is read at line_item_unblended_cost');
    return readTabular(files, CUR_FORMAT, 'CUR 2.0 export');
  },
};
