/**
 * Sessions and the cache-aware routed ceiling (issue #18), through the built CLI.
 *
 * fixtures/analyze/sessions/bedrock.jsonl: two sessions keyed by requestMetadata.conversation, all logged on
 * Claude Sonnet 4.5, turns one minute apart (inside the 5-minute cache TTL). Session s1 alternates easy and
 * hard over a growing cached prefix (10,000 → 10,600 tokens); s2 is two easy turns. labels.jsonl measures
 * every request, so the estimate is exact.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const DIR = 'fixtures/analyze/sessions';
const BEDROCK_TIERS = 'cheap=anthropic.claude-haiku-4-5-20251001-v1:0,frontier=anthropic.claude-sonnet-4-5-20250929-v1:0';

/** USD per 1M tokens (the catalog's us-east-1 Bedrock rows: `tokor prices --model ID`). */
interface Rates {
  input: number;
  output: number;
  read: number;
  write: number;
}
const SONNET_BEDROCK: Rates = { input: 3.3, output: 16.5, read: 0.33, write: 4.125 };
const HAIKU_BEDROCK: Rates = { input: 1.1, output: 5.5, read: 0.11, write: 1.375 };
/** Anthropic API rows (Claude Code transcripts name the bare model). */
const SONNET_API: Rates = { input: 3, output: 15, read: 0.3, write: 3.75 };
const HAIKU_API: Rates = { input: 1, output: 5, read: 0.1, write: 1.25 };

type Turn = { input: number; output: number; read: number; write: number };
/** A turn's cost in micro-dollars (tokens × USD per 1M). */
const micro = (t: Turn, r: Rates) => t.input * r.input + t.output * r.output + t.read * r.read + t.write * r.write;
/** The same turn with a cold cache: its cached prefix written again. */
const cold = (t: Turn): Turn => ({ ...t, read: 0, write: t.write + t.read });
const usd6 = (microUsd: number) => Math.round(microUsd) / 1e6;

const S1: Turn[] = [
  { input: 100, output: 200, read: 0, write: 10_000 },
  { input: 100, output: 200, read: 10_000, write: 300 },
  { input: 100, output: 200, read: 10_300, write: 300 },
  { input: 100, output: 200, read: 10_600, write: 300 },
];
const S2: Turn[] = [
  { input: 100, output: 200, read: 0, write: 10_000 },
  { input: 100, output: 200, read: 10_000, write: 300 },
];

function hand(cheap: Rates, frontier: Rates) {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  // s1's labels: easy, hard, easy, hard → cheap, frontier, cheap, frontier; s2: easy, easy.
  const s1Tiers = [cheap, frontier, cheap, frontier];
  const frontierAll = sum([...S1, ...S2].map((t) => micro(t, frontier)));
  const asLogged = sum(S1.map((t, i) => micro(t, s1Tiers[i]!))) + sum(S2.map((t) => micro(t, cheap)));
  // Per request: every s1 turn after the first lands on another tier than the turn before, so its cache is cold.
  const perRequest = micro(S1[0]!, cheap) + sum(S1.slice(1).map((t, i) => micro(cold(t), s1Tiers[i + 1]!))) + sum(S2.map((t) => micro(t, cheap)));
  // Pinned: s1 on the frontier (its hardest turn is hard), s2 on cheap; every turn warm.
  const pinned = sum(S1.map((t) => micro(t, frontier))) + sum(S2.map((t) => micro(t, cheap)));
  return { frontierAll, asLogged, perRequest, pinned, loss: perRequest - asLogged };
}

