/**
 * Azure Cost Management exports (actual or amortized cost, CSV; EA and MCA
 * column names). Azure OpenAI / Foundry token meters are read by the meter
 * table of docs/costs.md (model, token class, deployment type); tags and the
 * resource become grouping keys. For Azure FOCUS exports see ./focus.ts.
 */
import { isAzureLlm, parseAzureMeter } from '../../costs/meters.js';
import { amount, day, readTabular, type TabularFormat } from './tabular.js';
import type { BillFormat } from './format.js';
import { keyValues, pick, text } from './table.js';

const COST = ['costInBillingCurrency', 'CostInBillingCurrency', 'PreTaxCost', 'Cost', 'costInUsd'];

const AZURE_FORMAT: TabularFormat = {
  required: ['meterName|MeterName', 'date|Date|UsageDate', `${COST.join('|')}`],
  line(row, skip) {
    const v = row.values;
    const cost = amount(pick(v, ...COST), row.where, 'costInBillingCurrency');
    const currency = text(pick(v, 'billingCurrency', 'BillingCurrency', 'billingCurrencyCode', 'Currency'));
    if (currency && currency.toUpperCase() !== 'USD') {
      skip(`billed in ${currency} (tokor reports USD)`, cost);
      return undefined;
    }
    const category = text(pick(v, 'meterCategory', 'MeterCategory'));
    const sub = text(pick(v, 'meterSubCategory', 'MeterSubCategory'));
    const meter = text(pick(v, 'meterName', 'MeterName'));
    const groups: Record<string, string> = {};
    for (const [k, t] of Object.entries(keyValues(pick(v, 'tags', 'Tags')))) if (t) groups[`tag:${k}`] = t;
    const resource = text(pick(v, 'resourceName', 'ResourceName', 'resourceId', 'ResourceId', 'InstanceId'));
    if (resource) groups.resource = resource;
    const quantity = pick(v, 'quantity', 'Quantity', 'UsageQuantity');
    return {
      day: day(pick(v, 'date', 'Date', 'UsageDate'), row.where, 'date'),
      provider: 'azure',
      service: sub || category,
      usageType: meter,
      cost,
      ...(quantity !== undefined ? { quantity: amount(quantity, row.where, 'quantity') } : {}),
      unit: text(pick(v, 'unitOfMeasure', 'UnitOfMeasure')),
      groups,
      parsed: isAzureLlm(category, sub, meter) ? parseAzureMeter(meter) : null,
    };
  },
};

export const azureBill: BillFormat = {
  name: 'azure-cost',
  label: 'Azure Cost Management export (actual or amortized cost CSV)',
  detect: (head) => head.columns.some((c) => c.toLowerCase() === 'metername') && head.columns.some((c) => c.toLowerCase() === 'metercategory'),
  read: (files) => readTabular(files, AZURE_FORMAT, 'Azure cost export'),
};
