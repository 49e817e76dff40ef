import { describe, expect, it } from 'vitest';
import { addTurn, forEachKeptSession, hashKey, mergeSessions, newSessions, sessionFacts, trimSessions, type SessionAcc, type SessionTurn, type TurnFacts } from '../../src/analyze/sessions.js';
import { fmix32 } from '../../src/analyze/sample.js';
import { sessionStats, simulateSessions, type SessionPricing } from '../../src/analyze/simulateSessions.js';
import type { ModelPrice } from '../../src/pricing/index.js';
import type { Difficulty } from '../../src/types.js';
import { buildHeadline } from '../../src/analyze/report.js';

const base = { tags: {} as Record<string, string> };

describe('sessionFacts: how a request is keyed', () => {
  it('the log’s session ID first, then the --session-key tag, then the conversation; else none', () => {
    const r = { ...base, sessionId: 's', tags: { conv: 'c' }, opening: 'hi', outputText: 'hello' };
    expect(sessionFacts(r, 1, 'conv')!.by).toBe('sessionId');
    expect(sessionFacts({ ...r, sessionId: undefined }, 1, 'conv')!.by).toBe('requestMetadata');
    expect(sessionFacts({ ...r, sessionId: undefined }, 1, 'other')!.by).toBe('conversation');
    expect(sessionFacts({ ...base, opening: 'hi' }, 1, undefined)).toBeUndefined();
    expect(sessionFacts(base, 1, 'conv')).toBeUndefined();
  });

  it('a conversation’s first request (opening + its answer) and a later one (opening + reply) share a key; the caller separates', () => {
    const first = sessionFacts({ ...base, identityArn: 'u1', system: 'sys', opening: 'Where is my order?', outputText: 'It shipped.' }, 1, undefined)!;
    const later = sessionFacts({ ...base, identityArn: 'u1', system: 'sys', opening: 'Where is my order?', openingReply: 'It shipped.', outputText: 'Friday.' }, 2, undefined)!;
    const other = sessionFacts({ ...base, identityArn: 'u2', system: 'sys', opening: 'Where is my order?', outputText: 'It shipped.' }, 3, undefined)!;
    expect(later.key).toBe(first.key);
    expect(other.key).not.toBe(first.key);
  });

  it('timestamps become epoch milliseconds, -1 when missing', () => {
    expect(sessionFacts({ ...base, sessionId: 's', timestamp: '2025-11-03T10:00:00.000Z' }, 1, undefined)!.at).toBe(Date.parse('2025-11-03T10:00:00.000Z'));
    expect(sessionFacts({ ...base, sessionId: 's' }, 1, undefined)!.at).toBe(-1);
  });

  it('a timestamp’s milliseconds are Date.parse’s, in any order of hours (parsed once per hour), and for odd ones', () => {
    const at = (timestamp: string) => sessionFacts({ ...base, sessionId: 's', timestamp }, 1, undefined)!.at;
    const expected = (t: string) => (Number.isFinite(Date.parse(t)) ? Date.parse(t) : -1);
    const odd = ['2025-11-03T24:00:00.000Z', '2025-11-03T24:30:00.000Z', '2025-11-03T23:60:00.000Z', '2025-11-03T23:59:60.000Z', '2025-02-29T10:00:00.000Z', '2024-02-29T10:00:00.000Z', '2025-11-03 10:00:00.000Z', '2025-11-03T1x:00:00.000Z', '2025-11-03T10:00:00Z', '2025-11-03T10:0a:00.000Z', '+02025-11-03T10:00:00Z', 'not a time'];
    const times: string[] = [...odd];
    let x = 99;
    for (let n = 0; n < 2000; n++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      times.push(new Date(Date.UTC(2025, 10, 3) + (x % (3 * 86_400_000))).toISOString());
      // Odd ones between hours already parsed.
      if (n % 100 === 0) times.push(odd[n / 100 % odd.length]!);
    }
    for (const t of times) expect(at(t)).toBe(expected(t));
  });
});

