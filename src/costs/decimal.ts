/**
 * Exact decimal amounts. Cost Explorer sends amounts as decimal strings with
 * up to ~10 decimals; summing them as floats drifts, so they are held as
 * bigint picodollars (1e-12, the same unit as src/pricing's Money) and only
 * turned into a JS number at the very end.
 */

/** Amount in units of 1e-12 (picodollars for money, pico-units for quantities). */
export type Fixed = bigint;

export const FIXED_SCALE = 12;
const ONE = 10n ** BigInt(FIXED_SCALE);

// A plain decimal, optionally signed, optionally with an exponent ("1.5E-7"):
// Cost Explorer has been seen to use both.
const DECIMAL = /^([+-]?)(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string exactly; digits beyond 12 decimals are rounded half
 * away from zero (below a picodollar). Returns undefined when the string is
 * not a number (the caller knows where it came from and raises the error).
 */
export function parseFixed(text: string): Fixed | undefined {
  const s = text.trim();
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === undefined && (m[3] === undefined || m[3] === ''))) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const intPart = m[2] ?? '0';
  const fracPart = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 400) return undefined;
  // value = digits × 10^(exp − fracLen); we want value × 10^12.
  const digits = BigInt(intPart + fracPart);
  const shift = exp - fracPart.length + FIXED_SCALE;
  let units: bigint;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    const div = 10n ** BigInt(-shift);
    units = digits / div;
    if ((digits % div) * 2n >= div) units += 1n;
  }
  return sign * units;
}

/** Exact decimal string without trailing zeros ("37.5", "0.0000123", "-2"). */
export function formatFixed(v: Fixed): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const int = abs / ONE;
  const frac = (abs % ONE).toString().padStart(FIXED_SCALE, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** The nearest JS number to the exact value (parsed from its exact decimal string). */
export function fixedToNumber(v: Fixed): number {
  return Number(formatFixed(v));
}

/** A JS number (a count or a USD figure) to Fixed, via its shortest decimal string. */
export function numberToFixed(n: number): Fixed {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const f = parseFixed(String(n));
  if (f === undefined) throw new RangeError(`not a number: ${n}`);
  return f;
}

export function sumFixed(values: Iterable<Fixed>): Fixed {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}
