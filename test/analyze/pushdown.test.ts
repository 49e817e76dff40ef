import { describe, expect, it } from 'vitest';
import { newAccumulator, bucketTokens, type RecordFacts } from '../../src/analyze/accumulate.js';
import { apportion, startPushdown, type PushdownResult, type PushdownRow } from '../../src/analyze/pushdown.js';

function row(over: Partial<PushdownRow> = {}): PushdownRow {
  return {
    errorCode: null, modelId: 'm', priceRegion: 'us-east-1', groupRegion: 'us-east-1', batch: false, ttl: '5m', over: 0, service: 'standard', windowOver: 0, day: '2025-11-03', arn: null, tags: ['a'],
    requests: 10, duplicates: 0, exceed: 0, input: 1000n, output: 500n, cacheRead: 0n, cacheWrite: 90n, cacheWrite1h: 30n, minTs: '2025-11-03T00:00:00.000Z', maxTs: '2025-11-03T01:00:00.000Z',
    ...over,
  };
}

function facts(label: RecordFacts['label'], over: Partial<RecordFacts> = {}): RecordFacts {
  return { modelId: 'm', region: 'us-east-1', label, score: label === 'easy' ? 0.1 : 0.9, measured: false, batch: false, ttl: '5m', over: 0, windowOver: 0, service: 'standard', input: 100, output: 50, cacheRead: 0, cacheWrite: 9, cacheWrite1h: 3, groups: ['a'], ...over };
}

