/**
 * Certified tier shares against observed ones: the two-proportion z-test,
 * the comparison per tier, the --max-share-drift check and the schema field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shareDrift, sharesNote, twoProportionDiffers } from '../../src/calibrate/apply.js';
import { parsePolicyText } from '../../src/artifacts/policy.js';
import { PATTERN_FACTS } from '../../src/calibrate/patterns/index.js';
import { shareDriftCheck } from '../../src/gate/verdict.js';

const POLICY = readFileSync('fixtures/gate/policy.json', 'utf8');
const withCalibration = (calibration: unknown) => {
  const p = JSON.parse(POLICY);
  p.provenance.calibration = calibration;
  return parsePolicyText(JSON.stringify(p), 'p.json', PATTERN_FACTS);
};
const CAL = { n: 300, quality: 0.9, parity: 0.99, parityLower: 0.97, savingsPct: 40, bound: 'wilson' };

describe('twoProportionDiffers (pooled, two-sided 95%)', () => {
  it('flags a difference beyond 1.96 standard errors only', () => {
    // 0.5 vs 0.6 on 200 each: pooled 0.55, se = √(0.55·0.45·(2/200)) = 0.0497, z = 2.01
    expect(twoProportionDiffers(0.5, 200, 0.6, 200)).toBe(true);
    // on 150 each: se = 0.0574, z = 1.74
    expect(twoProportionDiffers(0.5, 150, 0.6, 150)).toBe(false);
    expect(twoProportionDiffers(0.3, 100, 0.3, 5000)).toBe(false);
  });
  it('with no variance (both 0 or both 1) only an actual difference counts', () => {
    expect(twoProportionDiffers(0, 50, 0, 80)).toBe(false);
    expect(twoProportionDiffers(1, 50, 1, 80)).toBe(false);
  });
});

describe('shareDrift', () => {
  it('pairs each tier of the policy with its certified and observed share', () => {
    const p = withCalibration({ ...CAL, tierShares: { cheap: 0.5, mid: 0.3, frontier: 0.2 } });
    expect(shareDrift(p, { n: 200, tierShares: { cheap: 0.38, mid: 0.32, frontier: 0.3 } })).toEqual([
      { tier: 'cheap', certified: 0.5, observed: 0.38, flagged: true },
      { tier: 'mid', certified: 0.3, observed: 0.32, flagged: false },
      { tier: 'frontier', certified: 0.2, observed: 0.3, flagged: true },
    ]);
  });
  it('is undefined for a policy without certified shares (older policies still load)', () => {
    expect(shareDrift(withCalibration(CAL), { n: 200, tierShares: { cheap: 1 } })).toBeUndefined();
    expect(shareDrift(parsePolicyText(POLICY, 'p.json', PATTERN_FACTS), { n: 200, tierShares: { cheap: 1 } })).toBeUndefined();
  });
  it('the schema rejects a share outside 0–1', () => {
    expect(() => withCalibration({ ...CAL, tierShares: { cheap: 1.5 } })).toThrow(/provenance\.calibration\.tierShares\.cheap: must be a share between 0 and 1/);
  });
  it('says which tiers moved beyond sampling error', () => {
    expect(sharesNote([{ tier: 'cheap', certified: 0.5, observed: 0.38, flagged: true }, { tier: 'frontier', certified: 0.5, observed: 0.62, flagged: true }])).toBe(
      'tier shares certified → observed: cheap 50.0% → 38.0% (⚑ beyond sampling error), frontier 50.0% → 62.0% (⚑ beyond sampling error)',
    );
    expect(sharesNote([{ tier: 'cheap', certified: 0.5, observed: 0.48, flagged: false }])).toBe('tier shares certified → observed: cheap 50.0% → 48.0% (within sampling error, 95%)');
  });
});

describe('shareDriftCheck (--max-share-drift)', () => {
  const shares = [
    { tier: 'cheap', certified: 0.5, observed: 0.38, flagged: true },
    { tier: 'mid', certified: 0.3, observed: 0.15, flagged: false },
    { tier: 'frontier', certified: 0.2, observed: 0.47, flagged: true },
  ];
  it('fails on the flagged tier that moved most, beyond the limit; unflagged tiers do not count', () => {
    const c = shareDriftCheck(shares, 20);
    expect(c).toMatchObject({ check: 'max-share-drift', pass: false, limit: 20 });
    expect(c.actual).toBeCloseTo(27, 9);
    expect(c.message).toBe('tier frontier 20.0% certified → 47.0% observed: moved 27.0 pts (beyond sampling error) > allowed 20 pts');
    expect(shareDriftCheck(shares, 27).pass).toBe(true);
    expect(shareDriftCheck([shares[1]!], 5)).toMatchObject({ pass: true, actual: 0, message: 'no tier share moved beyond sampling error (allowed 5 pts)' });
  });
});
