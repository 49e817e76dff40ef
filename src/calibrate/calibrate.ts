/**
 * Calibration: from a results table, simulate each routing pattern over all
 * its thresholds, and pick the one that saves the most while the quality bar
 * holds at the asked confidence. Pure (no I/O); the router is trained here
 * and its out-of-fold scores — never in-sample — drive the classifier sweep.
 */
import { InputError } from '../errors.js';
import type { BarMode, ScopeKey } from '../config/schema.js';
import type { TrainOptions } from '../classify/trained.js';
import type { RouterModel } from '../artifacts/router.js';
import { fnv1a } from '../classify/features.js';
import { ms, pct } from '../report/format.js';
import { evaluateRoute, matrixOf, routeTiers, type PolicyEvaluation } from './apply.js';
import { patternNeeds, patternSpec } from './patterns/index.js';
import { baselinesOf, type Baseline, type Baselines } from './baselines.js';
import { certificationLevels, describeCertification, itemsForPerfectAbsolute, itemsForPerfectRelative, itemsNeededAbsolute, itemsNeededPaired, oneSidedZ, parityInterval, wilsonLowerZ, type Criterion } from './bounds.js';
import { subsetTable, type ResultsTable } from './results.js';
import type { ScopedExtra, ScopedSearchResult, SearchInput } from './scopes.js';
import { sweepFamily, type OutcomeMatrix, type RouteFamily, type SweepPoint, type SweepResult } from './sweep.js';
import { DEFAULT_ROUTER_LATENCY_MS, routeLatency, routedLatencies, unknownLatencies, type LatencySummary } from './latency.js';

const CALIBRATION_SCHEMA_VERSION = 1;

export interface CalibrateOptions {
  bar: number;
  barMode: BarMode;
  confidence: number;
  patterns: readonly string[];
  /** cascade: the grader that gates escalation (default: the first reference-free grader present). */
  gate?: string;
  /** confidence: the results field the signal came from (for output; the table already holds the values). */
  confidenceField?: string;
  /** classifier: the router's own cost per request (USD). */
  routerCostUsd?: number;
  /** classifier: the router's own latency per request (ms; default DEFAULT_ROUTER_LATENCY_MS). */
  routerLatencyMs?: number;
  /** A constraint: routes whose routed p95 latency (ms) exceeds it are not eligible for the pick. */
  maxP95LatencyMs?: number;
  train?: TrainOptions;
  /** Curve points kept per pattern (default 400). */
  maxCurve?: number;
  onProgress?: (message: string) => void;
}

/** A route summarized for output. */
export interface RouteSummary {
  pattern: string;
  thresholds: number[];
  quality: number;
  parity: number;
  /** The bound the bar is tested on: parity's lower bound (relative) or quality's (absolute). */
  lowerBound: number;
  costUsd: number;
  savingsPct: number;
  tierShares: Record<string, number>;
  escalationRate: number;
  /** p50 / p95 of the routed latency (latency.ts); null when unknown. Set on a pattern's best routes, not on curve points. */
  latency?: LatencySummary | null;
}

export interface CurvePoint extends RouteSummary {
  meetsBar: boolean;
}

interface PatternOutcome {
  pattern: string;
  status: 'ok' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  /** What the thresholds mean. */
  parameter?: string;
  candidates?: number;
  /** RouteLLM's APGR of this pattern's cost–quality curve. */
  apgr?: number | null;
  gate?: string;
  /** Share of items where the gate grader (cascade) or the confidence field (confidence) exists. */
  signalCoverage?: number;
  router?: { oofAuc: number | null; oofLogLoss: number; folds: number; items: number };
  /** Per-scope patterns: the attribute scopes are told apart by, each scope's bound level, each scope's certified route. */
  scopeBy?: ScopedExtra['scopeBy'];
  scopeConfidence?: number;
  scopes?: ScopedExtra['scopes'];
  /** Cheapest route whose bound meets the bar. */
  best?: RouteSummary;
  /** Cheapest route whose measured quality meets the bar, and the items its bound would need. */
  bestPoint?: RouteSummary & { itemsNeeded: number | null };
  /** The route with the highest bound. */
  bestBound?: RouteSummary;
  /** With --max-p95-latency: the cheapest certified route, when its routed p95 is above the limit (so `best` is another route, or none). */
  bestOverLatency?: RouteSummary;
  curve: CurvePoint[];
}