describe('apportion', () => {
  it('splits a total in integers that sum to it, by largest remainder', () => {
    expect(apportion(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(apportion(7n, [0n, 2n, 1n])).toEqual([0n, 5n, 2n]);
    expect(apportion(5n, [0n, 0n, 0n])).toEqual([5n, 0n, 0n]);
    const big = 2n ** 70n + 3n;
    expect(apportion(big, [3n, 5n, 7n]).reduce((a, b) => a + b, 0n)).toBe(big);
  });
});

/** The rows, then the sample one record at a time, as the engines hand them over. */
function addPushdown(acc: ReturnType<typeof newAccumulator>, rows: PushdownRow[], sample: RecordFacts[], groupBy: string[], tagDims: string[], perStratum: number): PushdownResult {
  const sink = startPushdown(acc, rows, groupBy, tagDims, perStratum);
  for (const f of sample) sink.add(f);
  return sink.finish();
}

describe('startPushdown', () => {
  it('adds a stratum sampled whole record by record, and estimates a larger one keeping every request and token', () => {
    const acc = newAccumulator(['team']);
    const sample = [facts('easy'), facts('easy'), facts('hard')];
    const r = addPushdown(acc, [row(), row({ errorCode: 'ThrottlingException', requests: 2, duplicates: 1 })], sample, ['team'], ['team'], 3);
    expect(r).toEqual({ sampled: 3, estimatedStrata: 1 });
    expect(acc.valid).toBe(10);
    expect(acc.failed).toBe(2);
    expect(acc.duplicates).toBe(1);
    expect(acc.read).toBe(13);
    expect(acc.labels).toEqual({ easy: 7, moderate: 0, hard: 3 });
    const total = { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n };
    let requests = 0;
    for (const b of acc.buckets.values()) {
      const t = bucketTokens(b);
      requests += b.requests;
      for (const k of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) total[k] += t[k];
    }
    expect(requests).toBe(10);
    expect(total).toEqual({ input: 1000n, output: 500n, cacheRead: 0n, cacheWrite: 90n });
    // The 1-hour writes sit in 1h buckets (no requests), the rest at 5m.
    const h1 = [...acc.buckets.values()].filter((b) => b.ttl === '1h');
    expect(h1.reduce((n, b) => n + b.cacheWrite, 0)).toBe(30);
    expect(h1.every((b) => b.requests === 0)).toBe(true);
    expect(acc.labelEstimate?.strata).toEqual([{ total: 10, sampled: 3, labels: { easy: 2, moderate: 0, hard: 1 } }]);
    expect(acc.failedByCode.get('ThrottlingException')).toBe(2);
  });

  it('adds the records themselves when the sample holds the whole stratum (no estimate)', () => {
    const acc = newAccumulator([]);
    addPushdown(acc, [row({ requests: 2, input: 200n, output: 100n, cacheWrite: 18n, cacheWrite1h: 6n, tags: [] })], [facts('easy', { groups: [] }), facts('moderate', { groups: [] })], [], [], 2);
    expect(acc.labels).toEqual({ easy: 1, moderate: 1, hard: 0 });
    expect(acc.labelEstimate).toBeUndefined();
  });

  it('adds a whole stratum’s records as they come and keeps only tallies of an estimated one', () => {
    const acc = newAccumulator([]);
    const sink = startPushdown(acc, [row({ requests: 2, tags: [] }), row({ modelId: 'big', requests: 50, tags: [] })], [], [], 2);
    sink.add(facts('hard', { groups: [] }));
    expect(acc.labels.hard).toBe(1);
    sink.add(facts('easy', { modelId: 'big', groups: [] }));
    sink.add(facts('hard', { modelId: 'big', groups: [] }));
    // The estimated stratum is added by finish, from its tallies.
    expect(acc.labels).toEqual({ easy: 0, moderate: 0, hard: 1 });
    sink.add(facts('easy', { groups: [] }));
    expect(sink.finish()).toEqual({ sampled: 4, estimatedStrata: 1 });
    expect(acc.labels).toEqual({ easy: 26, moderate: 0, hard: 26 });
    expect(acc.valid).toBe(52);
    expect(acc.labelEstimate?.strata).toEqual([{ total: 50, sampled: 2, labels: { easy: 1, moderate: 0, hard: 1 } }]);
  });

  it('takes a stratum as sampled whole when each of the engine’s finer strata is (one role, two identity ARNs)', () => {
    const acc = newAccumulator(['role']);
    const arn = (who: string) => `arn:aws:sts::123456789012:assumed-role/app/${who}`;
    const sink = startPushdown(acc, [row({ requests: 2, arn: arn('a'), tags: [] }), row({ requests: 2, arn: arn('b'), tags: [] })], ['role'], [], 2);
    for (const label of ['easy', 'easy', 'hard', 'moderate'] as const) sink.add(facts(label, { groups: ['app'] }));
    expect(sink.finish()).toEqual({ sampled: 4, estimatedStrata: 0 });
    expect(acc.labels).toEqual({ easy: 2, moderate: 1, hard: 1 });
    expect(acc.labelEstimate).toBeUndefined();
  });

  it('throws when the sample does not fit the aggregates (the SQL and the parser disagree)', () => {
    expect(() => addPushdown(newAccumulator([]), [row({ requests: 1, tags: [] })], [facts('easy', { groups: [] }), facts('easy', { groups: [] })], [], [], 1000)).toThrow(/disagree/);
    expect(() => addPushdown(newAccumulator([]), [row({ tags: [] })], [facts('easy', { modelId: 'other', groups: [] })], [], [], 1000)).toThrow(/disagree/);
    // A stratum no larger than the sample's size is sampled whole: a record missing from it is a disagreement.
    expect(() => addPushdown(newAccumulator([]), [row({ requests: 3, tags: [] })], [facts('easy', { groups: [] }), facts('easy', { groups: [] })], [], [], 1000)).toThrow(/2 sampled records for 3 requests/);
    // A stratum with requests and no sampled record.
    expect(() => addPushdown(newAccumulator([]), [row({ requests: 3, tags: [] })], [], [], [], 2)).toThrow(/0 sampled records for 3 requests/);
  });

  it('estimates a stratum whose duplicates make it more lines than the sample holds', () => {
    const acc = newAccumulator([]);
    const r = addPushdown(acc, [row({ requests: 2, duplicates: 1, tags: [] })], [facts('easy', { groups: [] })], [], [], 2);
    expect(r).toEqual({ sampled: 1, estimatedStrata: 1 });
    expect(acc.labels).toEqual({ easy: 2, moderate: 0, hard: 0 });
  });
});