const turn = (label: Difficulty, extra: Partial<TurnFacts> = {}): TurnFacts => ({ modelId: 'm', region: 'r', batch: false, ttl: '5m', service: 'standard', label, input: 10, output: 1, cacheRead: 1000, cacheWrite: 0, ...extra });

function fill(acc: SessionAcc, sessions: number, turns: number, from = 0): SessionAcc {
  for (let s = from; s < from + sessions; s++) {
    for (let t = 0; t < turns; t++) addTurn(acc, sessionFacts({ ...base, sessionId: `s${s}`, timestamp: new Date(Date.UTC(2025, 0, 1, 0, t)).toISOString() }, t + 1, undefined), turn('easy'));
  }
  return acc;
}

describe('bounded memory: sessions sampled by hash', () => {
  it('keeps at most maxTurns turns, and the same sessions whatever the split into worker accumulators', () => {
    const whole = fill(newSessions(40), 100, 4);
    expect(whole.level).toBeGreaterThan(0);
    expect(whole.keptTurns).toBeLessThanOrEqual(40);
    expect(whole.turnsBy.sessionId).toBe(400);
    const merged = mergeSessions(fill(newSessions(40), 50, 4), fill(newSessions(40), 50, 4, 50));
    expect(merged.level).toBe(whole.level);
    expect(keptKeys(merged).sort()).toEqual(keptKeys(whole).sort());
    // Kept sessions stand for 2^level each: the count is an estimate near the truth.
    const stats = sessionStats(whole);
    expect(stats.keptShare).toBe(1 / 2 ** whole.level);
    expect(stats.turnsMedian).toBe(4);
    expect(stats.count).toBe(whole.keptSessions * 2 ** whole.level);
  });
});

/** The kept sessions' keys, by session index, as SessionFacts.key strings. */
function keptKeys(s: SessionAcc): string[] {
  return Array.from({ length: s.keptSessions }, (_, i) => String.fromCharCode(...[...s.keys.subarray(3 * i, 3 * i + 3)].flatMap((w) => [w & 0xffff, w >>> 16])));
}

function keptTurns(s: SessionAcc): SessionTurn[][] {
  const out: SessionTurn[][] = [];
  // The turns are reused from one session to the next: copied here.
  forEachKeptSession(s, (turns) => out.push(turns.map((t) => ({ ...t }))));
  return out;
}

describe('merging full accumulators', () => {
  const bySessionKey = (s: SessionAcc) => new Map(keptKeys(s).map((k, i) => [k, keptTurns(s)[i]]));

  it('gives the sessions and turns of one accumulator over everything, without holding more than the bound', () => {
    const whole = fill(newSessions(40), 120, 3);
    const parts = [fill(newSessions(40), 40, 3), fill(newSessions(40), 40, 3, 40), fill(newSessions(40), 40, 3, 80)];
    const merged = parts.reduce((into, from) => {
      const m = mergeSessions(into, from);
      // Room for the bound and one more turn at most (a merge never appends past the bound first).
      expect(m.turns.length).toBeLessThanOrEqual(41 * 10);
      return m;
    }, newSessions(40));
    expect(merged.level).toBe(whole.level);
    expect(merged.keptTurns).toBe(whole.keptTurns);
    expect(bySessionKey(merged)).toEqual(bySessionKey(whole));
  });

  it('chunk by chunk (as the main thread merges worker threads’ chunks): the sessions and turns of one accumulator, in the same order', () => {
    const whole = fill(newSessions(40), 120, 3);
    const merged = newSessions(40);
    for (let s = 0; s < 120; s += 5) mergeSessions(merged, fill(newSessions(Infinity), 5, 3, s));
    expect(merged.level).toBe(whole.level);
    expect(keptKeys(merged)).toEqual(keptKeys(whole));
    expect(keptTurns(merged)).toEqual(keptTurns(whole));
  });

  it('into an empty accumulator: takes the other’s sessions as they are, arrays and all (no copy)', () => {
    const full = fill(newSessions(40), 30, 3);
    const expected = { keys: keptKeys(full), turns: keptTurns(full), level: full.level };
    const buffer = full.turns.buffer;
    const merged = mergeSessions(newSessions(40), full);
    expect({ keys: keptKeys(merged), turns: keptTurns(merged), level: merged.level }).toEqual(expected);
    expect(merged.turns.buffer).toBe(buffer);
  });
});

