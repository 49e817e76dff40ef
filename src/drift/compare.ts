/**
 * `tokor drift`'s verdict: the current traffic's profile against the
 * baseline's (the set a policy was certified on). Three measures — task-
 * cluster mix, labeler-score distribution, prompt length — each with a
 * population-stability index and a chi-square test of homogeneity (sparse
 * cells pooled), and the golden-set coverage: the share of current requests
 * (and spend) whose cluster the baseline has. Pure.
 */
import { chiSquareHomogeneity, populationStabilityIndex } from '../stats/chiSquare.js';
import { normalQuantile } from '../stats/interval.js';
import type { TrafficProfile } from './profile.js';

export const DRIFT_MEASURES = ['clusterMix', 'score', 'promptLength'] as const;
export type DriftMeasure = (typeof DRIFT_MEASURES)[number];

/** When the verdict fails. Documented defaults (docs/drift.md); flags and the policy override them. */
export interface DriftThresholds {
  /**
   * Family-wise false-alarm rate of the three tests: each measure is tested at
   * alpha ÷ 3 (Bonferroni), so resamples of the same traffic are flagged at
   * most about alpha of the time.
   */
  alpha: number;
  /** A measure drifts when it is significant AND its PSI is at least this (a shift large enough to matter). */
  maxPsi: number;
  /** Fail when fewer than this share of current requests fall in clusters the baseline has. */
  minCoverage: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { alpha: 0.01, maxPsi: 0.2, minCoverage: 0.8 };

/** Where each threshold came from. */
export type ThresholdSource = 'default' | 'policy' | 'flag';

/** Cells with an expected count below this (in either sample) are pooled: the chi-square approximation needs it. */
const MIN_EXPECTED = 5;

/** Clusters listed (uncovered, moved); the JSON has them all up to this many. */
const MAX_LISTED_CLUSTERS = 50;

interface MeasureResult {
  measure: DriftMeasure;
  /** Population-stability index over the pooled cells. */
  psi: number;
  test: 'chi-square';
  statistic: number;
  df: number;
  pValue: number;
  /** The level this measure is tested at: alpha ÷ number of measures. */
  level: number;
  /** Cells after pooling. */
  cells: number;
  drifted: boolean;
}

export interface ClusterShare {
  signature: string;
  text: string;
  /** Share of the baseline's requests (0 when the baseline lacks it). */
  baselineShare: number;
  currentShare: number;
  /** Requests in the current traffic. */
  requests: number;
  /** Share of the current spend; null when the current traffic has no priced spend. */
  spendShare: number | null;
  /** Standardized difference of the two shares (two-proportion z). */
  z: number;
}

interface Coverage {
  /** Share of current requests whose cluster the baseline has (0–1). */
  requestShare: number;
  /** Share of current priced spend in clusters the baseline has; null without priced spend. */
  spendShare: number | null;
  pass: boolean;
  /** Clusters of the current traffic absent from the baseline, most requests first (at most MAX_LISTED_CLUSTERS). */
  uncovered: ClusterShare[];
  uncoveredClusters: number;
}

export interface DriftVerdict {
  stable: boolean;
  thresholds: DriftThresholds;
  measures: MeasureResult[];
  coverage: Coverage;
  /** Clusters whose share moved beyond sampling error (Bonferroni over the clusters at alpha), largest move first. */
  moved: ClusterShare[];
  notes: string[];
}

/** Compares two profiles. */
export function compareProfiles(baseline: TrafficProfile, current: TrafficProfile, thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS): DriftVerdict {
  const level = thresholds.alpha / DRIFT_MEASURES.length;
  const notes: string[] = [];
  const mix = clusterCells(baseline, current);
  const measures: MeasureResult[] = [
    measure('clusterMix', poolSparse(mix.a, mix.b), level, thresholds.maxPsi),
    measure('score', poolAdjacent(baseline.score, current.score), level, thresholds.maxPsi),
    measure('promptLength', poolAdjacent(baseline.promptLength.counts, current.promptLength.counts), level, thresholds.maxPsi),
  ];
  if (baseline.labeler !== current.labeler) notes.push(`the scores come from different labelers (baseline: ${baseline.labeler}; current: ${current.labeler}): the score measure compares unlike things`);
  const basis = (p: TrafficProfile) => (p.promptLength.fromText >= p.promptLength.fromTokens ? 'text' : 'tokens');
  if (baseline.requests > 0 && current.requests > 0 && basis(baseline) !== basis(current)) {
    notes.push(`prompt length is estimated from text on one side and logged tokens on the other (baseline: ${basis(baseline)}, current: ${basis(current)}): the length measure is biased`);
  }
  for (const [name, p] of [['baseline', baseline], ['current', current]] as const) {
    if (p.requests < 30) notes.push(`the ${name} has only ${p.requests} request${p.requests === 1 ? '' : 's'}: the tests have little power below 30`);
    if (p.rest) notes.push(`the ${name} profile lists its ${p.clusters.length} largest clusters; ${p.rest.clusters} smaller ones (${p.rest.requests} requests) are lumped together`);
  }
  const coverage = coverageOf(baseline, current, thresholds.minCoverage);
  const moved = movedClusters(baseline, current, thresholds.alpha);
  return { stable: coverage.pass && measures.every((m) => !m.drifted), thresholds, measures, coverage, moved, notes };
}

function measure(name: DriftMeasure, cells: { a: number[]; b: number[] }, level: number, maxPsi: number): MeasureResult {
  const t = chiSquareHomogeneity(cells.a, cells.b);
  const psi = populationStabilityIndex(cells.a, cells.b);
  return { measure: name, psi, test: 'chi-square', statistic: t.statistic, df: t.df, pValue: t.pValue, level, cells: cells.a.length, drifted: t.pValue < level && psi >= maxPsi };
}

/** One cell per cluster of either side (listed clusters), plus one for the lumped rest of both. */
function clusterCells(baseline: TrafficProfile, current: TrafficProfile): { a: number[]; b: number[] } {
  const index = new Map<string, number>();
  const a: number[] = [];
  const b: number[] = [];
  const cell = (sig: string) => {
    let i = index.get(sig);
    if (i === undefined) {
      index.set(sig, (i = a.length));
      a.push(0);
      b.push(0);
    }
    return i;
  };
  for (const c of baseline.clusters) a[cell(c.signature)]! += c.requests;
  for (const c of current.clusters) b[cell(c.signature)]! += c.requests;
  if (baseline.rest || current.rest) {
    const i = cell('\u0000rest');
    a[i]! += baseline.rest?.requests ?? 0;
    b[i]! += current.rest?.requests ?? 0;
  }
  return { a, b };
}

function expectedOk(colA: number, colB: number, na: number, nb: number): boolean {
  const col = colA + colB;
  const n = na + nb;
  return (col * na) / n >= MIN_EXPECTED && (col * nb) / n >= MIN_EXPECTED;
}

/** Unordered cells (clusters): every sparse cell goes into one pooled cell; a pooled cell still sparse joins the smallest kept one. */
export function poolSparse(a: readonly number[], b: readonly number[]): { a: number[]; b: number[] } {
  const na = sum(a);
  const nb = sum(b);
  if (na === 0 || nb === 0) return { a: [na], b: [nb] };
  const keptA: number[] = [];
  const keptB: number[] = [];
  let poolA = 0;
  let poolB = 0;
  for (let i = 0; i < a.length; i++) {
    if (expectedOk(a[i]!, b[i]!, na, nb)) {
      keptA.push(a[i]!);
      keptB.push(b[i]!);
    } else {
      poolA += a[i]!;
      poolB += b[i]!;
    }
  }
  if (poolA + poolB > 0) {
    if (expectedOk(poolA, poolB, na, nb) || keptA.length === 0) {
      keptA.push(poolA);
      keptB.push(poolB);
    } else {
      let smallest = 0;
      for (let i = 1; i < keptA.length; i++) if (keptA[i]! + keptB[i]! < keptA[smallest]! + keptB[smallest]!) smallest = i;
      keptA[smallest]! += poolA;
      keptB[smallest]! += poolB;
    }
  }
  return { a: keptA, b: keptB };
}

/** Ordered bins (score, length): neighbours merge left to right until each cell is dense enough; a sparse tail joins the last cell. */
export function poolAdjacent(a: readonly number[], b: readonly number[]): { a: number[]; b: number[] } {
  const na = sum(a);
  const nb = sum(b);
  if (na === 0 || nb === 0) return { a: [na], b: [nb] };
  const outA: number[] = [];
  const outB: number[] = [];
  let curA = 0;
  let curB = 0;
  for (let i = 0; i < a.length; i++) {
    curA += a[i]!;
    curB += b[i] ?? 0;
    if (expectedOk(curA, curB, na, nb)) {
      outA.push(curA);
      outB.push(curB);
      curA = 0;
      curB = 0;
    }
  }
  if (curA + curB > 0) {
    if (outA.length === 0) {
      outA.push(curA);
      outB.push(curB);
    } else {
      outA[outA.length - 1]! += curA;
      outB[outB.length - 1]! += curB;
    }
  }
  return { a: outA, b: outB };
}

function coverageOf(baseline: TrafficProfile, current: TrafficProfile, minCoverage: number): Coverage {
  const known = new Set(baseline.clusters.map((c) => c.signature));
  const n = current.requests;
  const spend = current.spendUsd;
  const uncoveredAll = current.clusters.filter((c) => !known.has(c.signature));
  let uncoveredRequests = uncoveredAll.reduce((s, c) => s + c.requests, 0);
  let uncoveredSpend = uncoveredAll.reduce((s, c) => s + (c.spendUsd ?? 0), 0);
  // Clusters lumped past the profile's cap cannot be matched: counted as uncovered.
  if (current.rest) {
    uncoveredRequests += current.rest.requests;
    uncoveredSpend += current.rest.spendUsd ?? 0;
  }
  const requestShare = n > 0 ? 1 - uncoveredRequests / n : 1;
  const spendShare = spend !== null && spend > 0 ? Math.max(0, 1 - uncoveredSpend / spend) : null;
  const baseN = baseline.requests;
  const uncovered = uncoveredAll.slice(0, MAX_LISTED_CLUSTERS).map((c) => share(c, 0, baseN, c.requests, n, spend));
  return { requestShare, spendShare, pass: requestShare >= minCoverage - 1e-9, uncovered, uncoveredClusters: uncoveredAll.length };
}

function share(c: { signature: string; text: string; spendUsd: number | null }, baseCount: number, baseN: number, curCount: number, curN: number, spend: number | null): ClusterShare {
  const pb = baseN > 0 ? baseCount / baseN : 0;
  const pc = curN > 0 ? curCount / curN : 0;
  const p = (baseCount + curCount) / (baseN + curN);
  const se = Math.sqrt(p * (1 - p) * (1 / baseN + 1 / curN));
  return {
    signature: c.signature,
    text: c.text,
    baselineShare: pb,
    currentShare: pc,
    requests: curCount,
    spendShare: spend !== null && spend > 0 ? (c.spendUsd ?? 0) / spend : null,
    z: se > 0 ? (pc - pb) / se : 0,
  };
}

/** Clusters (of either side) whose share moved beyond sampling error: |z| past the two-sided Bonferroni bound over the clusters compared. */
function movedClusters(baseline: TrafficProfile, current: TrafficProfile, alpha: number): ClusterShare[] {
  if (baseline.requests === 0 || current.requests === 0) return [];
  const base = new Map(baseline.clusters.map((c) => [c.signature, c]));
  const cur = new Map(current.clusters.map((c) => [c.signature, c]));
  const sigs = [...new Set([...base.keys(), ...cur.keys()])];
  const crit = normalQuantile(1 - alpha / (2 * Math.max(1, sigs.length)));
  const rows = sigs.map((s) => {
    const b = base.get(s);
    const c = cur.get(s);
    return share({ signature: s, text: (c ?? b)!.text, spendUsd: c?.spendUsd ?? null }, b?.requests ?? 0, baseline.requests, c?.requests ?? 0, current.requests, current.spendUsd);
  });
  return rows
    .filter((r) => Math.abs(r.z) > crit)
    .sort((x, y) => Math.abs(y.currentShare - y.baselineShare) - Math.abs(x.currentShare - x.baselineShare) || (x.signature < y.signature ? -1 : 1))
    .slice(0, MAX_LISTED_CLUSTERS);
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
