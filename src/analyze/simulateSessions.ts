/**
 * The cache-aware routed ceiling: the kept sessions (sessions.ts) replayed
 * turn by turn on the tiers a router would send them to. Prompt caches are
 * per model, so a turn served by another tier than the turn before it finds
 * that tier's cache cold: the prefix it read from cache is paid again.
 *
 * Rules, per priced turn of a session in time order (input order on ties):
 * - the first turn is priced as logged (its cache state predates the log);
 * - a later turn is *warm* when the same tier served the previous turn within
 *   the cache TTL (1 hour when the previous turn wrote 1-hour cache, else 5
 *   minutes; a turn without a timestamp counts as within): priced with its
 *   logged tokens on that tier;
 * - otherwise it is *cold*: its logged cache reads are written again (a cache
 *   write at its TTL's rate; a request that neither read nor wrote cache pays
 *   its whole prompt as uncached input, as logged).
 * Two routings: per request (each turn on its label's tier) and session-pinned
 * (every turn of a session on the tier of its hardest turn). Pure; money is
 * exact (bigint picodollars).
 */
import type { Difficulty } from '../types.js';
import { costOf, type ModelPrice, type Money } from '../pricing/index.js';
import { ttlParts } from './tokens.js';
import { forEachKeptSession, sessionTurnTotals, type SessionAcc, type SessionTurn, type TurnPlace } from './sessions.js';

const FIVE_MINUTES = 5 * 60_000;
const ONE_HOUR = 60 * 60_000;

export interface SessionPricing {
  /** The price of a turn's own model, or undefined when it has none (such turns are in no figure). */
  priced(place: TurnPlace): boolean;
  /** The price of tier `tier` in a region. */
  tierPrice(tier: number, region: string): ModelPrice;
  /** The tier a label is routed to. */
  tierOf(label: Difficulty): number;
  /** The first tier from `tier` on that holds a prompt and answer of these many tokens (the frontier at the latest). */
  fitTier(tier: number, region: string, promptTokens: number, promptAndAnswerTokens: number): number;
}

export interface SessionSimulation {
  /** The kept sessions' priced turns, each on its label's tier with its logged cache tokens (the cache-blind ceiling). */
  asLogged: Money;
  /** The same turns routed per request, with cold caches where the tier changes. */
  perRequest: Money;
  /** Each session pinned to the tier of its hardest turn. */
  sessionPinned: Money;
  /** 2^level: each kept session stands for this many (1 unless sessions were sampled to bound memory). */
  scale: bigint;
  /** Turns of the kept sessions that read cache as logged but find their tier's cache cold (per-request routing), and the turns priced. */
  coldTurns: number;
  pricedTurns: number;
}

export interface SessionStats {
  /** Sessions, the requests without a session counted as one each (an estimate when sampled: kept × 2^level). */
  count: number;
  turnsMedian: number;
  turnsP90: number;
  /** Per kept session: cache reads ÷ its prompt tokens (input + cache read + cache write); null without kept sessions. */
  cacheReadShareMedian: number | null;
  cacheReadShareP90: number | null;
  /** The share of sessions kept (1 unless sampled by hash to bound memory). */
  keptShare: number;
}

const ORDER = (a: SessionTurn, b: SessionTurn): number => a.at - b.at || a.line - b.line;

export function simulateSessions(s: SessionAcc, pricing: SessionPricing): SessionSimulation {
  let asLogged = 0n;
  let perRequest = 0n;
  let sessionPinned = 0n;
  let coldTurns = 0;
  let pricedTurns = 0;
  // Per place (a few) rather than per turn (hundreds of thousands): whether it is priced, and each tier's price in its region.
  const pricedPlace = s.places.map((p) => pricing.priced(p));
  const tierPrices = new Map<string, ModelPrice[]>();
  const priceOf = (tier: number, region: string): ModelPrice => {
    let byTier = tierPrices.get(region);
    if (byTier === undefined) tierPrices.set(region, (byTier = []));
    return (byTier[tier] ??= pricing.tierPrice(tier, region));
  };
  const tierOf = { easy: pricing.tierOf('easy'), moderate: pricing.tierOf('moderate'), hard: pricing.tierOf('hard') };
  forEachKeptSession(s, (kept) => {
    const turns = kept.filter((t) => pricedPlace[t.place]).sort(ORDER);
    if (turns.length === 0) return;
    let hardest: Difficulty = 'easy';
    for (const t of turns) if (rank(t.label) > rank(hardest)) hardest = t.label;
    let prev: SessionTurn | undefined;
    let prevTier = -1;
    for (const t of turns) {
      const place = s.places[t.place]!;
      // A prompt and answer longer than a tier's context window (or a prompt over its input limit) go to the first later tier that holds them.
      const prompt = t.input + t.cacheRead + t.cacheWrite;
      const pinned = pricing.fitTier(tierOf[hardest], place.region, prompt, prompt + t.output);
      const tier = pricing.fitTier(tierOf[t.label], place.region, prompt, prompt + t.output);
      const price = priceOf(tier, place.region);
      const logged = turnCost(t, place, price, false);
      asLogged += logged;
      pricedTurns++;
      const fresh = prev === undefined || withinTtl(prev, s.places[prev.place]!, t);
      const warm = prev === undefined || (tier === prevTier && fresh);
      if (!warm && t.cacheRead > 0) coldTurns++;
      perRequest += warm ? logged : turnCost(t, place, price, true);
      // Pinned to the tier it was routed to anyway, with the cache as logged: the logged cost (most turns).
      const pinnedCold = !(prev === undefined || fresh);
      sessionPinned += pinned === tier && !pinnedCold ? logged : turnCost(t, place, priceOf(pinned, place.region), pinnedCold);
      prev = t;
      prevTier = tier;
    }
  });
  return { asLogged, perRequest, sessionPinned, scale: 2n ** BigInt(s.level), coldTurns, pricedTurns };
}

