/**
 * Number formatting for the HTML report. Pure. Conventions of tokor's JSON:
 * keys ending in `Usd` are US dollars, keys ending in `Pct` are percentage
 * points (0–100), shares, rates, quality and coverage are fractions (0–1).
 */

/** A finite number, or undefined. Accepts numeric strings (exact money may be serialised as decimals). */
function toNum(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v.trim())) return Number(v);
  return undefined;
}

const DASH = '—';

/** $1,234.56; small amounts keep significant digits ($0.0042). */
export function fmtUsd(v: unknown): string {
  const n = toNum(v);
  if (n === undefined) return DASH;
  const abs = Math.abs(n);
  const digits = abs === 0 || abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  const s = abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${n < 0 ? '−' : ''}$${s}`;
}

/** A fraction (0–1) as a percentage: 0.7412 → "74.1%". */
export function fmtShare(v: unknown, digits = 1): string {
  const n = toNum(v);
  return n === undefined ? DASH : fmtPct(n * 100, digits);
}

/** Percentage points (0–100): 63.04 → "63.0%". */
export function fmtPct(v: unknown, digits = 1): string {
  const n = toNum(v);
  if (n === undefined) return DASH;
  const r = Number(n.toFixed(digits));
  return `${(Object.is(r, -0) ? 0 : r).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace('-', '−')}%`;
}

/** Integer-ish counts with thousands separators: 4812 → "4,812". */
export function fmtCount(v: unknown): string {
  const n = toNum(v);
  if (n === undefined) return DASH;
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** A [lo, hi] interval of fractions: "72.3–75.9%". */
export function fmtShareInterval(v: unknown, digits = 1): string {
  const iv = toInterval(v);
  if (!iv) return DASH;
  return `${fmtShare(iv[0], digits).replace('%', '')}–${fmtShare(iv[1], digits)}`;
}

/** [lo, hi] when v is a two-number array (or {lo, hi} / {lower, upper}). */
export function toInterval(v: unknown): [number, number] | undefined {
  if (Array.isArray(v) && v.length === 2) {
    const lo = toNum(v[0]);
    const hi = toNum(v[1]);
    return lo === undefined || hi === undefined ? undefined : [lo, hi];
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const lo = toNum(o.lo ?? o.lower ?? o.low);
    const hi = toNum(o.hi ?? o.upper ?? o.high);
    return lo === undefined || hi === undefined ? undefined : [lo, hi];
  }
  return undefined;
}

const FRACTION_KEY = /(^share|share$|rate$|quality$|coverage$|parity$|ratio$|fraction$)/i;

/** Formats a value by the naming conventions of its key (see the module comment). */
export function fmtByKey(key: string, v: unknown): string {
  if (v === null || v === undefined) return DASH;
  if (Array.isArray(v)) {
    if (toInterval(v) && /ci|interval/i.test(key)) return fmtShareInterval(v);
    return v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join(', ');
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  const n = typeof v === 'number' ? v : undefined;
  if (n === undefined) return String(v);
  if (/(Usd|^usd)$/.test(key)) return fmtUsd(n);
  if (/(Pct|^pct)$/.test(key)) return fmtPct(n);
  if (FRACTION_KEY.test(key)) return fmtShare(n);
  if (/(Ms|^ms)$/.test(key)) return `${fmtCount(Math.round(n))} ms`;
  return fmtCount(n);
}

/** Whether a key's values should be right-aligned in a table. */
export function isNumericKey(key: string, sample: unknown): boolean {
  if (Array.isArray(sample)) return /ci|interval/i.test(key) && toInterval(sample) !== undefined;
  return typeof sample === 'number' || (typeof sample === 'string' && toNum(sample) !== undefined && /(Usd|Pct)$/.test(key));
}