interface CalibrationPick extends PolicyEvaluation {
  pattern: string;
  thresholds: number[];
  gate?: string;
  confidenceField?: string;
  routerCostUsd: number;
  /** classifier: the router latency added to every request (ms). */
  routerLatencyMs?: number;
  apgr: number | null;
  /** Pick savings / oracle savings × 100. */
  oracleCapturedPct: number | null;
  /** Per-scope patterns: how items are matched to the scopes whose routes `thresholds` hold (in this order). */
  scopes?: { by: ScopeKey; entries: { value: string | null; items: number }[] };
}

/**
 * Random routing at the pick's tier shares, on the same items: what the shares alone buy. The pick's
 * margin over it is tested per item (paired): item i's routed pass against its expected pass under a
 * random draw of its tier at the pick's shares.
 */
interface RandomAtShares {
  savingsPct: number;
  quality: number;
  parity: number;
  /** Pick parity − random parity, in points. */
  marginPts: number;
  /** One-sided 95% lower bound of that margin, in parity points. */
  marginLowerPts: number;
  /** Whether the margin's lower bound is above 0: the router beats chance at these shares. */
  routerBeatsRandom: boolean;
}

export interface Calibration {
  schemaVersion: 1;
  datasetId: string;
  n: number;
  tiers: { name: string; model?: string; quality: number; costUsd: number; costPerItemUsd: number }[];
  bar: number;
  barMode: BarMode;
  confidence: number;
  /** The quality the point estimate must reach: bar × frontier quality, or the bar. */
  target: number;
  /** Which bound decides, in words. */
  bound: string;
  /** The confidence each pattern's bound is taken at (the asked confidence, split across patterns). */
  boundConfidence: number;
  pick: CalibrationPick | null;
  /** The pick against random routing at its own tier shares (null without a pick). */
  randomAtShares: RandomAtShares | null;
  baselines: { frontier: Baseline; cheapest: Baseline; random: Baseline | null; oracle: Baseline & { meetsTarget: boolean }; oracleMaxQuality: Baseline };
  patterns: PatternOutcome[];
  headline: string;
  /** When nothing meets the bar: the best bound any route reaches. */
  bestAchievable?: RouteSummary;
  /** How latency was simulated: the router's overhead, the limit on the pick (null: none), and results without latency (then every route's latency is null). */
  latency?: { routerLatencyMs: number; maxP95Ms: number | null; unknownResults: number };
  notes: string[];
}

/** What calibration hands to the policy writer beyond the report. */
export interface CalibrationResult {
  report: Calibration;
  /** The router: its k fold models, as certified (classifier pattern ran). */
  router?: RouterModel;
}

