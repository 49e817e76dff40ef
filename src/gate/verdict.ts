/**
 * The gate's verdict: re-simulate the proposed routing on golden results and
 * hold every scope's quality lower bound to its floor. Pure: the simulation
 * (calibrate's applyPolicy) is passed in.
 */
import { shareDrift, type PolicyEvaluation, type ShareDrift } from '../calibrate/apply.js';
import type { ResultsTable } from '../calibrate/results.js';
import { allowedTiersByItem, restrictTiers, selectItems, servedShares, subTable, type ItemContext, type RestrictedTable } from './scopes.js';
import type { RouteItems } from './route.js';
import { ms, pct, pctFigure, pctShort } from '../report/format.js';
import { DEFAULT_MAX_SAVINGS_DROP, type ApplyPolicy, type GateOptions, type GatePolicy, type GateVerdict, type QualityMeasure, type SavingsCheck, type ScopeRule, type ScopeVerdict, type Snapshot } from './types.js';

/** Floats that print equal compare equal: 0.95 computed as 0.9499999999999 passes a 0.95 floor. */
const EPSILON = 1e-9;

/**
 * Below this many items a scope's bound (normal approximation) is weak; with
 * no item where routing and the frontier disagree it even collapses to the
 * point estimate. The verdict stands, with a warning.
 */
const MIN_SCOPE_ITEMS = 30;

export interface GateInput {
  policy: GatePolicy;
  table: ResultsTable;
  /** The target branch's policy, shown before → after and used by --max-savings-drop. */
  base?: GatePolicy;
  /** The datasets the table merges (default: its datasetId). */
  datasets?: string[];
  /** Dataset and tags per item ID, for scopes matched on them. */
  context?: (itemId: string) => ItemContext | undefined;
}

/** The rules in force for a run: the policy's, with --floor / --confidence applied to every scope. */
export function rulesOf(policy: GatePolicy, opts: GateOptions): ScopeRule[] {
  // The routed p95 limit: --max-p95-latency, else the policy's; a scope's own limit wins over both.
  const maxP95 = opts.maxP95LatencyMs ?? policy.maxP95LatencyMs;
  return [policy.global, ...policy.scopes].map((r, i) => {
    const limit = i === 0 ? maxP95 : (r.maxP95LatencyMs ?? maxP95);
    return {
      ...r,
      ...(opts.floor !== undefined ? { floor: opts.floor, floorFrom: 'flag' as const } : {}),
      ...(opts.confidence !== undefined ? { confidence: opts.confidence } : {}),
      ...(limit !== undefined ? { maxP95LatencyMs: limit } : {}),
    };
  });
}

/**
 * `apply` simulates (calibrate's applyPolicy); `route` gives each item's final
 * slot so tier shares name the tier that serves it after allowedTiers (without
 * it, shares are by slot).
 */
