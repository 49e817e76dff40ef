/**
 * Cost of one request: integer token counts × integer picodollar rates.
 *
 * Rules (also on ModelPrice):
 * - cache-read tokens at `cacheRead`; without it, at the request's input rate;
 * - cache-write tokens at `cacheWrite5m`, or `cacheWrite1h` for 1-hour writes
 *   (falling back to `cacheWrite5m`, then the input rate); a record that splits
 *   its writes by TTL (`cacheWrite1h` tokens) has each part priced at its own rate;
 * - batch: `batchInput`/`batchOutput`; without them 50% of on-demand when the entry
 *   says `supportsBatch` (rounded half up to the picodollar), else on-demand with a
 *   note. Cache tokens keep their cache rates in batch (no batch cache rates are listed).
 * - long prompts: a request whose prompt (input + cache-read + cache-write tokens) is over the entry's
 *   `longContext.above` pays the long-context rates on every token, by the same rules.
 * - service tiers: a request served on the priority or flex tier pays the entry's `priority` / `flex` rates (their
 *   `longContext` for a long prompt). Without them, flex pays the batch rates (OpenAI bills flex at Batch API
 *   rates) and priority the standard rates, with a note; so does a long prompt on a tier without long rates.
 */
import type { TokenCounts } from '../types.js';
import { rateToPico } from './money.js';
import { overOfPrompt } from './promptBounds.js';
import type { CostBreakdown, CostOptions, LongContextPrice, ModelPrice, Money, ServiceTierPrice } from './types.js';

interface PicoRates {
  input: Money;
  output: Money;
  cacheRead?: Money;
  cacheWrite5m?: Money;
  cacheWrite1h?: Money;
  batchInput?: Money;
  batchOutput?: Money;
  /** The same rates as numbers (exact: every rate is far below 2^53 picodollars per token). */
  num: { input: number; output: number; cacheRead?: number; cacheWrite5m?: number; cacheWrite1h?: number; batchInput?: number; batchOutput?: number };
}

// Rates are parsed once per ModelPrice (and long-context block): costOf runs per record on large logs.
type RateBlock = ModelPrice | LongContextPrice | ServiceTierPrice | NonNullable<ServiceTierPrice['longContext']>;
const picoCache = new WeakMap<RateBlock, PicoRates>();

/** Whether the request (or every request of a bucket) pays the entry's long-context rates. */
export function isLongPrompt(price: ModelPrice, opts: CostOptions): boolean {
  const long = price.longContext;
  if (long === undefined) return false;
  const over = opts.promptOver ?? (opts.promptTokens !== undefined ? overOfPrompt(opts.promptTokens) : undefined);
  return over !== undefined && over >= long.above;
}

/** The rates a request pays (see the rules above), whether the batch rules apply, and the fallback taken if any. */
interface Applied {
  rates: PicoRates;
  batch: boolean;
  note?: string;
}

function ratesFor(price: ModelPrice, opts: CostOptions): Applied {
  const long = isLongPrompt(price, opts);
  const base = long ? price.longContext! : price;
  const service = opts.batch ? undefined : opts.service;
  if (service === 'priority' || service === 'flex') {
    const block = price[service];
    if (block !== undefined) {
      if (!long) return { rates: picoRates(block), batch: false };
      if (block.longContext !== undefined) return { rates: picoRates(block.longContext), batch: false };
      return { rates: picoRates(base), batch: service === 'flex', note: `${price.key} (${price.region}): no ${service} rate for long prompts, the ${service === 'flex' ? 'batch' : 'standard'} long-context rate used` };
    }
    if (service === 'flex') return { rates: picoRates(base), batch: true };
    return { rates: picoRates(base), batch: false, note: `${price.key} (${price.region}): no priority rate listed, standard rate used` };
  }
  return { rates: picoRates(base), batch: opts.batch === true };
}