/** Runs the sweeps and chooses. Throws InputError when the data cannot support the confidence asked. */
export function calibrate(table: ResultsTable, opts: CalibrateOptions): CalibrationResult {
  const tiers = table.tiers;
  const k = tiers.length;
  const n = table.items.length;
  if (k < 2) throw new InputError('calibrate needs at least two tiers');
  if (!(opts.bar >= 0 && opts.bar <= 1)) throw new InputError(`--bar must be in [0, 1], got ${opts.bar}`);
  const m = matrixOf(table, tiers);
  let sf = 0;
  for (let i = 0; i < n; i++) sf += m.pass[i * k + k - 1]!;
  const qF = n ? sf / n : 0;
  const confPct = `${Math.round(opts.confidence * 1000) / 10}%`;

  if (opts.barMode === 'relative' && sf === 0) {
    throw new InputError(`the frontier tier "${tiers[k - 1]}" passes no item, so parity has no meaning; use --bar-mode absolute`);
  }
  // Too few items: not even a perfect router could be certified.
  // (at the certification rule's levels with one pattern: more patterns need more items)
  const z1 = oneSidedZ(certificationLevels(opts.confidence, 1).trueConfidence);
  const perfectNeeds = opts.barMode === 'relative' ? itemsForPerfectRelative(qF, z1) : itemsForPerfectAbsolute(opts.bar, z1);
  if (n < perfectNeeds && (opts.barMode === 'relative' || qF >= opts.bar)) {
    throw new InputError(
      `too few items for ${confPct} confidence: ${n} item(s); even a perfect router needs at least ${perfectNeeds} for its bound to meet a${opts.barMode === 'absolute' ? 'n absolute' : ' relative'} bar of ${opts.bar}. Add items or lower --confidence`,
    );
  }

  const target = opts.barMode === 'relative' ? opts.bar * qF : opts.bar;
  const notes = [...(table.notes ?? [])];
  const routerCostUsd = opts.routerCostUsd ?? 0;
  const routerLatencyMs = opts.routerLatencyMs ?? DEFAULT_ROUTER_LATENCY_MS;
  const unknownLatency = unknownLatencies(m);
  const maxP95 = opts.maxP95LatencyMs;
  if (maxP95 !== undefined && unknownLatency > 0) {
    throw new InputError(`--max-p95-latency: latency unknown for ${unknownLatency} of ${n * k} results (latencyMs missing or 0), so the routed p95 cannot be simulated; re-run \`tokor eval\` live, or drop the flag`);
  }
  if (unknownLatency > 0) notes.push(`latency unknown: ${unknownLatency} of ${n * k} results have no latencyMs (missing or 0, e.g. recordings that never measured it), so no routed p50/p95 is reported`);
  const frontierCost = (() => {
    let c = 0;
    for (let i = 0; i < n; i++) c += m.cost[i * k + k - 1]!;
    return c;
  })();

  // Prepare each pattern's family (training the router for classifier); skipped ones say why.
  const outcomes: PatternOutcome[] = [];
  const prepared: { fam: RouteFamily; extra: Partial<PatternOutcome>; signal: Float64Array; gate?: string; search?: (input: SearchInput) => ScopedSearchResult }[] = [];
  let router: RouterModel | undefined;
  for (const pattern of opts.patterns) {
    const prep = patternSpec(pattern).prepare({
      table,
      m,
      routerCostUsd,
      barMode: opts.barMode,
      notes,
      ...(opts.gate ? { gate: opts.gate } : {}),
      ...(opts.confidenceField ? { confidenceField: opts.confidenceField } : {}),
      ...(opts.train ? { train: opts.train } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    if ('skipped' in prep) {
      outcomes.push({ pattern, status: 'skipped', reason: prep.skipped, ...(prep.gate ? { gate: prep.gate } : {}), curve: [] });
      continue;
    }
    if (prep.router) router = prep.router;
    prepared.push({ fam: prep.fam, extra: prep.extra, signal: prep.signal, ...(prep.gate ? { gate: prep.gate } : {}), ...(prep.search ? { search: prep.search } : {}) });
  }

  if (prepared.length === 0) {
    const why = outcomes.map((o) => `${o.pattern}: ${o.reason}`).join('; ');
    throw new InputError(`no routing pattern can be simulated on these results — ${why}`);
  }

  // Each pattern's search is one fixed-sequence test. The error budget is split in half between the true
  // parity and a new sample's margin, and the first half across patterns (Bonferroni): bounds.ts.
  const levels = certificationLevels(opts.confidence, prepared.length);
  const patternConfidence = levels.trueConfidence;
  const zp = oneSidedZ(patternConfidence);
  const zNew = oneSidedZ(levels.newConfidence);
  const crit: Criterion = { mode: opts.barMode, bar: opts.bar, z: zp, zNew, n, sf };
  const barSpec = { bar: opts.bar, barMode: opts.barMode, confidence: patternConfidence };
  notes.push(
    `${prepared.length > 1 ? `${prepared.length} patterns searched: each` : 'the'} bound on the true ${opts.barMode === 'relative' ? 'parity' : 'quality'} is taken at ${pct(patternConfidence, 2)} and a new sample's margin at ${pct(levels.newConfidence, 2)}, so that a new sample's point estimate keeps the bar with ${confPct} confidence (half the error budget to each${prepared.length > 1 ? ', the first half split over the patterns: Bonferroni' : ''})`,
  );

  const summarize = (pattern: string, p: SweepPoint): RouteSummary => {
    const sums = { n, sr: p.passes, srf: p.pairedPasses, sf };
    return {
      pattern,
      thresholds: p.thresholds.map((x) => round(x, 6)),
      quality: p.passes / n,
      parity: sf ? p.passes / sf : 0,
      lowerBound: opts.barMode === 'relative' ? parityInterval(sums, zp)[0] : wilsonLowerZ(p.passes, n, zp),
      costUsd: p.costUsd,
      savingsPct: frontierCost > 0 ? (1 - p.costUsd / frontierCost) * 100 : 0,
      tierShares: Object.fromEntries(tiers.map((t, j) => [t, p.tierCounts[j]! / n])),
      escalationRate: 1 - p.tierCounts[0]! / n,
    };
  };

  const signals = new Map<string, { signal: Float64Array; routedCost: Float64Array; routedLatency?: Float64Array; sweep: SweepResult; gate?: string }>();
  for (const { fam, extra, signal, gate, search } of prepared) {
    opts.onProgress?.(`sweeping ${fam.pattern} thresholds over ${n} items`);
    const routedLatency = routedLatencies(m, patternSpec(fam.pattern), routerLatencyMs);
    const limit = maxP95 !== undefined && routedLatency ? { latency: { routed: routedLatency, maxP95Ms: maxP95 } } : {};
    // Curve points carry their latency when every result has one (else null): the sweep tracks it as items move.
    const allKnown = routedLatency?.every(Number.isFinite) === true;
    const curveLatency = allKnown ? { curveLatency: routedLatency } : {};
    // A per-scope pattern searches each scope under its share of the same budget (scopes.ts).
    let sw: SweepResult & { extra?: ScopedExtra } = search ? search({ crit, trueConfidence: patternConfidence, maxCurve: opts.maxCurve ?? 400 }) : sweepFamily(m, fam, crit, { target, maxCurve: opts.maxCurve ?? 400, ...limit, ...curveLatency });
    if (search && limit.latency && sw.best) {
      // The per-scope search does not sweep latency: its certified route is held to the limit as a whole.
      const lat = routeLatency(routeTiers(fam.pattern, sw.best.thresholds, signal, n, k), routedLatency, k);
      if (lat && lat.p95Ms > limit.latency.maxP95Ms) {
        const { best, ...rest } = sw;
        sw = { ...rest, bestOverLatency: best };
      }
    }
    signals.set(fam.pattern, { signal, routedCost: fam.routedCost, sweep: sw, ...(routedLatency ? { routedLatency } : {}), ...(gate ? { gate } : {}) });
    const withLatency = (p: SweepPoint): RouteSummary => ({ ...summarize(fam.pattern, p), latency: routeLatency(routeTiers(fam.pattern, p.thresholds, signal, n, k), routedLatency, k) });
    const outcome: PatternOutcome = {
      pattern: fam.pattern,
      status: 'ok',
      parameter: fam.describe,
      candidates: sw.candidates,
      apgr: sw.apgr,
      ...extra,
      ...sw.extra,
      // A per-scope search's curve points come without latency: each is routed once here.
      curve: sw.curve.map((p) => ({
        ...summarize(fam.pattern, p),
        latency: p.latency ?? (search && allKnown ? routeLatency(routeTiers(fam.pattern, p.thresholds, signal, n, k), routedLatency, k) : null),
        meetsBar: p.margin >= 0,
      })),
      bestBound: withLatency(sw.bestMargin),
    };
    if (sw.best) outcome.best = withLatency(sw.best);
    const over = sw.bestOverLatency ? withLatency(sw.bestOverLatency) : undefined;
    if (over && over.savingsPct > 1e-9) {
      outcome.bestOverLatency = over;
      notes.push(latencyExclusionNote(outcome, maxP95!));
    }
    if (sw.bestPoint) {
      const bp = sw.bestPoint;
      const needed =
        opts.barMode === 'relative' ? itemsNeededPaired({ n, sr: bp.passes, srf: bp.pairedPasses, sf }, opts.bar, zp, zNew) : itemsNeededAbsolute(bp.passes / n, opts.bar, zp, zNew);
      outcome.bestPoint = { ...withLatency(bp), itemsNeeded: Number.isFinite(needed) ? needed : null };
    }
    outcomes.push(outcome);
  }
  outcomes.sort((a, b) => opts.patterns.indexOf(a.pattern) - opts.patterns.indexOf(b.pattern));

  // The pick: the largest saving among the patterns' certified routes; it must save something.
  let pickOutcome: PatternOutcome | undefined;
  for (const o of outcomes) {
    if (!o.best || !(o.best.savingsPct > 1e-9)) continue;
    if (!pickOutcome || o.best.savingsPct > pickOutcome.best!.savingsPct + 1e-12 || (Math.abs(o.best.savingsPct - pickOutcome.best!.savingsPct) <= 1e-12 && o.best.quality > pickOutcome.best!.quality)) pickOutcome = o;
  }
  let pick: CalibrationPick | null = null;
  if (pickOutcome) {
    const s = signals.get(pickOutcome.pattern)!;
    const thresholds = s.sweep.best!.thresholds;
    const route = routeTiers(pickOutcome.pattern, thresholds, s.signal, n, k);
    const ev = evaluateRoute(m, route, s.routedCost, tiers, barSpec, s.routedLatency);
    pick = {
      pattern: pickOutcome.pattern,
      thresholds,
      ...ev,
      routerCostUsd: patternNeeds(pickOutcome.pattern).router ? routerCostUsd : 0,
      ...(patternSpec(pickOutcome.pattern).runsRouter ? { routerLatencyMs } : {}),
      apgr: pickOutcome.apgr ?? null,
      oracleCapturedPct: null,
    };
    if (s.gate) pick.gate = s.gate;
    if (pickOutcome.scopes && pickOutcome.scopeBy) pick.scopes = { by: pickOutcome.scopeBy, entries: pickOutcome.scopes.map((x) => ({ value: x.value, items: x.items })) };
    if (pickOutcome.pattern === 'confidence') pick.confidenceField = opts.confidenceField ?? 'confidence';
    if (!ev.meetsBar) notes.push('rounding: the re-evaluated pick sits exactly on the bar');
  }

  let randomAtShares: RandomAtShares | null = null;
  if (pick && pickOutcome) {
    const s = signals.get(pickOutcome.pattern)!;
    const route = routeTiers(pickOutcome.pattern, pick.thresholds, s.signal, n, k);
    randomAtShares = randomAtSharesOf(m, route, tiers.map((t) => pick!.tierShares[t] ?? 0), pick, qF);
    if (!randomAtShares.routerBeatsRandom) {
      notes.push(
        `the ${pick.pattern} pick is not measurably better than random routing at the same tier shares (margin ${randomAtShares.marginPts.toFixed(1)} parity points, 95% lower bound ${randomAtShares.marginLowerPts.toFixed(1)}): its savings come from the shares alone${pick.pattern === 'scope-tier' ? '' : ', so prefer a simpler policy (a static tier per scope) over the router'}`,
      );
    }
  }

  const ok = outcomes.filter((o) => o.status === 'ok');
  let bestAchievable: RouteSummary | undefined;
  if (!pick) for (const o of ok) if (o.bestBound && (!bestAchievable || o.bestBound.lowerBound > bestAchievable.lowerBound)) bestAchievable = o.bestBound;
  const b: Baselines = baselinesOf(m, tiers, target, pick?.tierShares ?? bestAchievable?.tierShares);
  if (pick) pick.oracleCapturedPct = b.oracle.savingsPct > 0 ? (pick.savingsPct / b.oracle.savingsPct) * 100 : null;
  if (randomAtShares && b.random) randomAtShares.savingsPct = b.random.savingsPct;
  let headline: string;
  const boundName = opts.barMode === 'relative' ? 'parity' : 'quality';
  if (pick) {
    const ci = opts.barMode === 'relative' ? pick.parityCi95 : pick.qualityCi95;
    const value = opts.barMode === 'relative' ? pick.parity : pick.quality;
    headline = `${pick.savingsPct.toFixed(1)}% cheaper than all-frontier at ${pct(value)} ${boundName} (95% CI ${pct(ci[0])}–${pct(ci[1])})`;
  } else {
    const best = bestAchievable!;
    const barText = opts.barMode === 'relative' ? `${pct(opts.bar)} parity` : `${pct(opts.bar)} quality`;
    const within = maxP95 !== undefined ? ` within a routed p95 latency of ${ms(maxP95)}` : '';
    headline = `no routing saves money while keeping ${barText} at ${confPct} confidence${within}; best achievable ${boundName} bound ${pct(best.lowerBound)} (${best.pattern}, ${pct(best.quality)} quality, ${best.savingsPct.toFixed(1)}% savings vs all-frontier)`;
    // (a pattern whose certified route only broke --max-p95-latency needs no more items)
    const withPoint = ok.filter((o) => o.bestPoint && o.bestPoint.savingsPct > 0 && !o.bestOverLatency).sort((x, y) => y.bestPoint!.savingsPct - x.bestPoint!.savingsPct)[0];
    if (withPoint?.bestPoint) {
      const bp = withPoint.bestPoint;
      const need = bp.itemsNeeded;
      notes.push(
        `too few items for ${confPct} confidence: the cheapest route whose measured quality meets the bar (${bp.pattern}, ${bp.savingsPct.toFixed(1)}% cheaper at ${pct(opts.barMode === 'relative' ? bp.parity : bp.quality)} ${boundName}) ${need ? `would need about ${need} items for its bound to hold; there are ${n}` : 'cannot be certified at any size'}`,
      );
    }
  }

  const report: Calibration = {
    schemaVersion: CALIBRATION_SCHEMA_VERSION,
    datasetId: table.datasetId,
    n,
    tiers: tiers.map((t, j) => {
      let passes = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        passes += m.pass[i * k + j]!;
        c += m.cost[i * k + j]!;
      }
      const row: Calibration['tiers'][number] = { name: t, quality: passes / n, costUsd: c, costPerItemUsd: c / n };
      const model = table.models?.[t];
      if (model) row.model = model;
      return row;
    }),
    bar: opts.bar,
    barMode: opts.barMode,
    confidence: opts.confidence,
    target,
    bound: describeBound({ ...opts, patterns: prepared.length }),
    boundConfidence: patternConfidence,
    pick,
    randomAtShares,
    baselines: { frontier: b.frontier, cheapest: b.cheapest, random: b.random ?? null, oracle: b.oracle, oracleMaxQuality: b.oracleMaxQuality },
    patterns: outcomes,
    headline,
    latency: { routerLatencyMs, maxP95Ms: maxP95 ?? null, unknownResults: unknownLatency },
    notes,
  };
  if (bestAchievable) report.bestAchievable = bestAchievable;
  return router ? { report, router } : { report };
}

/** Why a pattern's cheapest certified route is not its best: its routed p95 is above --max-p95-latency. */
function latencyExclusionNote(o: PatternOutcome, maxP95: number): string {
  const over = o.bestOverLatency!;
  const p95 = (l: LatencySummary | null | undefined) => (l ? ms(l.p95Ms) : 'unknown');
  const instead = o.best && o.best.savingsPct > 1e-9 ? `its best route within the limit saves ${o.best.savingsPct.toFixed(1)}% (p95 ${p95(o.best.latency)})` : `no ${o.pattern} route that saves money is within the limit`;
  return `--max-p95-latency ${ms(maxP95)}: the cheapest certified ${o.pattern} route (${over.savingsPct.toFixed(1)}% cheaper) has a routed p95 of ${p95(over.latency)} and is not eligible; ${instead}`;
}

/** The pick against random routing at its shares, paired by item (see RandomAtShares). */
function randomAtSharesOf(m: OutcomeMatrix, route: Uint8Array, shares: readonly number[], pick: PolicyEvaluation, qF: number): RandomAtShares {
  const { n, k, pass } = m;
  let sd = 0;
  let sd2 = 0;
  let expected = 0;
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let t = 0; t < k; t++) e += shares[t]! * pass[i * k + t]!;
    const d = pass[i * k + route[i]!]! - e;
    expected += e;
    sd += d;
    sd2 += d * d;
  }
  const meanD = sd / n;
  const se = n > 1 ? Math.sqrt(Math.max(0, (sd2 - n * meanD * meanD) / (n - 1)) / n) : Infinity;
  const quality = expected / n;
  const parity = qF > 0 ? quality / qF : 0;
  const lower = qF > 0 ? ((meanD - oneSidedZ(0.95) * se) / qF) * 100 : -Infinity;
  return {
    savingsPct: pick.savingsPct,
    quality,
    parity,
    marginPts: (pick.parity - parity) * 100,
    marginLowerPts: lower,
    routerBeatsRandom: lower > 0,
  };
}

