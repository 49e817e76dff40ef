import { describe, expect, it } from 'vitest';
import { routeTiers, routedCosts } from '../../src/calibrate/apply.js';
import { PATTERNS, ROUTING_PATTERNS } from '../../src/calibrate/patterns/index.js';

describe('routing pattern registry', () => {
  it('has one entry per routing pattern, and routing goes through it', () => {
    expect(Object.keys(PATTERNS).sort()).toEqual([...ROUTING_PATTERNS].sort());
    // 2 items × 3 tiers: boundary scores for the classifier, a value per tier for the sequential patterns.
    const m = { n: 2, k: 3, pass: new Uint8Array(6), cost: Float64Array.from([1, 2, 4, 1, 2, 4]) };
    expect([...routeTiers('classifier', [0.5, 0.5], Float64Array.from([0.9, 0.2, 0.1, 0.1]), 2, 3)]).toEqual([1, 0]);
    expect([...routeTiers('cascade', [0.5, 0.5], Float64Array.from([0.1, 0.9, 0, 0.7, 0, 0]), 2, 3)]).toEqual([1, 0]);
    expect([...routedCosts(m, 'classifier', 0.5)]).toEqual([1.5, 2.5, 4.5, 1.5, 2.5, 4.5]);
    expect([...routedCosts(m, 'confidence')]).toEqual([1, 3, 7, 1, 3, 7]);
    // Only cascade and confidence try tiers one after another; the router and the per-scope patterns make one call.
    expect(ROUTING_PATTERNS.map((p) => PATTERNS[p].sequential)).toEqual(ROUTING_PATTERNS.map((p) => p === 'cascade' || p === 'confidence'));
  });
});
