/**
 * Tolerant readers over parsed JSON. The report renders what is present and
 * shows a dash for what is absent, so every access goes through these. Pure.
 */
import { toNum } from './format.js';

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Strings as they are, numbers as text; anything else undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export const num = toNum;

/** The first key of `keys` that holds a number in `o`. */
export function firstNum(o: Obj | undefined, keys: readonly string[]): number | undefined {
  if (!o) return undefined;
  for (const k of keys) {
    const n = toNum(o[k]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** The first key of `keys` that holds a string (or number) in `o`. */
export function firstStr(o: Obj | undefined, keys: readonly string[]): string | undefined {
  if (!o) return undefined;
  for (const k of keys) {
    const s = str(o[k]);
    if (s !== undefined && s !== '') return s;
  }
  return undefined;
}

const AMOUNT_KEYS = ['costUsd', 'usd', 'totalUsd', 'amountUsd', 'billedUsd', 'unblendedCostUsd', 'cost', 'amount', 'value'] as const;

/**
 * A breakdown given either as an array of rows ({model, costUsd, ...}) or as a
 * record keyed by name ({"Claude Sonnet 4.5": 12.3} or {"x": {costUsd: 12.3}}),
 * normalised to named rows with their amount in USD (when one is found).
 */
export function namedRows(v: unknown, nameKeys: readonly string[]): { name: string; usd: number | undefined; row: Obj }[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      const o = obj(item);
      if (!o) return [];
      const name = firstStr(o, nameKeys) ?? '(unnamed)';
      return [{ name, usd: firstNum(o, AMOUNT_KEYS), row: o }];
    });
  }
  const o = obj(v);
  if (!o) return [];
  return Object.entries(o).map(([name, value]) => {
    const inner = obj(value);
    if (inner) return { name, usd: firstNum(inner, AMOUNT_KEYS), row: { name, ...inner } };
    return { name, usd: toNum(value), row: { name, costUsd: value } };
  });
}
