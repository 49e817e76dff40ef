/**
 * What scanning logs in Athena costs: each query's bytes scanned rounded up
 * to the billing unit, at least the per-query minimum, at the list price per
 * TB in src/pricing/scan/athena.json. Exact money. Pure.
 */
import athena from './athena.json' with { type: 'json' };
import { usdToMoney } from '../money.js';
import type { Money } from '../types.js';

export interface ScanPrice {
  usdPerTB: string;
  bytesPerTB: number;
  roundUpToBytes: number;
  minimumBytesPerQuery: number;
  source: string;
  asOf: string;
}

export const ATHENA_SCAN_PRICE: ScanPrice = athena;

/** The bytes Athena bills for one query. */
export function billedBytes(scanned: number, price: ScanPrice = ATHENA_SCAN_PRICE): bigint {
  const unit = BigInt(price.roundUpToBytes);
  const rounded = ((BigInt(Math.max(0, Math.floor(scanned))) + unit - 1n) / unit) * unit;
  const min = BigInt(price.minimumBytesPerQuery);
  return rounded < min ? min : rounded;
}

/** The cost of queries that scanned these bytes each, rounded half up to the picodollar. */
export function scanCost(bytesPerQuery: readonly number[], price: ScanPrice = ATHENA_SCAN_PRICE): Money {
  const perTB = usdToMoney(price.usdPerTB);
  const tb = BigInt(price.bytesPerTB);
  let total = 0n;
  for (const b of bytesPerQuery) total += billedBytes(b, price);
  return (total * perTB + tb / 2n) / tb;
}
