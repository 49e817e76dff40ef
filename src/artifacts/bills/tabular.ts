/**
 * The part every tabular bill reader shares: files → rows → one billed line per
 * row (the format's `line`) → lines summed by (day, provider, service, usage
 * type, grouping keys) → CostPages. Money stays exact (decimal strings and
 * numbers through parseDecimal).
 */
import { InputError } from '../../errors.js';
import { parseDecimal, withinBillRange } from '../../costs/decimal.js';
import type { BillProvider } from '../../costs/meters.js';
import type { CostGroup, CostPages } from '../../costs/response.js';
import type { ParsedUsageType } from '../../costs/usageTypes.js';
import type { Money } from '../../pricing/types.js';
import { type Cell, type TableRow, dayOf, readTable, text } from './table.js';
import { counted } from '../../report/format.js';

/** One row of a bill, as a format reads it; undefined = not a charge tokor counts (its reason goes to `skipped`). */
interface BillLine {
  day: string;
  provider: BillProvider;
  service: string;
  usageType: string;
  cost: Money;
  quantity?: Money;
  unit: string;
  groups?: Record<string, string>;
  /** See CostGroup.parsed. */
  parsed?: ParsedUsageType | null;
}

export interface TabularFormat {
  /** The columns this format needs; a missing one is named in the error. */
  required: string[];
  line(row: TableRow, skip: (reason: string, cost: Money) => void): BillLine | undefined;
}

/** An amount cell, exactly; InputError naming the row when it is not a number. */
export function amount(v: Cell, where: string, column: string): Money {
  if (typeof v === 'bigint') return v * 10n ** 12n;
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : text(v);
  if (s === '') return 0n;
  const m = parseDecimal(s);
  if (m === undefined) throw new InputError(`${column}: ${JSON.stringify(s)} is not a decimal amount`, where);
  if (!withinBillRange(m)) throw new InputError(`${column}: ${JSON.stringify(s)} is out of range (beyond ±10^15): not a real amount`, where);
  return m;
}

export function day(v: Cell, where: string, column: string): string {
  const d = dayOf(v);
  if (!d) throw new InputError(`${column}: ${JSON.stringify(text(v))} is not a date or time`, where);
  return d;
}

function nextDay(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Reads tabular bill files with one format into CostPages. */
export async function readTabular(files: string[], format: TabularFormat, label: string): Promise<{ lines: CostPages; pages: number }> {
  const sums = new Map<string, CostGroup>();
  const days = new Set<string>();
  const skipped = new Map<string, { count: number; cost: Money }>();
  for (const file of files) {
    const table = await readTable(file);
    const norm = (s: string) => s.toLowerCase().replace(/[._/]/g, '');
    const have = new Set(table.columns.map(norm));
    const missing = format.required.filter((c) => !c.split('|').some((alt) => have.has(norm(alt))));
    if (missing.length) throw new InputError(`not a ${label}: no ${missing.map((m) => m.split('|')[0]).join(', ')} column (docs/costs.md lists the columns)`, file);
    for (const row of table.rows) {
      const l = format.line(row, (reason, cost) => {
        const s = skipped.get(reason) ?? { count: 0, cost: 0n };
        s.count++;
        s.cost += cost;
        skipped.set(reason, s);
      });
      if (!l) continue;
      days.add(l.day);
      const groups = l.groups && Object.keys(l.groups).length ? l.groups : undefined;
      const key = [l.day, l.provider, l.service, l.usageType, groups ? JSON.stringify(Object.entries(groups).sort()) : ''].join('\u0000');
      const prev = sums.get(key);
      if (prev) {
        prev.cost += l.cost;
        if (l.quantity !== undefined) prev.quantity = (prev.quantity ?? 0n) + l.quantity;
        continue;
      }
      sums.set(key, {
        source: file,
        period: { start: l.day, end: nextDay(l.day) },
        estimated: false,
        provider: l.provider,
        service: l.service,
        usageType: l.usageType,
        cost: l.cost,
        ...(l.quantity !== undefined ? { quantity: l.quantity } : {}),
        unit: l.unit,
        ...(groups ? { groups } : {}),
        ...(l.parsed !== undefined ? { parsed: l.parsed } : {}),
      });
    }
  }
  const notes = [...skipped].map(([reason, s]) => `${counted(s.count, 'line')} left out of ${files.length === 1 ? files[0] : `${files.length} ${label} files`}: ${reason}`);
  return {
    lines: { groups: [...sums.values()], periods: [...days].sort().map((d) => ({ start: d, end: nextDay(d), estimated: false })), notes },
    pages: files.length,
  };
}
