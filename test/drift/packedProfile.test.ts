/** A chunk's profile packed for the main thread merges as the profile itself does. */
import { describe, expect, it } from 'vitest';
import { addToProfile, finishProfile, mergePackedProfile, mergeProfileAcc, newProfileAcc, packProfile, type ProfileAcc, type SpendFacts } from '../../src/drift/profile.js';
import type { ModelPrice } from '../../src/pricing/types.js';

const price = { input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25, currency: 'USD' } as unknown as ModelPrice;
const spendOf = (i: number): SpendFacts => ({
  modelId: i % 3 === 0 ? 'model-a' : 'model-b',
  region: i % 2 === 0 ? 'us-east-1' : 'eu-west-1',
  batch: i % 5 === 0,
  ttl: i % 4 === 0 ? '1h' : '5m',
  // Now and then a prompt class of its own (a long prompt), which the packed form must keep.
  over: i % 9 === 0 ? 200_000 : 0,
  // And a service tier other than the standard one.
  service: i % 8 === 0 ? 'priority' : i % 8 === 4 ? 'flex' : 'standard',
  input: 100 + i,
  output: 10 + (i % 7),
  cacheRead: i % 11,
  cacheWrite: i % 13,
  ...(i % 6 === 0 ? { cacheWrite1h: 1 } : {}),
});

/** A chunk of requests from..to, over clusters that chunks share (i % 17) and clusters of their own. */
function chunk(from: number, to: number): ProfileAcc {
  const acc = newProfileAcc();
  for (let i = from; i < to; i++) {
    const c = i % 3 === 0 ? i : i % 17;
    addToProfile(acc, { cluster: { key: c.toString(16).padStart(8, '0'), text: `task ${c}` }, score: (i % 20) / 20, length: i, fromText: i % 2 === 0 }, spendOf(i));
  }
  return acc;
}

describe('packProfile / mergePackedProfile', () => {
  it('merging packed chunks gives what merging the chunks gives: clusters, their order, spend buckets', () => {
    let packed: ProfileAcc | undefined;
    const merged = newProfileAcc();
    for (let at = 0; at < 400; at += 50) {
      packed = mergePackedProfile(packed, structuredClone(packProfile(chunk(at, at + 50))));
      mergeProfileAcc(merged, chunk(at, at + 50));
    }
    expect(packed).toEqual(merged);
    expect([...packed!.clusters.keys()]).toEqual([...merged.clusters.keys()]);
    expect(finishProfile(packed!, 'h', () => price)).toEqual(finishProfile(merged, 'h', () => price));
  });

  it('keeps token sums past 2^53 exact', () => {
    const big = (n: number): ProfileAcc => {
      const acc = newProfileAcc();
      const s = { ...spendOf(1), input: Number.MAX_SAFE_INTEGER - n };
      for (let k = 0; k < 3; k++) addToProfile(acc, { cluster: { key: '0000000a', text: 'task' }, score: 0.5, length: 10, fromText: true }, s);
      return acc;
    };
    const packed = mergePackedProfile(mergePackedProfile(undefined, structuredClone(packProfile(big(1)))), structuredClone(packProfile(big(2))));
    const merged = mergeProfileAcc(mergeProfileAcc(newProfileAcc(), big(1)), big(2));
    const total = (acc: ProfileAcc) => {
      const [b] = acc.clusters.get('0000000a')!.spend.values();
      return BigInt(b!.input) + (b!.big?.input ?? 0n);
    };
    expect(total(packed)).toBe(6n * BigInt(Number.MAX_SAFE_INTEGER) - 9n);
    expect(total(packed)).toBe(total(merged));
    expect(finishProfile(packed, 'h', () => price)).toEqual(finishProfile(merged, 'h', () => price));
  });
});
