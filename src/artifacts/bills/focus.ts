/**
 * FOCUS 1.x exports (AWS FOCUS_1_2_AWS, Azure and Google FOCUS): BilledCost
 * (EffectiveCost with --amortized) per ChargePeriodStart day. AWS lines are
 * read by their x_UsageType through the Bedrock tables; Azure lines by their
 * SkuMeter (Azure meter table); Google lines by SkuMeter/ChargeDescription
 * (Vertex AI SKU table). Tags become grouping keys.
 */
import { isAzureLlm, parseAzureMeter, parseVertexSku } from '../../costs/meters.js';
import type { BaseCostMetric } from '../../costs/response.js';
import { amount, day, readTabular, type TabularFormat } from './tabular.js';
import type { BillFormat } from './format.js';
import { keyValues, pick, text } from './table.js';

function focusFormat(metric: BaseCostMetric): TabularFormat {
  const costColumn = metric === 'AmortizedCost' ? 'EffectiveCost' : 'BilledCost';
  return {
    required: ['ChargePeriodStart', costColumn, 'ServiceName'],
    line(row, skip) {
      const v = row.values;
      const cost = amount(pick(v, costColumn), row.where, costColumn);
      const category = text(pick(v, 'ChargeCategory')) || 'Usage';
      if (category !== 'Usage') {
        skip(`ChargeCategory ${category} (not usage)`, cost);
        return undefined;
      }
      const providerName = text(pick(v, 'ProviderName', 'ServiceProviderName', 'InvoiceIssuerName')).toLowerCase();
      const service = text(pick(v, 'ServiceName'));
      const meter = text(pick(v, 'SkuMeter', 'x_SkuMeterName', 'ChargeDescription'));
      const groups: Record<string, string> = {};
      for (const [k, t] of Object.entries(keyValues(pick(v, 'Tags')))) if (t) groups[`tag:${k}`] = t;
      const quantity = pick(v, 'ConsumedQuantity');
      const base = {
        day: day(pick(v, 'ChargePeriodStart'), row.where, 'ChargePeriodStart'),
        cost,
        ...(quantity !== undefined ? { quantity: amount(quantity, row.where, 'ConsumedQuantity') } : {}),
        unit: text(pick(v, 'ConsumedUnit', 'PricingUnit')),
        groups,
      };
      if (/microsoft|azure/.test(providerName)) {
        const llm = isAzureLlm(service, text(pick(v, 'x_SkuMeterSubcategory', 'x_SkuMeterCategory', 'ServiceCategory')), meter);
        return { ...base, provider: 'azure', service, usageType: meter, parsed: llm ? parseAzureMeter(meter) : null };
      }
      if (/google/.test(providerName)) {
        const llm = /vertex|gemini/i.test(service);
        return { ...base, provider: 'gcp', service, usageType: meter || text(pick(v, 'SkuId')), parsed: llm ? parseVertexSku(meter) : null };
      }
      return { ...base, provider: 'aws', service, usageType: text(pick(v, 'x_UsageType', 'SkuMeter')) };
    },
  };
}

export const focusBill: BillFormat = {
  name: 'focus',
  label: 'FOCUS 1.x export (AWS FOCUS_1_2_AWS, Azure, Google)',
  detect: (head) => head.columns.includes('ChargePeriodStart') && head.columns.includes('BilledCost'),
  read: (files, opts) => readTabular(files, focusFormat(opts.metric), 'FOCUS export'),
};
