import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { formatUsd, moneyToDecimal, moneyToUsd, rateToPico, sumMoney, usdToMoney } from '../../src/pricing/index.js';

describe('rateToPico', () => {
  it('turns a per-1M rate into integer picodollars per token', () => {
    expect(rateToPico('3')).toBe(3_000_000n);
    expect(rateToPico('3.30')).toBe(3_300_000n);
    expect(rateToPico('0.00875')).toBe(8_750n);
    expect(rateToPico('0.000001')).toBe(1n);
    expect(rateToPico('0.0000010')).toBe(1n); // trailing zeros are not precision
    expect(rateToPico('0')).toBe(0n);
    expect(rateToPico('1234.5')).toBe(1_234_500_000n);
  });

  it('rejects more than 6 decimals and anything but a plain decimal, with a clear error', () => {
    expect(() => rateToPico('0.0000001')).toThrow(InputError);
    expect(() => rateToPico('0.0000001')).toThrow(/7 decimals; tokor accepts at most 6 per 1M tokens/);
    for (const bad of ['-1', '1e-3', 'abc', '', '3,30', '.5']) {
      expect(() => rateToPico(bad), bad).toThrow(/not a plain decimal/);
    }
  });
});

describe('money is exact', () => {
  it('1,234,567 input tokens at $3/M cost exactly $3.703701', () => {
    const cost = 1_234_567n * rateToPico('3');
    expect(cost).toBe(3_703_701_000_000n);
    expect(moneyToDecimal(cost)).toBe('3.703701');
    expect(formatUsd(cost, 6)).toBe('$3.703701');
    expect(formatUsd(cost)).toBe('$3.70');
  });

  it('sums of many small costs do not drift (float would)', () => {
    // one million requests of 7 tokens at $0.035/M (Nova Micro input)
    const perRequest = 7n * rateToPico('0.035');
    const total = sumMoney(Array.from({ length: 1_000_000 }, () => perRequest));
    expect(total).toBe(245_000_000_000n); // $0.245 exactly
    let float = 0;
    for (let i = 0; i < 1_000_000; i++) float += (7 * 0.035) / 1e6;
    expect(float).not.toBe(0.245); // the reason Money is a bigint
    expect(moneyToDecimal(total)).toBe('0.245');
  });

  it('property: summing costs equals costing the summed tokens', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 2_000_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 99_999_999 }),
        (tokens, micro) => {
          const rate = rateToPico(`${Math.floor(micro / 1e6)}.${String(micro % 1e6).padStart(6, '0')}`);
          const each = sumMoney(tokens.map((t) => BigInt(t) * rate));
          const whole = BigInt(tokens.reduce((a, b) => a + b, 0)) * rate;
          return each === whole;
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('formatUsd, moneyToUsd, usdToMoney', () => {
  it('rounds half away from zero and handles negatives', () => {
    expect(formatUsd(5_000_000_000n)).toBe('$0.01'); // $0.005 → $0.01
    expect(formatUsd(4_999_999_999n)).toBe('$0.00');
    expect(formatUsd(-1_235_000_000_000n)).toBe('-$1.24');
    expect(formatUsd(-1n)).toBe('$0.00');
    expect(formatUsd(12_345_678_901_234n, 0)).toBe('$12');
    expect(formatUsd(1n, 12)).toBe('$0.000000000001');
    expect(formatUsd(1.005, 3)).toBe('$1.005');
    expect(formatUsd(-2.5)).toBe('-$2.50');
  });

  it('converts to numbers and back', () => {
    expect(moneyToUsd(3_703_701_000_000n)).toBe(3.703701);
    expect(moneyToUsd(123_456_789_012_345_678n)).toBeCloseTo(123456.78901234567, 6);
    expect(usdToMoney('37.5')).toBe(37_500_000_000_000n);
    expect(usdToMoney('-0.000000000001')).toBe(-1n);
    expect(usdToMoney('0.0000000000015')).toBe(2n); // rounded at the picodollar
    expect(usdToMoney(0.1)).toBe(100_000_000_000n);
    expect(usdToMoney('1.2e-3')).toBe(1_200_000_000n);
    expect(() => usdToMoney('twelve')).toThrow(InputError);
  });
});
