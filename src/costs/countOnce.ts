/**
 * A vendor's usage report given beside its cost report (docs/costs.md, "A cost
 * report and a usage report together"): billed spend is counted once. The
 * cost report's amounts are what the vendor bills; the usage report's are its
 * tokens at tokor's list prices, an estimate of the same spend. So on every
 * day the cost report covers, the usage report's lines are left out (and said
 * so in a note); days only the usage report covers keep its lines, priced at
 * list as when it is given alone. Pure.
 */
import type { BillFormatName } from './billFormats.js';
import { moneyToNumber } from './decimal.js';
import type { CostPages } from './response.js';
import { usd } from '../report/format.js';
import { sourceName } from './view.js';

/** The lines one bill format read from its files. */
export interface BillPart {
  kind: BillFormatName;
  files: string[];
  lines: CostPages;
  /** A usage report: the format of its vendor's cost report, whose amounts bill the same spend. */
  billedBy?: BillFormatName;
}

/** A usage report file whose lines were left out on the days a cost report bills. */
export interface LeftOut {
  file: string;
  /** The days left out, in order. */
  days: string[];
  /** The cost report files that bill those days. */
  billedBy: string[];
  /** Every line of the file was left out. */
  all: boolean;
}

function daysText(days: readonly string[]): string {
  return days.length === 1 ? days[0]! : `${days.length} days (${days[0]} to ${days[days.length - 1]})`;
}

/** The parts with usage-report lines left out where their vendor's cost report bills the day, what was left out, and a note per file. */
export function countBilledOnce(parts: readonly BillPart[]): { parts: BillPart[]; leftOut: LeftOut[]; notes: string[] } {
  const leftOut: LeftOut[] = [];
  const notes: string[] = [];
  const out = parts.map((part) => {
    const cost = part.billedBy ? parts.find((p) => p.kind === part.billedBy) : undefined;
    if (!cost) return part;
    const billedDays = new Set(cost.lines.periods.map((p) => p.start));
    const kept = part.lines.groups.filter((g) => !billedDays.has(g.period.start));
    if (kept.length === part.lines.groups.length) return part;
    for (const file of part.files) {
      const own = part.lines.groups.filter((g) => g.source === file);
      const dropped = own.filter((g) => billedDays.has(g.period.start));
      if (dropped.length === 0) continue;
      const days = [...new Set(dropped.map((g) => g.period.start))].sort();
      const listUsd = moneyToNumber(dropped.reduce((s, g) => s + g.cost, 0n));
      leftOut.push({ file, days, billedBy: cost.files, all: dropped.length === own.length });
      notes.push(
        `${sourceName(part.kind)} ${file}: ${daysText(days)} left out (${usd(listUsd)} at list prices): ${sourceName(cost.kind)} ${cost.files.join(', ')} bills ${days.length === 1 ? 'that day' : 'those days'}, so billed spend is counted once`,
      );
    }
    // Every line left out: the part's own notes (about pricing at list) no longer apply.
    return { ...part, lines: { ...part.lines, groups: kept, notes: kept.length ? part.lines.notes : [] } };
  });
  return { parts: out, leftOut, notes };
}