export function evaluateGate(input: GateInput, opts: GateOptions, apply: ApplyPolicy, route?: RouteItems): GateVerdict {
  const { policy, table, base } = input;
  const rules = rulesOf(policy, opts);
  const members = rules.map((r, i) => (i === 0 ? table.items.map((_, j) => j) : selectItems(table, r.match, input.context)));
  const proposedTable = restrictTiers(table, allowedTiersByItem(table, rules.map((r, i) => ({ allowedTiers: r.allowedTiers, members: members[i]! }))), policy.routing.pattern);
  const baseTable = base ? baseView(base, table, input.context) : undefined;

  const warnings: string[] = [];
  const scopes = rules.map((rule, i): ScopeVerdict => {
    const m = members[i]!;
    if (m.length === 0) {
      const v = emptyVerdict(rule);
      warnings.push(v.message);
      return v;
    }
    const evaluation = simulate(apply, route, policy, rule, restrictedSub(proposedTable, m));
    const verdict = judgeScope(rule, evaluation);
    if (m.length < MIN_SCOPE_ITEMS) {
      warnings.push(`scope ${rule.name} has only ${m.length} golden item${m.length === 1 ? '' : 's'}: its lower bound is a weak approximation below ${MIN_SCOPE_ITEMS}; add items for it`);
    }
    if (base && baseTable) verdict.base = snapshot(simulate(apply, route, base, rule, restrictedSub(baseTable, m)));
    return verdict;
  });

  const certified = policy.routing.provenance?.calibration?.savingsPct;
  const checks = savingsChecks(scopes[0]!, {
    minSavings: opts.minSavings ?? policy.minSavings,
    maxSavingsDrop: opts.maxSavingsDrop ?? policy.maxSavingsDrop,
    ...(certified !== undefined ? { certifiedSavingsPct: certified } : {}),
  });
  checks.push(...latencyChecks(rules, scopes, warnings));
  const g = scopes[0]!.proposed;
  const shares = g ? shareDrift(policy.routing, g) : undefined;
  if (opts.maxShareDrift !== undefined) {
    if (shares) checks.push(shareDriftCheck(shares, opts.maxShareDrift));
    else warnings.push('--max-share-drift: the policy carries no certified tier shares (write it with `tokor calibrate --out`); not checked');
  }
  const verdict: GateVerdict = {
    pass: scopes.every((s) => s.status !== 'fail') && checks.every((c) => c.pass),
    policy: policy.source,
    datasets: input.datasets ?? [table.datasetId],
    pattern: policy.routing.pattern,
    thresholds: policy.routing.thresholds,
    tiers: table.tiers,
    scopes,
    checks,
    warnings,
    overrides: {
      ...(opts.floor !== undefined ? { floor: opts.floor } : {}),
      ...(opts.confidence !== undefined ? { confidence: opts.confidence } : {}),
    },
  };
  if (base) verdict.base = base.source;
  if (shares) verdict.shares = shares;
  return verdict;
}

/** --max-share-drift: fails when a tier flagged beyond sampling error moved by more than `limit` points from its certified share. */
export function shareDriftCheck(shares: ShareDrift[], limit: number): SavingsCheck {
  const moved = shares.filter((s) => s.flagged).map((s) => ({ ...s, pts: Math.abs(s.observed - s.certified) * 100 }));
  const worst = moved.reduce<(typeof moved)[number] | undefined>((w, s) => (!w || s.pts > w.pts ? s : w), undefined);
  const actual = worst?.pts ?? 0;
  const pass = actual <= limit + EPSILON;
  const what = worst ? `tier ${worst.tier} ${pct(worst.certified)} certified → ${pct(worst.observed)} observed: moved ${actual.toFixed(1)} pts (beyond sampling error)` : 'no tier share moved beyond sampling error';
  return { check: 'max-share-drift', pass, limit, actual, message: worst ? `${what} ${pass ? '≤' : '>'} allowed ${limit} pts` : `${what} (allowed ${limit} pts)` };
}

/**
 * --max-p95-latency / `maxP95LatencyMs`: each scope with a limit fails when
 * its routed p95 latency exceeds it. A scope whose latency is unknown (results
 * without latencyMs) cannot be checked: a warning, as an empty scope is.
 */
function latencyChecks(rules: readonly ScopeRule[], scopes: readonly ScopeVerdict[], warnings: string[]): SavingsCheck[] {
  const checks: SavingsCheck[] = [];
  rules.forEach((rule, i) => {
    const limit = rule.maxP95LatencyMs;
    const s = scopes[i]!;
    if (limit === undefined || s.status === 'empty') return;
    const l = s.proposed?.latency;
    if (!l) {
      warnings.push(`scope ${s.scope}: routed p95 latency not checked against ${ms(limit)}: latency unknown (some results have no latencyMs, or it is 0)`);
      return;
    }
    const pass = l.p95Ms <= limit;
    checks.push({
      check: 'max-p95-latency',
      scope: s.scope,
      pass,
      limit,
      actual: l.p95Ms,
      message: `scope ${s.scope}: routed p95 latency ${ms(l.p95Ms)} ${pass ? '≤' : '>'} max ${ms(limit)} (p50 ${ms(l.p50Ms)}, n=${s.n})`,
    });
  });
  return checks;
}