function rank(d: Difficulty): number {
  return d === 'easy' ? 0 : d === 'moderate' ? 1 : 2;
}

function withinTtl(prev: SessionTurn, prevPlace: TurnPlace, t: SessionTurn): boolean {
  if (prev.at < 0 || t.at < 0) return true;
  const ttl = prevPlace.ttl === '1h' || prev.cacheWrite1h > 0 ? ONE_HOUR : FIVE_MINUTES;
  return t.at - prev.at <= ttl;
}

/**
 * One turn on a tier: as logged, or with a cold cache (its cache reads written again, at 1 hour when
 * its writes are 1-hour writes, else at 5 minutes).
 */
function turnCost(t: SessionTurn, place: TurnPlace, price: ModelPrice, cold: boolean): Money {
  const moved = cold ? t.cacheRead : 0;
  // A record whose writes are all 1-hour writes (by its TTL, or split with nothing at 5 minutes) writes them again at 1 hour.
  const h1 = place.ttl === '1h' || t.cacheWrite1h === 0 ? 0 : t.cacheWrite1h + (t.cacheWrite1h === t.cacheWrite ? moved : 0);
  const parts = ttlParts({ ttl: place.ttl, input: t.input, output: t.output, cacheRead: t.cacheRead - moved, cacheWrite: t.cacheWrite + moved, ...(h1 > 0 ? { cacheWrite1h: h1 } : {}) });
  let m = 0n;
  // Cold or warm, the prompt is the same size: moved reads are written again.
  const promptTokens = t.input + t.cacheRead + t.cacheWrite;
  for (const p of parts) m += costOf({ input: p.input, output: p.output, cacheRead: p.cacheRead, cacheWrite: p.cacheWrite }, price, { batch: place.batch, service: place.service, cacheWriteTtl: p.ttl, promptTokens });
  return m;
}

export function sessionStats(s: SessionAcc): SessionStats {
  const weight = 2 ** s.level;
  const totals = sessionTurnTotals(s);
  // Each kept session's cache-read share of its prompt tokens, in place of its cache reads.
  const shares = totals.cacheRead;
  for (let i = 0; i < s.keptSessions; i++) {
    const prompt = totals.prompt[i]!;
    shares[i] = prompt > 0 ? shares[i]! / prompt : 0;
  }
  const count = s.unkeyed + s.keptSessions * weight;
  // Requests of no session count as sessions of one turn.
  const [turnsMedian, turnsP90] = weightedRanks(totals.turns, weight, s.unkeyed > 0 ? [1, s.unkeyed] : undefined, 0.5, 0.9);
  const [shareMedian, shareP90] = weightedRanks(shares, 1, undefined, 0.5, 0.9);
  return {
    count,
    turnsMedian: turnsMedian ?? 0,
    turnsP90: turnsP90 ?? 0,
    cacheReadShareMedian: round(shareMedian),
    cacheReadShareP90: round(shareP90),
    keptShare: 1 / weight,
  };
}

/**
 * The nearest-rank q-quantiles (for q = `lo` and `hi`, lo ≤ hi) of `values`, each of weight `weight`, and of
 * one more value `extra` ([value, weight]): each the smallest value whose cumulative weight reaches q × total.
 * One sort for both; `values` is sorted in place. A typed array of values with one weight, not a [value, weight]
 * pair per session: a run keeps up to hundreds of thousands of sessions, whose pairs (and the sorted copy) were
 * the report's largest allocation. Weights are whole numbers, so the sums are exact in any order.
 */
function weightedRanks(values: Float64Array, weight: number, extra: readonly [number, number] | undefined, lo: number, hi: number): [number | undefined, number | undefined] {
  const n = values.length;
  if (n === 0 && extra === undefined) return [undefined, undefined];
  values.sort();
  const total = n * weight + (extra?.[1] ?? 0);
  const last = Math.max(n > 0 ? values[n - 1]! : Number.NEGATIVE_INFINITY, extra?.[0] ?? Number.NEGATIVE_INFINITY);
  let low: number | undefined;
  let cum = 0;
  let pending = extra;
  for (let i = 0; i < n || pending !== undefined; ) {
    let v: number;
    if (pending !== undefined && (i === n || pending[0] <= values[i]!)) {
      v = pending[0];
      cum += pending[1];
      pending = undefined;
    } else {
      v = values[i++]!;
      cum += weight;
    }
    if (low === undefined && cum >= lo * total) low = v;
    if (cum >= hi * total) return [low ?? v, v];
  }
  return [low ?? last, last];
}

function round(x: number | undefined): number | null {
  return x === undefined ? null : Math.round(x * 1e6) / 1e6;
}