/** The bound used to choose, in words. */
function describeBound(o: { bar: number; barMode: BarMode; confidence: number; patterns?: number }): string {
  const bound = describeCertification(o);
  const search = '; thresholds are tested in fixed sequence from the all-escalated end (Learn-then-Test), so the search itself does not spend confidence';
  return bound + search;
}

/** Whether an item is held out: a stable hash of its id (salted by the seed), so the split does not depend on the items' order or on which other items are present. */
export function isHeldOut(itemId: string, fraction: number, seed = 1): boolean {
  return fnv1a(itemId, (0x5eed ^ Math.imul(seed, 0x9e3779b1)) >>> 0) / 4294967296 < fraction;
}

/** Splits a table's items: about `fraction` of them held out, each by a stable hash of its id (`isHeldOut`). */
export function splitHoldout(table: ResultsTable, fraction: number, seed = 1): { calibration: ResultsTable; holdout: ResultsTable } {
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`--holdout must be between 0 and 1, got ${fraction}`);
  const held: number[] = [];
  const cal: number[] = [];
  table.items.forEach((it, i) => {
    (isHeldOut(it.itemId, fraction, seed) ? held : cal).push(i);
  });
  if (held.length < 1 || cal.length < 2) throw new InputError(`--holdout ${fraction} leaves too few items on one side (${held.length} held out, ${cal.length} to calibrate on, of ${table.items.length})`);
  return { calibration: subsetTable(table, cal), holdout: subsetTable(table, held) };
}

function round(x: number, digits: number): number {
  return Number(x.toPrecision(digits));
}
