import { describe, expect, it } from 'vitest';
import { allocateSample, estimateTotal, type MeasuredUnit, type StratumTotal } from '../../src/classify/estimate.js';
import { maskVariable, taskSignature } from '../../src/classify/signature.js';
import { seededRandom } from '../../src/stats/random.js';

/** A synthetic traffic: strata of different sizes and easy rates; a prediction that is right with probability `acc`. */
function population(seed: number, acc: number) {
  const r = seededRandom(seed);
  const sizes = [4000, 2500, 1200, 600, 300, 150, 60, 25];
  const rates = [0.9, 0.6, 0.3, 0.8, 0.5, 0.2, 0.95, 0.4];
  const units: { stratum: string; truth: number; pred: number }[] = [];
  sizes.forEach((n, h) => {
    for (let i = 0; i < n; i++) {
      const truth = r() < rates[h]! ? 1 : 0;
      const pred = r() < acc ? truth : 1 - truth;
      units.push({ stratum: `s${h}`, truth, pred });
    }
  });
  return units;
}

function stratifiedDraw(units: ReturnType<typeof population>, n: number, seed: number) {
  const r = seededRandom(seed);
  const by = new Map<string, typeof units>();
  for (const u of units) {
    const list = by.get(u.stratum);
    if (list) list.push(u);
    else by.set(u.stratum, [u]);
  }
  const alloc = allocateSample(
    [...by].map(([key, list]) => ({ key, size: list.length })),
    n,
  );
  const sample: MeasuredUnit[] = [];
  for (const [key, list] of by) {
    // Partial Fisher–Yates: the first k of a shuffled copy, without replacement.
    const pool = [...list];
    const k = alloc.get(key)!;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(r() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      sample.push({ stratum: key, measured: pool[i]!.truth, predicted: pool[i]!.pred });
    }
  }
  const strata: StratumTotal[] = [...by].map(([key, list]) => ({ key, size: list.length, predicted: list.reduce((s, u) => s + u.pred, 0) }));
  return { strata, sample };
}

describe('stratified prediction-powered estimate', () => {
  it('is exact when every request is measured, whatever the predictions', () => {
    const units = population(1, 0.6);
    const { strata, sample } = stratifiedDraw(units, units.length, 2);
    const est = estimateTotal(strata, sample);
    expect(est.total).toBeCloseTo(units.reduce((s, u) => s + u.truth, 0), 9);
    expect(est.se).toBeCloseTo(0, 9);
  });

  it.each([
    ['at chance', 0.5],
    ['informative', 0.85],
  ])('covers the true total about 95%% of the time with predictions %s (400 draws of 400 labels)', (_name, acc) => {
    const units = population(7, acc);
    const truth = units.reduce((s, u) => s + u.truth, 0);
    let covered = 0;
    const reps = 400;
    for (let rep = 0; rep < reps; rep++) {
      const { strata, sample } = stratifiedDraw(units, 400, 100 + rep);
      const est = estimateTotal(strata, sample);
      if (est.ci[0] <= truth && truth <= est.ci[1]) covered++;
    }
    // Binomial noise on 400 draws at 95%: ±2.2 points (2 s.e.).
    expect(covered / reps).toBeGreaterThan(0.92);
    expect(covered / reps).toBeLessThan(0.985);
  });

  it('narrows the interval when the predictions are good', () => {
    const width = (acc: number) => {
      const units = population(3, acc);
      const { strata, sample } = stratifiedDraw(units, 400, 5);
      const e = estimateTotal(strata, sample);
      return e.ci[1] - e.ci[0];
    };
    expect(width(0.97)).toBeLessThan(0.6 * width(0.5));
  });

  it('covers the truth when most strata are one-off prompts (thin strata collapse into one rest stratum)', () => {
    // 3,000 requests, each its own cluster (free-form prompts), 400 measured at random: the rest stratum is the
    // whole traffic. Treating each singleton as an independent unmeasured stratum gave an interval 2.7× too narrow
    // (46% coverage over these 200 draws).
    const r = seededRandom(11);
    const units = Array.from({ length: 3000 }, (_, i) => {
      const truth = r() < 0.55 ? 1 : 0;
      return { stratum: `one-${i}`, truth, pred: r() < 0.6 ? truth : 1 - truth };
    });
    const truth = units.reduce((s, u) => s + u.truth, 0);
    let covered = 0;
    for (let rep = 0; rep < 200; rep++) {
      const { strata, sample } = stratifiedDraw(units, 400, 500 + rep);
      const e = estimateTotal(strata, sample);
      expect(e.strata.every((x) => x.collapsed)).toBe(true);
      if (e.ci[0] <= truth && truth <= e.ci[1]) covered++;
    }
    expect(covered / 200).toBeGreaterThan(0.9);
  });

  it('counts strata nobody measured and borrows the pooled correction for them', () => {
    const strata: StratumTotal[] = [
      { key: 'a', size: 100, predicted: 50 },
      { key: 'b', size: 100, predicted: 80 },
    ];
    const sample: MeasuredUnit[] = [
      { stratum: 'a', measured: 1, predicted: 0 },
      { stratum: 'a', measured: 1, predicted: 1 },
    ];
    const e = estimateTotal(strata, sample);
    expect(e.unmeasuredStrata).toBe(1);
    expect(e.measuredStrata).toBe(1);
    // Both strata get the mean correction 0.5: 50 + 50 + 80 + 50.
    expect(e.total).toBeCloseTo(230, 9);
    expect(e.se).toBeGreaterThan(0);
  });
});

describe('sample allocation', () => {
  it('adds up, gives every stratum its floor, stays within each stratum and is proportional', () => {
    const strata = [
      { key: 'big', size: 9000 },
      { key: 'mid', size: 900 },
      { key: 'small', size: 90 },
      { key: 'tiny', size: 1 },
    ];
    const a = allocateSample(strata, 400);
    expect([...a.values()].reduce((x, y) => x + y, 0)).toBe(400);
    expect(a.get('tiny')).toBe(1);
    expect(a.get('small')!).toBeGreaterThanOrEqual(2);
    expect(a.get('big')! / a.get('mid')!).toBeGreaterThan(8);
    expect(allocateSample(strata, 1e6).get('small')).toBe(90);
    const few = allocateSample(strata, 3);
    expect([...few.values()].reduce((x, y) => x + y, 0)).toBe(3);
    expect(few.get('big')).toBe(2);
  });
});

describe('task signature', () => {
  it('is the same for two uses of one template and differs between templates', () => {
    const a = taskSignature({ system: 'You are a support agent for Acme.', prompt: 'Classify this ticket #4411 from jane@acme.com: "my card 4929 was charged twice" please', tags: { app: 'support' } });
    const b = taskSignature({ system: 'You are a support agent for Acme.', prompt: 'Classify this ticket #98 from bob@example.org: "refund not received after 12 days" please', tags: { app: 'support' } });
    const c = taskSignature({ system: 'You are a support agent for Acme.', prompt: 'Summarize this ticket #98 for the on-call engineer', tags: { app: 'support' } });
    const d = taskSignature({ system: 'You are a support agent for Acme.', prompt: 'Classify this ticket #4411 from jane@acme.com: "x"', tags: { app: 'billing' } });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect(a.key).not.toBe(d.key);
    expect(a.text).toContain('support');
    expect(maskVariable('Order 12,345.50 at https://x.io/a?b=1 id 3f2a9c1e-0000-4000-8000-000000000000')).toBe('order <n> at <url> id <id>');
  });
});
