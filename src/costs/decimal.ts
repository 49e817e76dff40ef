/**
 * Exact decimal amounts as billed. Bills send amounts as decimal strings with
 * up to ~10 decimals ("1.5E-7" too); summing them as floats drifts, so they are
 * held as the one money type, `Money` (bigint picodollars, src/pricing/money.ts),
 * and only turned into a JS number at the very end. Quantities (tokens, units)
 * use the same 1e-12 scale. Pure.
 */
import { moneyToDecimal } from '../pricing/money.js';
import type { Money } from '../pricing/types.js';

const SCALE = 12;

// A plain decimal, optionally signed, optionally with an exponent ("1.5E-7"):
// Cost Explorer has been seen to use both.
const DECIMAL = /^([+-]?)(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The largest amount (USD, or units for a usage quantity) a bill line holds: 10^15, in Money. Beyond it a value
 * is a corrupt file, not a bill ("1e400" would print as $∞, a quantity of 1e309 as Infinity tokens).
 */
const MAX_BILL_AMOUNT: Money = 10n ** 27n;

/** Whether an amount read from a bill is within MAX_BILL_AMOUNT either way. */
export function withinBillRange(m: Money): boolean {
  return m <= MAX_BILL_AMOUNT && m >= -MAX_BILL_AMOUNT;
}

/**
 * Parses a decimal string exactly; digits beyond 12 decimals are rounded half
 * away from zero (below a picodollar). Returns undefined when the string is
 * not a number (the caller knows where it came from and raises the error).
 * Unlike `usdToMoney`, it never throws and keeps exponents exact.
 */
export function parseDecimal(text: string): Money | undefined {
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
  const shift = exp - fracPart.length + SCALE;
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

/** The nearest JS number to the exact value (parsed from its exact decimal string). */
export function moneyToNumber(v: Money): number {
  return Number(moneyToDecimal(v));
}

/** A JS number (a count or a USD figure) to Money scale, via its shortest decimal string. */
export function numberToMoney(n: number): Money {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const f = parseDecimal(String(n));
  if (f === undefined) throw new RangeError(`not a number: ${n}`);
  return f;
}
