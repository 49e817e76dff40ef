/**
 * Readers over parsed JSON of unknown shape, for recognising which tokor
 * output a file is (inputs.ts) and for generic tables. The report's figures
 * come from the typed contracts (src/artifacts/), never from these. Pure.
 */
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
