/**
 * AWS CUR 2.0 / Data Exports (CSV, CSV.gz or Parquet, as delivered to S3; a
 * folder of them). Bedrock lines are read by the same usage-type tables as
 * Cost Explorer; the IAM principal, application inference profile and
 * resource tags become grouping keys.
 */
import { InputError } from '../../errors.js';
import type { BaseCostMetric } from '../../costs/response.js';
import { amount, day, readTabular, type TabularFormat } from './tabular.js';
import type { BillFormat } from './format.js';
import { keyValues, pick, text } from './table.js';

/** Line item types that are usage (as Cost Explorer's RECORD_TYPE = Usage); the rest (tax, credits, fees…) are left out and counted in a note. */
const USAGE_TYPES = new Set(['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage']);

/**
 * The cost column of a line, by line item type (AWS's amortized-cost definition): unblended reads
 * line_item_unblended_cost for every usage line; amortized reads the Savings Plan's effective cost for
 * SavingsPlanCoveredUsage and the reservation's effective cost for DiscountedUsage; `net` reads the net_
 * column of each (after private-pricing, EDP and other discounts).
 */
function curCostColumn(type: string, metric: BaseCostMetric, net: boolean): string {
  if (metric === 'AmortizedCost' && type === 'SavingsPlanCoveredUsage') return net ? 'savings_plan_net_savings_plan_effective_cost' : 'savings_plan_savings_plan_effective_cost';
  if (metric === 'AmortizedCost' && type === 'DiscountedUsage') return net ? 'reservation_net_effective_cost' : 'reservation_effective_cost';
  return net ? 'line_item_net_unblended_cost' : 'line_item_unblended_cost';
}

function curFormat(metric: BaseCostMetric, net: boolean): TabularFormat {
  return {
    required: ['line_item_usage_type', net ? 'line_item_net_unblended_cost' : 'line_item_unblended_cost', 'line_item_usage_start_date'],
    line(row, skip) {
      const v = row.values;
      const type = text(pick(v, 'line_item_line_item_type')) || 'Usage';
      if (!USAGE_TYPES.has(type)) {
        skip(`line_item_line_item_type ${type} (not usage)`, amount(pick(v, 'line_item_unblended_cost'), row.where, 'line_item_unblended_cost'));
        return undefined;
      }
      const column = curCostColumn(type, metric, net);
      const cell = pick(v, column);
      if (cell === undefined && !Object.keys(v).some((k) => k.toLowerCase().replace(/[._/]/g, '') === column.replace(/_/g, ''))) {
        throw new InputError(`${type} line without ${column}: ${net ? '--net' : '--amortized'} needs that column (CUR 2.0 has it when the account has such charges); run without it to read line_item_unblended_cost`, row.where);
      }
      const cost = amount(cell, row.where, column);
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
}

export const curBill: BillFormat = {
  name: 'aws-cur',
  readsNet: true,
  label: 'AWS CUR 2.0 / Data Exports (CSV, CSV.gz, Parquet)',
  detect: (head) => head.columns.some((c) => c.toLowerCase() === 'line_item_usage_type'),
  async read(files, opts) {
    const net = opts.net === true;
    const read = await readTabular(files, curFormat(opts.metric, net), 'CUR 2.0 export');
    if (net || opts.metric === 'AmortizedCost') {
      const byColumn = new Map<string, string[]>();
      for (const t of USAGE_TYPES) {
        const c = curCostColumn(t, opts.metric, net);
        byColumn.set(c, [...(byColumn.get(c) ?? []), t]);
      }
      const cols = [...byColumn].map(([c, types]) => `${types.join(', ')} → ${c}`);
      read.lines.notes.push(`CUR ${net ? 'net ' : ''}${opts.metric === 'AmortizedCost' ? 'amortized' : 'unblended'} cost: ${cols.join('; ')}`);
    }
    return read;
  },
};
