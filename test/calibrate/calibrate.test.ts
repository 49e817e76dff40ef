import { describe, expect, it } from 'vitest';
import { calibrate, isHeldOut, splitHoldout } from '../../src/calibrate/calibrate.js';
import { groundTruthTier } from '../../src/calibrate/patterns/classifier.js';
import { applyPolicy, matrixOf, routedCosts } from '../../src/calibrate/apply.js';
import { routerSignal } from '../../src/calibrate/route.js';
import { baselinesOf } from '../../src/calibrate/baselines.js';
import { classifierFamily, costSteps, sweepFamily } from '../../src/calibrate/sweep.js';
import { certifyingZ, pairedLower, oneSidedZ } from '../../src/calibrate/bounds.js';
import { InputError } from '../../src/errors.js';
import { seededRandom } from '../../src/stats/random.js';
import { routerFromJson } from '../../src/artifacts/routerLabeler.js';
import type { RoutingPolicyFile } from '../../src/artifacts/policy.js';
import { matrix, table, type ItemSpec } from './helpers.js';

const TIERS3 = ['cheap', 'mid', 'frontier'];
const COSTS3 = [0.001, 0.004, 0.02];
const base = { bar: 0.95, barMode: 'relative' as const, confidence: 0.95 };

/** A three-tier workload whose difficulty shows in the prompt; cheap answers carry a JSON gate and a confidence. */
function workload(n: number, seed: number): ItemSpec[] {
  const r = seededRandom(seed);
  const words = 'invoice refund shipping login password order account billing'.split(' ');
  return Array.from({ length: n }, (_, i) => {
    const level = r() < 0.55 ? 0 : r() < 0.6 ? 1 : 2;
    const topic = words[Math.floor(r() * words.length)]!;
    const prompt = level === 0 ? `Classify this ticket about ${topic}.` : level === 1 ? `Summarize the ${topic} dispute and list the refund steps in order.` : `Prove the ${topic} reconciliation invariant holds across every ledger shard, step by step.`;
    const pCheap = [0.95, 0.35, 0.1][level]!;
    const pMid = [0.97, 0.9, 0.4][level]!;
    const cheap = r() < pCheap;
    const mid = cheap || r() < pMid;
    const frontier = r() < 0.97;
    return {
      id: `t${i}`,
      pass: `${cheap ? 1 : 0}${mid ? 1 : 0}${frontier ? 1 : 0}`,
      prompt,
      gate: [cheap || r() < 0.03 ? 1 : 0, mid || r() < 0.03 ? 1 : 0, 1],
      confidence: [cheap ? 0.6 + 0.4 * r() : 0.7 * r(), mid ? 0.6 + 0.4 * r() : 0.7 * r(), 0.9],
    };
  });
}