describe('tokor analyze: sessions and the cache-aware ceiling', () => {
  it('Bedrock with --session-key: fragmentation loss in dollars, and session-pinned beats per-request routing', async () => {
    const r = await runCli(['analyze', `${DIR}/bedrock.jsonl`, '--tiers', BEDROCK_TIERS, '--labels', `${DIR}/labels.jsonl`, '--session-key', 'conversation', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(3);
    expect(j.sessions).toMatchObject({ count: 2, keyedBy: 'requestMetadata', sessionKey: 'conversation', turnsMedian: 2, turnsP90: 4, coldTurns: 3, simulatedTurns: 6, keptShare: 1 });
    const h = hand(HAIKU_BEDROCK, SONNET_BEDROCK);
    // The loss is each cold turn's cached prefix at the write rate instead of the read rate:
    // 10,000 × (4.125 − 0.33) + 10,300 × (1.375 − 0.11) + 10,600 × (4.125 − 0.33) = 91,206.5 µ$.
    expect(h.loss).toBeCloseTo(91_206.5, 6);
    expect(j.cost.fragmentationLossUsd).toBe(usd6(h.loss));
    expect(j.cost.frontierCounterfactual).toBe(usd6(h.frontierAll));
    expect(j.cost.routedCeiling).toBe(usd6(h.asLogged));
    expect(j.cost.routedPerRequestUsd).toBe(usd6(h.perRequest));
    expect(j.cost.routedSessionPinnedUsd).toBe(usd6(h.pinned));
    expect(j.savings.ceilingPerRequestPct).toBeCloseTo((1 - h.perRequest / h.frontierAll) * 100, 3);
    expect(j.savings.ceilingSessionPinnedPct).toBeCloseTo((1 - h.pinned / h.frontierAll) * 100, 3);
    // Routing each request costs more than all-frontier here; pinning each session saves.
    expect(j.savings.ceilingPerRequestPct).toBeLessThan(0);
    expect(j.savings.ceilingSessionPinnedPct).toBeGreaterThan(j.savings.ceilingPerRequestPct);
    expect(j.savings.ceilingRouting).toBe('session-pinned');
    // The headline is the better of the two, not the cache-blind ceiling.
    expect(j.headline.savingsPct).toBe(j.savings.ceilingSessionPinnedPct);
    expect(j.headline.savingsPct).toBeLessThan(j.savings.ceilingPct);
    expect(j.headline.text).toContain(`by up to ${j.savings.ceilingSessionPinnedPct.toFixed(1)}%`);
    expect(j.headline.text).toContain('each session pinned to the tier of its hardest turn');
  });

  it('the table says what cache effects change beside the formula', async () => {
    const r = await runCli(['analyze', `${DIR}/bedrock.jsonl`, '--tiers', BEDROCK_TIERS, '--labels', `${DIR}/labels.jsonl`, '--session-key', 'conversation'], { env: { COLUMNS: '200' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Formula {10}/m);
    expect(r.stdout).toMatch(/^Sessions {9}2 sessions keyed by requestMetadata\.conversation; turns per session 2 at the median, 4 at p90/m);
    expect(r.stdout).toMatch(/^Prompt caches {4}caches are per model/m);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('3 of 6 turns find their cached prefix cold, $0.0912 lost to fragmentation');
    expect(text).toContain('The headline takes the better: session-pinned.');
    expect(text).toContain('57.7% (95% CI 57.7–57.7%) against all-frontier (cache-blind; the headline is the cache-aware ceiling under Prompt caches)');
  });

  it('without a session key the same log has no sessions: every ceiling is the cache-blind one', async () => {
    const r = await runCli(['analyze', `${DIR}/bedrock.jsonl`, '--tiers', BEDROCK_TIERS, '--labels', `${DIR}/labels.jsonl`, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.sessions).toMatchObject({ count: 6, keyedBy: 'none', turnsMedian: 1, turnsP90: 1, cacheReadShareMedian: null, simulatedTurns: 0 });
    expect(j.cost.fragmentationLossUsd).toBe(0);
    expect(j.savings.ceilingPerRequestPct).toBe(j.savings.ceilingPct);
    expect(j.savings.ceilingSessionPinnedPct).toBe(j.savings.ceilingPct);
    expect(j.headline.savingsPct).toBe(j.savings.ceilingPct);
  });

  it('the session key can come from tokor.config.yaml (sessionKey)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-sessions-'));
    const config = path.join(dir, 'tokor.config.yaml');
    writeFileSync(config, 'sessionKey: conversation\n');
    const r = await runCli(['analyze', `${DIR}/bedrock.jsonl`, '--tiers', BEDROCK_TIERS, '--labels', `${DIR}/labels.jsonl`, '--config', config, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).sessions).toMatchObject({ count: 2, keyedBy: 'requestMetadata', sessionKey: 'conversation' });
  });

  it('Claude Code transcripts: sessions by sessionId, the same fragmentation at Anthropic API prices', async () => {
    const r = await runCli(['analyze', `${DIR}/claude-code`, '--tiers', 'cheap=claude-haiku-4-5,frontier=claude-sonnet-4-5', '--labels', `${DIR}/claude-code-labels.jsonl`, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.sources.formats).toEqual({ 'claude-code': 1 });
    expect(j.sessions).toMatchObject({ count: 1, keyedBy: 'sessionId', turnsMedian: 4, turnsP90: 4, coldTurns: 3, simulatedTurns: 4 });
    // s-cccc is s1 of the Bedrock fixture: easy, hard, easy, hard over the same tokens.
    const cheap = HAIKU_API;
    const frontier = SONNET_API;
    const loss = S1[1]!.read * (frontier.write - frontier.read) + S1[2]!.read * (cheap.write - cheap.read) + S1[3]!.read * (frontier.write - frontier.read);
    expect(j.cost.fragmentationLossUsd).toBe(usd6(loss));
    expect(j.cost.routedSessionPinnedUsd).toBe(usd6(S1.reduce((a, t) => a + micro(t, frontier), 0)));
    expect(j.savings.ceilingRouting).toBe('session-pinned');
    expect(j.savings.ceilingSessionPinnedPct).toBeGreaterThan(j.savings.ceilingPerRequestPct);
  });

  it('conversation chaining: requests that extend one another are one session; an unanswered opening stays alone', async () => {
    const r = await runCli(['analyze', `${DIR}/conversation.jsonl`, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // c1 (three turns), c2 (same opening, another answer), c3 (same opening, no output body: not chained).
    expect(j.sessions).toMatchObject({ count: 3, keyedBy: 'conversation', requestsBy: { sessionId: 0, requestMetadata: 0, conversation: 4, none: 1 }, turnsMedian: 1, turnsP90: 3 });
  });
});
