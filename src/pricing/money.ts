/**
 * Exact money. A rate per 1M tokens with at most 6 decimals is an integer
 * number of picodollars per token (rate × 1e12 / 1e6 = rate × 1e6), so token
 * costs are integer products and sums never drift.
 */
import { InputError } from '../errors.js';
import type { Money } from './types.js';

export const PICO_PER_USD = 1_000_000_000_000n;
const RATE_DECIMALS = 6;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Per-1M-token rate (decimal string, e.g. "3.30") → picodollars per token.
 * Throws InputError for anything but a plain non-negative decimal with ≤ 6 decimals.
 */
export function rateToPico(rate: string): Money {
  const text = String(rate).trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new InputError(`rate "${rate}" is not a plain decimal number of USD per 1M tokens (e.g. "3.30")`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > RATE_DECIMALS) {
    throw new InputError(
      `rate "${rate}" has ${frac.length} decimals; tokor accepts at most ${RATE_DECIMALS} per 1M tokens (one picodollar per token)`,
    );
  }
  return BigInt(m[1]!) * 1_000_000n + BigInt(frac.padEnd(RATE_DECIMALS, '0'));
}

/** Picodollars → a JS number of USD (for JSON reports; exact below ~$9,007 per cent digit, close enough above). */
export function moneyToUsd(m: Money): number {
  const whole = m / PICO_PER_USD;
  const rest = m % PICO_PER_USD;
  return Number(whole) + Number(rest) / 1e12;
}

/**
 * USD amount (decimal string such as Cost Explorer's "37.5", or a number) → picodollars,
 * rounded half away from zero at the picodollar.
 */
export function usdToMoney(amount: string | number): Money {
  let text = typeof amount === 'number' ? amount.toFixed(12) : amount.trim();
  if (/e/i.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) throw new InputError(`"${amount}" is not a USD amount`);
    text = n.toFixed(12);
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new InputError(`"${amount}" is not a USD amount`);
  const neg = m[1] === '-';
  const frac = m[3] ?? '';
  let pico = BigInt(m[2] || '0') * PICO_PER_USD + BigInt(frac.slice(0, 12).padEnd(12, '0'));
  if (frac.length > 12 && Number(frac[12]) >= 5) pico += 1n;
  return neg ? -pico : pico;
}

/** Sum of many amounts, exactly. */
export function sumMoney(values: Iterable<Money>): Money {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/**
 * "$3.70" style text. Money is rounded half away from zero to `digits` decimals
 * (default 2, at most 12); numbers use toFixed. No thousands separators, so the
 * text stays machine-readable.
 */
export function formatUsd(m: Money | number, digits = 2): string {
  const d = Math.max(0, Math.min(12, Math.trunc(digits)));
  if (typeof m === 'number') {
    const text = Math.abs(m).toFixed(d);
    return `${m < 0 && Number(text) !== 0 ? '-' : ''}$${text}`;
  }
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const scale = 10n ** BigInt(12 - d);
  const q = (abs + scale / 2n) / scale; // units of 10^-d USD
  const unit = 10n ** BigInt(d);
  const whole = q / unit;
  const frac = d > 0 ? `.${(q % unit).toString().padStart(d, '0')}` : '';
  return `${neg && q !== 0n ? '-' : ''}$${whole}${frac}`;
}

/** Picodollars as an exact decimal USD string without trailing zeros ("3.703701"). */
export function moneyToDecimal(m: Money): string {
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const whole = abs / PICO_PER_USD;
  const frac = (abs % PICO_PER_USD).toString().padStart(12, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
