/** The traffic profile in bounded memory: past its cap, the clusters with the fewest requests are lumped, totals exact. */
import { describe, expect, it } from 'vitest';
import { addToProfile, boundProfile, finishProfile, mergeProfileAcc, newProfileAcc, type ProfileAcc } from '../../src/drift/profile.js';
import type { TaskSignature } from '../../src/classify/signature.js';
import type { ModelPrice } from '../../src/pricing/types.js';

const cluster = (i: number): TaskSignature => ({ key: i.toString(16).padStart(8, '0'), text: `task ${i}` });
const spend = { modelId: 'm', region: 'us-east-1', batch: false, ttl: '5m' as const, over: 0, service: 'standard' as const, input: 1000, output: 100, cacheRead: 0, cacheWrite: 0 };
const price = { input: 1, output: 2, currency: 'USD' } as unknown as ModelPrice;

/** Requests of cluster i: i % 7 + 1, in an order that mixes small and large clusters. */
function fill(acc: ProfileAcc, from: number, to: number, cap?: number): void {
  for (let i = from; i < to; i++) {
    for (let r = 0; r <= i % 7; r++) addToProfile(acc, { cluster: cluster(i), score: 0.5, length: 10, fromText: true }, spend);
    if (cap !== undefined) boundProfile(acc, cap);
  }
}

describe('boundProfile', () => {
  it('keeps at most the cap; lumps the fewest-request half; requests and spend still add up', () => {
    const acc = newProfileAcc();
    fill(acc, 0, 500, 100);
    expect(acc.clusters.size).toBeLessThanOrEqual(100);
    expect(acc.lumped!.entries + acc.clusters.size).toBe(500);
    const total = [...acc.clusters.values()].reduce((s, c) => s + c.requests, 0) + acc.lumped!.requests;
    expect(total).toBe(acc.requests);
    const whole = newProfileAcc();
    fill(whole, 0, 500);
    const priceOf = () => price;
    const bounded = finishProfile(acc, 'h', priceOf);
    const exact = finishProfile(whole, 'h', priceOf);
    expect(bounded.requests).toBe(exact.requests);
    expect(bounded.spendUsd).toBe(exact.spendUsd);
    expect(bounded.clusters.reduce((s, c) => s + c.requests, 0) + bounded.rest!.requests).toBe(exact.requests);
    expect(bounded.rest!.spendUsd! + bounded.clusters.reduce((s, c) => s + c.spendUsd!, 0)).toBeCloseTo(exact.spendUsd!, 9);
  });

  it('below the cap nothing changes', () => {
    const acc = newProfileAcc();
    fill(acc, 0, 50, 100);
    const whole = newProfileAcc();
    fill(whole, 0, 50);
    expect(finishProfile(acc, 'h')).toEqual(finishProfile(whole, 'h'));
    expect(acc.lumped).toBeUndefined();
  });

  it('the same points of the input give the same profile, however the chunks were filled and merged', () => {
    // One accumulator bounded after each "chunk" of 40 clusters, against per-chunk accumulators merged in order and bounded after each merge.
    const one = newProfileAcc();
    const merged = newProfileAcc();
    for (let at = 0; at < 600; at += 40) {
      fill(one, at, at + 40);
      boundProfile(one, 100);
      const chunk = newProfileAcc();
      fill(chunk, at, at + 40);
      mergeProfileAcc(merged, chunk);
      boundProfile(merged, 100);
    }
    expect(finishProfile(merged, 'h')).toEqual(finishProfile(one, 'h'));
    expect(merged.lumped!.entries).toBe(one.lumped!.entries);
  });
});
