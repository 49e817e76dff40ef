/**
 * `analyze --labels` prices its task clusters and its measured requests as the
 * main buckets do: a record that splits its cache writes by TTL has its 1-hour
 * writes at the 1-hour rate (tokens.ts ttlParts), in the cluster buckets and in
 * the measured sample alike.
 */
import { describe, expect, it } from 'vitest';
import { estimateMeasured, type RoutedCost } from '../../src/analyze/estimateMeasured.js';
import { addToStrata, newStrata, type StratumFacts } from '../../src/analyze/strata.js';

/** 1 µ$ per 5-minute write token, 2 µ$ per 1-hour write token, nothing else (Money is in picodollars). */
const cost: RoutedCost = (x, t) => t.cacheWrite * (x.ttl === '1h' ? 2_000_000n : 1_000_000n);

const request = (id: number): StratumFacts => ({
  cluster: { key: 'c1', text: 'one task' },
  groups: [],
  predicted: 'easy',
  measured: 'easy',
  modelId: `m${id}`,
  region: 'us-east-1',
  batch: false,
  ttl: '5m',
  over: 0,
  windowOver: 0,
  service: 'standard',
  input: 10,
  output: 5,
  cacheRead: 0,
  cacheWrite: 3000,
  cacheWrite1h: 1000,
});

describe('task clusters split cache writes by TTL', () => {
  it('puts the 1-hour writes in a 1h bucket, tokens only', () => {
    const s = newStrata();
    addToStrata(s, request(1));
    const buckets = [...s.clusters.get('c1')!.buckets.values()];
    expect(buckets.map((b) => [b.ttl, b.requests, b.cacheWrite]).sort()).toEqual([
      ['1h', 0, 1000],
      ['5m', 1, 2000],
    ]);
  });

  it('prices a measured request at both rates: 2,000 × 1 µ$ + 1,000 × 2 µ$ = $0.004 each', () => {
    const s = newStrata();
    addToStrata(s, request(1));
    addToStrata(s, request(2));
    const e = estimateMeasured(s, cost, 0.95);
    expect(e.routedUsd).toBeCloseTo(0.008, 9);
    expect(e.routedCi95[0]).toBeCloseTo(0.008, 9);
    expect(e.routedCi95[1]).toBeCloseTo(0.008, 9);
  });
});
