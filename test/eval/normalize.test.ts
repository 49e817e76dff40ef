import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/eval/graders/normalize.js';

/** The definition normalizeText implements (docs/graders.md), applied in full to every string. */
const reference = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’ʼ]/g, "'")
    .replace(/[-_/]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('normalizeText', () => {
  it('matches the full Unicode definition on ASCII text (its fast path)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 80 }), (s) => {
        expect(normalizeText(s)).toBe(reference(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches it on text that may already be normal (words of a-z and 0-9, spaces anywhere)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab9 z0 -A.'), maxLength: 12 }), (s) => {
        expect(normalizeText(s)).toBe(reference(s));
      }),
      { numRuns: 3000 },
    );
    for (const s of ['', 'billing', 'a b', 'tier 2 refund', ' billing', 'billing ', 'a  b', 'Billing', 'billing.', 'a\tb']) expect(normalizeText(s)).toBe(reference(s));
  });

  it('matches it on mixed Unicode text too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), (s) => {
        expect(normalizeText(s)).toBe(reference(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('folds case, punctuation, separators and full-width forms', () => {
    expect(normalizeText('  Billing!  ')).toBe('billing');
    expect(normalizeText('re-fund_now/please')).toBe('re fund now please');
    expect(normalizeText('ＢＩＬＬＩＮＧ')).toBe('billing');
    expect(normalizeText('Don’t\tSTOP')).toBe('dont stop');
  });
});
