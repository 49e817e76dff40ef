import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultJson, resultLine } from '../../src/eval/resultLine.js';
import { resultArbitraries } from '../helpers/resultArbitraries.js';

// Wider than the results line's own tests: lone surrogates, graphemes, bytes, NaN and infinities (written as JSON.stringify writes them).
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\n\t', '\u2028', '\ud800', 'é😀'));
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e21, 1e-7, 8.16e-6, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER));
const { body, identity } = resultArbitraries(text, number);

/** A result built the way the runner builds it (resultLine: required keys, then optional ones in its order), at either schemaVersion. */
const runnerResult = fc.tuple(fc.constantFrom(1, 2), identity, body).map(([schemaVersion, id, b]): Record<string, unknown> => ({ ...resultLine(id, b), schemaVersion }));

describe('resultJson', () => {
  it('writes exactly what JSON.stringify writes for the results the runner builds', () => {
    fc.assert(
      fc.property(runnerResult, (r) => {
        expect(resultJson(r as never)).toBe(JSON.stringify(r));
      }),
      { numRuns: 3000 },
    );
  });

  it('falls back to JSON.stringify for anything else: undefined values, extra or reordered keys, odd types', () => {
    fc.assert(
      fc.property(
        runnerResult,
        fc.constantFrom('undefined-key', 'extra', 'reorder', 'grader-extra', 'grader-reorder', 'string-score', 'no-model'),
        (base, twist) => {
          const r: Record<string, unknown> = { ...base };
          if (twist === 'undefined-key') r.task = undefined;
          if (twist === 'extra') r.note = 'kept';
          if (twist === 'reorder') {
            const { schemaVersion, ...rest } = r;
            Object.assign(r, {});
            for (const k of Object.keys(r)) delete r[k];
            Object.assign(r, rest, { schemaVersion });
          }
          if (twist === 'grader-extra') r.graders = [{ grader: 'g', pass: true, score: 1, reason: 'r', detail: [1] }];
          if (twist === 'grader-reorder') r.graders = [{ pass: true, grader: 'g', score: 1, reason: 'r' }];
          if (twist === 'string-score') r.score = '1';
          if (twist === 'no-model') delete r.model;
          expect(resultJson(r as never)).toBe(JSON.stringify(r));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
