/**
 * Per-scope policy families (scope-tier, scope-classifier): the items are
 * split into scopes by an attribute the results carry (category, else task),
 * each scope gets its own route, certified on its own items with its own
 * lower bound, and the union of the scopes' routes must still hold the
 * global bar. Pure.
 *
 * The confidence budget: calibrate gives each pattern the same share of the
 * true-value half of the error budget (Bonferroni over the patterns, see
 * bounds.ts certificationLevels). A per-scope pattern splits its share again
 * over its J scopes (Bonferroni), so every scope's bound is taken at
 * 1 − α_pattern / J, and each scope's new-sample margin is that of a new
 * sample as large as the scope (z' as for the other patterns). Within a
 * scope the candidates are tested in fixed sequence from the all-escalated
 * end (Learn-then-Test, sweepFamily), which spends nothing more; a scope
 * whose every candidate fails — too few items, say — is served by the
 * frontier. The global check then walks from all-frontier, moving the scopes
 * to their certified routes one at a time in the order of their values
 * (fixed before any outcome is seen), and stops at the first route that
 * fails the global bound (at the pattern's own level), keeping the cheapest
 * one before it: holding the global bar too costs no further confidence.
 */
import type { ScopeKey } from '../config/schema.js';
import { SCOPE_KEYS } from '../config/schema.js';
import { pct } from '../report/format.js';
import { margin, oneSidedZ, parityInterval, wilsonLowerZ, type Criterion } from './bounds.js';
import type { ItemOutcomes, ResultsTable } from './results.js';
import { boundaryArrays, sweepFamily, type OutcomeMatrix, type RouteFamily, type SweepPoint, type SweepResult } from './sweep.js';

/** How a per-scope search is told the bar and its share of the confidence budget. */
export interface SearchInput {
  /** The global criterion, at the pattern's share of the budget. */
  crit: Criterion;
  /** The confidence the pattern's true-value bound is taken at (split again over its scopes). */
  trueConfidence: number;
  maxCurve: number;
}

/** One scope of a per-scope pattern, as certified. */
interface ScopeOutcome {
  /** The attribute's value (null: items without one). */
  value: string | null;
  items: number;
  /** Whether a route was certified in the scope (else the scope is served by the frontier: on a few items not even all-frontier certifies). */
  certified: boolean;
  /** The scope's route (scope-tier: [tier index]; scope-classifier: one threshold per boundary). */
  thresholds: number[];
  /** scope-tier: the tier serving the scope. */
  tier?: string;
  /** The route's quality, parity and savings within the scope, and the scope's bound (at the scope's level). */
  quality: number;
  parity: number;
  lowerBound: number;
  savingsPct: number;
}

/** What a per-scope search adds to the pattern's report. */
export interface ScopedExtra {
  scopeBy: ScopeKey;
  /** The confidence each scope's true-value bound is taken at. */
  scopeConfidence: number;
  scopes: ScopeOutcome[];
}

export type ScopedSearchResult = SweepResult & { extra: ScopedExtra };

/** The attribute values of a scope key (undefined → null). */
function scopeValueOf(item: ItemOutcomes, by: ScopeKey): string | null {
  return item[by] ?? null;
}

/**
 * The attribute to scope by: the first of SCOPE_KEYS (category, task) with
 * at least two values among the items (items without one form a scope of their own).
 */
export function scopeKeyOf(table: ResultsTable): ScopeKey | undefined {
  for (const by of SCOPE_KEYS) {
    const values = new Set(table.items.map((i) => scopeValueOf(i, by)));
    if (values.size >= 2 && [...values].some((v) => v !== null)) return by;
  }
  return undefined;
}

/**
 * Most scopes a per-scope family splits its budget over. Beyond it each
 * scope's bound would be taken so far out that small scopes cannot certify
 * anything (and the report would list thousands of routes): the families
 * are skipped, which depends on the attribute's values only, never on outcomes.
 */
export const MAX_SCOPES = 200;

/** The scopes' values in their fixed order (null first, then by code unit). */
export function scopeValues(table: ResultsTable, by: ScopeKey): (string | null)[] {
  const values = [...new Set(table.items.map((i) => scopeValueOf(i, by)))];
  return values.sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
}

/** Each item's scope index into `values`; an item of no listed scope gets values.length (the last slot). */
export function scopeIndexOf(table: ResultsTable, by: ScopeKey, values: readonly (string | null)[]): { index: Float64Array; matched: number } {
  const pos = new Map(values.map((v, j) => [v, j]));
  const index = new Float64Array(table.items.length);
  let matched = 0;
  table.items.forEach((item, i) => {
    const j = pos.get(scopeValueOf(item, by));
    if (j !== undefined) matched++;
    index[i] = j ?? values.length;
  });
  return { index, matched };
}

