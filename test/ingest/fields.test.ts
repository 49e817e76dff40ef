import { describe, expect, it } from 'vitest';
import { normalizeTimestamp } from '../../src/ingest/index.js';

describe('normalizeTimestamp', () => {
  it.each([
    ['2025-03-11T00:38:02Z', '2025-03-11T00:38:02.000Z'], // AWS
    ['2025-05-15 14:14:49.000000000', '2025-05-15T14:14:49.000Z'], // Panther
    ['2025-03-11T00:38:02.123456Z', '2025-03-11T00:38:02.123Z'],
    ['2025-03-11T00:38:02.5Z', '2025-03-11T00:38:02.500Z'],
    ['2025-11-04T10:00:00.250+01:00', '2025-11-04T09:00:00.250Z'],
    ['2025-11-04T10:00:00-0500', '2025-11-04T15:00:00.000Z'],
    ['2025-11-04', '2025-11-04T00:00:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    [' 2025-03-11T00:38:02Z ', '2025-03-11T00:38:02.000Z'],
    [1762182000.123, '2025-11-03T15:00:00.123Z'], // LiteLLM epoch seconds
    [1762182000123, '2025-11-03T15:00:00.123Z'], // epoch milliseconds
    ['1762182000', '2025-11-03T15:00:00.000Z'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeTimestamp(input)).toBe(expected);
  });

  it.each([['xxxxxxxxxxxx'], ['2025-04-99T23:00:17Z'], ['2025-02-30T00:00:00Z'], ['2025-02-29T00:00:00Z'], ['2025-01-01T24:00:00Z'], [''], ['yesterday'], [null], [{}], [-5], [Number.NaN]])(
    '%s is unparseable',
    (input) => {
      expect(normalizeTimestamp(input)).toBeUndefined();
    },
  );
});
