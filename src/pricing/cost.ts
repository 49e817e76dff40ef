/**
 * Cost of one request: integer token counts × integer picodollar rates.
 *
 * Rules (also on ModelPrice):
 * - cache-read tokens at `cacheRead`; without it, at the request's input rate;
 * - cache-write tokens at `cacheWrite5m`, or `cacheWrite1h` for 1-hour writes
 *   (falling back to `cacheWrite5m`, then the input rate);
 * - batch: `batchInput`/`batchOutput`; without them 50% of on-demand when the entry
 *   says `supportsBatch` (rounded half up to the picodollar), else on-demand with a
 *   note. Cache tokens keep their cache rates in batch (no batch cache rates are listed).
 */
import type { TokenCounts } from '../types.js';
import { rateToPico } from './money.js';
import type { CostBreakdown, CostOptions, ModelPrice, Money } from './types.js';

interface PicoRates {
  input: Money;
  output: Money;
  cacheRead?: Money;
  cacheWrite5m?: Money;
  cacheWrite1h?: Money;
  batchInput?: Money;
  batchOutput?: Money;
}

// Rates are parsed once per ModelPrice: costOf runs per record on large logs.
const picoCache = new WeakMap<ModelPrice, PicoRates>();

function picoRates(p: ModelPrice): PicoRates {
  let r = picoCache.get(p);
  if (!r) {
    r = { input: rateToPico(p.input), output: rateToPico(p.output) };
    if (p.cacheRead !== undefined) r.cacheRead = rateToPico(p.cacheRead);
    if (p.cacheWrite5m !== undefined) r.cacheWrite5m = rateToPico(p.cacheWrite5m);
    if (p.cacheWrite1h !== undefined) r.cacheWrite1h = rateToPico(p.cacheWrite1h);
    if (p.batchInput !== undefined) r.batchInput = rateToPico(p.batchInput);
    if (p.batchOutput !== undefined) r.batchOutput = rateToPico(p.batchOutput);
    picoCache.set(p, r);
  }
  return r;
}

function count(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} token count must be a non-negative integer, got ${n}`);
  return BigInt(n);
}

/** tokens × rate, optionally halved (rounded half up). */
function times(tokens: bigint, rate: Money, halve: boolean): Money {
  const v = tokens * rate;
  return halve ? (v + 1n) / 2n : v;
}

/** The cost of one request, part by part, with the fallbacks that applied. */
export function priceTokens(tokens: TokenCounts, price: ModelPrice, opts: CostOptions = {}): CostBreakdown {
  const r = picoRates(price);
  const notes: string[] = [];
  const inTok = count(tokens.input, 'input');
  const outTok = count(tokens.output, 'output');
  const readTok = count(tokens.cacheRead, 'cache-read');
  const writeTok = count(tokens.cacheWrite, 'cache-write');

  let inRate = r.input;
  let outRate = r.output;
  let halve = false;
  if (opts.batch) {
    if (r.batchInput !== undefined && r.batchOutput !== undefined) {
      inRate = r.batchInput;
      outRate = r.batchOutput;
    } else if (price.supportsBatch) {
      halve = true;
      notes.push(`${price.key}: no batch rate listed, 50% of on-demand used`);
    } else {
      notes.push(`${price.key} (${price.region}): no batch price known, on-demand price used`);
    }
  }
  const input = times(inTok, inRate, halve);
  const output = times(outTok, outRate, halve);

  let cacheRead = 0n;
  if (readTok > 0n) {
    if (r.cacheRead !== undefined) cacheRead = readTok * r.cacheRead;
    else {
      cacheRead = times(readTok, inRate, halve);
      notes.push(`${price.key}: no cache-read rate, input rate used`);
    }
  }
  let cacheWrite = 0n;
  if (writeTok > 0n) {
    const oneHour = opts.cacheWriteTtl === '1h';
    const rate = oneHour ? (r.cacheWrite1h ?? r.cacheWrite5m) : r.cacheWrite5m;
    if (oneHour && r.cacheWrite1h === undefined && r.cacheWrite5m !== undefined) {
      notes.push(`${price.key}: no 1h cache-write rate, 5m rate used`);
    }
    if (rate !== undefined) cacheWrite = writeTok * rate;
    else {
      cacheWrite = times(writeTok, inRate, halve);
      notes.push(`${price.key}: no cache-write rate, input rate used`);
    }
  }
  return { input, output, cacheRead, cacheWrite, total: input + output + cacheRead + cacheWrite, notes };
}

/** The cost of one request in picodollars (see priceTokens for the rules and notes). */
export function costOf(tokens: TokenCounts, price: ModelPrice, opts?: CostOptions): Money {
  return priceTokens(tokens, price, opts).total;
}
