import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { applyPolicy, type PolicyEvaluation } from '../../src/calibrate/apply.js';
import { headlineWithHoldout, holdoutReport } from '../../src/calibrate/calibrateRun.js';
import { parsePolicy, policyToJson, readPolicy as readPolicyFile, type RoutingPolicyFile } from '../../src/artifacts/policy.js';
import { PATTERN_FACTS } from '../../src/calibrate/patterns/index.js';
import { InputError } from '../../src/errors.js';
import { routerFromJson } from '../../src/artifacts/routerLabeler.js';
import { seededRandom } from '../../src/stats/random.js';
import { table, type ItemSpec } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-cal-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two tiers; items mentioning "ledger" are hard for the cheap tier. */
function specs(n: number, seed: number): ItemSpec[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const hard = r() < 0.4;
    const cheap = hard ? r() < 0.2 : r() < 0.95;
    return { id: `i${i}`, pass: `${cheap ? 1 : 0}${r() < 0.95 ? 1 : 0}`, prompt: hard ? `Audit the ledger entry ${i % 7}` : `Reset my password ${i % 5}` };
  });
}

describe('policy file', () => {
  const cal = table(specs(400, 1), ['cheap', 'frontier'], [0.001, 0.02]);
  const { report, router } = calibrate(cal, { bar: 0.95, barMode: 'relative', confidence: 0.95, patterns: ['classifier'] });
  const pick = report.pick!;
  const policy: RoutingPolicyFile = {
    schemaVersion: 1,
    kind: 'tokor-policy',
    pattern: 'classifier',
    thresholds: pick.thresholds,
    tiers: [
      { name: 'cheap', model: 'cheap-model' },
      { name: 'frontier', model: 'frontier-model' },
    ],
    bar: 0.95,
    barMode: 'relative',
    confidence: 0.95,
    router: router!,
    routerCostUsd: 0,
    provenance: { datasetId: 'ds', resultsSha256: ['a'.repeat(64)], catalogVersion: 'builtin', createdAt: '2025-01-01T00:00:00.000Z' },
  };

  it('round-trips through the file and keeps its router working', async () => {
    const file = path.join(dir, 'policy.json');
    writeFileSync(file, policyToJson(policy, PATTERN_FACTS));
    const back = await readPolicyFile(file, PATTERN_FACTS);
    expect(back).toEqual(JSON.parse(JSON.stringify(policy)));
    // Applying the read-back policy gives what the in-memory one gives.
    const fresh = table(specs(300, 2), ['cheap', 'frontier'], [0.001, 0.02]);
    expect(applyPolicy(back, fresh)).toEqual(applyPolicy(policy, fresh));
  });

  it('re-applied to the items it was calibrated on, reproduces the certified pick (fold models, not a refit)', () => {
    const ev = applyPolicy(JSON.parse(policyToJson(policy, PATTERN_FACTS)) as RoutingPolicyFile, cal);
    expect(ev.tierShares).toEqual(pick.tierShares);
    expect(ev.savingsPct).toBeCloseTo(pick.savingsPct, 9);
    expect(ev.parity).toBe(pick.parity);
    expect(ev.meetsBar).toBe(true);
  });

  it('--apply routes new items with the embedded router and its thresholds, not re-chosen ones', () => {
    const fresh = table(specs(300, 3), ['cheap', 'frontier'], [0.001, 0.02]);
    const ev = applyPolicy(policy, fresh);
    const labeler = routerFromJson(router);
    let passes = 0;
    let frontierCount = 0;
    for (const item of fresh.items) {
      const s = labeler.boundaryScores({ prompt: item.prompt! });
      const tier = s[0]! >= policy.thresholds[0]! ? 'frontier' : 'cheap';
      if (tier === 'frontier') frontierCount++;
      if (item.byTier[tier]!.pass) passes++;
    }
    expect(ev.n).toBe(300);
    expect(ev.quality).toBe(passes / 300);
    expect(ev.tierShares.frontier).toBe(frontierCount / 300);
    expect(ev.qualityCi95[0]).toBeLessThanOrEqual(ev.quality);
    expect(ev.qualityCi95[1]).toBeGreaterThanOrEqual(ev.quality);
    expect(ev.frontier.costUsd).toBeCloseTo(300 * 0.02, 12);
    expect(ev.savingsPct).toBeCloseTo((1 - ev.costUsd / ev.frontier.costUsd) * 100, 12);
  });

  it('rejects malformed policies with the key at fault', () => {
    const bad = (over: Record<string, unknown>): string => {
      try {
        parsePolicy({ ...JSON.parse(JSON.stringify(policy)), ...over }, { file: 'p.json' }, PATTERN_FACTS);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('expected an InputError');
    };
    // Version 2 (the per-scope patterns) is read; 3 was written by a newer tokor.
    expect(bad({ schemaVersion: 3 })).toMatch(/^p\.json: schemaVersion: 3 was written by a newer tokor \(this one reads 2\); upgrade tokor$/);
    expect(bad({ schemaVersion: 0 })).toMatch(/^p\.json: schemaVersion: expected 1 or 2 \(got 0\); write it with `tokor calibrate --out`/);
    expect(bad({ scopes: { by: 'category', entries: [{ value: 'a', items: 3 }] } })).toMatch(/^p\.json: scopes: a classifier policy routes every item alike: remove scopes/);
    expect(bad({ thresholds: [0.1, 0.2] })).toMatch(/^p\.json: thresholds: expected 1 threshold\(s\) for 2 tiers, got 2; /);
    expect(bad({ router: undefined })).toMatch(/^p\.json: router: a classifier policy needs its router model; /);
    expect(bad({ tiers: [{ name: 'a', model: 'x' }, { name: 'b', model: 'y' }] })).toMatch(/router\.classes: the router's classes \(cheap, frontier\) differ from the tiers \(a, b\)/);
    expect(bad({ pattern: 'cascade', gate: undefined })).toMatch(/^p\.json: gate: a cascade policy needs the grader that decides escalation/);
    expect(bad({ kind: 'other' })).toMatch(/^p\.json: kind: expected "tokor-policy" \(a `tokor calibrate --out` file\) \(got "other"\)/);
  });

  it('refuses to apply a policy to results missing its tiers', () => {
    const two = table(specs(10, 4), ['cheap', 'mid'], [0.001, 0.004]);
    expect(() => applyPolicy(policy, two)).toThrow(/routes to tier "frontier" but the results have none/);
  });
});

describe('held-out result', () => {
  const evaluation = (parity: number, quality: number): PolicyEvaluation => ({
    n: 210,
    quality,
    qualityCi95: [quality - 0.05, quality + 0.04],
    qualityLower: quality - 0.04,
    costUsd: 1,
    savingsPct: 61.2,
    tierShares: { cheap: 0.6, frontier: 0.4 },
    escalationRate: 0.4,
    frontier: { quality: 0.9, costUsd: 2.58 },
    parity,
    parityLower: parity - 0.026,
    parityCi95: [parity - 0.03, parity + 0.03],
    meetsBar: false,
  });
  const split = { fraction: 0.3, seed: 1, calibrationItems: 490 };

  it('keeps the bar by the held-out point estimate, not by its bound', () => {
    const h = holdoutReport(evaluation(0.951, 0.8559), { bar: 0.95, barMode: 'relative' }, split);
    expect(h).toMatchObject({ items: 210, savingsPct: 61.2, parity: 0.951, parityLower95: 0.951 - 0.026, meetsBar: true, fraction: 0.3, seed: 1, calibrationItems: 490 });
    expect(headlineWithHoldout('61.2% cheaper', h, { bar: 0.95, barMode: 'relative' })).toBe('61.2% cheaper');
    // Absolute mode holds the routed quality to the bar.
    expect(holdoutReport(evaluation(0.99, 0.89), { bar: 0.9, barMode: 'absolute' }, split).meetsBar).toBe(false);
  });

  it('says so in the headline when the held-out result breaks the bar', () => {
    const h = holdoutReport(evaluation(0.931, 0.8379), { bar: 0.95, barMode: 'relative' }, split);
    expect(h.meetsBar).toBe(false);
    expect(headlineWithHoldout('61.2% cheaper', h, { bar: 0.95, barMode: 'relative' })).toBe('61.2% cheaper — but on 210 held-out items it breaks the bar: 93.1% parity < 95.0%');
    expect(headlineWithHoldout('61.2% cheaper', null, { bar: 0.95, barMode: 'relative' })).toBe('61.2% cheaper');
  });
});
