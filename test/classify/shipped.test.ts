import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRouterModel } from '../../src/artifacts/router.js';
import { heuristicLabeler } from '../../src/classify/heuristic.js';
import { SHIPPED_LABELER_SOURCE, shippedLabeler } from '../../src/classify/shipped.js';
import { foldOf } from '../../src/classify/trained.js';

describe('shipped labeler (RouteLLM-trained router)', () => {
  const file = new URL('../../src/classify/models/routellm-labeler.json', import.meta.url);

  it('is a valid, converged router of five fold models, trained on RouteLLM items only', () => {
    const model = parseRouterModel(JSON.parse(readFileSync(file, 'utf8')), { file: 'routellm-labeler.json' });
    expect(model.classes).toEqual(['cheap', 'frontier']);
    expect(model.models).toHaveLength(5);
    expect(model.training.optimizer).toBe('lbfgs');
    expect(model.training.converged).toBe(true);
    // 1,307 + 14,037 decontaminated RouteLLM GSM8K and MMLU items, nothing else.
    expect(model.training.items).toBe(15344);
    expect(SHIPPED_LABELER_SOURCE.licence).toMatch(/Apache-2\.0/);
  });

  it('labels with a score in (0, 1), deterministically, from the fold model its prompt hash picks', () => {
    const l = shippedLabeler();
    const a = l.label({ prompt: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell?' });
    const b = shippedLabeler().label({ prompt: 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell?' });
    expect(a).toEqual(b);
    expect(a.score).toBeGreaterThan(0);
    expect(a.score).toBeLessThan(1);
    const input = { prompt: 'What is the capital of France?\nA. Paris\nB. Lyon\nC. Nice\nD. Lille\nAnswer:' };
    const fold = foldOf(input, 5, l.model.training.seed);
    expect(fold).toBeGreaterThanOrEqual(0);
    expect(l.probabilities(input).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    // Not the heuristic under another name.
    expect(l.label(input).score).not.toBeCloseTo(heuristicLabeler.label(input).score, 3);
  });
});