/** A family with no events: per-scope patterns are searched by scopedSearch, never swept as one family. */
export function scopedFamily(pattern: string, routedCost: Float64Array, describe: string): RouteFamily {
  return {
    pattern,
    routedCost,
    keys: new Float64Array(0),
    items: new Uint32Array(0),
    toTier: new Uint8Array(0),
    thresholdsAt: () => [],
    before: () => 0,
    between: (a, b) => (a + b) / 2,
    after: (last) => last + 1,
    describe,
  };
}

/**
 * The static-tier family of one scope: every item on tier ⌊param⌋. Its
 * thresholds are [the tier index]; as the parameter grows the whole scope
 * moves up one tier at a time, so the fixed-sequence test from the frontier
 * down keeps the cheapest tier after the last one that fails.
 */
export function staticTierFamily(m: OutcomeMatrix, routedCost: Float64Array, pattern: string): RouteFamily {
  const { n, k } = m;
  const arrays = boundaryArrays(n, k, (_, keys, at) => {
    for (let b = 0; b < k - 1; b++) keys[at + b] = b + 1;
  });
  return {
    pattern,
    routedCost,
    ...arrays,
    thresholdsAt: (param) => [Math.min(k - 1, Math.max(0, Math.floor(param)))],
    before: (first) => first / 2,
    between: (a, b) => (a + b) / 2,
    after: (last) => last + 0.5,
    describe: 'a static tier per scope',
  };
}

/** The rows of a matrix (and of a routed-cost matrix) at some item indexes. */
function subMatrix(m: OutcomeMatrix, rc: Float64Array, members: readonly number[]): { sub: OutcomeMatrix; rc: Float64Array } {
  const { k } = m;
  const n = members.length;
  const pass = new Uint8Array(n * k);
  const cost = new Float64Array(n * k);
  const r = new Float64Array(n * k);
  members.forEach((i, row) => {
    pass.set(m.pass.subarray(i * k, i * k + k), row * k);
    cost.set(m.cost.subarray(i * k, i * k + k), row * k);
    r.set(rc.subarray(i * k, i * k + k), row * k);
  });
  return { sub: { n, k, pass, cost }, rc: r };
}

interface Part {
  passes: number;
  paired: number;
  cost: number;
  counts: number[];
  thresholds: number[];
}

/**
 * Certifies a per-scope pattern (module comment): each scope's family is
 * swept on the scope's items at the scope's level, uncertified scopes fall
 * to the frontier, and the global bar is tested along the path from
 * all-frontier to the union of the scopes' routes. `thresholds` of a route
 * are the scopes' thresholds in `values` order plus the frontier slot for
 * items of no listed scope.
 */
