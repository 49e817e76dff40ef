import { describe, expect, it } from 'vitest';
import { evaluateGate, formatBound, formatPoints, judgeScope, rulesOf, savingsChecks } from '../../src/gate/verdict.js';
import { allowedTiersByItem, restrictTiers, selectItems, servedShares, substituteTiers } from '../../src/gate/scopes.js';
import { evaluation, gatePolicy, item, routeAllTo, routeAllToItems, routing, rule, table } from './builders.js';

describe('judgeScope', () => {
  it('holds the parity lower bound to a relative floor and says by how much it misses', () => {
    const v = judgeScope(rule('payments'), evaluation({ parityLower: 0.912, parity: 0.97, qualityLower: 0.99 }));
    expect(v.status).toBe('fail');
    expect(v.measure).toBe('parity');
    expect(v.lower).toBe(0.912);
    expect(v.margin).toBeCloseTo(-0.038, 12);
    expect(v.message).toMatch(/^scope payments: parity lower bound 0\.912 < floor 0\.95 \(−3\.8 pts/);
  });

  it('holds the pass-rate lower bound to an absolute floor', () => {
    const r = rule('global', { barMode: 'absolute', floor: 0.8 });
    const pass = judgeScope(r, evaluation({ qualityLower: 0.81, parityLower: 0.2 }));
    expect(pass.status).toBe('pass');
    expect(pass.measure).toBe('pass-rate');
    expect(pass.message).toContain('pass-rate lower bound 0.810 ≥ floor 0.8 (+1.0 pts');
    const fail = judgeScope(r, evaluation({ qualityLower: 0.79, parityLower: 1 }));
    expect(fail.status).toBe('fail');
  });

  it('passes a bound equal to the floor despite float noise', () => {
    expect(judgeScope(rule('g', { floor: 0.95 }), evaluation({ parityLower: 0.95 - 1e-12 })).status).toBe('pass');
    expect(judgeScope(rule('g', { floor: 0.95 }), evaluation({ parityLower: 0.9499 })).status).toBe('fail');
  });
});

describe('formatPoints', () => {
  it('signs margins in percentage points', () => {
    expect(formatPoints(-0.038)).toBe('−3.8 pts');
    expect(formatPoints(0.0123)).toBe('+1.2 pts');
    expect(formatPoints(0)).toBe('±0.0 pts');
    expect(formatPoints(-0.0004)).toBe('−0.04 pts');
    expect(formatPoints(0.000001)).toBe('+<0.001 pts');
  });

  it('never prints a failing bound as equal to its floor', () => {
    expect(formatBound(0.8996, 0.9, false)).toBe('0.8996');
    expect(formatBound(0.91234, 0.9, true)).toBe('0.912');
    const v = judgeScope(rule('payments', { floor: 0.9 }), evaluation({ parityLower: 0.89996 }));
    expect(v.message).toContain('scope payments: parity lower bound 0.89996 < floor 0.9 (−0.004 pts,');
  });
});

describe('rulesOf', () => {
  it('applies --floor and --confidence to the global floor and every scope', () => {
    const p = gatePolicy({ scopes: [rule('payments', { floor: 0.99, confidence: 0.99 })] });
    const rules = rulesOf(p, { floor: 0.9, confidence: 0.8 });
    expect(rules.map((r) => [r.name, r.floor, r.confidence, r.floorFrom])).toEqual([
      ['global', 0.9, 0.8, 'flag'],
      ['payments', 0.9, 0.8, 'flag'],
    ]);
    expect(rulesOf(p, {}).map((r) => r.floor)).toEqual([0.95, 0.99]);
  });
});

describe('savingsChecks', () => {
  const g = judgeScope(rule('global'), evaluation({ savingsPct: 28.4 }));
  it('fails --min-savings below the minimum', () => {
    const [c] = savingsChecks(g, { minSavings: 30 });
    expect(c).toMatchObject({ check: 'min-savings', pass: false, actual: 28.4, limit: 30 });
    expect(savingsChecks(g, { minSavings: 28 })[0]!.pass).toBe(true);
  });
  it('fails --max-savings-drop when savings fall by more than allowed against the base', () => {
    const withBase = { ...g, base: { ...g.proposed!, savingsPct: 41 } };
    const [c] = savingsChecks(withBase, { maxSavingsDrop: 5 });
    expect(c!.pass).toBe(false);
    expect(c!.actual).toBeCloseTo(12.6, 9);
    expect(c!.message).toContain('41.0% → 28.4%: drop of 12.6 pts > allowed 5 pts');
    expect(savingsChecks(withBase, { maxSavingsDrop: 13 })[0]!.pass).toBe(true);
    // no base and no certified savings: nothing to compare
    expect(savingsChecks(g, { maxSavingsDrop: 5 })).toEqual([]);
  });
  it('checks the drop below certified savings, 10 pts by default, and both with a base', () => {
    const [c] = savingsChecks(g, { certifiedSavingsPct: 38.5 });
    expect(c).toMatchObject({ check: 'max-savings-drop', against: 'certified', pass: false, limit: 10 });
    expect(c!.actual).toBeCloseTo(10.1, 9);
    expect(c!.message).toBe('savings certified 38.5% → realized 28.4%: drop of 10.1 pts > allowed 10 pts');
    expect(savingsChecks(g, { certifiedSavingsPct: 38.4 })[0]!.pass).toBe(true);
    expect(savingsChecks(g, { certifiedSavingsPct: 38.5, maxSavingsDrop: 11 })[0]!.pass).toBe(true);
    expect(savingsChecks(g, { certifiedSavingsPct: 20 })[0]!.message).toContain('no drop ≤ allowed 10 pts');
    const withBase = { ...g, base: { ...g.proposed!, savingsPct: 30 } };
    expect(savingsChecks(withBase, { certifiedSavingsPct: 50, maxSavingsDrop: 5 }).map((x) => [x.against, x.pass])).toEqual([
      ['base', true],
      ['certified', false],
    ]);
  });
});

describe('scopes', () => {
  const t = table([
    item('a', '001', { category: 'refunds' }),
    item('b', '011', { category: 'invoices', task: 'extraction' }),
    item('c', '111', { task: 'triage' }),
  ]);

  it('selects items when any match entry holds, with * wildcards and key:value tags', () => {
    expect(selectItems(t, { category: ['refunds', 'invoices'] })).toEqual([0, 1]);
    expect(selectItems(t, { team: 'payments', task: 'tri*' })).toEqual([2]);
    const tags: Record<string, string[]> = { a: ['team:payments'], c: ['team=search', 'urgent'] };
    expect(selectItems(t, { team: 'payments' }, (id) => ({ tags: tags[id] ?? [] }))).toEqual([0]);
    expect(selectItems(t, { tag: 'urgent' }, (id) => ({ tags: tags[id] ?? [] }))).toEqual([2]);
    expect(selectItems(t, { dataset: 'ds' }, () => ({ dataset: 'ds' }))).toEqual([0, 1, 2]);
    expect(selectItems(t, { team: 'payments' })).toEqual([]);
  });

  it('substitutes a disallowed tier with the next allowed one up', () => {
    expect(substituteTiers(['cheap', 'mid', 'frontier'], new Set(['mid', 'frontier']))).toEqual([1, 1, 2]);
    expect(substituteTiers(['cheap', 'mid', 'frontier'], new Set(['cheap', 'frontier']))).toEqual([0, 2, 2]);
    expect(() => substituteTiers(['cheap', 'mid', 'frontier'], new Set(['cheap']))).toThrow(/no allowed tier at or above "mid"/);
  });

  it('rewrites constrained items: classifier pays the substitute, sequential patterns reuse the answer', () => {
    const allowed = new Map([[0, new Set(['mid', 'frontier'])]]);
    const direct = restrictTiers(t, allowed, 'classifier');
    expect(direct.items[0]!.byTier.cheap).toEqual(t.items[0]!.byTier.mid);
    expect(direct.items[0]!.byTier.mid!.costUsd).toBe(0.004);
    expect(direct.items[1]).toBe(t.items[1]);
    const cascade = restrictTiers(t, allowed, 'cascade');
    expect(cascade.items[0]!.byTier.cheap).toEqual(t.items[0]!.byTier.mid);
    expect(cascade.items[0]!.byTier.mid).toEqual({ ...t.items[0]!.byTier.mid, costUsd: 0 });
    expect(cascade.items[0]!.byTier.frontier).toEqual(t.items[0]!.byTier.frontier);
    // the input is untouched
    expect(t.items[0]!.byTier.cheap!.pass).toBe(false);
  });

  it('counts shares by the tier serving each item', () => {
    const subs = new Map([['a', [1, 1, 2]]]);
    expect(servedShares(['cheap', 'mid', 'frontier'], [{ itemId: 'a' }, { itemId: 'b' }], [0, 0], subs)).toEqual({ cheap: 0.5, mid: 0.5, frontier: 0 });
  });

  it('intersects the allowed tiers of overlapping scopes', () => {
    const m = allowedTiersByItem(t, [
      { allowedTiers: ['cheap', 'mid', 'frontier'], members: [0, 1] },
      { allowedTiers: ['mid', 'frontier'], members: [1, 2] },
      { members: [0] },
    ]);
    expect([...m.get(0)!].sort()).toEqual(['cheap', 'frontier', 'mid']);
    expect([...m.get(1)!].sort()).toEqual(['frontier', 'mid']);
    expect([...m.get(2)!].sort()).toEqual(['frontier', 'mid']);
  });
});

describe('evaluateGate', () => {
  // 20 refunds items only the frontier gets right, 80 others every tier gets right.
  const items = [
    ...Array.from({ length: 20 }, (_, i) => item(`r${i}`, '001', { category: 'refunds' })),
    ...Array.from({ length: 80 }, (_, i) => item(`o${i}`, '111', { category: 'other' })),
  ];
  const t = table(items);
  const cheapAll = routing({ thresholds: [0, 0] }); // stand-in: route everything to tier 0

  it('fails the scope whose floor breaks, names it, and keeps the others', () => {
    const policy = gatePolicy({
      routing: cheapAll,
      global: rule('global', { barMode: 'absolute', floor: 0.7 }),
      scopes: [rule('payments', { match: { category: ['refunds'] }, barMode: 'absolute', floor: 0.5 }), rule('rest', { match: { category: ['other'] }, barMode: 'absolute', floor: 0.9 })],
    });
    const v = evaluateGate({ policy, table: t }, {}, routeAllTo);
    expect(v.pass).toBe(false);
    expect(v.scopes.map((s) => [s.scope, s.n, s.status])).toEqual([
      ['global', 100, 'pass'],
      ['payments', 20, 'fail'],
      ['rest', 80, 'pass'],
    ]);
    expect(v.scopes[1]!.value).toBe(0);
    expect(v.scopes[1]!.message).toMatch(/^scope payments: pass-rate lower bound 0\.000 < floor 0\.5 \(−50\.0 pts/);
    // 20 items: judged, with a warning that the bound is weak
    expect(v.warnings).toEqual([expect.stringContaining('scope payments has only 20 golden items')]);
  });

  it('re-routes a scope with allowedTiers before simulating, which can make it pass', () => {
    const scope = rule('payments', { match: { category: ['refunds'] }, barMode: 'absolute', floor: 0.5, allowedTiers: ['frontier'] });
    const v = evaluateGate({ policy: gatePolicy({ routing: cheapAll, global: rule('global', { barMode: 'absolute', floor: 0.7 }), scopes: [scope] }), table: t }, {}, routeAllTo, routeAllToItems);
    expect(v.scopes[1]!.status).toBe('pass');
    expect(v.scopes[1]!.value).toBe(1);
    // shares name the tier that serves the items, not the slot the route picked
    expect(v.scopes[1]!.proposed!.tierShares).toEqual({ cheap: 0, mid: 0, frontier: 1 });
    expect(v.scopes[0]!.proposed!.tierShares).toEqual({ cheap: 0.8, mid: 0, frontier: 0.2 });
    // the whole population sees the re-routing too: its cost includes 20 frontier calls
    expect(v.scopes[0]!.proposed!.costUsd).toBeCloseTo(20 * 0.02 + 80 * 0.001, 12);
    expect(v.scopes[0]!.value).toBe(1);
  });

  it('warns about a scope that matches nothing, without failing', () => {
    const v = evaluateGate({ policy: gatePolicy({ routing: routing({ thresholds: [2, 2] }), scopes: [rule('ghost', { match: { team: ['nobody'] } })] }), table: t }, {}, routeAllTo);
    expect(v.pass).toBe(true);
    expect(v.scopes[1]!.status).toBe('empty');
    expect(v.warnings).toHaveLength(1);
    expect(v.warnings[0]).toContain('scope ghost matched no golden item (team=nobody)');
  });

  it('passes each scope its own floor and confidence, and shows the base policy on the same items', () => {
    const seen: { bar: number; confidence: number; n: number }[] = [];
    const spy = (p: Parameters<typeof routeAllTo>[0], tt: Parameters<typeof routeAllTo>[1], o?: { confidence?: number }) => {
      seen.push({ bar: p.bar, confidence: o?.confidence ?? NaN, n: tt.items.length });
      return routeAllTo(p, tt, o);
    };
    const policy = gatePolicy({ routing: routing({ thresholds: [1, 1] }), scopes: [rule('payments', { match: { category: ['refunds'] }, floor: 0.99, confidence: 0.99 })] });
    const base = gatePolicy({ source: 'main.yaml', routing: routing({ thresholds: [2, 2] }) });
    const v = evaluateGate({ policy, table: t, base }, { maxSavingsDrop: 10 }, spy);
    expect(seen).toEqual([
      { bar: 0.95, confidence: 0.95, n: 100 },
      { bar: 0.95, confidence: 0.95, n: 100 },
      { bar: 0.99, confidence: 0.99, n: 20 },
      { bar: 0.99, confidence: 0.99, n: 20 },
    ]);
    expect(v.base).toBe('main.yaml');
    expect(v.scopes[0]!.base!.savingsPct).toBeCloseTo(0, 12);
    expect(v.scopes[0]!.proposed!.savingsPct).toBeCloseTo(80, 9);
    // savings went up, so the drop check passes
    expect(v.checks).toEqual([expect.objectContaining({ check: 'max-savings-drop', pass: true })]);
  });
});