/** The table as the base policy routes it: its own scopes' allowedTiers. */
function baseView(base: GatePolicy, table: ResultsTable, context: GateInput['context']): RestrictedTable {
  const view = { ...table, tiers: base.routing.tiers.map((t) => t.name) };
  const constrained = base.scopes.filter((s) => s.allowedTiers).map((s) => ({ allowedTiers: s.allowedTiers, members: selectItems(view, s.match, context) }));
  return restrictTiers(view, allowedTiersByItem(view, constrained), base.routing.pattern);
}

function restrictedSub(table: RestrictedTable, members: readonly number[]): RestrictedTable {
  return { ...subTable(table, members), substitutions: table.substitutions };
}

function simulate(apply: ApplyPolicy, route: RouteItems | undefined, policy: GatePolicy, rule: ScopeRule, table: RestrictedTable): PolicyEvaluation {
  const routing = { ...policy.routing, bar: rule.floor, barMode: rule.barMode, confidence: rule.confidence };
  const e = apply(routing, table, { confidence: rule.confidence });
  if (!route || !table.items.some((i) => table.substitutions.has(i.itemId))) return e;
  return { ...e, tierShares: servedShares(routing.tiers.map((t) => t.name), table.items, route(routing, table), table.substitutions) };
}

function measureOf(rule: Pick<ScopeRule, 'barMode'>): QualityMeasure {
  return rule.barMode === 'relative' ? 'parity' : 'pass-rate';
}

function snapshot(e: PolicyEvaluation): Snapshot {
  return {
    n: e.n,
    passRate: e.quality,
    passRateLower: e.qualityLower,
    parity: e.parity,
    parityLower: e.parityLower,
    costUsd: e.costUsd,
    frontierCostUsd: e.frontier.costUsd,
    savingsPct: e.savingsPct,
    tierShares: e.tierShares,
    escalationRate: e.escalationRate,
    ...(e.latency !== undefined ? { latency: e.latency } : {}),
  };
}

/** Holds one scope's simulated quality to its floor. */
export function judgeScope(rule: ScopeRule, e: PolicyEvaluation): ScopeVerdict {
  const measure = measureOf(rule);
  const value = measure === 'parity' ? e.parity : e.quality;
  const lower = measure === 'parity' ? e.parityLower : e.qualityLower;
  const margin = lower - rule.floor;
  const pass = margin >= -EPSILON;
  const label = measure === 'parity' ? 'parity' : 'pass-rate';
  // Parity is relative to the frontier's pass rate: with none, it is not defined and the bound is 0.
  const why = measure === 'parity' && e.frontier.quality === 0 ? `; the frontier tier passes none of the scope's ${e.n} items, so parity has no meaning: give it barMode: absolute` : '';
  const message = `scope ${rule.name}: ${label} lower bound ${formatBound(lower, rule.floor, pass)} ${pass ? '≥' : '<'} floor ${fmtFloor(rule.floor)} (${formatPoints(margin)}, n=${e.n}, ${pctShort(rule.confidence)} confidence)${why}`;
  const verdict: ScopeVerdict = {
    scope: rule.name,
    n: e.n,
    status: pass ? 'pass' : 'fail',
    measure,
    barMode: rule.barMode,
    confidence: rule.confidence,
    floor: rule.floor,
    floorFrom: rule.floorFrom,
    value,
    lower,
    margin,
    proposed: snapshot(e),
    message,
  };
  if (rule.allowedTiers) verdict.allowedTiers = rule.allowedTiers;
  if (rule.maxP95LatencyMs !== undefined) verdict.maxP95LatencyMs = rule.maxP95LatencyMs;
  return verdict;
}

function emptyVerdict(rule: ScopeRule): ScopeVerdict {
  const keys = Object.entries(rule.match)
    .map(([k, v]) => `${k}=${([] as string[]).concat(v).join('|')}`)
    .join(', ');
  const verdict: ScopeVerdict = {
    scope: rule.name,
    n: 0,
    status: 'empty',
    measure: measureOf(rule),
    barMode: rule.barMode,
    confidence: rule.confidence,
    floor: rule.floor,
    floorFrom: rule.floorFrom,
    value: Number.NaN,
    lower: Number.NaN,
    margin: Number.NaN,
    message: `scope ${rule.name} matched no golden item (${keys}): not gated; golden items match on category, task, dataset and key:value tags`,
  };
  if (rule.allowedTiers) verdict.allowedTiers = rule.allowedTiers;
  if (rule.maxP95LatencyMs !== undefined) verdict.maxP95LatencyMs = rule.maxP95LatencyMs;
  return verdict;
}