export function scopedSearch(o: {
  pattern: string;
  m: OutcomeMatrix;
  routedCost: Float64Array;
  scopeIndex: Float64Array;
  values: readonly (string | null)[];
  by: ScopeKey;
  tiers: readonly string[];
  /** The scope's family over its own items. */
  familyOf: (sub: OutcomeMatrix, routedCost: Float64Array, members: readonly number[]) => RouteFamily;
  /** Thresholds of one slot that send every item to the frontier. */
  frontierThresholds: number[];
  showTier: boolean;
  input: SearchInput;
}): ScopedSearchResult {
  const { m, routedCost: rcAll, values, input } = o;
  const { n, k } = m;
  const crit = input.crit;
  const J = values.length;
  const scopeConfidence = 1 - (1 - input.trueConfidence) / Math.max(1, J);
  const zScope = oneSidedZ(scopeConfidence);
  const members: number[][] = values.map(() => []);
  for (let i = 0; i < n; i++) members[o.scopeIndex[i]!]?.push(i);

  const frontierParts: Part[] = [];
  const chosen: Part[] = [];
  const pointParts: Part[] = [];
  const scopes: ScopeOutcome[] = [];
  let tested = 0;
  values.forEach((value, j) => {
    const idx = members[j]!;
    const { sub, rc } = subMatrix(m, rcAll, idx);
    let sf = 0;
    let frontierCost = 0;
    for (let r = 0; r < sub.n; r++) {
      sf += sub.pass[r * k + k - 1]!;
      frontierCost += rc[r * k + k - 1]!;
    }
    const counts = new Array<number>(k).fill(0);
    counts[k - 1] = sub.n;
    const atFrontier: Part = { passes: sf, paired: sf, cost: frontierCost, counts, thresholds: o.frontierThresholds };
    frontierParts.push(atFrontier);
    // The scope's own bound: its share of the pattern's budget, a new sample as large as the scope.
    const critJ: Criterion = { mode: crit.mode, bar: crit.bar, z: zScope, n: sub.n, sf, ...(crit.zNew !== undefined ? { zNew: crit.zNew } : {}) };
    const target = crit.mode === 'relative' ? (sub.n ? (crit.bar * sf) / sub.n : 0) : crit.bar;
    const sw = sweepFamily(sub, o.familyOf(sub, rc, idx), critJ, { target, maxCurve: 2 });
    tested += sw.candidates;
    const part = (p: SweepPoint | undefined): Part => (p ? { passes: p.passes, paired: p.pairedPasses, cost: p.costUsd, counts: p.tierCounts, thresholds: p.thresholds } : atFrontier);
    const best = part(sw.best);
    chosen.push(best);
    pointParts.push(part(sw.bestPoint));
    let cF = 0;
    for (let r = 0; r < sub.n; r++) cF += sub.cost[r * k + k - 1]!;
    const sums = { n: sub.n, sr: best.passes, srf: best.paired, sf };
    const scope: ScopeOutcome = {
      value,
      items: sub.n,
      certified: sw.best !== undefined,
      thresholds: best.thresholds,
      quality: sub.n ? best.passes / sub.n : 0,
      parity: sf ? best.passes / sf : 0,
      lowerBound: crit.mode === 'relative' ? parityInterval(sums, zScope)[0] : wilsonLowerZ(best.passes, sub.n, zScope),
      savingsPct: cF > 0 ? (1 - best.cost / cF) * 100 : 0,
    };
    if (o.showTier) scope.tier = o.tiers[best.thresholds[0]!] ?? o.tiers[k - 1]!;
    scopes.push(scope);
  });

  // The global path: all-frontier, then scope 0, 1, … moved to its certified route.
  const total = (parts: Part[]): Part => {
    const out: Part = { passes: 0, paired: 0, cost: 0, counts: new Array<number>(k).fill(0), thresholds: [] };
    for (const p of parts) {
      out.passes += p.passes;
      out.paired += p.paired;
      out.cost += p.cost;
      for (let t = 0; t < k; t++) out.counts[t]! += p.counts[t]!;
      out.thresholds.push(...p.thresholds);
    }
    out.thresholds.push(...o.frontierThresholds);
    return out;
  };
  const pointOf = (p: Part, param: number): SweepPoint => ({ param, thresholds: p.thresholds, passes: p.passes, pairedPasses: p.paired, costUsd: p.cost, tierCounts: p.counts, margin: margin(crit, p.passes, p.paired) });
  const path: SweepPoint[] = [];
  for (let t = 0; t <= J; t++) path.push(pointOf(total([...chosen.slice(0, t), ...frontierParts.slice(t)]), t));
  // Fixed sequence from the all-frontier end: the first route that fails stops the walk.
  let best: SweepPoint | undefined;
  let failed = false;
  let bestMargin = path[0]!;
  for (const p of path) {
    if (p.margin < 0) failed = true;
    else if (!failed && (!best || p.costUsd < best.costUsd || (p.costUsd === best.costUsd && p.passes > best.passes))) best = p;
    if (p.margin > bestMargin.margin) bestMargin = p;
  }
  const point = pointOf(total(pointParts), J);
  const targetPasses = (crit.mode === 'relative' ? crit.bar * crit.sf : crit.bar * n) - 1e-9;
  const stride = Math.max(1, Math.ceil(path.length / Math.max(2, input.maxCurve)));
  const curve = path.filter((_, t) => t % stride === 0 || t === path.length - 1);
  return {
    pattern: o.pattern,
    candidates: tested,
    ...(best ? { best } : {}),
    ...(point.passes >= targetPasses ? { bestPoint: point } : {}),
    bestMargin,
    curve,
    apgr: null,
    extra: { scopeBy: o.by, scopeConfidence, scopes },
  };
}

/** "per category (each bound at 99.8%): maths → cheap (40 items, bound 96.1%), code → frontier (12 items, not certified), …" */
export function describeScopes(x: Partial<ScopedExtra>, max = 6): string | undefined {
  if (!x.scopes || !x.scopeBy) return undefined;
  const saves = (s: ScopeOutcome): boolean => s.certified && s.savingsPct > 1e-9;
  const one = (s: ScopeOutcome): string => `${s.value ?? '(none)'} → ${saves(s) ? (s.tier ?? 'router') : 'frontier'} (${s.items} items${saves(s) ? `, bound ${pct(s.lowerBound)}` : ''})`;
  const shown = x.scopes.slice(0, max).map(one).join(', ');
  const more = x.scopes.length > max ? `, … (${x.scopes.length - max} more)` : '';
  return `per ${x.scopeBy}${x.scopeConfidence !== undefined ? ` (each bound at ${pct(x.scopeConfidence, 2)})` : ''}: ${shown}${more}`;
}