describe('the kept sessions’ key table', () => {
  it('finds a session again by key, in order of first sight, and grows past its initial size', () => {
    const acc = fill(newSessions(), 3000, 1);
    fill(acc, 3000, 1); // the same 3,000 sessions again: found, not added
    expect(acc.keptSessions).toBe(3000);
    expect(acc.keptTurns).toBe(6000);
    expect(acc.slots.length).toBeGreaterThanOrEqual(2 * 3000);
    const keys = keptKeys(acc);
    expect(new Set(keys).size).toBe(3000);
    for (let s = 0; s < 3000; s += 97) expect(keys[s]).toBe(sessionFacts({ ...base, sessionId: `s${s}` }, 1, undefined)!.key);
    expect(keptTurns(acc).every((t) => t.length === 2)).toBe(true);
  });

  it('crosses to another thread as buffers moved, not copied, and is found again there', () => {
    const worker = fill(newSessions(), 500, 2);
    const before = keptTurns(worker);
    const transfer = trimSessions(worker);
    const moved = structuredClone(worker, { transfer });
    // Everything of size moved: the sender's arrays are detached.
    expect([worker.turns, worker.keys, worker.hashes].map((a) => a.byteLength)).toEqual([0, 0, 0]);
    expect(keptTurns(moved)).toEqual(before);
    // Trimmed, its key table is rebuilt on the next lookup: known sessions are found, new ones added.
    fill(moved, 501, 1);
    expect(moved.keptSessions).toBe(501);
    expect(keptTurns(moved).map((t) => t.length)).toEqual([...new Array<number>(500).fill(3), 1]);
    // Merged into the main thread's accumulator (as a worker's result is): the same sessions and turns.
    const main = fill(newSessions(), 10, 1, 1000);
    const merged = mergeSessions(main, moved);
    expect(merged.keptSessions).toBe(511);
    expect(keptKeys(merged).slice(10)).toEqual(keptKeys(moved));
  });

  it('sampling by hash renumbers the kept sessions and keeps finding them', () => {
    const acc = fill(newSessions(500), 300, 2);
    const level = acc.level;
    expect(level).toBeGreaterThan(0);
    const keys = keptKeys(acc);
    // The kept sessions again (each one more turn): found, in the same order; dropped ones stay dropped.
    fill(acc, 300, 1);
    expect(acc.level).toBe(level);
    expect(keptKeys(acc)).toEqual(keys);
    expect(keptTurns(acc).every((t) => t.length === 3)).toBe(true);
  });
});

