/**
 * Fuzzing the traffic readers end to end (scripts/fuzz.mjs, through the built
 * package): Bedrock JSONL, OpenAI JSONL and CSV; plain, BOM, gzip, gzip
 * members, gzip with junk, gzip cut short; lines over the limit, huge token
 * counts, prototype names, control characters, cut lines, garbage, broken
 * quoting, duplicates. Each case runs in-process and with two worker threads.
 * A few thousand records per `npm test`; `node scripts/fuzz.mjs --cases N`
 * runs more (docs/analyze.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArbitrary, fuzzOne } from '../../scripts/fuzz.mjs';

describe('fuzzed logs through every reader', () => {
  it('never crash, lose or invent rows; count every line; no NaN or negative money; workers = in-process', async () => {
    let records = 0;
    await fc.assert(
      fc.asyncProperty(caseArbitrary(), async (spec) => {
        const r = await fuzzOne(spec);
        records += r.records;
        expect(r.problems).toEqual([]);
      }),
      { seed: 20251206, numRuns: 24 },
    );
    // The figure this test stands for (fast-check shrinks failing cases, so only count a passing run).
    expect(records).toBeGreaterThan(2000);
  }, 120_000);
});