describe('calibrate', () => {
  const t = table(workload(600, 1), TIERS3, COSTS3);

  it('picks a route whose bound meets the bar, beats random and stays under the oracle', () => {
    const { report, router } = calibrate(t, { ...base, patterns: ['classifier', 'cascade', 'confidence'] });
    expect(report.pick).not.toBeNull();
    const pick = report.pick!;
    expect(pick.parityLower).toBeGreaterThanOrEqual(0.95 - 1e-9);
    expect(pick.meetsBar).toBe(true);
    expect(pick.savingsPct).toBeGreaterThan(0);
    expect(pick.savingsPct).toBeLessThanOrEqual(report.baselines.oracle.savingsPct);
    expect(pick.quality).toBeGreaterThanOrEqual(report.baselines.random!.quality);
    expect(pick.thresholds).toHaveLength(2);
    expect(report.patterns.map((p) => p.status)).toEqual(['ok', 'ok', 'ok']);
    // Half the 5% error budget bounds the true parity, split over the 3 patterns (the other half is the new sample's margin).
    expect(report.boundConfidence).toBeCloseTo(1 - 0.05 / 2 / 3, 12);
    expect(report.headline).toMatch(/^\d+\.\d% cheaper than all-frontier at \d+\.\d% parity \(95% CI \d+\.\d%–\d+\.\d%\)$/);
    expect(router?.classes).toEqual(TIERS3);
    // Shares add up; the cascade gate was found automatically.
    expect(Object.values(pick.tierShares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(report.patterns.find((p) => p.pattern === 'cascade')?.gate).toBe('valid-json');
  });

  it('re-applying a cascade pick as a policy reproduces it exactly', () => {
    const { report } = calibrate(t, { ...base, patterns: ['cascade'] });
    const pick = report.pick!;
    expect(pick.pattern).toBe('cascade');
    const policy: RoutingPolicyFile = {
      schemaVersion: 1,
      kind: 'tokor-policy',
      pattern: 'cascade',
      thresholds: pick.thresholds,
      gate: pick.gate!,
      tiers: TIERS3.map((name) => ({ name, model: `${name}-model` })),
      ...base,
      routerCostUsd: 0,
      provenance: { datasetId: 'ds', resultsSha256: [], catalogVersion: 'x', createdAt: '2025-01-01T00:00:00Z' },
    };
    const ev = applyPolicy(policy, t);
    expect(ev.quality).toBe(pick.quality);
    expect(ev.costUsd).toBeCloseTo(pick.costUsd, 12);
    expect(ev.tierShares).toEqual(pick.tierShares);
  });

  it('too few items for the confidence: says how many are needed', () => {
    const small = table([{ pass: '011', gate: [0, 1, 1] }, { pass: '111', gate: [1, 1, 1] }, { pass: '001', gate: [0, 0, 1] }], TIERS3, COSTS3);
    expect(() => calibrate(small, { ...base, barMode: 'absolute', bar: 0.9, patterns: ['cascade'] })).toThrow(InputError);
    expect(() => calibrate(small, { ...base, barMode: 'absolute', bar: 0.9, patterns: ['cascade'] })).toThrow(/3 item\(s\); even a perfect router needs at least 35/);
  });

  it('no route saves money at the bar: no pick, the best achievable bound, and why', () => {
    // Cheap fails everything the frontier passes: any saving loses quality.
    const specs: ItemSpec[] = Array.from({ length: 200 }, (_, i) => ({ pass: i < 190 ? '01' : '00', gate: [0, 1], prompt: `q ${i}` }));
    const { report } = calibrate(table(specs, ['cheap', 'frontier'], [1, 10]), { ...base, patterns: ['cascade'] });
    expect(report.pick).toBeNull();
    expect(report.headline).toMatch(/^no routing saves money while keeping 95\.0% parity at 95% confidence; best achievable parity bound/);
    expect(report.bestAchievable).toBeDefined();
  });

  it('says how many items a route that meets the bar by point estimate would need', () => {
    // 40 items, frontier always right; cheap fails 4, and the gate misses one of those: quality 39/40.
    // Paired d = 0.05 (39 items) or −0.95 (1): a positive mean whose bound needs more items.
    const specs: ItemSpec[] = Array.from({ length: 40 }, (_, i) => ({ pass: i < 36 ? '11' : '01', gate: [i < 36 || i === 36 ? 1 : 0, 1] }));
    const { report } = calibrate(table(specs, ['cheap', 'frontier'], [1, 10]), { ...base, patterns: ['cascade'] });
    expect(report.pick).toBeNull();
    const bp = report.patterns[0]!.bestPoint!;
    expect(bp.quality).toBe(39 / 40);
    // The smallest n whose corrected paired bound holds at the observed rates (39/40 vs 40/40), under the
    // certification rule (bar plus the margin of a new sample as large, each at half the error budget: one
    // pattern, so both at 97.5%; the rule's z is certifyingZ).
    const at = (m: number) => pairedLower(m, (39 * m) / 40, (39 * m) / 40, m, 0.95, certifyingZ(oneSidedZ(0.975), m));
    expect(bp.itemsNeeded).toBeGreaterThan(40);
    expect(at(bp.itemsNeeded!)).toBeGreaterThanOrEqual(0);
    expect(at(bp.itemsNeeded! - 1)).toBeLessThan(0);
    expect(report.notes.join(' ')).toMatch(new RegExp(`would need about ${bp.itemsNeeded} items for its bound to hold; there are 40`));
  });

  it('oracle baseline by hand', () => {
    // Cheapest passing tier: a→cheap, b→mid, c→frontier, d→none (cheap). Costs 1, 3, 10.
    const m = matrix(['111', '011', '001', '000'], [1, 3, 10]);
    const b = baselinesOf(m, TIERS3, 0, { cheap: 0.5, mid: 0.25, frontier: 0.25 });
    expect(b.oracleMaxQuality).toMatchObject({ quality: 0.75, costUsd: 1 + 3 + 10 + 1 });
    // Target 0.5 quality: give up the pass that saves most (c: 10 − 1).
    const held = baselinesOf(m, TIERS3, 0.5);
    expect(held.oracle).toMatchObject({ quality: 0.5, costUsd: 1 + 3 + 1 + 1, meetsTarget: true });
    expect(b.frontier).toMatchObject({ quality: 0.75, costUsd: 40, savingsPct: 0 });
    expect(b.cheapest.quality).toBe(0.25);
    // Random at shares ½, ¼, ¼: quality ½·¼ + ¼·½ + ¼·¾; cost ½·4 + ¼·12 + ¼·40.
    expect(b.random!.quality).toBeCloseTo(0.125 + 0.125 + 0.1875, 12);
    expect(b.random!.costUsd).toBeCloseTo(2 + 3 + 10, 12);
  });

  it('uses out-of-fold router scores: noise labels certify no more than random routing could', () => {
    // Frontier always passes; cheap passes at random (50%), unrelated to the prompt.
    const r = seededRandom(99);
    const vocab = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split(' ');
    const specs: ItemSpec[] = Array.from({ length: 500 }, () => ({
      pass: `${r() < 0.5 ? 1 : 0}1`,
      prompt: Array.from({ length: 8 }, () => vocab[Math.floor(r() * vocab.length)]).join(' '),
    }));
    const noisy = table(specs, ['cheap', 'frontier'], [1, 10]);
    const { report, router } = calibrate(noisy, { ...base, patterns: ['classifier'] });
    // Random routing keeps 95% parity only with ≤ 10% of items on cheap: ≤ 9% savings.
    const savings = report.pick?.savingsPct ?? 0;
    expect(savings).toBeLessThan(9);
    // The saved router re-scores its own training items with their out-of-fold scores, so the same sweep over
    // what it deploys certifies no more than calibration did: nothing in-sample leaks into the policy.
    const m = matrixOf(noisy, noisy.tiers);
    const deployed = routerSignal(routerFromJson(router), noisy);
    const sw = sweepFamily(m, classifierFamily(m, deployed, costSteps(m), routedCosts(m, 'classifier')), { mode: 'relative', bar: 0.95, z: oneSidedZ(0.95), n: m.n, sf: m.n }, { target: 0.95 });
    expect(sw.best ? (1 - sw.best.costUsd / (10 * m.n)) * 100 : 0).toBeLessThan(9);
  });

  it('compares the pick with random routing at its own shares, paired by item', () => {
    const { report } = calibrate(t, { ...base, patterns: ['classifier'] });
    const r = report.randomAtShares!;
    expect(r.parity).toBeCloseTo(report.baselines.random!.quality / report.baselines.frontier.quality, 12);
    expect(r.savingsPct).toBeCloseTo(report.baselines.random!.savingsPct, 12);
    expect(r.marginPts).toBeCloseTo((report.pick!.parity - r.parity) * 100, 9);
    // The prompts carry the difficulty: the router beats chance at its shares.
    expect(r.routerBeatsRandom).toBe(true);
    expect(r.marginLowerPts).toBeGreaterThan(0);
  });

  it('says when the router adds nothing over random routing at the same shares', () => {
    // Cheap passes 96% of items at random, whatever the prompt: any split certifies, none beats chance.
    const r = seededRandom(5);
    const specs: ItemSpec[] = Array.from({ length: 3000 }, (_, i) => ({ id: `n${i}`, pass: `${r() < 0.96 ? 1 : 0}1`, prompt: `ticket ${Math.floor(r() * 1e6)} about ${['a', 'b', 'c'][i % 3]}` }));
    const { report } = calibrate(table(specs, ['cheap', 'frontier'], [1, 10]), { ...base, patterns: ['classifier'] });
    expect(report.pick).not.toBeNull();
    expect(report.randomAtShares!.routerBeatsRandom).toBe(false);
    expect(report.notes.join('\n')).toMatch(/not measurably better than random routing at the same tier shares/);
  });

  it('ground truth is the cheapest passing tier, none folding into the top', () => {
    const m = matrix(['011', '000', '100'], [1, 2, 3]);
    expect([0, 1, 2].map((i) => groundTruthTier(m, i))).toEqual([1, 2, 0]);
  });

  it('splits a seeded holdout by a hash of each item id: about the share asked, stable under reordering and added items', () => {
    const a = splitHoldout(t, 0.3, 5);
    const b = splitHoldout(t, 0.3, 5);
    // 600 items at 30%: binomial sd ≈ 11, so within 4 sd of 180.
    expect(Math.abs(a.holdout.items.length - 180)).toBeLessThan(45);
    expect(a.holdout.items.length + a.calibration.items.length).toBe(600);
    expect(a.holdout.items.map((i) => i.itemId)).toEqual(b.holdout.items.map((i) => i.itemId));
    const ids = new Set(a.calibration.items.map((i) => i.itemId));
    expect(a.holdout.items.some((i) => ids.has(i.itemId))).toBe(false);
    // The same item is held out whatever the order of the table and whichever other items it has.
    const reversed = splitHoldout({ ...t, items: [...t.items].reverse() }, 0.3, 5);
    expect(new Set(reversed.holdout.items.map((i) => i.itemId))).toEqual(new Set(a.holdout.items.map((i) => i.itemId)));
    const half = splitHoldout({ ...t, items: t.items.slice(0, 300) }, 0.3, 5);
    expect(half.holdout.items.map((i) => i.itemId)).toEqual(a.holdout.items.filter((i) => t.items.indexOf(i) < 300).map((i) => i.itemId));
    expect(t.items.every((i) => isHeldOut(i.itemId, 0.3, 5) === a.holdout.items.includes(i))).toBe(true);
    // Another seed, another split.
    expect(splitHoldout(t, 0.3, 6).holdout.items.map((i) => i.itemId)).not.toEqual(a.holdout.items.map((i) => i.itemId));
  });

  it('charges the router cost per request to the classifier pattern', () => {
    const cheapRouter = calibrate(t, { ...base, patterns: ['classifier'] });
    const dearRouter = calibrate(t, { ...base, patterns: ['classifier'], routerCostUsd: 0.002 });
    const p0 = cheapRouter.report.pick!;
    const p1 = dearRouter.report.pick;
    expect(p1 === null || p1.savingsPct < p0.savingsPct).toBe(true);
    const curve = dearRouter.report.patterns[0]!.curve;
    // All-frontier plus a router costs more than all-frontier: negative savings at the end of the curve.
    expect(curve[curve.length - 1]!.savingsPct).toBeCloseTo(-10, 6);
  });
});