describe('simulateSessions: the cache rules', () => {
  // Cheap and frontier tiers; reads at a tenth of input, writes at 1.25× (5m) or 2× (1h). Prices in USD per 1M.
  const price = (input: number): ModelPrice => ({ key: `p${input}`, input: String(input), output: String(input * 5), cacheRead: String(input / 10), cacheWrite5m: String(input * 1.25), cacheWrite1h: String(input * 2) }) as ModelPrice;
  const tiers = [price(1), price(3)];
  const pricing: SessionPricing = { priced: () => true, tierPrice: (t) => tiers[t]!, tierOf: (l) => (l === 'easy' ? 0 : 1), fitTier: (t) => t };
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();
  const run = (turns: [number, Difficulty, Partial<TurnFacts>?][]) => {
    const acc = newSessions();
    turns.forEach(([m, label, extra], i) => {
      addTurn(acc, sessionFacts({ ...base, sessionId: 's', timestamp: at(m) }, i + 1, undefined), turn(label, extra));
    });
    return simulateSessions(acc, pricing);
  };

  it('same tier within the 5-minute TTL: warm; past it: the prefix is written again, whatever the routing', () => {
    expect(run([[0, 'hard'], [4, 'hard']]).coldTurns).toBe(0);
    const late = run([[0, 'hard'], [6, 'hard']]);
    expect(late.coldTurns).toBe(1);
    // 1,000 read tokens at $3.75/M instead of $0.30/M on the frontier tier: $0.00345 = 3,450,000,000 picodollars.
    expect(late.perRequest - late.asLogged).toBe(3_450_000_000n);
    expect(late.sessionPinned).toBe(late.perRequest);
  });

  it('a 1-hour cache write keeps the cache warm for an hour', () => {
    expect(run([[0, 'hard', { ttl: '1h' }], [30, 'hard']]).coldTurns).toBe(0);
    expect(run([[0, 'hard', { ttl: '1h' }], [61, 'hard']]).coldTurns).toBe(1);
  });

  it('a tier change is cold; pinning the session to its hardest turn’s tier keeps it warm', () => {
    const s = run([[0, 'hard'], [1, 'easy'], [2, 'hard']]);
    expect(s.coldTurns).toBe(2);
    // Cold turns: 1,000 reads written again on cheap ($1.25 − $0.10)/M, then on frontier ($3.75 − $0.30)/M.
    expect(s.perRequest - s.asLogged).toBe(1_150_000_000n + 3_450_000_000n);
    // Pinned: every turn on the frontier, as logged.
    expect(s.sessionPinned).toBe(3n * (10n * 3_000_000n + 1n * 15_000_000n + 1000n * 300_000n));
  });

  it('a request that neither read nor wrote cache pays the same either way', () => {
    const s = run([[0, 'hard', { cacheRead: 0 }], [1, 'easy', { cacheRead: 0 }]]);
    expect(s.coldTurns).toBe(0);
    expect(s.perRequest).toBe(s.asLogged);
  });

  it('a turn whose prompt the cheap tier cannot hold is priced on the next tier, and stays warm there', () => {
    // The cheap tier holds 5,000 prompt tokens: the easy turns below (10 + 6,000 cached) go to the frontier tier,
    // as if they were hard, so the session is never split across tiers.
    const fits: SessionPricing = { ...pricing, fitTier: (t, _region, prompt) => (t === 0 && prompt > 5000 ? 1 : t) };
    const turns: [number, Difficulty, Partial<TurnFacts>?][] = [[0, 'hard', { cacheRead: 6000 }], [1, 'easy', { cacheRead: 6000 }], [2, 'easy', { cacheRead: 6000 }]];
    const acc = newSessions();
    turns.forEach(([m, label, extra], i) => {
      addTurn(acc, sessionFacts({ ...base, sessionId: 's', timestamp: at(m) }, i + 1, undefined), turn(label, extra));
    });
    const fitted = simulateSessions(acc, fits);
    const allHard = simulateSessions(acc, { ...pricing, tierOf: () => 1 });
    expect(fitted).toEqual(allHard);
    expect(fitted.coldTurns).toBe(0);
    // Without the window the easy turns go cheap and find its cache cold.
    expect(simulateSessions(acc, pricing).coldTurns).toBe(1);
  });
});

