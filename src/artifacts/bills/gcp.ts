/**
 * Google Cloud billing export rows (the BigQuery table
 * `gcp_billing_export_resource_v1_*` / `gcp_billing_export_v1_*` exported as JSON
 * lines, nested, or as CSV with flattened `service.description`-style columns).
 * Vertex AI lines are read by the SKU table of docs/costs.md; `cost` is billed
 * (credits are summed in a note, not subtracted); labels and project.id become
 * grouping keys.
 */
import { parseVertexSku } from '../../costs/meters.js';
import type { Money } from '../../pricing/types.js';
import { formatUsd } from '../../pricing/money.js';
import { amount, day, readTabular, type TabularFormat } from './tabular.js';
import type { BillFormat } from './format.js';
import { type Cell, keyValues, pick, text } from './table.js';

/** `service.description` from a nested object or a flattened column. */
function nested(v: Record<string, Cell>, outer: string, inner: string): Cell {
  const o = v[outer];
  if (o && typeof o === 'object' && !Array.isArray(o) && !(o instanceof Date)) return (o as Record<string, Cell>)[inner];
  return pick(v, `${outer}.${inner}`, `${outer}_${inner}`);
}

function creditsOf(v: Cell, where: string): Money {
  let list: unknown = v;
  if (typeof v === 'string') {
    try {
      list = v ? JSON.parse(v) : [];
    } catch {
      return 0n;
    }
  }
  return Array.isArray(list) ? list.reduce<Money>((s, c) => s + amount((c as { amount?: Cell })?.amount, where, 'credits.amount'), 0n) : 0n;
}

function gcpFormat(): TabularFormat & { credits: () => Money } {
  let credits = 0n;
  return {
    credits: () => credits,
    required: ['usage_start_time', 'cost'],
    line(row) {
      const v = row.values;
      const service = text(nested(v, 'service', 'description'));
      const sku = text(nested(v, 'sku', 'description'));
      credits += creditsOf(pick(v, 'credits'), row.where);
      const groups: Record<string, string> = {};
      const project = text(nested(v, 'project', 'id'));
      if (project) groups.project = project;
      for (const [k, t] of Object.entries(keyValues(pick(v, 'labels')))) if (t) groups[`label:${k}`] = t;
      const quantity = nested(v, 'usage', 'amount');
      return {
        day: day(pick(v, 'usage_start_time'), row.where, 'usage_start_time'),
        provider: 'gcp',
        service,
        usageType: sku,
        cost: amount(pick(v, 'cost'), row.where, 'cost'),
        ...(quantity !== undefined ? { quantity: amount(quantity, row.where, 'usage.amount') } : {}),
        unit: text(nested(v, 'usage', 'unit')),
        groups,
        parsed: /vertex ai|gemini/i.test(service) ? parseVertexSku(sku) : null,
      };
    },
  };
}

export const gcpBill: BillFormat = {
  name: 'gcp-billing',
  label: 'Google Cloud billing export (BigQuery rows as JSON lines or CSV)',
  detect: (head) => head.columns.includes('usage_start_time') && head.columns.some((c) => c === 'sku' || c.startsWith('sku.') || c.startsWith('sku_')),
  async read(files) {
    const format = gcpFormat();
    const read = await readTabular(files, format, 'Google Cloud billing export');
    if (format.credits() !== 0n) read.lines.notes.push(`credits of ${formatUsd(format.credits())} on these lines are not subtracted: billed cost is \`cost\``);
    return read;
  },
};