function picoRates(p: RateBlock): PicoRates {
  let r = picoCache.get(p);
  if (!r) {
    const input = rateToPico(p.input);
    const output = rateToPico(p.output);
    r = { input, output, num: { input: Number(input), output: Number(output) } };
    for (const f of ['cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'batchInput', 'batchOutput'] as const) {
      const v = (p as Partial<Record<typeof f, string>>)[f];
      if (v !== undefined) {
        const pico = rateToPico(v);
        r[f] = pico;
        r.num[f] = Number(pico);
      }
    }
    picoCache.set(p, r);
  }
  return r;
}

/**
 * Token counts to price: numbers, or bigints for totals past 2^53 (sums over
 * many requests stay exact; see analyze's accumulator).
 */
export type TokenAmounts = { [K in keyof TokenCounts]: number | bigint };

function count(n: number | bigint, what: string): bigint {
  if (typeof n === 'bigint') {
    if (n < 0n) throw new RangeError(`${what} token count must be a non-negative integer, got ${n}`);
    return n;
  }
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} token count must be a non-negative integer, got ${n}`);
  return BigInt(n);
}

/** tokens × rate, optionally halved (rounded half up). */
function times(tokens: bigint, rate: Money, halve: boolean): Money {
  const v = tokens * rate;
  return halve ? (v + 1n) / 2n : v;
}

/** The cost of one request, part by part, with the fallbacks that applied. */
export function priceTokens(tokens: TokenAmounts, price: ModelPrice, opts: CostOptions = {}): CostBreakdown {
  const out: CostBreakdown = { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n, total: 0n, notes: [] };
  out.total = compute(tokens, price, opts, out);
  return out;
}

/** The cost of one request in picodollars (see priceTokens for the rules and notes). Runs per record: no allocation. */
export function costOf(tokens: TokenAmounts, price: ModelPrice, opts?: CostOptions): Money {
  const fast = computeNumber(tokens, price, opts ?? {});
  return fast === undefined ? compute(tokens, price, opts ?? {}, undefined) : BigInt(fast);
}

/**
 * The same rules in double arithmetic, which is exact while every product and the
 * sum stay below 2^53 (about $9,007 per request); undefined past that or for bad
 * counts, and compute() answers instead.
 */
function computeNumber(t: TokenAmounts, price: ModelPrice, opts: CostOptions): number | undefined {
  const { input, output, cacheRead, cacheWrite } = t;
  if (typeof input !== 'number' || typeof output !== 'number' || typeof cacheRead !== 'number' || typeof cacheWrite !== 'number') return undefined;
  if (!(Number.isSafeInteger(input) && Number.isSafeInteger(output) && Number.isSafeInteger(cacheRead) && Number.isSafeInteger(cacheWrite))) return undefined;
  if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite < 0) return undefined;
  const applied = ratesFor(price, opts);
  const r = applied.rates.num;
  let inRate = r.input;
  let outRate = r.output;
  let halve = false;
  if (applied.batch) {
    if (r.batchInput !== undefined && r.batchOutput !== undefined) {
      inRate = r.batchInput;
      outRate = r.batchOutput;
    } else if (price.supportsBatch) halve = true;
  }
  const half = (v: number) => (halve ? Math.floor((v + 1) / 2) : v);
  let sum = half(input * inRate) + half(output * outRate);
  if (cacheRead > 0) sum += r.cacheRead !== undefined ? cacheRead * r.cacheRead : half(cacheRead * inRate);
  if (cacheWrite > 0) {
    const split = t.cacheWrite1h;
    if (split === undefined) {
      const rate = opts.cacheWriteTtl === '1h' ? (r.cacheWrite1h ?? r.cacheWrite5m) : r.cacheWrite5m;
      sum += rate !== undefined ? cacheWrite * rate : half(cacheWrite * inRate);
    } else {
      if (typeof split !== 'number' || !Number.isSafeInteger(split) || split < 0 || split > cacheWrite) return undefined;
      const m5 = cacheWrite - split;
      sum += r.cacheWrite5m !== undefined ? m5 * r.cacheWrite5m : half(m5 * inRate);
      const h1 = r.cacheWrite1h ?? r.cacheWrite5m;
      sum += h1 !== undefined ? split * h1 : half(split * inRate);
    }
  }
  return sum <= Number.MAX_SAFE_INTEGER ? sum : undefined;
}

function compute(tokens: TokenAmounts, price: ModelPrice, opts: CostOptions, out: CostBreakdown | undefined): Money {
  const applied = ratesFor(price, opts);
  const r = applied.rates;
  if (applied.note !== undefined) out?.notes.push(applied.note);
  const inTok = count(tokens.input, 'input');
  const outTok = count(tokens.output, 'output');
  const readTok = count(tokens.cacheRead, 'cache-read');
  const writeTok = count(tokens.cacheWrite, 'cache-write');

  let inRate = r.input;
  let outRate = r.output;
  let halve = false;
  if (applied.batch) {
    if (r.batchInput !== undefined && r.batchOutput !== undefined) {
      inRate = r.batchInput;
      outRate = r.batchOutput;
    } else if (price.supportsBatch) {
      halve = true;
      out?.notes.push(`${price.key}: no batch rate listed, 50% of on-demand used`);
    } else {
      out?.notes.push(`${price.key} (${price.region}): no batch price known, on-demand price used`);
    }
  }
  const input = times(inTok, inRate, halve);
  const output = times(outTok, outRate, halve);

  let cacheRead = 0n;
  if (readTok > 0n) {
    if (r.cacheRead !== undefined) cacheRead = readTok * r.cacheRead;
    else {
      cacheRead = times(readTok, inRate, halve);
      out?.notes.push(`${price.key}: no cache-read rate, input rate used`);
    }
  }
  let cacheWrite = 0n;
  let cacheWrite1h = 0n;
  if (writeTok > 0n) {
    // Split by TTL: the record's own split when it has one, else all at the option's TTL.
    const h1Tok = tokens.cacheWrite1h === undefined ? (opts.cacheWriteTtl === '1h' ? writeTok : 0n) : count(tokens.cacheWrite1h, 'cache-write (1h)');
    if (h1Tok > writeTok) throw new RangeError(`1h cache-write tokens (${h1Tok}) exceed cache-write tokens (${writeTok})`);
    const m5Tok = writeTok - h1Tok;
    if (m5Tok > 0n) {
      if (r.cacheWrite5m !== undefined) cacheWrite += m5Tok * r.cacheWrite5m;
      else {
        cacheWrite += times(m5Tok, inRate, halve);
        out?.notes.push(`${price.key}: no cache-write rate, input rate used`);
      }
    }
    if (h1Tok > 0n) {
      const rate = r.cacheWrite1h ?? r.cacheWrite5m;
      if (r.cacheWrite1h === undefined && r.cacheWrite5m !== undefined) out?.notes.push(`${price.key}: no 1h cache-write rate, 5m rate used`);
      if (rate !== undefined) cacheWrite1h = h1Tok * rate;
      else {
        cacheWrite1h = times(h1Tok, inRate, halve);
        out?.notes.push(`${price.key}: no cache-write rate, input rate used`);
      }
      cacheWrite += cacheWrite1h;
    }
  }
  if (out) {
    out.input = input;
    out.output = output;
    out.cacheRead = cacheRead;
    out.cacheWrite = cacheWrite;
    if (cacheWrite1h > 0n) out.cacheWrite1h = cacheWrite1h;
  }
  return input + output + cacheRead + cacheWrite;
}
