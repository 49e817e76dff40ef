/**
 * The gate's routed p95 latency per scope: a scope's own limit, the global
 * one (config or --max-p95-latency) for the rest, and what each output says
 * when a scope is too slow. Figures computed by hand below.
 */
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/calibrate/apply.js';
import type { ItemOutcomes } from '../../src/calibrate/results.js';
import { renderGateJunit, renderGateMarkdown, renderGateTable, gateJson } from '../../src/gate/render.js';
import { routeItems } from '../../src/gate/route.js';
import { evaluateGate } from '../../src/gate/verdict.js';
import { policyFromFile } from '../../src/gate/inputs.js';
import { gatePolicy, item, routing, rule, table } from './builders.js';

const LATENCY = { cheap: 300, mid: 800, frontier: 2000 };

/** 20 "slow" items whose cheap and mid answers fail the valid-json gate (a cascade climbs to frontier) and 20 "fast" ones. */
function items(withLatency = true): ItemOutcomes[] {
  return Array.from({ length: 40 }, (_, i) => {
    const slow = i < 20;
    const it = item(`i${i}`, '111', { category: slow ? 'slow' : 'fast' });
    for (const [t, o] of Object.entries(it.byTier)) {
      const ok = !slow || t === 'frontier';
      o.graders = [{ grader: 'valid-json', pass: ok, score: ok ? 1 : 0, reason: '' }];
      if (withLatency) o.latencyMs = LATENCY[t as keyof typeof LATENCY];
    }
    return it;
  });
}

const cascade = routing({ pattern: 'cascade', gate: 'valid-json', thresholds: [0.5, 0.5] });
// Floors low enough for 20 items to clear: these tests are about latency.
const low = { floor: 0.5 };

describe('gate: routed p95 latency per scope', () => {
  it('fails the scope whose own limit its p95 exceeds; the others hold the global limit', () => {
    const policy = gatePolicy({
      routing: cascade,
      global: rule('global', low),
      scopes: [rule('chat', { ...low, match: { category: ['slow'] }, maxP95LatencyMs: 3000 }), rule('batch', { ...low, match: { category: ['fast'] } })],
    });
    const v = evaluateGate({ policy, table: table(items()) }, { maxP95LatencyMs: 5000 }, applyPolicy, routeItems);
    // slow items wait 300 + 800 + 2000 = 3100 ms, fast ones 300 ms.
    // global: 20 × 300, 20 × 3100 → p50 = 20th = 300, p95 = 38th = 3100 ≤ 5000.
    expect(v.scopes.map((s) => [s.scope, s.proposed?.latency])).toEqual([
      ['global', { p50Ms: 300, p95Ms: 3100 }],
      ['chat', { p50Ms: 3100, p95Ms: 3100 }],
      ['batch', { p50Ms: 300, p95Ms: 300 }],
    ]);
    const latency = v.checks.filter((c) => c.check === 'max-p95-latency');
    expect(latency.map((c) => [c.scope, c.limit, c.actual, c.pass])).toEqual([
      ['global', 5000, 3100, true],
      ['chat', 3000, 3100, false],
      ['batch', 5000, 300, true],
    ]);
    expect(v.scopes.every((s) => s.status === 'pass')).toBe(true); // the quality floors hold
    expect(v.pass).toBe(false);
    expect(latency[1]!.message).toBe('scope chat: routed p95 latency 3,100 ms > max 3,000 ms (p50 3,100 ms, n=20)');

    // Every output names the scope.
    const text = renderGateTable(v, 120);
    expect(text).toMatch(/^tokor gate: FAIL — 1 check failed/);
    expect(text).toMatch(/chat\s.*3,100 ms \(max 3,000\)\s+FAIL \(p95\)/);
    expect(text).toContain('FAIL max-p95-latency (chat): scope chat: routed p95 latency 3,100 ms > max 3,000 ms');
    expect(renderGateMarkdown(v)).toContain('- max-p95-latency (chat): scope chat: routed p95 latency 3,100 ms &gt; max 3,000 ms');
    expect(renderGateMarkdown(v)).toMatch(/\| chat \|.*\| 3,100 ms \(max 3,000\) \| ❌ p95 \|/);
    expect(renderGateJunit(v)).toMatch(/<testcase classname="tokor\.gate\.chat" name="max-p95-latency \(chat\)">\n\s+<failure message="scope chat: routed p95 latency 3,100 ms &gt; max 3,000 ms[^"]*" type="Latency">/);
    const j = gateJson(v);
    expect(j.scopes[1]).toMatchObject({ scope: 'chat', latency: { p50Ms: 3100, p95Ms: 3100 }, maxP95LatencyMs: 3000 });
  });

  it('a scope served from mid up reuses the answer already bought: no second wait', () => {
    const policy = gatePolicy({ routing: cascade, global: rule('global', low), scopes: [rule('chat', { ...low, match: { category: ['slow'] }, allowedTiers: ['mid', 'frontier'], maxP95LatencyMs: 3000 })] });
    const v = evaluateGate({ policy, table: table(items()) }, {}, applyPolicy, routeItems);
    // cheap slot → mid (800), mid slot reuses it (0), frontier 2000: 2800 ms ≤ 3000.
    expect(v.scopes[1]!.proposed?.latency).toEqual({ p50Ms: 2800, p95Ms: 2800 });
    expect(v.pass).toBe(true);
    expect(v.checks.map((c) => c.check)).toEqual(['max-p95-latency']); // no global limit: only the scope's
  });

  it('a calibrate policy chosen under --max-p95-latency holds the whole population to it', () => {
    const policy = { ...policyFromFile({ ...cascade, maxP95LatencyMs: 3000 }, 'policy.json'), global: rule('global', low) };
    expect(policy.maxP95LatencyMs).toBe(3000);
    const v = evaluateGate({ policy, table: table(items()) }, {}, applyPolicy, routeItems);
    expect(v.checks.map((c) => [c.check, c.scope, c.actual, c.pass])).toEqual([['max-p95-latency', 'global', 3100, false]]);
    // The flag replaces it.
    expect(evaluateGate({ policy, table: table(items()) }, { maxP95LatencyMs: 3100 }, applyPolicy, routeItems).pass).toBe(true);
  });

  it('latency unknown: a warning, never a check passed on a made-up 0', () => {
    const policy = gatePolicy({ routing: cascade, global: rule('global', low), maxP95LatencyMs: 1000 });
    const v = evaluateGate({ policy, table: table(items(false)) }, {}, applyPolicy, routeItems);
    expect(v.scopes[0]!.proposed?.latency).toBeNull();
    expect(v.checks.filter((c) => c.check === 'max-p95-latency')).toEqual([]);
    expect(v.warnings).toContain('scope global: routed p95 latency not checked against 1,000 ms: latency unknown (some results have no latencyMs, or it is 0)');
    expect(gateJson(v).scopes[0]!.latency).toBeNull();
  });
});
