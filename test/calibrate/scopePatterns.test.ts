/**
 * The per-scope families (scope-tier, scope-classifier) on hand-built tables:
 * a scope the cheap tier holds goes cheap, a scope that needs the frontier
 * stays there, a scope too small to certify falls to the frontier, and the
 * saved policy routes new items the same way (an unseen scope: frontier).
 */
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { applyPolicy, routeTiers } from '../../src/calibrate/apply.js';
import { buildPolicy } from '../../src/calibrate/calibrateRun.js';
import { certificationLevels } from '../../src/calibrate/bounds.js';
import { parsePolicy } from '../../src/artifacts/policy.js';
import { PATTERN_FACTS } from '../../src/calibrate/patterns/index.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { validateConfig } from '../../src/config/schema.js';
import { scopedSearch, staticTierFamily } from '../../src/calibrate/scopes.js';
import { matrix, table, type ItemSpec } from './helpers.js';

const TIERS = ['cheap', 'frontier'];
const COSTS = [1, 10];
const OPTS = { bar: 0.95, barMode: 'relative' as const, confidence: 0.95 };

/** n items of a category: the cheap tier passes when `cheapPasses`, the frontier always. */
function scope(category: string, n: number, cheapPasses: boolean, prompt = (i: number) => `${category} question ${i}`): ItemSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${category}-${i}`, pass: cheapPasses ? '11' : '01', category, prompt: prompt(i) }));
}

describe('per-scope families under --max-p95-latency', () => {
  /** The easy scope served by a cheap tier that answers slowly (3 s), the frontier in 1 s. */
  function slowCheap() {
    const t = table([...scope('easy', 150, true), ...scope('hard', 50, false)], TIERS, COSTS);
    for (const item of t.items) {
      item.byTier.cheap!.latencyMs = 3000;
      item.byTier.frontier!.latencyMs = 1000;
    }
    return t;
  }

  it('a certified per-scope route over the limit is not eligible, and is reported as too slow', () => {
    // Without a limit: easy → cheap (150 items at 3 s), hard → frontier: p95 3,000 ms.
    const free = calibrate(slowCheap(), { ...OPTS, patterns: ['scope-tier'] }).report;
    expect(free.pick?.pattern).toBe('scope-tier');
    expect(free.pick?.latency).toEqual({ p50Ms: 3000, p95Ms: 3000 });
    const { report } = calibrate(slowCheap(), { ...OPTS, patterns: ['scope-tier'], maxP95LatencyMs: 2000 });
    expect(report.pick).toBeNull();
    const p = report.patterns[0]!;
    expect(p.best).toBeUndefined();
    expect(p.bestOverLatency?.latency).toEqual({ p50Ms: 3000, p95Ms: 3000 });
    expect(p.bestOverLatency?.savingsPct).toBeCloseTo((1 - 650 / 2000) * 100, 9);
  });
});

describe('scope-tier', () => {
  it('serves the scope the cheap tier holds cheap and the one that needs the frontier with the frontier', () => {
    const t = table([...scope('easy', 150, true), ...scope('hard', 50, false)], TIERS, COSTS);
    const { report } = calibrate(t, { ...OPTS, patterns: ['scope-tier'] });
    const p = report.patterns[0]!;
    expect(p.scopeBy).toBe('category');
    expect(p.scopes!.map((s) => [s.value, s.items, s.certified, s.tier])).toEqual([
      ['easy', 150, true, 'cheap'],
      // Not even all-frontier certifies on 50 items (the continuity correction): the scope is served by the frontier either way.
      ['hard', 50, false, 'frontier'],
    ]);
    // One pattern: the true-value half of 5% is 2.5%, split over the 2 scopes.
    expect(p.scopeConfidence).toBeCloseTo(1 - 0.025 / 2, 12);
    expect(report.pick!.pattern).toBe('scope-tier');
    // thresholds: easy → tier 0, hard → tier 1, items of no listed scope → the frontier.
    expect(report.pick!.thresholds).toEqual([0, 1, 1]);
    // 150 × $1 + 50 × $10 against 200 × $10.
    expect(report.pick!.savingsPct).toBeCloseTo((1 - 650 / 2000) * 100, 9);
    expect(report.pick!.parity).toBe(1);
    expect(report.pick!.tierShares).toEqual({ cheap: 0.75, frontier: 0.25 });
  });

  it('three tiers: each scope on the cheapest tier that holds it', () => {
    const specs = [
      ...scope('easy', 150, true).map((x) => ({ ...x, pass: '111' })),
      ...scope('medium', 150, true).map((x) => ({ ...x, pass: '011' })),
      ...scope('hard', 50, false).map((x) => ({ ...x, pass: '001' })),
    ];
    const t = table(specs, ['cheap', 'mid', 'frontier'], [1, 3, 10]);
    const { report } = calibrate(t, { ...OPTS, patterns: ['scope-tier'] });
    expect(report.patterns[0]!.scopes!.map((x) => [x.value, x.tier])).toEqual([
      ['easy', 'cheap'],
      ['hard', 'frontier'],
      ['medium', 'mid'],
    ]);
    expect(report.pick!.thresholds).toEqual([0, 2, 1, 2]);
    // 150 × $1 + 150 × $3 + 50 × $10 against 350 × $10.
    expect(report.pick!.savingsPct).toBeCloseTo((1 - 1100 / 3500) * 100, 9);
  });

  it('a scope too small to certify falls to the frontier', () => {
    const t = table([...scope('big', 150, true), ...scope('tiny', 5, true)], TIERS, COSTS);
    const { report } = calibrate(t, { ...OPTS, patterns: ['scope-tier'] });
    expect(report.patterns[0]!.scopes!.map((s) => [s.value, s.certified, s.tier])).toEqual([
      ['big', true, 'cheap'],
      ['tiny', false, 'frontier'],
    ]);
    expect(report.pick!.thresholds).toEqual([0, 1, 1]);
    // 150 × $1 + 5 × $10 against 155 × $10: the tiny scope's cheap answers all pass, but 5 items certify nothing.
    expect(report.pick!.savingsPct).toBeCloseTo((1 - 200 / 1550) * 100, 9);
  });

  it('shares the budget with the other patterns: each scope bound at 1 − α/2/patterns/scopes', () => {
    const t = table([...scope('easy', 150, true), ...scope('hard', 50, false)], TIERS, COSTS);
    const { report } = calibrate(t, { ...OPTS, patterns: ['confidence', 'scope-tier'] });
    // confidence is skipped (no confidence values): one pattern searched, as before.
    expect(report.patterns.find((p) => p.pattern === 'confidence')!.status).toBe('skipped');
    expect(report.boundConfidence).toBeCloseTo(certificationLevels(0.95, 1).trueConfidence, 12);
    const two = calibrate(t, { ...OPTS, patterns: ['scope-classifier', 'scope-tier'], train: { folds: 2 } }).report;
    expect(two.boundConfidence).toBeCloseTo(certificationLevels(0.95, 2).trueConfidence, 12);
    for (const p of two.patterns) expect(p.scopeConfidence).toBeCloseTo(1 - (1 - certificationLevels(0.95, 2).trueConfidence) / 2, 12);
  });

  it('config thresholds cannot carry scopes: a per-scope route comes from a policy file', () => {
    const { issues } = validateConfig({ routing: { pattern: 'scope-tier', thresholds: [0, 2] } }, { providers: PROVIDERS, patterns: PATTERN_FACTS });
    expect(issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain('routing.pattern: a scope-tier route needs the scopes it was certified on: set routing.policyFile (a `tokor calibrate --out` file) instead of routing.thresholds');
  });

  it('is skipped without two scopes', () => {
    const t = table(scope('only', 150, true), TIERS, COSTS);
    expect(() => calibrate(t, { ...OPTS, patterns: ['scope-tier'] })).toThrow(/category \(nor task\)/);
    const many = table(Array.from({ length: 201 }, (_, c) => scope(`c${c}`, 2, true)).flat(), TIERS, COSTS);
    expect(() => calibrate(many, { ...OPTS, patterns: ['scope-tier'] })).toThrow(/201 values of category to scope by: more than 200 scopes/);
  });

  it('the saved policy routes new items by scope; an unseen scope goes to the frontier', () => {
    const t = table([...scope('easy', 150, true), ...scope('hard', 50, false)], TIERS, COSTS);
    const { report } = calibrate(t, { ...OPTS, patterns: ['scope-tier'] });
    const policy = parsePolicy(JSON.parse(JSON.stringify(buildPolicy(report, t, undefined, { catalogVersion: 'x', confidenceField: 'confidence', createdAt: new Date(0) }))), { file: 'policy.json' }, PATTERN_FACTS);
    expect(policy.schemaVersion).toBe(2);
    expect(policy.scopes).toEqual({ by: 'category', entries: [{ value: 'easy', items: 150, tier: 'cheap' }, { value: 'hard', items: 50, tier: 'frontier' }] });
    // New items: 10 easy, 10 hard, 10 of a category calibration never saw.
    const fresh = table([...scope('easy', 10, true), ...scope('hard', 10, false), ...scope('new', 10, true)], TIERS, COSTS);
    const ev = applyPolicy(policy, fresh);
    expect(ev.tierShares).toEqual({ cheap: 10 / 30, frontier: 20 / 30 });
    expect(ev.savingsPct).toBeCloseTo((1 - 210 / 300) * 100, 9);
    // A policy whose thresholds contradict its scopes' tiers is refused.
    expect(() => parsePolicy({ ...policy, thresholds: [1, 1, 1] }, { file: 'p.json' }, PATTERN_FACTS)).toThrow(/routes this scope to "frontier", not "cheap"/);
    expect(() => parsePolicy({ ...policy, schemaVersion: 1 }, { file: 'p.json' }, PATTERN_FACTS)).toThrow(/schemaVersion 2/);
    expect(() => parsePolicy({ ...policy, thresholds: [0, 1] }, { file: 'p.json' }, PATTERN_FACTS)).toThrow(/expected 3 threshold/);
    expect([...routeTiers('scope-tier', [0, 1, 1], Float64Array.from([0, 1, 2, 0]), 4, 2)]).toEqual([0, 1, 1, 0]);
  });
});

describe('scope-classifier', () => {
  it('certifies router thresholds per scope: the cheap scope goes cheap, the hard one to the frontier', () => {
    const t = table([...scope('easy', 150, true), ...scope('hard', 50, false)], TIERS, COSTS);
    const { report, router } = calibrate(t, { ...OPTS, patterns: ['scope-classifier'], train: { folds: 2 } });
    const p = report.patterns[0]!;
    expect(p.scopes!.map((s) => [s.value, s.certified, s.parity])).toEqual([
      ['easy', true, 1],
      ['hard', false, 1],
    ]);
    expect(report.pick!.pattern).toBe('scope-classifier');
    expect(report.pick!.tierShares).toEqual({ cheap: 0.75, frontier: 0.25 });
    expect(report.pick!.savingsPct).toBeCloseTo((1 - 650 / 2000) * 100, 9);
    // Saved and re-applied to its own items, the policy reproduces the pick (the fold models give each item its out-of-fold score).
    const policy = parsePolicy(JSON.parse(JSON.stringify(buildPolicy(report, t, router, { catalogVersion: 'x', confidenceField: 'confidence', createdAt: new Date(0) }))), { file: 'policy.json' }, PATTERN_FACTS);
    expect(policy.router).toBeDefined();
    expect(policy.thresholds).toHaveLength(3);
    expect(applyPolicy(policy, t).savingsPct).toBeCloseTo(report.pick!.savingsPct, 9);
  });
});

describe('the global check of a per-scope route', () => {
  // Scope a: the cheap tier fails 2 of 400 items (certified on its own); scope b needs the frontier.
  const rows = [...Array.from({ length: 400 }, (_, i) => (i < 2 ? '01' : '11')), ...Array.from({ length: 100 }, () => '01')];
  const m = matrix(rows, [1, 10]);
  const search = (z: number) =>
    scopedSearch({
      pattern: 'scope-tier',
      m,
      routedCost: m.cost,
      scopeIndex: Float64Array.from(rows.map((_, i) => (i < 400 ? 0 : 1))),
      values: ['a', 'b'],
      by: 'category',
      tiers: TIERS,
      familyOf: (sub, rc) => staticTierFamily(sub, rc, 'scope-tier'),
      frontierThresholds: [1],
      showTier: true,
      input: { crit: { mode: 'relative', bar: 0.95, z, zNew: 1.96, n: 500, sf: 500 }, trueConfidence: 0.975, maxCurve: 400 },
    });

  it('keeps the union of the scopes’ routes when it holds the global bar', () => {
    const r = search(2);
    expect(r.extra.scopes.map((s) => s.tier)).toEqual(['cheap', 'frontier']);
    expect(r.best!.thresholds).toEqual([0, 1, 1]);
  });

  it('walks from all-frontier and stops at the first route that fails the global bound', () => {
    // At a global z of 14 (made stricter than the scopes' to force it), moving scope a to cheap fails globally.
    const r = search(14);
    expect(r.extra.scopes.map((s) => s.tier)).toEqual(['cheap', 'frontier']);
    expect(r.curve.map((p) => p.margin >= 0)).toEqual([true, false, false]);
    expect(r.best!.thresholds).toEqual([1, 1, 1]);
    expect(r.best!.costUsd).toBe(5000);
  });
});