/**
 * --min-savings and --max-savings-drop, on the whole population. The drop is
 * checked against the base policy's savings (when there is a base and a
 * limit) and against the policy's certified savings (when it carries them:
 * a `tokor calibrate --out` policy), the latter with DEFAULT_MAX_SAVINGS_DROP
 * points unless a limit is given.
 */
export function savingsChecks(global: ScopeVerdict, limits: { minSavings?: number; maxSavingsDrop?: number; certifiedSavingsPct?: number }): SavingsCheck[] {
  const checks: SavingsCheck[] = [];
  const now = global.proposed?.savingsPct;
  if (limits.minSavings !== undefined && now !== undefined) {
    const pass = now >= limits.minSavings - EPSILON;
    checks.push({
      check: 'min-savings',
      pass,
      limit: limits.minSavings,
      actual: now,
      message: `savings ${pctFigure(now)} ${pass ? '≥' : '<'} minimum ${pctFigure(limits.minSavings)}`,
    });
  }
  const before = global.base?.savingsPct;
  if (limits.maxSavingsDrop !== undefined && now !== undefined && before !== undefined) {
    const drop = before - now;
    const pass = drop <= limits.maxSavingsDrop + EPSILON;
    checks.push({
      check: 'max-savings-drop',
      pass,
      limit: limits.maxSavingsDrop,
      actual: drop,
      against: 'base',
      message: `savings ${pctFigure(before)} → ${pctFigure(now)}: ${drop > 0 ? `drop of ${drop.toFixed(1)} pts` : 'no drop'} ${pass ? '≤' : '>'} allowed ${limits.maxSavingsDrop} pts`,
    });
  }
  const certified = limits.certifiedSavingsPct;
  if (certified !== undefined && now !== undefined) {
    const limit = limits.maxSavingsDrop ?? DEFAULT_MAX_SAVINGS_DROP;
    const drop = certified - now;
    const pass = drop <= limit + EPSILON;
    checks.push({
      check: 'max-savings-drop',
      pass,
      limit,
      actual: drop,
      against: 'certified',
      message: `savings certified ${pctFigure(certified)} → realized ${pctFigure(now)}: ${drop > 0 ? `drop of ${drop.toFixed(1)} pts` : 'no drop'} ${pass ? '≤' : '>'} allowed ${limit} pts`,
    });
  }
  return checks;
}

/** Exit code of a verdict: 0 pass, 1 fail. */
/** What a verdict comes to for the exit code (src/cli/exit.ts). */
export function outcomeOf(v: GateVerdict): 'ok' | 'bar-failed' {
  return v.pass ? 'ok' : 'bar-failed';
}

/** A margin in percentage points with its sign: "−3.8 pts", "+1.2 pts"; finer when it would print as zero. */
export function formatPoints(margin: number): string {
  const pts = margin * 100;
  if (pts === 0) return '±0.0 pts';
  const digits = Math.abs(pts) >= 0.05 ? 1 : Math.abs(pts) >= 0.005 ? 2 : 3;
  const shown = Math.abs(pts).toFixed(digits);
  if (Number(shown) === 0) return `${pts < 0 ? '−' : '+'}<0.001 pts`;
  return `${pts < 0 ? '−' : '+'}${shown} pts`;
}

/** The bound with 3 decimals, or as many more as it takes not to look equal to a floor it misses (0.8996 vs 0.9). */
export function formatBound(lower: number, floor: number, pass: boolean): string {
  for (let d = 3; d <= 6; d++) {
    const s = lower.toFixed(d);
    if (pass ? Number(s) >= floor - EPSILON : Number(s) < floor) return s;
  }
  return lower.toFixed(6);
}

function fmtFloor(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}
