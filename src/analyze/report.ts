/**
 * Accumulator → AnalyzeReport: prices every bucket on the model that served
 * it, on the frontier tier (the all-frontier counterfactual) and on its
 * label's tier (the routed ceiling). Pure; money is exact (bigint
 * picodollars) until it is turned into USD for the report.
 */
import { DIFFICULTIES, type Difficulty, type Provenance, type ServiceLevel, type TokenCounts } from '../types.js';
export type { Provenance } from '../types.js';
import type { TierConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { wilson } from '../stats/interval.js';
import { pct, pctFigure, usd } from '../report/format.js';
import { costOf, isLongPrompt, moneyToUsd, overOfPrompt, priceTokens, resolvePrice, windowHolds, type Catalog, type ModelPrice, type Money } from '../pricing/index.js';
import { bucketTokens, structuredKey, type Accumulator, type FileIssue, type TokenKind } from './accumulate.js';
import { costByDay, type DayCostRow } from './daily.js';
import { gatewayCost, type GatewayCost } from './gatewayCost.js';
import { estimateMeasured, rowCorrections, type ClusterRow, type RowCorrections, type RowQuantity } from './estimateMeasured.js';
import type { SessionKeying } from './sessions.js';
import { sessionStats, simulateSessions } from './simulateSessions.js';
import { bucketMeasurementCost } from '../eval/labelSample.js';
import { allocateSample } from '../classify/estimate.js';

import { finishProfile, newProfileAcc, type TrafficProfile } from '../drift/profile.js';

/**
 * 2: distributionSource "measured" | "prior", interval keys, clusters, sensitivity, toMeasure (issue #14).
 * 3: sessions, the cache-aware ceilings (savings.ceilingPerRequestPct, ceilingSessionPinnedPct, cost.fragmentationLossUsd) and
 * the headline on the better of them (issue #18).
 */
export const ANALYZE_SCHEMA_VERSION = 3;

/** Easy shares the ceiling is shown at when the mix is not measured (the routing playbook's worked example). */
const SENSITIVITY_EASY_SHARES = [0.4, 0.7, 0.9] as const;

/** Measured labels `tokor label --sample` is suggested to draw: about ±5 points on a share at 95%. */
const SUGGESTED_LABELS = 400;

const QUALITY_NOTE = 'Quality is unproven until `tokor eval` runs: these are savings if each tier answers its label’s requests as well as the frontier.';

/**
 * When requests without a price carry more than this share of all tokens, the
 * headline of every format says so: their cost is in no figure.
 */
export const UNPRICED_TOKEN_SHARE_WARN = 0.05;

/**
 * Without measured labels, the headline's range leaves prompt caches out; it says so when per-request routing
 * on the prior labels would lose at least this share of the all-frontier cost to cold caches.
 */
const CACHE_LOSS_SHARE_WARN = 0.01;


/** The report's one headline: the savings ceiling against all-frontier, with what every reader must know beside it. */
export interface AnalyzeHeadline {
  /**
   * The headline figure when the mix is measured: the better of savings.ceilingPerRequestPct and
   * ceilingSessionPinnedPct (percent); null when it is a prior (then savingsRangePct) or nothing could be priced.
   */
  savingsPct: number | null;
  /** Without measured labels: the ceiling at 40% and at 90% easy (percent), the range the headline states. */
  savingsRangePct?: [number, number];
  /** With measured labels: the 95% interval of savingsPct (savings.ceilingCi95 moved by what prompt caches change). */
  savingsCi95Pct?: [number, number];
  /** The baseline the figure is measured against. */
  baseline: 'all-frontier';
  /** The sentence every format prints first. */
  text: string;
  /** Said beside the headline in every format: bundled sample data, spend without a price. */
  caveats: string[];
}

/** The `tokor analyze --format json` contract (docs/analyze.md); read back through its schema, src/artifacts/analyzeReport.ts, which the compiler holds to this type. */
export interface AnalyzeReport {
  schemaVersion: typeof ANALYZE_SCHEMA_VERSION;
  kind: 'tokor-analyze';
  headline: AnalyzeHeadline;
  provenance: Provenance;
  sources: { files: number; paths: string[]; formats: Record<string, number>; bytesRead: number };
  catalogVersion: string;
  labeler: string;
  tiers: TierSummary[];
  /** Which tier each label is priced on for the routed ceiling. */
  labelTiers: Record<Difficulty, string>;
  period: { start: string; end: string } | null;
  sample?: { size: number; of: number; seed: number };
  /**
   * --engine duckdb|athena: the records labeled when some strata were labeled from a stratified sample; counts,
   * tokens and dollars cover every record, the difficulty mix is estimated (its intervals include the sampling).
   */
  labelSample?: { size: number; of: number; seed: number };
  /** read = valid + failed + invalid + duplicates. */
  records: { read: number; valid: number; priced: number; unpriced: number; failed: number; invalid: number; duplicates: number };
  /** Whole-file problems: truncated or corrupt gzip, trailing garbage, not gzip, a file given twice, mixed formats. */
  fileIssues: FileIssue[];
  /** Tokens of requests without a price ÷ tokens of all valid requests (0–1). */
  unpricedTokenShare: number;
  invalid: { reasons: { reason: string; count: number }[]; examples: { file: string; line: number; reason: string }[] };
  problems: { problem: string; count: number }[];
  failedByCode: { code: string; count: number }[];
  tokens: TokenCounts;
  distribution: Record<Difficulty, { count: number; share: number; ci95: [number, number] }>;
  /**
   * 'measured' when the shares and the ceiling are estimated from a --labels file (then n = measured.count);
   * 'prior' when they are the labeler's unmeasured labels.
   */
  distributionSource: 'measured' | 'prior';
  measured?: { count: number; ofValid: number; clusters: number };
  /** With measured labels: per task cluster, most requests first. */
  clusters?: ClusterRow[];
  /** Without measured labels: how to measure the mix, and about what it costs. */
  toMeasure?: { command: string; sample: number; expectedCostUsd: number };
  /** Requests grouped into sessions (conversations), for the cache-aware ceilings. */
  sessions: SessionsSummary;
  cost: {
    actual: number;
    frontierCounterfactual: number;
    /** Measured: estimated (every priced request on its label's tier); prior: on the labeler's labels. */
    routedCeiling: number;
    /** The 95% interval of the estimate; null for a prior. */
    routedCeilingCi95: [number, number] | null;
    /** The routed ceiling with prompt caches simulated per session, each request on its label's tier (cold caches where the tier changes). */
    routedPerRequestUsd: number;
    /** The routed ceiling with each session pinned to the tier of its hardest turn. */
    routedSessionPinnedUsd: number;
    /** What per-request routing loses to cold caches: routedPerRequestUsd − routedCeiling. */
    fragmentationLossUsd: number;
  };
  savings: {
    /** Σ share(label) × (1 − rate(tier)/rate(frontier)), with blended rates. */
    formulaPct: number;
    /** 1 − routed ceiling / frontier counterfactual, each request priced on its label's tier. */
    ceilingPct: number;
    /** 1 − actual / frontier counterfactual: what today's model mix already saves (negative: it costs more). */
    actualVsFrontierPct: number;
    /** 1 − routed ceiling / actual: the ceiling against what was actually paid. */
    ceilingVsActualPct: number;
    /** The interval of ceilingPct (percent, 95%) when measured; null for a prior. */
    ceilingCi95: [number, number] | null;
    /** The ceiling if this share of requests were easy (on the cheapest tier) and the rest stayed on the frontier. */
    sensitivity: { easyShare: number; ceilingPct: number; routedCeilingUsd: number }[];
    /** 1 − routedPerRequestUsd / frontier: per-request routing with the caches it fragments. */
    ceilingPerRequestPct: number;
    /** 1 − routedSessionPinnedUsd / frontier: each session on one tier. */
    ceilingSessionPinnedPct: number;
    /** Which of the two the headline takes (the better; per-request on a tie). */
    ceilingRouting: 'per-request' | 'session-pinned';
  };
  formula: { label: Difficulty; tier: string; share: number; rateRatio: number; contributionPct: number }[];
  qualityNote: string;
  byModel: ModelRow[];
  byGroup: GroupRow[];
  topWaste: WasteRow[];
  unpricedModels: { model: string; requests: number; tokens: TokenCounts }[];
  priceNotes: string[];
  /** When requests carry the gateway's own cost (LiteLLM spend): that figure beside tokor's price of the same requests. */
  gatewayCost?: GatewayCost;
  /** With --bill: the actual cost per UTC day and model (what the reconciliation trims to the bill's days). */
  byDay?: DayCostRow[];
  /** With --cost-explorer: billed spend reconciled with what the logs explain. */
  reconciliation?: unknown;
  /** With --engine athena: the bytes the queries scanned and what Athena charges for them (not in any other figure). */
  scan?: ScanSummary;
  /** What `tokor drift` compares: task clusters with requests and spend, score and prompt-length histograms (docs/drift.md). */
  trafficProfile: TrafficProfile;
}

interface SessionsSummary {
  /** Sessions; a request without a session key or conversation is a session of one turn. */
  count: number;
  /** How the sessions were recognised: one way, 'mixed' when several, 'none' when no request had a key or conversation. */
  keyedBy: SessionKeying | 'mixed';
  /** With --session-key: the requestMetadata key. */
  sessionKey?: string;
  /** Requests by how their session was recognised. */
  requestsBy: Record<SessionKeying, number>;
  /** Turns (requests) per session, nearest rank. */
  turnsMedian: number;
  turnsP90: number;
  /** Per session with a key or conversation: cache reads ÷ prompt tokens; null when there is none. */
  cacheReadShareMedian: number | null;
  cacheReadShareP90: number | null;
  /** Sessions with more than one turn were kept in full (1), or a share of them chosen by hash to bound memory (figures scaled up). */
  keptShare: number;
  /** Turns of kept sessions that read cache as logged but find their tier's cache cold under per-request routing, of the priced turns simulated. */
  coldTurns: number;
  simulatedTurns: number;
}

interface ScanSummary {
  engine: 'athena';
  queries: number;
  bytesScanned: number;
  costUsd: number;
  /** The list price applied, USD per TB scanned, with its source and date. */
  price: { usdPerTB: string; source: string; asOf: string };
}

interface TierSummary {
  name: string;
  model: string;
  modelKey: string;
  rates: { input: string; output: string; cacheRead?: string; cacheWrite5m?: string };
  /** All priced traffic on this tier, USD. */
  costIfAllUsd: number;
  /** costIfAll per 1M tokens of that traffic (input + output + cache). */
  blendedRatePerMTok: number;
}

interface ModelRow {
  model: string;
  modelKey: string | null;
  region: string;
  requests: number;
  tokens: TokenCounts;
  costUsd: number | null;
  shareOfCost: number;
  labels: Record<Difficulty, number>;
  /** Share of the row's requests that are easy: estimated from the measured labels with --labels, else the prior's. */
  easyShare: number;
  frontierCounterfactualUsd: number | null;
  routedCeilingUsd: number | null;
  /** What was paid, by token kind (cache writes by TTL), USD; null when unpriced. */
  costByTokenKind: { input: number; output: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number } | null;
}

interface GroupRow {
  groupBy: string;
  group: string;
  requests: number;
  labels: Record<Difficulty, number>;
  /** Share of the row's requests that are easy: estimated from the measured labels with --labels, else the prior's. */
  easyShare: number;
  costUsd: number;
  frontierCounterfactualUsd: number;
  routedCeilingUsd: number;
  savingsPct: number;
}

interface WasteRow {
  model: string;
  region: string;
  easyRequests: number;
  costUsd: number;
  cheapTierCostUsd: number;
  wasteUsd: number;
}

export interface BuildOptions {
  catalog: Catalog;
  tiers: TierConfig[];
  labeler: string;
  files: string[];
  formats: Record<string, number>;
  bytesRead: number;
  sample?: { size: number; of: number; seed: number };
  confidence?: number;
  /** Set when the input is bundled sample data (the app layer knows where the files came from). */
  provenance?: Provenance;
  /** The inputs as the user named them, for the `tokor label` command a prior report suggests. */
  inputs?: string[];
  /** Add `byDay` (the actual cost per UTC day and model): set when a bill is to be reconciled. */
  byDay?: boolean;
  /** --session-key, named in the report. */
  sessionKey?: string;
  /** Records labeled from a stratified sample (engines that aggregate where the data lives). */
  labelSample?: { size: number; of: number; seed: number };
  /** What an engine scanned where the data lives, and its cost. */
  scan?: { engine: 'athena'; queries: number; bytesScanned: number; cost: Money; price: { usdPerTB: string; source: string; asOf: string } };
}

/** Which tier prices each label: easy → cheapest, hard → frontier, moderate → the middle tier. */
function labelTierIndex(label: Difficulty, nTiers: number): number {
  if (label === 'easy') return 0;
  if (label === 'hard') return nTiers - 1;
  return nTiers >= 3 ? Math.floor((nTiers - 1) / 2) : nTiers - 1;
}

export function buildAnalyzeReport(acc: Accumulator, opts: BuildOptions): AnalyzeReport {
  const { catalog, tiers } = opts;
  const notes = new Set<string>();
  const priceOf = memoPrice(catalog, notes);
  const frontier = tiers[tiers.length - 1]!;
  const tierPrice = (tierIndex: number, region: string): ModelPrice => {
    const t = tiers[tierIndex]!;
    const p = priceOf(t.priceAs ?? t.model, region);
    if (!p) throw new InputError(`tier "${t.name}" model ${t.model} has no price in the catalog; add it with --catalog or set priceAs`, 'tiers');
    return p;
  };
  // A request whose prompt and answer a tier's context window cannot hold (or whose prompt its input limit cannot)
  // goes to the first later tier that holds them (the frontier at the latest). `over` and `windowOver`: the
  // bucket's prompt class and window class (prompt and answer tokens), whose bounds count each tier's window and limit.
  const fitTier = (tierIndex: number, region: string, over: number, windowOver: number): number => {
    let i = tierIndex;
    while (i < tiers.length - 1 && windowHolds(tierPrice(i, region), over, windowOver) === false) i++;
    return i;
  };
  const tierFor = (label: Difficulty, region: string, over: number, windowOver: number) => fitTier(labelTierIndex(label, tiers.length), region, over, windowOver);
  /** Requests whose label's tier cannot hold their prompt and answer, moved to a later tier: said in the headline. */
  const movedUp = { requests: 0 };

  const tierTotals = tiers.map(() => 0n);
  let actual = 0n;
  let counterfactual = 0n;
  let routed = 0n;
  const tokens = zeroTokens();
  let priced = 0;
  let unpriced = 0;
  const models = new Map<string, ModelRow & { _tokens: BigTokens; _cost: Money; _cf: Money; _routed: Money; _easyPaid: Money; _easyCheap: Money; _kinds: Record<'input' | 'output' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h', Money> }>();
  const unpricedModels = new Map<string, { model: string; requests: number; tokens: BigTokens }>();
  const waste = new Map<string, WasteRow & { _cost: Money; _cheap: Money }>();
  const bucketPrices = new Map<string, BucketPrices | null>();
  /** Requests that paid their model's long-context rates, by model and Region: said in the price notes. */
  const longPrompts = new Map<string, { model: string; region: string; above: number; requests: number }>();
  /**
   * Priced requests with a long prompt and answer (a window class over 0; the smallest such class) that could be
   * routed to a tier whose context window the catalog does not state: a caveat on the ceiling, with those tiers' names.
   */
  const unchecked = { requests: 0, over: Number.POSITIVE_INFINITY, frontier: 0n, tiers: new Set<string>() };

  for (const [key, k] of acc.buckets) {
    const t = bucketTokens(k);
    addTokens(tokens, t);
    const price = priceOf(k.modelId, k.region);
    const mk = structuredKey(k.modelId, k.region);
    let row = models.get(mk);
    if (!row) {
      row = {
        model: k.modelId,
        modelKey: price?.key ?? null,
        region: k.region,
        requests: 0,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
        _tokens: zeroTokens(),
        costUsd: null,
        shareOfCost: 0,
        labels: { easy: 0, moderate: 0, hard: 0 },
        easyShare: 0,
        frontierCounterfactualUsd: null,
        routedCeilingUsd: null,
        costByTokenKind: null,
        _kinds: { input: 0n, output: 0n, cacheRead: 0n, cacheWrite5m: 0n, cacheWrite1h: 0n },
        _cost: 0n,
        _cf: 0n,
        _routed: 0n,
        _easyPaid: 0n,
        _easyCheap: 0n,
      };
      models.set(mk, row);
    }
    row.requests += k.requests;
    row.labels[k.label] += k.requests;
    addTokens(row._tokens, t);
    if (!price) {
      unpriced += k.requests;
      const u = unpricedModels.get(k.modelId) ?? { model: k.modelId, requests: 0, tokens: zeroTokens() };
      u.requests += k.requests;
      addTokens(u.tokens, t);
      unpricedModels.set(k.modelId, u);
      bucketPrices.set(key, null);
      continue;
    }
    priced += k.requests;
    const o = { batch: k.batch, service: k.service, cacheWriteTtl: k.ttl, promptOver: k.over };
    const routedTier = tierFor(k.label, k.region, k.over, k.windowOver);
    if (routedTier !== labelTierIndex(k.label, tiers.length)) movedUp.requests += k.requests;
    const prices: BucketPrices = { actual: price, cf: tierPrice(tiers.length - 1, k.region), routed: tierPrice(routedTier, k.region), opts: o };
    bucketPrices.set(key, prices);
    const paid = priceTokens(t, prices.actual, o);
    const a = paid.total;
    for (const n of paid.notes) notes.add(`${k.modelId}: ${n}`);
    if (isLongPrompt(price, o)) {
      const l = longPrompts.get(mk) ?? { model: k.modelId, region: k.region, above: price.longContext!.above, requests: 0 };
      l.requests += k.requests;
      longPrompts.set(mk, l);
    }
    row._kinds.input += paid.input;
    row._kinds.output += paid.output;
    row._kinds.cacheRead += paid.cacheRead;
    row._kinds[k.ttl === '1h' ? 'cacheWrite1h' : 'cacheWrite5m'] += paid.cacheWrite;
    const cf = costOf(t, prices.cf, o);
    const r = costOf(t, prices.routed, o);
    const cheapest = fitTier(0, k.region, k.over, k.windowOver);
    const unstated = (i: number) => windowHolds(tierPrice(i, k.region), k.over, k.windowOver) === undefined;
    if (k.windowOver > 0 && cheapest < tiers.length - 1 && unstated(cheapest)) {
      unchecked.requests += k.requests;
      unchecked.over = Math.min(unchecked.over, k.windowOver);
      unchecked.frontier += cf;
      for (let i = cheapest; i < tiers.length - 1; i++) if (unstated(i)) unchecked.tiers.add(tiers[i]!.name);
    }
    tiers.forEach((_, i) => {
      tierTotals[i]! += costOf(t, tierPrice(fitTier(i, k.region, k.over, k.windowOver), k.region), o);
    });
    actual += a;
    counterfactual += cf;
    routed += r;
    row._cost += a;
    row._cf += cf;
    row._routed += r;
    if (k.label === 'easy') {
      const cheap = costOf(t, tierPrice(fitTier(0, k.region, k.over, k.windowOver), k.region), o);
      row._easyPaid += a;
      row._easyCheap += cheap;
      if (a > cheap) {
        const w = waste.get(mk) ?? { model: k.modelId, region: k.region, easyRequests: 0, costUsd: 0, cheapTierCostUsd: 0, wasteUsd: 0, _cost: 0n, _cheap: 0n };
        w.easyRequests += k.requests;
        w._cost += a;
        w._cheap += cheap;
        waste.set(mk, w);
      }
    }
  }
  for (const l of longPrompts.values()) {
    const n = l.requests.toLocaleString('en-US');
    notes.add(`${l.model}: ${n} request${l.requests === 1 ? '' : 's'}${l.region ? ` in ${l.region}` : ''} with a prompt over ${l.above.toLocaleString('en-US')} tokens priced at the long-context rates`);
  }

  const cfTotal = counterfactual;
  const confidence = opts.confidence ?? 0.95;
  // With measured labels, the mix and the ceiling are estimated for the whole traffic (never the prior's labels priced as if measured).
  const est =
    acc.strata && acc.strata.measured.length > 0
      ? estimateMeasured(
          acc.strata,
          (x, t, label) => (priceOf(x.modelId, x.region) ? costOf(t, tierPrice(tierFor(label, x.region, x.over, x.windowOver), x.region), { batch: x.batch, service: x.service, cacheWriteTtl: x.ttl, promptOver: x.over }) : null),
          confidence,
        )
      : undefined;
  const dist = est ? { distribution: est.distribution, source: 'measured' as const, n: est.n } : distributionOf(acc, confidence);
  // The rows too: each unmeasured request carries its cluster's measured correction (estimateMeasured.ts rowCorrections).
  const fix =
    est && acc.strata
      ? rowEstimates(acc.strata, {
          priced: (x) => priceOf(x.modelId, x.region) !== undefined,
          cost: (x, t, tier) => moneyToUsd(costOf(t, tier === 'actual' ? priceOf(x.modelId, x.region)! : tierPrice(fitTier(tier, x.region, x.over, x.windowOver), x.region), { batch: x.batch, service: x.service, cacheWriteTtl: x.ttl, promptOver: x.over })),
          tierOf: (label) => labelTierIndex(label, tiers.length),
          confidence,
        })
      : undefined;
  const frontierAll = tierTotals[tiers.length - 1]!;
  const formula = DIFFICULTIES.map((label) => {
    const ti = labelTierIndex(label, tiers.length);
    const rateRatio = frontierAll > 0n ? ratio(tierTotals[ti]!, frontierAll) : 1;
    const share = dist.distribution[label].share;
    return { label, tier: tiers[ti]!.name, share, rateRatio, contributionPct: toPct(share * (1 - rateRatio)) };
  });
  const totalTokensAll = Number(tokens.input + tokens.output + tokens.cacheRead + tokens.cacheWrite);

  const byModel = [...models.entries()]
    .map(([mk, { _tokens, _cost, _cf, _routed, _easyPaid, _easyCheap, _kinds, ...row }]) => ({
      ...row,
      easyShare: shareOf(row.labels.easy + (fix?.easy.byModel.get(mk) ?? 0), row.requests),
      tokens: toCounts(_tokens),
      costByTokenKind: row.modelKey ? { input: toUsd(_kinds.input), output: toUsd(_kinds.output), cacheRead: toUsd(_kinds.cacheRead), cacheWrite5m: toUsd(_kinds.cacheWrite5m), cacheWrite1h: toUsd(_kinds.cacheWrite1h) } : null,
      costUsd: row.modelKey ? toUsd(_cost) : null,
      shareOfCost: actual > 0n && row.modelKey ? ratio(_cost, actual) : 0,
      frontierCounterfactualUsd: row.modelKey ? toUsd(_cf) : null,
      routedCeilingUsd: row.modelKey ? (fix ? round(Math.max(0, moneyToUsd(_routed) + (fix.routed.byModel.get(mk) ?? 0)), 6) : toUsd(_routed)) : null,
    }))
    .sort((x, y) => (y.costUsd ?? -1) - (x.costUsd ?? -1) || y.requests - x.requests || byText(x.model, y.model) || byText(x.region, y.region));

  const unpricedTokens = Number([...unpricedModels.values()].reduce((n, u) => n + u.tokens.input + u.tokens.output + u.tokens.cacheRead + u.tokens.cacheWrite, 0n));
  const unpricedTokenShare = totalTokensAll > 0 ? round(unpricedTokens / totalTokensAll, 6) : 0;
  const frontierUsd = moneyToUsd(cfTotal);
  const actualUsd = moneyToUsd(actual);
  const routedUsd = est ? est.routedUsd : toUsd(routed);
  const versus = (base: number, x: number) => (base > 0 ? toPct(1 - x / base) : 0);
  const cheapAll = tierTotals[0]!;
  const sensitivity = SENSITIVITY_EASY_SHARES.map((e) => {
    const r = frontierAll - ((frontierAll - cheapAll) * BigInt(Math.round(e * 1000))) / 1000n;
    return { easyShare: e, ceilingPct: frontierAll > 0n ? toPct(1 - ratio(r, frontierAll)) : 0, routedCeilingUsd: toUsd(r) };
  });
  // Prompt caches, simulated per session: the cache-blind ceiling plus what each routing changes on the kept sessions.
  const sim = simulateSessions(acc.sessions, {
    priced: (p) => priceOf(p.modelId, p.region) !== undefined,
    tierPrice,
    tierOf: (label) => labelTierIndex(label, tiers.length),
    fitTier: (tier, region, prompt, promptAndAnswer) => fitTier(tier, region, overOfPrompt(prompt), overOfPrompt(promptAndAnswer)),
  });
  const fragmentation = (sim.perRequest - sim.asLogged) * sim.scale;
  const pinDelta = (sim.sessionPinned - sim.asLogged) * sim.scale;
  const routedPerRequestUsd = est ? round(est.routedUsd + moneyToUsd(fragmentation), 6) : toUsd(routed + fragmentation);
  const routedPinnedUsd = est ? round(est.routedUsd + moneyToUsd(pinDelta), 6) : toUsd(routed + pinDelta);
  const ceilingOf = (delta: Money, routedUsdX: number) => (est ? versus(frontierUsd, routedUsdX) : cfTotal > 0n ? toPct(1 - ratio(routed + delta, cfTotal)) : 0);
  const ceilingPerRequestPct = ceilingOf(fragmentation, routedPerRequestUsd);
  const ceilingSessionPinnedPct = ceilingOf(pinDelta, routedPinnedUsd);
  const ceilingRouting = ceilingSessionPinnedPct > ceilingPerRequestPct ? ('session-pinned' as const) : ('per-request' as const);
  const bestDelta = ceilingRouting === 'session-pinned' ? pinDelta : fragmentation;
  const savings = {
    formulaPct: round(formula.reduce((s, f) => s + f.contributionPct, 0), 4),
    ceilingPct: est ? versus(frontierUsd, est.routedUsd) : cfTotal > 0n ? toPct(1 - ratio(routed, cfTotal)) : 0,
    actualVsFrontierPct: cfTotal > 0n ? toPct(1 - ratio(actual, cfTotal)) : 0,
    ceilingVsActualPct: est ? versus(actualUsd, est.routedUsd) : actual > 0n ? toPct(1 - ratio(routed, actual)) : 0,
    ceilingCi95: est && frontierUsd > 0 ? ([versus(frontierUsd, est.routedCi95[1]), versus(frontierUsd, est.routedCi95[0])] as [number, number]) : null,
    sensitivity,
    ceilingPerRequestPct,
    ceilingSessionPinnedPct,
    ceilingRouting,
  };
  const stats = sessionStats(acc.sessions);
  const turnsBy = acc.sessions.turnsBy;
  const ways = (['sessionId', 'requestMetadata', 'conversation'] as const).filter((k) => turnsBy[k] > 0);
  const sessions: SessionsSummary = {
    count: stats.count,
    keyedBy: ways.length === 0 ? 'none' : ways.length === 1 ? ways[0]! : 'mixed',
    ...(opts.sessionKey !== undefined ? { sessionKey: opts.sessionKey } : {}),
    requestsBy: { ...turnsBy },
    turnsMedian: stats.turnsMedian,
    turnsP90: stats.turnsP90,
    cacheReadShareMedian: stats.cacheReadShareMedian,
    cacheReadShareP90: stats.cacheReadShareP90,
    keptShare: stats.keptShare,
    coldTurns: sim.coldTurns,
    simulatedTurns: sim.pricedTurns,
  };
  // Priced through the same memo as the buckets: no model is looked up (or noted) twice.
  const trafficProfile = finishProfile(acc.profile ?? newProfileAcc(), opts.labeler, priceOf);
  // Records without prompt text (a usage CSV, token metrics) cannot be replayed: no `tokor label` run to suggest.
  const withoutPrompts = trafficProfile.requests > 0 && trafficProfile.promptLength.fromText === 0;
  const suggested = Math.min(SUGGESTED_LABELS, priced);
  const measurePrices = (region: string) => ({ replay: tiers.slice(0, -1).map((_, i) => tierPrice(i, region)), judge: tierPrice(tiers.length - 1, region) });
  const toMeasure =
    est || withoutPrompts
      ? undefined
      : measurementPlan(opts.inputs ?? opts.files, suggested, clusterMeasurement(acc.profile, suggested, measurePrices) ?? meanMeasurement(acc, suggested, priced, measurePrices, (b) => priceOf(b.modelId, b.region) !== undefined));
  const provenance = opts.provenance ?? { synthetic: false };
  const headline = buildHeadline({
    priced,
    valid: acc.valid,
    unpriced,
    unpricedModels: unpricedModels.size,
    unpricedTokenShare,
    ceilingPct: est ? (ceilingRouting === 'session-pinned' ? ceilingSessionPinnedPct : ceilingPerRequestPct) : savings.ceilingPct,
    frontierUsd: toUsd(cfTotal),
    routedUsd: est ? (ceilingRouting === 'session-pinned' ? routedPinnedUsd : routedPerRequestUsd) : routedUsd,
    provenance,
    measured: est
      ? {
          n: est.n,
          ceilingCi95: frontierUsd > 0 ? [versus(frontierUsd, round(est.routedCi95[1] + moneyToUsd(bestDelta), 6)), versus(frontierUsd, round(est.routedCi95[0] + moneyToUsd(bestDelta), 6))] : null,
        }
      : undefined,
    cache: { routing: ceilingRouting, perRequestPct: ceilingPerRequestPct, pinnedPct: ceilingSessionPinnedPct, lossUsd: toUsd(fragmentation), changed: fragmentation !== 0n || pinDelta !== 0n },
    sensitivity,
    toMeasure,
    withoutPrompts,
    ...(unchecked.requests > 0 && cfTotal > 0n ? { uncheckedPrompts: { requests: unchecked.requests, over: unchecked.over, frontierShare: ratio(unchecked.frontier, cfTotal), tiers: [...unchecked.tiers] } } : {}),
    ...(movedUp.requests > 0 ? { movedUp: movedUp.requests } : {}),
  });
  return {
    schemaVersion: ANALYZE_SCHEMA_VERSION,
    kind: 'tokor-analyze',
    headline,
    provenance,
    sources: { files: opts.files.length, paths: opts.files.slice(0, 20), formats: opts.formats, bytesRead: opts.bytesRead },
    catalogVersion: catalog.version,
    labeler: opts.labeler,
    tiers: tiers.map((t, i) => {
      const p = tierPrice(i, 'us-east-1');
      return {
        name: t.name,
        model: t.model,
        modelKey: p.key,
        rates: { input: p.input, output: p.output, cacheRead: p.cacheRead, cacheWrite5m: p.cacheWrite5m },
        costIfAllUsd: toUsd(tierTotals[i]!),
        blendedRatePerMTok: totalTokensAll > 0 ? round((moneyToUsd(tierTotals[i]!) / totalTokensAll) * 1e6, 6) : 0,
      };
    }),
    labelTiers: { easy: tiers[labelTierIndex('easy', tiers.length)]!.name, moderate: tiers[labelTierIndex('moderate', tiers.length)]!.name, hard: frontier.name },
    period: acc.firstTimestamp && acc.lastTimestamp ? { start: acc.firstTimestamp, end: acc.lastTimestamp } : null,
    ...(opts.sample ? { sample: opts.sample } : {}),
    ...(opts.labelSample ? { labelSample: opts.labelSample } : {}),
    records: { read: acc.read, valid: acc.valid, priced, unpriced, failed: acc.failed, invalid: acc.invalid, duplicates: acc.duplicates },
    fileIssues: acc.fileIssues,
    unpricedTokenShare,
    invalid: { reasons: countsDesc(acc.invalidReasons, 'reason'), examples: acc.invalidExamples.map(({ file, line, reason }) => ({ file, line, reason })) },
    problems: countsDesc(acc.problems, 'problem'),
    failedByCode: countsDesc(acc.failedByCode, 'code'),
    tokens: toCounts(tokens),
    distribution: dist.distribution,
    distributionSource: dist.source,
    ...(est ? { measured: { count: est.n, ofValid: acc.valid, clusters: est.clusters.length }, clusters: est.clusters } : {}),
    ...(toMeasure ? { toMeasure } : {}),
    sessions,
    cost: {
      actual: toUsd(actual),
      frontierCounterfactual: toUsd(cfTotal),
      routedCeiling: routedUsd,
      routedCeilingCi95: est ? est.routedCi95 : null,
      routedPerRequestUsd,
      routedSessionPinnedUsd: routedPinnedUsd,
      fragmentationLossUsd: toUsd(fragmentation),
    },
    savings,
    formula,
    qualityNote: QUALITY_NOTE,
    byModel,
    byGroup: groupRows(acc, bucketPrices, fix),
    topWaste: (fix ? estimatedWaste(models, fix) : [...waste.values()].map(({ _cost, _cheap, ...w }) => ({ ...w, costUsd: toUsd(_cost), cheapTierCostUsd: toUsd(_cheap), wasteUsd: toUsd(_cost - _cheap) })))
      .sort((a, b) => b.wasteUsd - a.wasteUsd || byText(a.model, b.model) || byText(a.region, b.region))
      .slice(0, 10),
    unpricedModels: [...unpricedModels.values()].map((u) => ({ ...u, tokens: toCounts(u.tokens) })).sort((a, b) => b.requests - a.requests || byText(a.model, b.model)),
    priceNotes: [...notes].sort(),
    ...(opts.byDay ? { byDay: costByDay(acc, priceOf) } : {}),
    trafficProfile,
    ...(opts.scan
      ? { scan: { engine: opts.scan.engine, queries: opts.scan.queries, bytesScanned: opts.scan.bytesScanned, costUsd: toUsd(opts.scan.cost), price: { usdPerTB: opts.scan.price.usdPerTB, source: opts.scan.price.source, asOf: opts.scan.price.asOf } } }
      : {}),
    ...gatewayCostOf(acc, priceOf),
  };
}

/**
 * The headline: the savings ceiling against all-frontier (each request priced
 * on its label's tier, against the same requests all on the frontier tier).
 * The other figures (vs actual paid, the formula) are explained where they
 * are shown, never in its place.
 */
export function buildHeadline(x: {
  priced: number;
  valid: number;
  unpriced: number;
  unpricedModels: number;
  unpricedTokenShare: number;
  ceilingPct: number;
  frontierUsd: number;
  routedUsd: number;
  provenance: Provenance;
  /** Set when the mix is estimated from measured labels. */
  measured?: { n: number; ceilingCi95: [number, number] | null };
  /** Without measured labels: the ceiling over the easy share (the headline's range). Without it, the ceiling as given. */
  sensitivity?: AnalyzeReport['savings']['sensitivity'];
  toMeasure?: AnalyzeReport['toMeasure'];
  /** No record carries prompt text, so `tokor label` cannot measure the mix (toMeasure is then unset). */
  withoutPrompts?: boolean;
  /** Prompt caches simulated per session: which routing the figure is on, and whether sessions changed anything. */
  cache?: { routing: 'per-request' | 'session-pinned'; perRequestPct: number; pinnedPct: number; lossUsd: number; changed: boolean };
  /**
   * Priced requests whose prompt and answer are over a prompt bound (`over`, the smallest) that the ceiling may route
   * to tiers whose context window the catalog does not state, their share of the all-frontier cost, and those tiers.
   */
  uncheckedPrompts?: { requests: number; over: number; frontierShare: number; tiers: string[] };
  /** Requests routed past their label's tier because its context window cannot hold their prompt and answer. */
  movedUp?: number;
}): AnalyzeHeadline {
  const caveats: string[] = [];
  if (x.provenance.synthetic) caveats.push(`Sample data: ${x.provenance.what ?? 'bundled synthetic data'} — not real traffic.`);
  if (x.uncheckedPrompts) {
    const b = x.uncheckedPrompts;
    const names = b.tiers.map((t) => `"${t}"`).join(' and ');
    const one = b.requests === 1;
    const tiersWhose = b.tiers.length === 1 ? `tier, whose context window the price catalog does not state, so whether it holds ${one ? 'it' : 'them'}` : `tiers, whose context windows the price catalog does not state, so whether they hold ${one ? 'it' : 'them'}`;
    caveats.push(
      `${b.requests.toLocaleString('en-US')} request${one ? ' has a prompt and answer' : 's have prompts and answers'} over ${b.over.toLocaleString('en-US')} tokens (${pct(b.frontierShare)} of the all-frontier cost); the ceiling may put ${one ? 'it' : 'them'} on the ${names} ${tiersWhose} is unchecked (set contextWindow in a --catalog file).`,
    );
  }
  if (x.movedUp) {
    caveats.push(
      `${x.movedUp.toLocaleString('en-US')} request${x.movedUp === 1 ? ' is' : 's are'} routed past their label's tier: its context window cannot hold their prompt and answer, so the ceiling prices them on the first later tier that can.`,
    );
  }
  const models = `${x.unpricedModels} model${x.unpricedModels === 1 ? '' : 's'}`;
  if (x.valid > 0 && x.priced === 0) {
    caveats.push(`Nothing could be priced: all ${x.unpriced.toLocaleString('en-US')} requests are on ${models} without a price; add them with --catalog or modelMap.`);
    return { savingsPct: null, baseline: 'all-frontier', text: 'No cost or savings figure: no request could be priced.', caveats };
  }
  if (x.unpricedTokenShare > UNPRICED_TOKEN_SHARE_WARN) {
    caveats.push(
      `${pct(x.unpricedTokenShare)} of tokens (${x.unpriced.toLocaleString('en-US')} requests on ${models}) have no price and are in no figure: the savings cover the priced ${pctFigure(100 - x.unpricedTokenShare * 100)} only; add prices with --catalog or modelMap.`,
    );
  }
  const sample = x.provenance.synthetic ? ' — synthetic sample data, not real traffic;' : ' —';
  const money = (v: number) => usd(v, v >= 1 || v === 0 ? 2 : 4);
  const c = x.cache?.changed ? x.cache : undefined;
  if (x.measured) {
    const ci = x.measured.ceilingCi95 ? ` (95% CI ${x.measured.ceilingCi95[0].toFixed(1)}–${pctFigure(x.measured.ceilingCi95[1])})` : '';
    const cache = !c
      ? ''
      : c.routing === 'session-pinned'
        ? ` with prompt caches simulated per session, each session pinned to the tier of its hardest turn (routing each request instead: ${pctFigure(c.perRequestPct)}, losing ${money(c.lossUsd)} to cold caches)`
        : ` with prompt caches simulated per session, each request on its label's tier (${money(c.lossUsd)} lost to cold caches; session-pinned: ${pctFigure(c.pinnedPct)})`;
    return {
      savingsPct: x.ceilingPct,
      ...(x.measured.ceilingCi95 ? { savingsCi95Pct: x.measured.ceilingCi95 } : {}),
      baseline: 'all-frontier',
      text: `Routing by difficulty could cut this traffic's cost by up to ${pctFigure(x.ceilingPct)}${ci} against all-frontier (${money(x.frontierUsd)} → ${money(x.routedUsd)}), estimated from ${x.measured.n.toLocaleString('en-US')} measured labels${cache}${sample} quality unproven until \`tokor eval\` runs.`,
      caveats,
    };
  }
  if (!x.sensitivity) {
    return {
      savingsPct: x.ceilingPct,
      baseline: 'all-frontier',
      text: `Routing by difficulty could cut this traffic's cost by up to ${pctFigure(x.ceilingPct)} against all-frontier (${money(x.frontierUsd)} → ${money(x.routedUsd)})${sample} quality unproven until \`tokor eval\` runs.`,
      caveats,
    };
  }
  // A prior: no share the labeler guessed is stated as a fact; the ceiling is a range over the easy share.
  const range = x.sensitivity && x.sensitivity.length >= 2 ? ([x.sensitivity[0]!, x.sensitivity[x.sensitivity.length - 1]!] as const) : undefined;
  if (x.withoutPrompts) {
    caveats.push(
      "The difficulty mix is not measured (the labeler's labels are a prior), and `tokor label` cannot measure it from these records: they carry no prompt text to replay. Logs with prompt and answer bodies can be labeled (docs/labeling.md).",
    );
  }
  if (x.toMeasure) {
    caveats.push(
      `The difficulty mix is not measured (the labeler's labels are a prior). Measure it: \`${x.toMeasure.command}\` (about ${money(x.toMeasure.expectedCostUsd)} for ${x.toMeasure.sample.toLocaleString('en-US')} requests at this traffic's prices), then run analyze again with --labels labels.jsonl.`,
    );
  }
  if (!range) return { savingsPct: null, baseline: 'all-frontier', text: `The easy share is not measured, so there is no savings figure${sample} ${x.withoutPrompts ? 'logs with prompt bodies would let `tokor label` measure it' : 'measure it with `tokor label`'}.`, caveats };
  // No prior figure is stated here: only that the range leaves out what routing would do to this traffic's caches.
  if (c && x.frontierUsd > 0 && c.lossUsd / x.frontierUsd >= CACHE_LOSS_SHARE_WARN) {
    caveats.push(
      'The range ignores prompt caches: this traffic has multi-turn sessions that read cache, and a router that moves their turns between tiers pays the cached prefix again (see Prompt caches); with measured labels the headline is the cache-aware ceiling.',
    );
  }
  const [lo, hi] = range;
  return {
    savingsPct: null,
    savingsRangePct: [lo.ceilingPct, hi.ceilingPct],
    baseline: 'all-frontier',
    text: `If ${pct(lo.easyShare, 0)}–${pct(hi.easyShare, 0)} of requests are easy, routing by difficulty could cut this traffic's cost by ${lo.ceilingPct.toFixed(1)}–${pctFigure(hi.ceilingPct)} against all-frontier (${money(x.frontierUsd)}); the easy share is not measured${sample} quality unproven until \`tokor eval\` runs.`,
    caveats,
  };
}

/**
 * The `tokor label` run that turns the prior into a measurement: a stratified
 * sample of `sample` requests, each replayed on every tier but the last and
 * graded by the judge (the frontier tier), priced as `tokor label --dry-run`
 * prices a request (src/eval/labelSample.ts), at this traffic's mean request.
 */
function measurementPlan(inputs: readonly string[], sample: number, expected: Money): NonNullable<AnalyzeReport['toMeasure']> {
  const paths = inputs.map(shellWord).join(' ');
  return { command: `tokor label ${paths} --sample ${sample} --out labels.jsonl`, sample, expectedCostUsd: toUsd(expected) };
}

/**
 * The expected cost of measuring `sample` requests as `tokor label --dry-run` prices it: the sample allocated over
 * the task clusters as tokor label draws it (allocateSample over the clusters' sizes), each cluster's share at its
 * requests' mean measurement cost (bucketMeasurementCost of its spend). Undefined without clusters (a profile
 * that lumped some of them cannot say how the sample falls on those): then the traffic's mean request is used.
 */
/** The same at the traffic's mean priced request (bucketMeasurementCost over every priced bucket), for `sample` requests. */
function meanMeasurement(acc: Accumulator, sample: number, priced: number, prices: (region: string) => { replay: ModelPrice[]; judge: ModelPrice }, isPriced: (b: { modelId: string; region: string }) => boolean): Money {
  if (priced === 0) return 0n;
  let all = 0n;
  for (const b of acc.buckets.values()) {
    if (!isPriced(b)) continue;
    const p = prices(b.region);
    all += bucketMeasurementCost(b.requests, bucketTokens(b), p.replay, p.judge, b.over);
  }
  return (all * BigInt(sample)) / BigInt(priced);
}

function clusterMeasurement(profile: Accumulator['profile'], sample: number, prices: (region: string) => { replay: ModelPrice[]; judge: ModelPrice }): Money | undefined {
  if (!profile || profile.clusters.size === 0 || profile.lumped) return undefined;
  const clusters = [...profile.clusters.values()];
  const sizes = allocateSample(
    clusters.map((c) => ({ key: c.key, size: c.requests })),
    sample,
  );
  let total = 0n;
  for (const c of clusters) {
    const take = sizes.get(c.key) ?? 0;
    if (take === 0 || c.requests === 0) continue;
    let cost = 0n;
    for (const b of c.spend.values()) {
      const p = prices(b.region);
      cost += bucketMeasurementCost(b.requests, bucketTokens(b), p.replay, p.judge, b.over);
    }
    total += (cost * BigInt(take)) / BigInt(c.requests);
  }
  return total;
}

/** A path as one shell word: as is when it is plain, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$|^<\w+>$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

interface BucketPrices {
  actual: ModelPrice;
  cf: ModelPrice;
  routed: ModelPrice;
  opts: { batch: boolean; cacheWriteTtl: '5m' | '1h'; promptOver: number };
}

/** The row corrections of each figure a row shows (estimateMeasured.ts rowCorrections). */
interface RowEstimates {
  easy: RowCorrections;
  routed: RowCorrections;
  /** What easy requests paid, and what they would cost on the cheapest tier (the waste table). */
  easyPaid: RowCorrections;
  easyCheap: RowCorrections;
}

function rowEstimates(
  strata: NonNullable<Accumulator['strata']>,
  o: {
    priced: (x: { modelId: string; region: string }) => boolean;
    cost: (x: { modelId: string; region: string; batch: boolean; ttl: '5m' | '1h'; over: number; service: ServiceLevel; windowOver: number }, t: Record<TokenKind, bigint>, tier: number | 'actual') => number;
    tierOf: (label: Difficulty) => number;
    confidence: number;
  },
): RowEstimates {
  const money = (f: (x: Parameters<RowQuantity>[0], t: Record<TokenKind, bigint>, label: Difficulty) => number): RowQuantity => (x, t, _requests, label) => (o.priced(x) ? f(x, t, label) : null);
  return {
    easy: rowCorrections(strata, (_x, _t, requests, label) => (label === 'easy' ? requests : 0), o.confidence),
    routed: rowCorrections(strata, money((x, t, label) => o.cost(x, t, o.tierOf(label))), o.confidence),
    easyPaid: rowCorrections(strata, money((x, t, label) => (label === 'easy' ? o.cost(x, t, 'actual') : 0)), o.confidence),
    easyCheap: rowCorrections(strata, money((x, t, label) => (label === 'easy' ? o.cost(x, t, 0) : 0)), o.confidence),
  };
}

/** The waste table under measured labels: per priced model, its easy requests' cost against the cheapest tier, estimated. */
function estimatedWaste(models: Map<string, ModelRow & { _easyPaid: Money; _easyCheap: Money }>, fix: RowEstimates): WasteRow[] {
  const out: WasteRow[] = [];
  for (const [mk, m] of models) {
    if (!m.modelKey) continue;
    const paid = moneyToUsd(m._easyPaid) + (fix.easyPaid.byModel.get(mk) ?? 0);
    const cheap = moneyToUsd(m._easyCheap) + (fix.easyCheap.byModel.get(mk) ?? 0);
    const wasteUsd = round(paid - cheap, 6);
    if (wasteUsd <= 0) continue;
    out.push({ model: m.model, region: m.region, easyRequests: Math.max(0, Math.round(m.labels.easy + (fix.easy.byModel.get(mk) ?? 0))), costUsd: round(Math.max(0, paid), 6), cheapTierCostUsd: round(Math.max(0, cheap), 6), wasteUsd });
  }
  return out;
}

function shareOf(count: number, of: number): number {
  return of > 0 ? round(Math.min(1, Math.max(0, count / of)), 6) : 0;
}

function groupRows(acc: Accumulator, bucketPrices: Map<string, BucketPrices | null>, fix: RowEstimates | undefined): GroupRow[] {
  const rows = new Map<string, GroupRow & { _a: Money; _cf: Money; _r: Money }>();
  for (const g of acc.groupBuckets.values()) {
    const id = structuredKey(String(g.dim), g.value);
    let row = rows.get(id);
    if (!row) {
      const groupBy = acc.groupBy[g.dim] ?? String(g.dim);
      row = { groupBy, group: g.value, requests: 0, labels: { easy: 0, moderate: 0, hard: 0 }, easyShare: 0, costUsd: 0, frontierCounterfactualUsd: 0, routedCeilingUsd: 0, savingsPct: 0, _a: 0n, _cf: 0n, _r: 0n };
      rows.set(id, row);
    }
    row.requests += g.requests;
    row.labels[g.label] += g.requests;
    const p = bucketPrices.get(g.bucket);
    if (!p) continue;
    const t = bucketTokens(g);
    row._a += costOf(t, p.actual, p.opts);
    row._cf += costOf(t, p.cf, p.opts);
    row._r += costOf(t, p.routed, p.opts);
  }
  return [...rows.entries()]
    .map(([id, { _a, _cf, _r, ...r }]) => {
      if (!fix) return { ...r, easyShare: shareOf(r.labels.easy, r.requests), costUsd: toUsd(_a), frontierCounterfactualUsd: toUsd(_cf), routedCeilingUsd: toUsd(_r), savingsPct: _cf > 0n ? toPct(1 - ratio(_r, _cf)) : 0 };
      const routedUsd = round(Math.max(0, moneyToUsd(_r) + (fix.routed.byGroup.get(id) ?? 0)), 6);
      const cfUsd = moneyToUsd(_cf);
      return { ...r, easyShare: shareOf(r.labels.easy + (fix.easy.byGroup.get(id) ?? 0), r.requests), costUsd: toUsd(_a), frontierCounterfactualUsd: toUsd(_cf), routedCeilingUsd: routedUsd, savingsPct: cfUsd > 0 ? toPct(1 - routedUsd / cfUsd) : 0 };
    })
    .sort((a, b) => a.groupBy.localeCompare(b.groupBy) || b.costUsd - a.costUsd || byText(a.group, b.group));
}

/** The labeler's mix (a prior): every valid request's label, with Wilson intervals that cover sampling only. */
function distributionOf(acc: Accumulator, confidence: number): { distribution: AnalyzeReport['distribution']; source: 'prior'; n: number } {
  const source = 'prior';
  const counts = acc.labels;
  const n = counts.easy + counts.moderate + counts.hard;
  const interval = (d: Difficulty): [number, number] => {
    if (!acc.labelEstimate || n === 0) return wilson(counts[d], n, confidence);
    // Labels estimated from stratified samples: Wilson's interval at the effective sample size of the stratified estimate.
    const share = counts[d] / n;
    const variance = stratifiedVariance(acc.labelEstimate, d, n);
    const nEff = variance > 0 ? Math.min(n, Math.max(1, (share * (1 - share)) / variance)) : n;
    return wilson(share * nEff, nEff, confidence);
  };
  const distribution = Object.fromEntries(
    DIFFICULTIES.map((d) => [d, { count: counts[d], share: n ? round(counts[d] / n, 6) : 0, ci95: interval(d).map((x) => round(x, 6)) as [number, number] }]),
  ) as AnalyzeReport['distribution'];
  return { distribution, source, n };
}

/**
 * The variance of a label's share when some strata were labeled from a sample: Σ (N_h/N)² (1 − n_h/N_h) p_h(1 − p_h)/(n_h − 1)
 * over the sampled strata (strata labeled whole add none).
 */
function stratifiedVariance(est: NonNullable<Accumulator['labelEstimate']>, d: Difficulty, n: number): number {
  let v = 0;
  for (const s of est.strata) {
    if (s.sampled === 0 || s.sampled >= s.total) continue;
    const p = s.labels[d] / s.sampled;
    const w = s.total / n;
    v += w * w * (1 - s.sampled / s.total) * ((p * (1 - p)) / Math.max(1, s.sampled - 1));
  }
  return v;
}

function memoPrice(catalog: Catalog, notes: Set<string>): (modelId: string, region: string) => ModelPrice | undefined {
  // By model, then region: no key string built per call (the session simulation asks several times per turn).
  const memo = new Map<string, Map<string, ModelPrice | undefined>>();
  return (modelId, region) => {
    let byRegion = memo.get(modelId);
    if (byRegion === undefined) memo.set(modelId, (byRegion = new Map()));
    else if (byRegion.has(region)) return byRegion.get(region);
    const hit = resolvePrice(catalog, modelId, region || undefined);
    if (hit?.note) notes.add(`${modelId}: ${hit.note}`);
    byRegion.set(region, hit?.price);
    return hit?.price;
  };
}

/** Exact token totals (they may pass 2^53); numbers only in the finished report. */
type BigTokens = Record<TokenKind, bigint>;

function zeroTokens(): BigTokens {
  return { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n };
}

function addTokens(into: BigTokens, t: BigTokens): void {
  into.input += t.input;
  into.output += t.output;
  into.cacheRead += t.cacheRead;
  into.cacheWrite += t.cacheWrite;
}

function toCounts(t: BigTokens): TokenCounts {
  return { input: Number(t.input), output: Number(t.output), cacheRead: Number(t.cacheRead), cacheWrite: Number(t.cacheWrite) };
}

/** Code-unit order: a tie-break that does not depend on which records (or worker) came first, nor on the locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts, most first; ties by key. */
function countsDesc<K extends string>(m: Map<string, number>, name: K): ({ count: number } & Record<K, string>)[] {
  return [...m]
    .sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))
    .map(([k, count]) => ({ [name]: k, count }) as { count: number } & Record<K, string>);
}

/** a / b for bigints as a float, without losing precision on large values. */
function ratio(a: Money, b: Money): number {
  if (b === 0n) return 0;
  return Number((a * 1_000_000_000_000n) / b) / 1e12;
}

/** Money as a JSON number of USD (6 decimals). */
function toUsd(m: Money): number {
  return round(moneyToUsd(m), 6);
}

/** A fraction as a JSON percent figure (4 decimals). */
function toPct(x: number): number {
  return round(x * 100, 4);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function gatewayCostOf(acc: Accumulator, priceOf: (modelId: string, region: string) => ModelPrice | undefined): { gatewayCost?: GatewayCost } {
  const g = gatewayCost(acc, priceOf);
  return g ? { gatewayCost: g } : {};
}
