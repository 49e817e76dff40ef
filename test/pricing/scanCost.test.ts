import { describe, expect, it } from 'vitest';
import { ATHENA_SCAN_PRICE, billedBytes, scanCost } from '../../src/pricing/scan/scanCost.js';
import { hourFilter } from '../../src/engines/athena/ddl.js';

describe('Athena scan cost', () => {
  it('bills each query rounded up to the megabyte, at least 10 MB, at the list price per TB', () => {
    expect(ATHENA_SCAN_PRICE).toMatchObject({ usdPerTB: '5.00', source: 'https://aws.amazon.com/athena/pricing/' });
    expect(billedBytes(0)).toBe(10_485_760n);
    expect(billedBytes(10_485_761)).toBe(11_534_336n);
    // 1 TiB scanned in one query: $5 exactly; two tiny queries: 2 × 10 MiB.
    expect(scanCost([2 ** 40])).toBe(5_000_000_000_000n);
    expect(scanCost([1, 1])).toBe((20n * 1_048_576n * 5_000_000_000_000n + 2n ** 39n) / 2n ** 40n);
  });
});

describe('hourFilter (--since/--until)', () => {
  it('bounds the datehour partition by whole days, inclusive', () => {
    expect(hourFilter('2026-03-01', '2026-03-31')).toBe("datehour >= '2026/03/01/00' AND datehour <= '2026/03/31/23'");
    expect(hourFilter(undefined, undefined)).toBe('');
    expect(() => hourFilter('2026-3-1')).toThrow(/--since 2026-3-1: give a day as YYYY-MM-DD/);
  });
});
