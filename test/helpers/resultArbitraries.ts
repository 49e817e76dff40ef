/**
 * fast-check arbitraries for results lines, shared by the tests of the line
 * (`resultLine`) and of its serializer (`resultJson`, `fastResultJson`): the
 * body a run produces and the identity of the item, over the text and numbers
 * each test asks for.
 */
import fc from 'fast-check';
import type { ResultBody } from '../../src/eval/resultLine.js';

const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** An object without its undefined values (an optional key the runner leaves out). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Strings JSON escapes (quotes, backslashes, controls, U+2028) and non-ASCII. */
const resultText = fc.oneof(fc.string(), fc.constantFrom('', '"', '\\', '\n\t', '\u2028', 'é😀'));
/** Finite numbers. */
const resultNumber = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());

/** The arbitraries of a results line over these texts and numbers. */
export function resultArbitraries(text: fc.Arbitrary<string> = resultText, number: fc.Arbitrary<number> = resultNumber) {
  const body: fc.Arbitrary<ResultBody> = fc
    .record({
      model: text,
      pass: fc.boolean(),
      score: number,
      inputTokens: fc.nat(),
      outputTokens: fc.nat(),
      cacheReadTokens: fc.nat(),
      cacheWriteTokens: fc.nat(),
      costUsd: fc.option(number, { nil: null }),
      latencyMs: fc.nat(),
      output: text,
      graders: fc.array(fc.record({ grader: text, pass: fc.boolean(), score: number, reason: text }), { maxLength: 3 }),
      error: optional(text),
      confidence: optional(number),
      invokedModel: optional(text),
      source: optional(fc.constantFrom('live' as const, 'cache' as const, 'replay' as const)),
    })
    .map(defined);
  const identity = fc.record({
    datasetId: text,
    case: fc.record({ id: text, task: optional(text), category: optional(text) }).map(defined),
    tier: fc.record({ name: text }),
  });
  return { body, identity };
}
