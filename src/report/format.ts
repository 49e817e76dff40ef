/** Number formatting shared by the renderers, and Markdown tables. Pure. Terminal tables: table.ts; escaping: escape.ts. */
import { mdText } from './escape.js';

export interface UsdOptions {
  /** Thousands separators (default true): "$1,234.50"; false for "$1234.50". */
  grouping?: boolean;
  /** A "+" before a positive amount (deltas). */
  signed?: boolean;
}

/**
 * A JSON.stringify replacer for reports whose dollar figures (keys ending in `Usd`) are sums of per-request costs
 * in double arithmetic: each figure to the picodollar (12 decimals), where the sum of exact per-request costs is
 * exact and the float error (about 1e-17 per addition) is far below. `0.6253338600000008` is written `0.62533386`.
 */
export function usdToPicodollar(key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) && key.endsWith('Usd') ? Number(value.toFixed(12)) : value;
}

/** US dollars: two decimals from $1, four below; a negative amount as "−$0.0500". The one USD formatter. */
export function usd(x: number | null | undefined, digits?: number, opts: UsdOptions = {}): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  const d = digits ?? (Math.abs(x) >= 100 ? 2 : Math.abs(x) >= 1 ? 2 : 4);
  const s = Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: opts.grouping ?? true });
  return `${x < 0 ? '−' : opts.signed && x > 0 ? '+' : ''}$${s}`;
}

/** A FRACTION (0..1) as a percent: 0.42 → "42.0%". */
export function pct(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/**
 * A figure already in percent (a `…Pct` value, 0–100) as text: 42 → "42.0%".
 * Not pct(x / 100): dividing and multiplying back moves values such as 25.65
 * across a rounding edge ("25.7%" instead of "25.6%").
 */
export function pctFigure(percent: number, digits = 1): string {
  return `${percent.toFixed(digits)}%`;
}

/** A fraction as a percent with at most one decimal and no trailing zero: 0.95 → "95%", 0.975 → "97.5%" (confidence levels). */
export function pctShort(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

/** Milliseconds: "1,234 ms" from 100 ms up, else 3 significant digits ("12.5 ms", "0.4 ms"). */
export function ms(x: number): string {
  return `${x >= 100 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(3)).toString()} ms`;
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count and its noun, singular for one: "1 file", "3 files", "2 task clusters" (`many` for irregular plurals). */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${int(n)} ${n === 1 ? one : many}`;
}

/** 12_345_678 → "12.3M"; past a thousand billion, the exponent ("1.80e+16") rather than a run of digits. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e12) return n.toExponential(2);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return int(n);
}

export function ci(lo: number, hi: number, digits = 1): string {
  return `${(lo * 100).toFixed(digits)}–${(hi * 100).toFixed(digits)}%`;
}

/** Caps rows and says how many were hidden. */
export function capRows<T>(rows: T[], max: number): { shown: T[]; hidden: number } {
  return rows.length > max ? { shown: rows.slice(0, max), hidden: rows.length - max } : { shown: rows, hidden: 0 };
}

/** Markdown the caller has already escaped (mdText, mdCode): mdTable takes it as it is. */
export class Md {
  constructor(readonly markdown: string) {}
  toString(): string {
    return this.markdown;
  }
}

/** Marks escaped Markdown (built with mdText / mdCode) for mdTable. */
export function md(markdown: string): Md {
  return new Md(markdown);
}

/** A Markdown table. Text cells are escaped (mdText); Md cells are taken as they are. */
export function mdTable(head: string[], rows: readonly (readonly (string | number | Md)[])[], right: number[] = []): string {
  const cell = (c: string | number | Md) => (c instanceof Md ? c.markdown.replace(/\r?\n/g, ' ') : mdText(String(c)));
  const align = head.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [`| ${head.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
