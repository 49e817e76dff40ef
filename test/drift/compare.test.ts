import { describe, expect, it } from 'vitest';
import { compareProfiles, DEFAULT_DRIFT_THRESHOLDS, poolAdjacent, poolSparse } from '../../src/drift/compare.js';
import { addToProfile, finishProfile, newProfileAcc, type ProfileFacts, type TrafficProfile } from '../../src/drift/profile.js';
import { seededRandom, shuffled } from '../../src/stats/random.js';

/** A population of requests: 12 clusters of unequal size, scores and lengths that depend on the cluster. */
function population(n: number, seed: number, weights = [30, 20, 12, 9, 7, 6, 5, 4, 3, 2, 1, 1]): ProfileFacts[] {
  const rand = seededRandom(seed);
  const total = weights.reduce((s, w) => s + w, 0);
  const out: ProfileFacts[] = [];
  for (let i = 0; i < n; i++) {
    let u = rand() * total;
    let k = 0;
    while (u >= weights[k]!) u -= weights[k++]!;
    const score = Math.min(0.999, Math.max(0, 0.1 + k * 0.06 + (rand() - 0.5) * 0.3));
    const length = Math.round(40 * 2 ** (k / 3 + rand() * 2));
    out.push({ cluster: { key: `c${k.toString().padStart(7, '0')}`, text: `task ${k} …` }, score, length, fromText: true });
  }
  return out;
}

function profileOf(facts: readonly ProfileFacts[]): TrafficProfile {
  const acc = newProfileAcc();
  for (const f of facts) addToProfile(acc, f);
  return finishProfile(acc, 'heuristic');
}

describe('compareProfiles', () => {
  it('stays quiet on resamples of the same traffic: over 200 seeded splits the false-alarm rate is within a binomial bound of alpha', () => {
    const pop = population(1200, 7);
    const alpha = 0.05;
    let alarms = 0;
    let significant = 0;
    const trials = 200;
    for (let seed = 1; seed <= trials; seed++) {
      const s = shuffled(pop, seededRandom(seed));
      const v = compareProfiles(profileOf(s.slice(0, 600)), profileOf(s.slice(600)), { alpha, maxPsi: 0, minCoverage: 0 });
      if (!v.stable) alarms++;
      if (v.measures.some((m) => m.pValue < m.level)) significant++;
    }
    // Binomial(200, 0.05): mean 10, sd 3.08; a 3-sd band. Bonferroni over three tests keeps the rate at or a bit below alpha.
    expect(alarms).toBe(significant);
    expect(alarms / trials).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / trials));
    expect(alarms / trials).toBeGreaterThanOrEqual(Math.max(0, alpha - 3 * Math.sqrt((alpha * (1 - alpha)) / trials)) / 3);
    // With the default thresholds (PSI must also pass 0.2) no resample is flagged.
    for (let seed = 1; seed <= 20; seed++) {
      const s = shuffled(pop, seededRandom(seed));
      expect(compareProfiles(profileOf(s.slice(0, 600)), profileOf(s.slice(600)), { ...DEFAULT_DRIFT_THRESHOLDS, minCoverage: 0 }).stable).toBe(true);
    }
  });

  it('flags a cluster mix that moved, and names the clusters that moved', () => {
    const base = profileOf(population(600, 1));
    const moved = profileOf(population(600, 2, [5, 20, 12, 9, 7, 6, 5, 4, 3, 2, 1, 30]));
    const v = compareProfiles(base, moved);
    expect(v.stable).toBe(false);
    const mix = v.measures.find((m) => m.measure === 'clusterMix')!;
    expect(mix.drifted).toBe(true);
    expect(mix.pValue).toBeLessThan(1e-6);
    expect(mix.psi).toBeGreaterThan(0.2);
    expect(v.moved.map((c) => c.signature).slice(0, 2).sort()).toEqual(['c0000000', 'c0000011']);
  });

  it('coverage: clusters of the traffic absent from the baseline, by requests and spend', () => {
    const base = profileOf(population(300, 3, [1, 1, 1]));
    const cur = profileOf(population(300, 4, [1, 1, 1, 1]));
    const v = compareProfiles(base, cur, { ...DEFAULT_DRIFT_THRESHOLDS, minCoverage: 0.7 });
    expect(v.coverage.uncoveredClusters).toBe(1);
    expect(v.coverage.uncovered[0]!.signature).toBe('c0000003');
    expect(v.coverage.requestShare).toBeCloseTo(1 - v.coverage.uncovered[0]!.requests / 300, 12);
    expect(v.coverage.pass).toBe(true);
    expect(compareProfiles(base, cur, { ...DEFAULT_DRIFT_THRESHOLDS, minCoverage: 0.9 }).coverage.pass).toBe(false);
  });
});

describe('pooling', () => {
  it('pools sparse clusters into one cell and merges sparse neighbouring bins', () => {
    expect(poolSparse([50, 50, 3, 3, 3], [50, 50, 3, 3, 0])).toEqual({ a: [50, 50, 9], b: [50, 50, 6] });
    expect(poolSparse([50, 50, 1, 1, 1], [50, 50, 2, 1, 0])).toEqual({ a: [53, 50], b: [53, 50] });
    expect(poolSparse([50, 50, 1], [50, 50, 0])).toEqual({ a: [51, 50], b: [50, 50] });
    expect(poolAdjacent([10, 0, 1, 10, 2], [10, 1, 0, 10, 1])).toEqual({ a: [10, 13], b: [10, 12] });
    expect(poolAdjacent([1, 2, 10, 0, 1], [2, 3, 10, 0, 0])).toEqual({ a: [14], b: [15] });
  });
});