describe('the headline on a prior', () => {
  const x = {
    priced: 10,
    valid: 10,
    unpriced: 0,
    unpricedModels: 0,
    unpricedTokenShare: 0,
    ceilingPct: 50,
    frontierUsd: 100,
    routedUsd: 50,
    provenance: { synthetic: false },
    sensitivity: [
      { easyShare: 0.4, ceilingPct: 30, routedCeilingUsd: 70 },
      { easyShare: 0.9, ceilingPct: 80, routedCeilingUsd: 20 },
    ],
  };
  it('says the range ignores prompt caches when cold caches would cost ≥ 1% of all-frontier, without stating a prior ceiling', () => {
    const cache = { routing: 'per-request' as const, perRequestPct: 41.2, pinnedPct: 44.4, lossUsd: 8.8, changed: true };
    const h = buildHeadline({ ...x, cache });
    expect(h.savingsPct).toBeNull();
    const shown = [h.text, ...h.caveats].join(' ');
    expect(shown).toContain('The range ignores prompt caches');
    for (const prior of ['41.2%', '44.4%', '50.0%', '$8.80']) expect(shown).not.toContain(prior);
    expect(buildHeadline({ ...x, cache: { ...cache, lossUsd: 0.5 } }).caveats.join(' ')).not.toContain('prompt caches');
  });
});

describe('hashKey: the session key hash', () => {
  /**
   * The definition: a step for each part's length, then for each four code units of its first 2,048 (as two
   * words of two units, the first unit the low half: the first word into a, the second into b, the first again
   * into c), then a last word, then a last unit, each fed to all three.
   */
  function reference(by: string, parts: string[]): [string, number] {
    let a = 0x811c9dc5;
    let b = 0x41c6ce57;
    let c = 0x9e3779b9;
    const feed = (x: number): void => {
      a = Math.imul(a ^ x, 0x01000193);
      b = Math.imul(b ^ x ^ (a >>> 15), 0x5bd1e995);
      c = Math.imul(c ^ x ^ (b >>> 13), 0x27d4eb2f);
    };
    for (const s of [by, ...parts]) {
      feed(s.length);
      const n = Math.min(s.length, 2048);
      const word = (i: number) => s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
      let i = 0;
      for (; i + 3 < n; i += 4) {
        a = Math.imul(a ^ word(i), 0x01000193);
        b = Math.imul(b ^ word(i + 2) ^ (a >>> 15), 0x5bd1e995);
        c = Math.imul(c ^ word(i) ^ (b >>> 13), 0x27d4eb2f);
      }
      if (i + 1 < n) {
        feed(word(i));
        i += 2;
      }
      if (i < n) feed(s.charCodeAt(i));
    }
    a = fmix32(a ^ c);
    b = fmix32(b ^ a);
    c = fmix32(c ^ b);
    return [String.fromCharCode(a & 0xffff, a >>> 16, b & 0xffff, b >>> 16, c & 0xffff, c >>> 16), c >>> 0];
  }

  it('equals the definition on short, empty, non-ASCII and over-long parts', () => {
    const cases: [string, string[]][] = [
      ['sessionId', ['s-1']],
      ['requestMetadata', ['conv', '']],
      ['conversation', ['arn:aws:sts::1:assumed-role/x/y', '', 'Wo ist meine Bestellung? 🚚', 'Unterwegs.']],
      ['conversation', ['', 'sys'.repeat(1000), 'ü'.repeat(5000), 'z'.repeat(2048)]],
      // Code units copied in bulk: a surrogate pair cut at the 2,048th unit, lone surrogates, a short part after long ones.
      ['conversation', [`${'a'.repeat(2047)}😀tail`, '\uD800', `x\uDFFFy${'é'.repeat(3000)}`, `${'long '.repeat(600)}`.slice(3), 'ok']],
    ];
    for (const [by, parts] of cases) expect(hashKey(by, parts)).toEqual(reference(by, parts));
  });

  it('changes with every code unit and with the order of the words of a step', () => {
    const base = 'abcdefghij';
    const keys = new Set([hashKey('conversation', [base])[0]]);
    for (let i = 0; i < base.length; i++) keys.add(hashKey('conversation', [`${base.slice(0, i)}X${base.slice(i + 1)}`])[0]);
    // The two words of the first step swapped, and the two halves of a word swapped.
    keys.add(hashKey('conversation', ['cdabefghij'])[0]);
    keys.add(hashKey('conversation', ['bacdefghij'])[0]);
    expect(keys.size).toBe(base.length + 3);
  });
});
