/**
 * Prompt bounds and the two classes a request has over them (src/pricing/promptBounds.ts): its prompt class
 * (input + cache tokens), what long-context prices and input limits read, and its window class (prompt and
 * answer), what a context window must hold. Pure units.
 */
import { describe, expect, it } from 'vitest';
import { isLongPrompt, overOfPrompt, promptBounds, promptOverOf, windowHolds, windowOverOf, type ModelPrice } from '../../src/pricing/index.js';

/** Haiku-like: 200,000 tokens of window; a long-context price over 100,000 prompt tokens. */
const BOUNDS = [100_000, 200_000, 300_000];
const price = { contextWindow: 200_000, longContext: { above: 100_000 } } as unknown as ModelPrice;
/** A request's classes, as a bucket keeps them. */
const holds = (p: Pick<ModelPrice, 'contextWindow' | 'maxInputTokens'>, prompt: number, output: number, bounds = BOUNDS) => windowHolds(p, promptOverOf(prompt, bounds), windowOverOf(prompt, output, bounds));

describe('prompt and window classes', () => {
  it('a window class counts the answer, a prompt class does not', () => {
    // 199,000 prompt tokens: under the window alone, over it with a 2,000-token answer.
    expect(promptOverOf(199_000, BOUNDS)).toBe(100_000);
    expect(windowOverOf(199_000, 2_000, BOUNDS)).toBe(200_000);
    expect(holds(price, 199_000, 0)).toBe(true);
    expect(holds(price, 199_000, 2_000)).toBe(false);
    // Exactly the window holds; one token more does not.
    expect(holds(price, 199_000, 1_000)).toBe(true);
    expect(holds(price, 199_000, 1_001)).toBe(false);
    // One request as a class of its own (the session simulation): the same answers.
    expect(windowHolds(price, overOfPrompt(150_000), overOfPrompt(200_000))).toBe(true);
    expect(windowHolds(price, overOfPrompt(150_000), overOfPrompt(200_001))).toBe(false);
  });

  it('an input limit reads the prompt alone, the window the prompt and answer (OpenAI: 272K input of a 400K window)', () => {
    const gpt5 = { contextWindow: 400_000, maxInputTokens: 272_000 };
    const bounds = promptBounds({ version: 't', prices: [{ ...price, key: 'gpt-5', ...gpt5 } as ModelPrice] }, ['gpt-5']);
    expect(bounds).toEqual([100_000, 272_000, 400_000]);
    expect(holds(gpt5, 272_000, 128_000, bounds)).toBe(true);
    expect(holds(gpt5, 272_001, 0, bounds)).toBe(false);
    expect(holds(gpt5, 272_000, 128_001, bounds)).toBe(false);
    // Gemini: an input limit and no window of prompt and answer stated.
    const gemini = { maxInputTokens: 1_048_576 };
    expect(holds(gemini, 1_048_576, 65_536, [1_048_576])).toBe(true);
    expect(holds(gemini, 1_048_577, 0, [1_048_576])).toBe(false);
  });

  it('prices still read the prompt class alone: an answer never makes a request long-context', () => {
    // 90,000 prompt tokens and a 50,000-token answer: over 100,000 together, not over the price threshold.
    expect(windowOverOf(90_000, 50_000, BOUNDS)).toBe(100_000);
    expect(isLongPrompt(price, { promptOver: promptOverOf(90_000, BOUNDS) })).toBe(false);
    expect(isLongPrompt(price, { promptOver: promptOverOf(100_001, BOUNDS) })).toBe(true);
  });

  it('a window class is never below the prompt class over the same bounds', () => {
    for (const prompt of [0, 1, 99_999, 100_000, 100_001, 250_000, 10 ** 7]) {
      for (const output of [0, 1, 1_000, 150_000]) expect(windowOverOf(prompt, output, BOUNDS)).toBeGreaterThanOrEqual(promptOverOf(prompt, BOUNDS));
    }
    expect(windowOverOf(10 ** 7, 10 ** 7, [])).toBe(0);
  });

  it('a model with neither a window nor an input limit stated is unchecked, not held', () => {
    expect(windowHolds({}, 0, 0)).toBeUndefined();
    expect(windowHolds({}, 300_000, 300_000)).toBeUndefined();
  });
});
