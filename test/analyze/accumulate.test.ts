import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addFacts, addFailed, addInvalid, bucketKey, bucketTokens, mergeAccumulators, newAccumulator, reasonKey, structuredKey, type RecordFacts } from '../../src/analyze/accumulate.js';
import { dedupeKey } from '../../src/engines/inprocess/chunk.js';
import { dayBucketKey } from '../../src/analyze/tokens.js';
import { newTags } from '../../src/ingest/index.js';
import { groupValue, roleOf } from '../../src/analyze/facts.js';
import type { ServiceLevel, TrafficRecord } from '../../src/types.js';

const facts = (over: Partial<RecordFacts> = {}): RecordFacts => ({
  modelId: 'm',
  region: 'us-east-1',
  label: 'easy',
  score: 0.1,
  measured: false,
  batch: false,
  service: 'standard',
  ttl: '5m',
  over: 0,
  windowOver: 0,
  input: 10,
  output: 5,
  cacheRead: 1,
  cacheWrite: 2,
  groups: ['support'],
  timestamp: '2025-01-02T00:00:00Z',
  ...over,
});

describe('accumulator', () => {
  it('merging two halves equals accumulating the whole', () => {
    const all = newAccumulator(['team']);
    const a = newAccumulator(['team']);
    const b = newAccumulator(['team']);
    const items = Array.from({ length: 50 }, (_, i) =>
      facts({ label: i % 3 === 0 ? 'hard' : 'easy', input: i, groups: [i % 2 ? 'x' : 'y'], timestamp: `2025-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z` }),
    );
    items.forEach((f, i) => {
      addFacts(all, f);
      addFacts(i < 20 ? a : b, f);
    });
    addInvalid(all, 'f', 3, 'bad');
    addInvalid(b, 'f', 3, 'bad');
    const merged = mergeAccumulators(a, b);
    expect(merged).toEqual(all);
    expect(all.firstTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(all.lastTimestamp).toBe('2025-01-28T00:00:00Z');
    expect(all.labels.hard).toBe(17);
  });
  it('groups invalid reasons by kind but keeps the full example', () => {
    const acc = newAccumulator([]);
    addInvalid(acc, 'f', 1, 'malformed JSON: Unexpected token } in JSON at position 82');
    addInvalid(acc, 'f', 2, 'malformed JSON: Unexpected token } in JSON at position 7');
    expect([...acc.invalidReasons.values()]).toEqual([2]);
    expect(acc.invalidExamples[1]!.reason).toMatch(/position 7/);
    expect(reasonKey('input.inputTokenCount is negative (-5)')).toBe('input.inputTokenCount is negative (…)');
  });
});

describe('keys over log data', () => {
  it('never collide: separators, control characters and prototype names are plain text', () => {
    const parts = fc.array(fc.oneof(fc.string(), fc.constantFrom('\u0001', ':', '1:', '__proto__', 'constructor', '')), { minLength: 2, maxLength: 2 });
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        expect(structuredKey(...a) === structuredKey(...b)).toBe(a[0] === b[0] && a[1] === b[1]);
        expect(bucketKey(a[0]!, a[1]!, 'easy', false, '5m', 0, 'standard') === bucketKey(b[0]!, b[1]!, 'easy', false, '5m', 0, 'standard')).toBe(a[0] === b[0] && a[1] === b[1]);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('memoized bucket and day keys are the keys as defined, in any order and past the memo bound', () => {
    const defined = (m: string, r: string, label: string, batch: boolean, ttl: '5m' | '1h', over: number, service: ServiceLevel, windowOver = over) =>
      `${m.length}:${m}${r.length}:${r}${label}${batch ? 'b' : '-'}${ttl}${service === 'standard' ? '' : service === 'flex' ? '~f' : '~p'}${over ? `>${over}` : ''}${windowOver === over ? '' : `<${windowOver}`}`;
    let x = 4242;
    const rand = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const labels = ['', 'easy', 'moderate', 'hard', 'other'];
    const days = ['2025-11-03', '2025-11-04', '2025-11'];
    // 6,000 places: more than the memo keeps, so it is emptied on the way and rebuilt.
    for (let n = 0; n < 30_000; n++) {
      const m = `model-${rand(n < 20_000 ? 6000 : 5)}`;
      const r = ['us-east-1', 'eu-west-1', ''][rand(3)]!;
      const label = labels[rand(labels.length)]!;
      const batch = rand(2) === 0;
      const ttl = rand(2) === 0 ? '5m' : '1h';
      const day = days[rand(days.length)]!;
      // A prompt class now and then: its key is never the memoized key of the class below it.
      const over = [0, 0, 0, 200_000][rand(4)]!;
      // And a service tier: never the memoized key of the standard tier.
      const service = (['standard', 'standard', 'flex', 'priority'] as const)[rand(4)]!;
      expect(bucketKey(m, r, label, batch, ttl, over, service)).toBe(defined(m, r, label, batch, ttl, over, service));
      // A window class (prompt and answer) over a bound the prompt is not: never the key of the prompt class alone.
      const windowOver = [over, over, 200_000, 1_000_000][rand(4)]!;
      expect(bucketKey(m, r, label, batch, ttl, over, service, windowOver)).toBe(defined(m, r, label, batch, ttl, over, service, windowOver));
      expect(dayBucketKey(day, m, r, batch, ttl, over, service)).toBe(day + defined(m, r, '', batch, ttl, over, service));
    }
  });

  it('counts failed codes and groups named after Object.prototype members', () => {
    const acc = newAccumulator(['team']);
    for (const code of ['constructor', '__proto__', 'toString', 'constructor']) addFailed(acc, { errorCode: code });
    addFacts(acc, facts({ groups: ['__proto__'] }));
    expect([...acc.failedByCode]).toEqual([
      ['constructor', 2],
      ['__proto__', 1],
      ['toString', 1],
    ]);
    expect([...acc.groupBuckets.values()].map((g) => g.value)).toEqual(['__proto__']);
  });

  it('a model ID with U+0001 is its own bucket, not another model in another region', () => {
    const acc = newAccumulator([]);
    addFacts(acc, facts({ modelId: 'm\u0001eu-west-1', region: 'us-east-1' }));
    addFacts(acc, facts({ modelId: 'm', region: 'eu-west-1\u0001us-east-1' }));
    expect([...acc.buckets.values()].map((b) => [b.modelId, b.region])).toEqual([
      ['m\u0001eu-west-1', 'us-east-1'],
      ['m', 'eu-west-1\u0001us-east-1'],
    ]);
  });
});

describe('token sums', () => {
  it('stay exact past 2^53 (bigint spill), also when merged', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const a = newAccumulator([]);
    const b = newAccumulator([]);
    for (let i = 0; i < 3; i++) addFacts(a, facts({ input: max, output: 1, cacheRead: 0, cacheWrite: 0, groups: [] }));
    addFacts(b, facts({ input: max, output: 1, cacheRead: 0, cacheWrite: 0, groups: [] }));
    const [bucket] = [...mergeAccumulators(a, b).buckets.values()];
    expect(bucketTokens(bucket!)).toEqual({ input: 4n * BigInt(max), output: 4n, cacheRead: 0n, cacheWrite: 0n });
    expect(bucket!.requests).toBe(4);
  });
});

describe('dedupeKey', () => {
  const rec = (over: Partial<TrafficRecord>): TrafficRecord => ({ source: { file: 'f', line: 1 }, modelId: 'm', requestId: 'r1', tags: newTags(), tokens: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 }, ...over });
  it('is the same for the same request, model and tokens, different otherwise, and absent without a request ID', () => {
    expect(dedupeKey(rec({ source: { file: 'other', line: 9 } }))).toBe(dedupeKey(rec({})));
    const variants = [rec({ requestId: 'r2' }), rec({ modelId: 'm2' }), rec({ tokens: { input: 2, output: 2, cacheRead: 0, cacheWrite: 0 } }), rec({ tokens: { input: 1, output: 2, cacheRead: 0, cacheWrite: 2 ** 40 } })];
    expect(new Set([dedupeKey(rec({})), ...variants.map(dedupeKey)]).size).toBe(5);
    expect(dedupeKey(rec({ requestId: undefined }))).toBeUndefined();
  });
});

describe('group values', () => {
  const rec = (over: Partial<TrafficRecord>): TrafficRecord => ({ source: { file: 'f', line: 1 }, modelId: 'm', tags: {}, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, ...over });
  it('reads tags, days, roles', () => {
    expect(groupValue(rec({ tags: { team: 'a' } }), 'team')).toBe('a');
    expect(groupValue(rec({}), 'repo')).toBe('(untagged)');
    expect(groupValue(rec({ timestamp: '2025-03-04T05:06:07Z' }), 'day')).toBe('2025-03-04');
    expect(roleOf('arn:aws:sts::123456789012:assumed-role/app-role/session')).toBe('app-role');
    expect(roleOf('arn:aws:iam::123456789012:user/dheeraj')).toBe('user/dheeraj');
    expect(roleOf(undefined)).toBe('(unknown identity)');
  });
  it('a dimension named after an Object.prototype member is a tag like any other', () => {
    const tags = newTags();
    const protoKey = '__proto__';
    tags[protoKey] = 'p';
    expect(groupValue(rec({ tags }), '__proto__')).toBe('p');
    expect(groupValue(rec({}), 'constructor')).toBe('(untagged)');
    expect(groupValue(rec({ tags: {} }), 'toString')).toBe('(untagged)');
  });
});
