import { describe, expect, it } from 'vitest';
import { heuristicFeatures, heuristicLabeler, heuristicScore, labelForScore } from '../../src/classify/heuristic.js';

describe('heuristic labeler', () => {
  it('labels a short classification request easy', () => {
    const l = heuristicLabeler.label({ prompt: 'Classify this ticket into one of: billing, shipping, technical. Ticket: my card was charged twice.', inputTokens: 40 });
    expect(l.label).toBe('easy');
    expect(l.score).toBeLessThan(0.35);
  });
  it('labels long multi-step code work hard', () => {
    const prompt = `Debug this function step by step, explain why it fails, and refactor it. Compare the trade-offs of two designs.\n\`\`\`ts\nfunction f(x) { return x.map(y => y * 2) }\n\`\`\`\n${'context line\n'.repeat(400)}`;
    const l = heuristicLabeler.label({ prompt, inputTokens: 6000 });
    expect(l.label).toBe('hard');
  });
  it('a mid-length summary without routine or reasoning cues sits in between', () => {
    const l = heuristicLabeler.label({ prompt: `Summarize the following meeting notes for the team.\n${'note '.repeat(1500)}`, inputTokens: 1600 });
    expect(l.label).toBe('moderate');
  });
  it('scores rise monotonically with each hardness cue', () => {
    const base = heuristicFeatures({ prompt: 'hello', inputTokens: 100 });
    const s0 = heuristicScore(base);
    expect(heuristicScore({ ...base, code: 1 })).toBeGreaterThan(s0);
    expect(heuristicScore({ ...base, reasoning: 1 })).toBeGreaterThan(s0);
    expect(heuristicScore({ ...base, length: 1 })).toBeGreaterThan(s0);
    expect(heuristicScore({ ...base, routine: 1 })).toBeLessThan(s0);
  });
  it('uses characters/4 when the token count is missing and reads conversation depth', () => {
    const short = heuristicFeatures({ prompt: 'x'.repeat(400) });
    const deep = heuristicFeatures({ prompt: 'x'.repeat(400), turns: 11 });
    expect(short.length).toBe(0);
    expect(deep.depth).toBe(1);
  });
  it('thresholds split the score range', () => {
    expect(labelForScore(0.1)).toBe('easy');
    expect(labelForScore(0.5)).toBe('moderate');
    expect(labelForScore(0.9)).toBe('hard');
  });
});

describe('heuristicLabeler.labelWithOneTurnScore', () => {
  it('gives label(input) and the one-turn score label({…input, turns: undefined}).score, from one cue scan', () => {
    const inputs = [
      { prompt: 'Classify this ticket: my card was charged twice.', inputTokens: 40 },
      { prompt: 'Explain why the cache misses and derive the hit rate step by step.', turns: 7, maxTokens: 5000, inputTokens: 900 },
      { prompt: 'hi', system: 'You are terse.', turns: 30 },
      { prompt: 'x', turns: 0 },
    ];
    for (const input of inputs) {
      const both = heuristicLabeler.labelWithOneTurnScore!(input);
      expect(both.label).toEqual(heuristicLabeler.label(input));
      expect(both.oneTurnScore).toBe(heuristicLabeler.label({ ...input, turns: undefined }).score);
    }
    expect(heuristicLabeler.labelWithOneTurnScore!(inputs[1]!).oneTurnScore).not.toBe(heuristicLabeler.label(inputs[1]!).score);
  });
});
