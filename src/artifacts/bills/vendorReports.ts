/**
 * Saved organization cost reports of model vendors (JSON, one response or an
 * array of pages):
 *  - Anthropic `GET /v1/organizations/cost_report` with group_by[]=description
 *    (amounts are decimal strings in cents; token_type names the class);
 *  - OpenAI `GET /v1/organization/costs` with group_by=line_item (amount.value
 *    in USD; line_item "<model>, <input|output|cached input>").
 * Workspace and project IDs become grouping keys.
 */
import { InputError } from '../../errors.js';
import { parseAnthropicCost, parseOpenAiLineItem } from '../../costs/meters.js';
import type { CostGroup, CostPages } from '../../costs/response.js';
import { parseDecimal } from '../../costs/decimal.js';
import { numberToMoney } from '../../costs/decimal.js';
import type { Money } from '../../pricing/types.js';
import { parseJsonFile, readArtifactText } from '../read.js';
import type { BillFormat } from './format.js';
import { dayOf } from './table.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

async function pages(file: string, what: string): Promise<Obj[]> {
  const body = parseJsonFile(await readArtifactText(file, what), file, `a saved ${what} response`);
  const list = Array.isArray(body) ? body : [body];
  return list.map((p, i) => {
    const o = obj(p);
    if (!o || !Array.isArray(o.data)) throw new InputError(`${Array.isArray(body) ? `[${i}]: ` : ''}not a ${what} response (expected {data: [...]})`, file);
    return o;
  });
}

function nextDay(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Reads `{data: [{<start>, results: [...]}]}` pages: each result → one billed line (or several). */
export async function readBuckets(
  files: string[],
  what: string,
  line: (r: Obj, file: string, where: string) => Omit<CostGroup, 'source' | 'period' | 'estimated'> | Omit<CostGroup, 'source' | 'period' | 'estimated'>[],
  startOf: (b: Obj) => unknown,
): Promise<{ lines: CostPages; pages: number }> {
  const groups: CostGroup[] = [];
  const days = new Set<string>();
  let n = 0;
  for (const file of files) {
    for (const [pi, page] of (await pages(file, what)).entries()) {
      n++;
      (page.data as unknown[]).forEach((b, bi) => {
        const bucket = obj(b) ?? {};
        const d = dayOf(startOf(bucket) as never);
        const where = `${file}: ${files.length > 1 || pi ? `[${pi}].` : ''}data[${bi}]`;
        if (!d) throw new InputError(`${where}: no start time`, file);
        days.add(d);
        for (const [ri, r] of (Array.isArray(bucket.results) ? bucket.results : []).entries()) {
          const got = line(obj(r) ?? {}, file, `${where}.results[${ri}]`);
          for (const g of Array.isArray(got) ? got : [got]) groups.push({ source: file, period: { start: d, end: nextDay(d) }, estimated: false, ...g });
        }
      });
    }
  }
  return { lines: { groups, periods: [...days].sort().map((d) => ({ start: d, end: nextDay(d), estimated: false })), notes: [] }, pages: n };
}

function cents(v: unknown, where: string): Money {
  const m = parseDecimal(String(v ?? ''));
  if (m === undefined) throw new InputError(`amount: ${JSON.stringify(v)} is not a decimal amount in cents`, where);
  return m / 100n;
}

export const anthropicCostBill: BillFormat = {
  name: 'anthropic-cost',
  label: 'Anthropic cost report (GET /v1/organizations/cost_report, JSON)',
  detect: (head) => /"starting_at"/.test(head.text) && /"results"/.test(head.text) && /"amount"/.test(head.text),
  read: (files) =>
    readBuckets(
      files,
      'Anthropic cost report',
      (r, _file, where) => {
        if (r.currency && r.currency !== 'USD') throw new InputError(`currency ${String(r.currency)}: tokor reports USD`, where);
        const parsed = parseAnthropicCost(r as never);
        return {
          provider: 'anthropic',
          service: 'Anthropic API',
          usageType: [r.model, r.token_type ?? r.cost_type, r.service_tier].filter(Boolean).join(' / ') || String(r.description ?? 'cost'),
          cost: cents(r.amount, where),
          unit: '',
          ...(r.workspace_id ? { groups: { workspace: String(r.workspace_id) } } : {}),
          parsed,
        };
      },
      (b) => b.starting_at,
    ),
};

export const openaiCostBill: BillFormat = {
  name: 'openai-cost',
  label: 'OpenAI costs (GET /v1/organization/costs, JSON)',
  detect: (head) => /"organization\.costs\.result"/.test(head.text) || (/"object"\s*:\s*"bucket"/.test(head.text) && /"line_item"/.test(head.text)),
  read: (files) =>
    readBuckets(
      files,
      'OpenAI costs',
      (r, _file, where) => {
        const a = obj(r.amount) ?? {};
        if (a.currency && String(a.currency).toLowerCase() !== 'usd') throw new InputError(`amount.currency ${String(a.currency)}: tokor reports USD`, where);
        const value = a.value;
        const cost = typeof value === 'number' ? numberToMoney(value) : parseDecimal(String(value ?? ''));
        if (cost === undefined) throw new InputError(`amount.value: ${JSON.stringify(value)} is not an amount`, where);
        const lineItem = String(r.line_item ?? '');
        return {
          provider: 'openai',
          service: 'OpenAI API',
          usageType: lineItem || 'cost',
          cost,
          unit: '',
          ...(r.project_id ? { groups: { project: String(r.project_id) } } : {}),
          parsed: parseOpenAiLineItem(lineItem),
        };
      },
      (b) => b.start_time,
    ),
};
