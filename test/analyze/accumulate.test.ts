import { describe, expect, it } from 'vitest';
import { addFacts, addInvalid, mergeAccumulators, newAccumulator, reasonKey, type RecordFacts } from '../../src/analyze/accumulate.js';
import { groupValue, roleOf } from '../../src/analyze/facts.js';
import type { TrafficRecord } from '../../src/types.js';

const facts = (over: Partial<RecordFacts> = {}): RecordFacts => ({
  modelId: 'm',
  region: 'us-east-1',
  label: 'easy',
  score: 0.1,
  measured: false,
  batch: false,
  ttl: '5m',
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
});
