import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { moneyToNumber, numberToMoney, parseDecimal } from '../../src/costs/decimal.js';
import { moneyToDecimal, sumMoney } from '../../src/pricing/money.js';

describe('parseDecimal / moneyToDecimal', () => {
  it.each([
    ['37.5', '37.5'],
    ['0.0000123', '0.0000123'],
    ['-2', '-2'],
    ['18', '18'],
    ['.5', '0.5'],
    ['1.2345678901', '1.2345678901'],
    ['1.5E-7', '0.00000015'],
    ['2e3', '2000'],
    ['0.0000000000004', '0'],
    ['0.0000000000005', '0.000000000001'],
    ['  12.50 ', '12.5'],
  ])('%s → %s', (input, exact) => {
    expect(moneyToDecimal(parseDecimal(input)!)).toBe(exact);
  });

  it.each(['', 'abc', '1.2.3', 'NaN', '1,5', '$3', '-', '.', 'e5', '1e'])('rejects %j', (input) => {
    expect(parseDecimal(input)).toBeUndefined();
  });

  it('sums exactly where floats drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(moneyToNumber(sumMoney(['0.1', '0.2'].map((s) => parseDecimal(s)!)))).toBe(0.3);
    const tenths = Array.from({ length: 1000 }, () => parseDecimal('0.0000000001')!);
    expect(moneyToDecimal(sumMoney(tenths))).toBe('0.0000001');
  });

  it('round-trips any 10-decimal amount and sums like integer arithmetic', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), { maxLength: 20 }), (units) => {
        const strings = units.map((u) => moneyToDecimal(u * 100n)); // 10 decimals
        const parsed = strings.map((s) => parseDecimal(s)!);
        expect(parsed).toEqual(units.map((u) => u * 100n));
        expect(sumMoney(parsed)).toBe(units.reduce((a, b) => a + b, 0n) * 100n);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('numberToMoney uses the shortest decimal of the number', () => {
    expect(moneyToDecimal(numberToMoney(0.1))).toBe('0.1');
    expect(() => numberToMoney(Number.NaN)).toThrow();
  });
});
