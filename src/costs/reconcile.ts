/**
 * Billed Bedrock spend (Cost Explorer) against the cost the traffic logs
 * explain (tokor analyze), for the same period. Pure.
 *
 * Definitions (docs/costs.md):
 *  - logged cost of a model = its log-derived cost ÷ sampleRate;
 *  - explained = Σ over models of min(billed, logged): logs cannot explain more
 *    of a model's bill than it has, nor another model's bill;
 *  - coverage = explained ÷ billed Bedrock spend (including spend no model owns);
 *  - delta = billed − logged, per model and per token kind.
 */
import type { AnalyzeReport } from '../analyze/report.js';
import { UsageError } from '../errors.js';
import { pct, usd, counted } from '../report/format.js';
import type { Money } from '../pricing/types.js';
import { sumMoney } from '../pricing/money.js';
import { moneyToNumber, numberToMoney, parseDecimal } from './decimal.js';
import { daysBetween, earlier, later } from './dates.js';
import type { AnalyzeReconciliation, BilledCeiling, ModelReconciliation, Reconciliation, TokenKindReconciliation } from '../artifacts/costsReport.js';
import type { CostRow, CostsReport, Period } from './report.js';

export type { AnalyzeReconciliation, BilledCeiling,  Reconciliation,  };
import { TOKEN_KINDS, type TokenKind } from './usageTypes.js';
import type { BillProvider } from './meters.js';
import { canonicalModelKey, parseModelId } from '../pricing/modelId.js';

export interface ExplainedModel {
  /**
   * Canonical model key (contracts.md): a Bedrock key (no prefix) is billed by aws; `azure-openai/…` by azure,
   * `vertex/…` by gcp, `anthropic/…` and `openai/…` by those vendors. Models of a provider the bill has no line
   * of are left out, with a note.
   */
  modelKey: string;
  /** Log-derived cost of this model's logged records, USD. */
  costUsd: number;
  byTokenKind?: Partial<Record<TokenKind, number>>;
  /** Logged token counts by kind, when known: enables the per-token rate check. */
  tokens?: Partial<Record<TokenKind, number>>;
}

export interface ExplainedSpend {
  /** The logs' period, end exclusive: dates (YYYY-MM-DD) or ISO timestamps. */
  period: { start: string; end: string };
  byModel: ExplainedModel[];
  /** Share of traffic the logs hold, in (0, 1]; logged costs are divided by it. Default 1. */
  sampleRate?: number;
  /**
   * The same cost per UTC day (analyze's byDay). When given, the logged side is cut to the days each provider
   * was billed (instead of byModel, which is then unused) and the dropped days are listed.
   */
  byDay?: ExplainedDay[];
}

interface ExplainedDay extends ExplainedModel {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The model ID as logged: tells OpenAI API traffic priced at the Azure rate from Azure traffic. */
  model?: string;
}

export interface ReconcileOptions {
  /** On-demand catalog rates, USD per 1M tokens, by canonical model key: a second reference for the rate check. */
  catalogRates?: Record<string, Partial<Record<TokenKind, number>>>;
  /** Compare only billed periods that overlap the logs' period (default true). */
  alignPeriods?: boolean;
  /** Relative difference of implied per-token rates reported as a price change (default 0.05). */
  priceTolerance?: number;
}




interface BilledModel {
  provider: BillProvider;
  name?: string;
  known: boolean;
  total: Money;
  provisioned: Money;
  batch: Money;
  byKind: Map<TokenKind, Money>;
  /** On-demand/global rows only, for implied rates. */
  rateCost: Map<TokenKind, Money>;
  rateTokens: Map<TokenKind, number>;
}

/** Dollars in notes as reconciliation has always printed them: no thousands separators. */
const PLAIN = { grouping: false } as const;
/** A share in a note: one decimal below 10%, none above. */
const shareDigits = (x: number): number => (x < 0.1 ? 1 : 0);

function dayOf(s: string, roundUp: boolean): string {
  const day = s.slice(0, 10);
  if (!roundUp || s.length <= 10) return day;
  const t = Date.parse(s);
  const midnight = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t) || t === midnight) return day;
  return new Date(midnight + 86_400_000).toISOString().slice(0, 10);
}

function fixedOf(row: CostRow): Money {
  return parseDecimal(row.costUsd) ?? 0n;
}

function add<K>(m: Map<K, Money>, k: K, v: Money): void {
  m.set(k, (m.get(k) ?? 0n) + v);
}

/** Log key prefixes (canonicalModelKey's provider spellings) → who bills them. */
const LOG_PROVIDERS: Readonly<Record<string, BillProvider>> = { 'azure-openai': 'azure', vertex: 'gcp', anthropic: 'anthropic', openai: 'openai' };

/**
 * Who bills a logged model, and its key as the bill names it: no prefix → Bedrock (aws). The raw ID tells
 * OpenAI API traffic from Azure: a plain `gpt-4o` priced at the Azure rate (no openai entry) is OpenAI's.
 */
function loggedProvider(modelKey: string, model?: string): { provider: BillProvider | undefined; modelKey: string } {
  const slash = modelKey.indexOf('/');
  if (slash < 0) return { provider: 'aws', modelKey };
  const prefix = modelKey.slice(0, slash);
  if (prefix === 'azure-openai' && model !== undefined && parseModelId(model).provider === 'openai') {
    return { provider: 'openai', modelKey: `openai/${modelKey.slice(slash + 1)}` };
  }
  return { provider: LOG_PROVIDERS[prefix], modelKey };
}

/** A billed model as the logs key it: Bedrock keys as they are, the others without date stamps (canonicalModelKey). */
function billedModelKey(provider: BillProvider, model: string): string {
  return provider === 'aws' ? model : canonicalModelKey(model);
}

/** The days of a period, YYYY-MM-DD, end exclusive. */
function daysOf(p: Period): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${p.start.slice(0, 10)}T00:00:00Z`), end = Date.parse(`${p.end.slice(0, 10)}T00:00:00Z`); t < end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Sorted days as runs: "2025-11-05..2025-11-09 (5 days), 2025-11-12". */
function dayList(days: string[]): string {
  const runs: string[][] = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    if (last && daysBetween(last[last.length - 1]!, d) === 1) last.push(d);
    else runs.push([d]);
  }
  return runs.map((r) => (r.length === 1 ? r[0]! : `${r[0]}..${r[r.length - 1]} (${r.length} days)`)).join(', ');
}

/** Compares billed spend with the log-derived cost of the same period. */
export function reconcile(billed: CostsReport, explainedSpend: ExplainedSpend, opts: ReconcileOptions = {}): Reconciliation {
  const sampleRate = explainedSpend.sampleRate ?? 1;
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new UsageError(`sampleRate must be in (0, 1], got ${sampleRate}`);
  const tolerance = opts.priceTolerance ?? 0.05;
  const notes: string[] = [];
  // Logged Money after sampling: exact when the logs are whole (sampleRate 1); divided (an estimate) otherwise.
  const scaledMoney = (m: Money): Money => (sampleRate === 1 ? m : numberToMoney(moneyToNumber(m) / sampleRate));
  const scaled = (m: Money): number => moneyToNumber(scaledMoney(m));
  const logPeriod: Period = { start: dayOf(explainedSpend.period.start, false), end: dayOf(explainedSpend.period.end, true) };

  // 1. Which billed periods to compare, per provider: each provider's bill is its own window.
  const allPeriods = billed.bedrock.byPeriod;
  const billProviders = [...new Set(billed.rows.map((r) => r.provider))].sort();
  const periodsOf = (p: BillProvider): Period[] => {
    // One provider: every period of the bill (days without spend included); several: the span of that provider's lines.
    if (billProviders.length <= 1) return allPeriods;
    const own = billed.rows.filter((r) => r.provider === p);
    const start = own.reduce((m, r) => earlier(r.period.start, m), own[0]!.period.start);
    const end = own.reduce((m, r) => later(r.period.end, m), own[0]!.period.end);
    return allPeriods.filter((q) => q.start >= start && q.end <= end);
  };
  const overlaps = (p: Period) => p.start < logPeriod.end && p.end > logPeriod.start;
  const anyOverlap = allPeriods.some(overlaps);
  const align = opts.alignPeriods !== false && (anyOverlap || allPeriods.length === 0);
  if (opts.alignPeriods !== false && !anyOverlap && allPeriods.length > 0) {
    notes.push(`the logs (${logPeriod.start}..${logPeriod.end}) do not overlap the bill (${billed.period.start}..${billed.period.end}): compared the whole bill`);
  }
  const selectedBy = new Map<BillProvider, Period[]>();
  for (const p of billProviders) selectedBy.set(p, align ? periodsOf(p).filter(overlaps) : periodsOf(p));
  const selected = allPeriods.filter((q) => [...selectedBy.values()].some((list) => list.some((s) => s.start === q.start && s.end === q.end)));
  if (align) {
    const partial = selected.filter((p) => p.start < logPeriod.start || p.end > logPeriod.end);
    if (partial.length) {
      notes.push(`${counted(partial.length, 'billed period')} only partly covered by the logs (use DAILY granularity to align): their whole amounts are compared`);
    }
    if (selected.length < allPeriods.length) notes.push(`compared ${selected.length} of ${allPeriods.length} billed periods: those the logs cover`);
  }
  const keyOf = (p: Period) => `${p.start}/${p.end}`;
  const keepBy = new Map([...selectedBy].map(([p, list]) => [p, new Set(list.map(keyOf))]));
  const rows = billed.rows.filter((r) => keepBy.get(r.provider)?.has(keyOf(r.period)));
  const period: Period = selected.length
    ? { start: selected.reduce((m, p) => earlier(p.start, m), selected[0]!.start), end: selected.reduce((m, p) => later(p.end, m), selected[0]!.end) }
    : billed.period;
  const comparedDays = period.start && period.end ? daysBetween(period.start, period.end) : 0;
  const loggedDays = comparedDays > 0
    ? Math.max(0, daysBetween(later(logPeriod.start, period.start), earlier(logPeriod.end, period.end)))
    : 0;
  const periodGap = comparedDays > 0 && loggedDays < comparedDays ? `the logs cover ${loggedDays} of the ${comparedDays} billed days` : undefined;
  if (periodGap) notes.push(periodGap);
  // The same window on both sides: billed days the logs do not cover are dropped (above).
  const selectedKeys = new Set(selected.map(keyOf));
  const droppedPeriods = allPeriods.filter((p) => !selectedKeys.has(keyOf(p)));
  const billedDaysDropped = droppedPeriods.reduce((n, p) => n + daysBetween(p.start, p.end), 0);
  const droppedBilledDays = droppedPeriods.flatMap((p) => daysOf(p));
  if (droppedBilledDays.length) notes.push(`billed days left out (the logs do not cover them): ${dayList(droppedBilledDays)}`);
  if (selected.some((p) => p.estimated)) notes.push('some compared periods are estimated by Cost Explorer: the bill may still change');

  // 2. Billed, per model, from the rows of those periods.
  const models = new Map<string, BilledModel>();
  const billedByKind = new Map<TokenKind, Money>();
  const billedByProvider = new Map<BillProvider, Money>();
  let billedTotal = 0n;
  let unattributed = 0n;
  const unattributedTypes = new Map<string, Money>();
  for (const r of rows) {
    const cost = fixedOf(r);
    billedTotal += cost;
    add(billedByProvider, r.provider, cost);
    if (r.model === undefined || r.category === 'unrecognized') {
      unattributed += cost;
      add(unattributedTypes, r.usageType, cost);
      continue;
    }
    const key = billedModelKey(r.provider, r.model);
    const m = models.get(key) ?? {
      provider: r.provider,
      ...(r.modelName ? { name: r.modelName } : {}),
      known: billed.bedrock.byModel.find((b) => b.model === r.model)?.known ?? true,
      total: 0n,
      provisioned: 0n,
      batch: 0n,
      byKind: new Map(),
      rateCost: new Map(),
      rateTokens: new Map(),
    };
    models.set(key, m);
    m.total += cost;
    if (r.category === 'provisioned') {
      m.provisioned += cost;
      continue;
    }
    const kind = r.tokenKind!;
    add(m.byKind, kind, cost);
    add(billedByKind, kind, cost);
    if (r.tier === 'batch') m.batch += cost;
    if ((r.tier === 'on-demand' || r.tier === 'global') && r.tokens !== undefined && !r.longContext) {
      add(m.rateCost, kind, cost);
      m.rateTokens.set(kind, (m.rateTokens.get(kind) ?? 0) + r.tokens);
    }
  }

  // 3. Logged, per model, after sampling: with per-day costs, only the days the model's provider was billed.
  const inBill = new Set<string>(billProviders);
  // Logged dollars are summed exactly (Money), day by day and model by model: float sums drift (0.1 + 0.2).
  const logged = new Map<string, ExactExplained & { provider: BillProvider }>();
  const notBilled = new Map<string, Set<string>>();
  const leaveOut = (e: { modelKey: string }, provider: BillProvider | undefined): boolean => {
    if (provider && (inBill.has(provider) || billProviders.length === 0)) return false;
    const label = provider ?? 'unknown provider';
    notBilled.set(label, (notBilled.get(label) ?? new Set()).add(e.modelKey));
    return true;
  };
  const addLogged = (e: ExplainedModel, provider: BillProvider) => {
    const prev = logged.get(e.modelKey);
    const add = exactOf(e);
    logged.set(e.modelKey, prev ? { ...mergeExplained(prev, add), provider } : { ...add, provider });
  };
  const logsTrimmed = explainedSpend.byDay !== undefined && align;
  const droppedLogDays = new Set<string>();
  let droppedLogUsd = 0n;
  if (explainedSpend.byDay !== undefined) {
    const kept = new Map<BillProvider, Period[]>(selectedBy);
    for (const d of explainedSpend.byDay) {
      const { provider, modelKey } = loggedProvider(d.modelKey, d.model);
      if (leaveOut({ modelKey }, provider)) continue;
      const windows = kept.get(provider!) ?? [];
      if (align && !windows.some((p) => d.day >= p.start && d.day < p.end)) {
        droppedLogDays.add(d.day);
        droppedLogUsd += numberToMoney(d.costUsd);
        continue;
      }
      addLogged({ modelKey, costUsd: d.costUsd, ...(d.byTokenKind ? { byTokenKind: d.byTokenKind } : {}), ...(d.tokens ? { tokens: d.tokens } : {}) }, provider!);
    }
  } else {
    for (const e of explainedSpend.byModel) {
      const { provider, modelKey } = loggedProvider(e.modelKey);
      if (leaveOut(e, provider)) continue;
      addLogged({ ...e, modelKey }, provider!);
    }
  }
  for (const [p, keys] of [...notBilled].sort((a, b) => a[0].localeCompare(b[0]))) {
    notes.push(`${p === 'aws' ? 'Bedrock' : p} is not in the bill (${billProviders.join(', ') || 'none'}), left out: ${[...keys].sort().join(', ')}`);
  }
  const droppedDays = [...droppedLogDays].sort();
  // Without per-day costs the log side cannot be cut: log days outside the bill stay in the logged figures.
  const bill = billed.period;
  const logDaysOutsideBill = explainedSpend.byDay !== undefined && align
    ? droppedDays.length
    : bill.start && bill.end
      ? Math.max(0, daysBetween(logPeriod.start, earlier(logPeriod.end, bill.start))) +
        Math.max(0, daysBetween(later(logPeriod.start, bill.end), logPeriod.end))
      : 0;
  if (logsTrimmed && droppedDays.length) {
    notes.push(`log days left out (the bill does not cover them): ${dayList(droppedDays)}, ${usd(scaled(droppedLogUsd), undefined, PLAIN)} of logged cost not compared`);
  } else if (logDaysOutsideBill > 0) {
    notes.push(
      `the logs run ${logDaysOutsideBill} day(s) the bill does not cover (logs ${logPeriod.start}..${logPeriod.end}, bill ${bill.start}..${bill.end}, end exclusive): their cost is in the logged figures; give a bill for the logs' days, or logs of the bill's days, to compare like with like`,
    );
  }
  if (sampleRate < 1) notes.push(`the logs are a ${pct(sampleRate, shareDigits(sampleRate))} sample: logged costs divided by ${sampleRate}`);

  // 4. Models seen by either side.
  const keys = [...new Set([...models.keys(), ...logged.keys()])];
  const ratios: number[] = [];
  for (const k of keys) {
    const b = moneyToNumber(models.get(k)?.total ?? 0n);
    const l = scaled(logged.get(k)?.cost ?? 0n);
    if (b > 0 && l > 0) ratios.push(l / b);
  }
  const uniformRatio = uniformShare(ratios);

  const exactBy = new Map<string, { billed: Money; logged: Money }>();
  const byModel: ModelReconciliation[] = keys.map((k) => {
    const bm = models.get(k);
    const lm = logged.get(k);
    const billedM = bm?.total ?? 0n;
    const loggedM = scaledMoney(lm?.cost ?? 0n);
    exactBy.set(k, { billed: billedM, logged: loggedM });
    const b = moneyToNumber(billedM);
    const l = moneyToNumber(loggedM);
    const delta = moneyToNumber(billedM - loggedM);
    const provisioned = moneyToNumber(bm?.provisioned ?? 0n);
    const causes: string[] = [];
    const significant = Math.abs(delta) > Math.max(0.01, 0.02 * Math.max(b, l));
    if (provisioned > 0) causes.push(`provisioned throughput billed ${usd(provisioned, undefined, PLAIN)} (model-unit hours, not per token): per-token logs do not explain it`);
    if (bm && !lm) {
      if (bm.known === false) causes.push(`billed under an unmapped name (${k}): map it to a model key to compare it with the logs`);
      else if (bm.batch > 0n && bm.batch === bm.total - bm.provisioned) causes.push('batch inference only: batch jobs are not in model invocation logs');
      else if (bm.provider !== 'aws') causes.push('missing from the logs: traffic that did not pass through the logged gateway or application (another key, project or workspace)');
      else causes.push('missing from the logs: invocation logging off for this model, region or account, or calls from Agents/Knowledge Bases/batch jobs');
    } else if (lm && !bm) {
      causes.push(
        logsTrimmed
          ? 'in the logs but not billed in the compared days: logs from another account or payer, or billed under another name'
          : logDaysOutsideBill > 0
          ? `in the logs but not billed in the compared days: logged on the ${logDaysOutsideBill} day(s) the bill does not cover, or logs from another account or payer`
          : 'in the logs but not billed in this period: logs from another account or payer, or from outside the billed period',
      );
    } else if (significant && bm && lm) {
      if (sampleRate === 1 && uniformRatio !== undefined && b > l) {
        causes.push(`every model's logged cost is about ${pct(uniformRatio, shareDigits(uniformRatio))} of its bill: the logs look sampled (pass sampleRate ≈ ${uniformRatio.toFixed(2)})`);
      }
      if (b > l && bm.batch > 0n) causes.push(`batch inference billed ${usd(moneyToNumber(bm.batch), undefined, PLAIN)}: batch jobs are not in model invocation logs`);
      causes.push(...rateCauses(k, bm, lm, opts.catalogRates?.[k], tolerance));
      if (periodGap && b > l) causes.push(`period: ${periodGap}`);
      if (causes.length === (provisioned > 0 ? 1 : 0)) {
        causes.push(
          b > l
            ? `the logs explain ${pct(l / b, shareDigits(l / b))}: ${bm.provider === 'aws' ? 'invocation logging missing in some regions/accounts, or traffic outside the logged path' : 'traffic outside the logged gateway or application (another key, project or workspace)'}`
            : `the logs cost ${pct(l / b - 1, shareDigits(l / b - 1))} more than billed: catalog prices above the billed rates, or logs from another account`,
        );
      }
    }
    return {
      modelKey: k,
      ...(bm?.name ? { modelName: bm.name } : {}),
      billedUsd: b,
      loggedUsd: l,
      deltaUsd: delta,
      coverage: b > 0 ? Math.min(l, b) / b : null,
      provisionedUsd: provisioned,
      likelyCauses: causes,
    };
  });
  byModel.sort((x, y) => Math.abs(y.deltaUsd) - Math.abs(x.deltaUsd) || x.modelKey.localeCompare(y.modelKey));

  // 5. Per token kind.
  const loggedByKind = new Map<TokenKind, Money>();
  let missingSplit = 0;
  for (const e of logged.values()) {
    if (!e.byKind) {
      if (e.cost > 0n) missingSplit++;
      continue;
    }
    for (const k of TOKEN_KINDS) add(loggedByKind, k, e.byKind.get(k) ?? 0n);
  }
  if (missingSplit) notes.push(`${missingSplit} logged model(s) have no per-token-kind split: byTokenKind undercounts the logged side`);
  const byTokenKind: TokenKindReconciliation[] = TOKEN_KINDS.map((k) => {
    const b = billedByKind.get(k) ?? 0n;
    const l = scaledMoney(loggedByKind.get(k) ?? 0n);
    return { tokenKind: k, billedUsd: moneyToNumber(b), loggedUsd: moneyToNumber(l), deltaUsd: moneyToNumber(b - l) };
  });

  // 6. Totals.
  const billedUsd = moneyToNumber(billedTotal);
  const exact = [...exactBy.values()];
  const explained = sumMoney(exact.map((m) => minMoney(m.billed, m.logged)));
  const explainedUsd = moneyToNumber(explained);
  const loggedUsd = moneyToNumber(sumMoney(exact.map((m) => m.logged)));
  const overExplainedUsd = moneyToNumber(sumMoney(exact.map((m) => (m.logged > m.billed ? m.logged - m.billed : 0n))));
  const unattributedUsd = moneyToNumber(unattributed);
  if (unattributed > 0n) {
    const top = [...unattributedTypes.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0]))).slice(0, 3);
    notes.push(`${usd(unattributedUsd, undefined, PLAIN)} of Bedrock spend has no model (${top.map(([t, v]) => `${t} ${usd(moneyToNumber(v), undefined, PLAIN)}`).join(', ')}): never explained by logs`);
  }
  if (rows.some((r) => r.provider === 'aws' && r.tokens !== undefined) && byModel.some((m) => m.likelyCauses.some((c) => c.startsWith('implied ')))) {
    notes.push('implied billed rates assume the UsageQuantity scale in docs/costs.md');
  }

  return {
    period,
    billedPeriod: billed.period,
    logPeriod,
    window: {
      billedDaysDropped,
      logDaysOutsideBill,
      ...(explainedSpend.byDay !== undefined ? { logsTrimmed, droppedBilledDays, droppedLogDays: droppedDays, droppedLogUsd: scaled(droppedLogUsd) } : {}),
    },
    sampleRate,
    coverage: billedUsd > 0 ? Math.min(1, explainedUsd / billedUsd) : null,
    billedUsd,
    explainedUsd,
    loggedUsd,
    unexplainedUsd: moneyToNumber(billedTotal > explained ? billedTotal - explained : 0n),
    overExplainedUsd,
    unattributedUsd,
    byModel,
    byTokenKind,
    ...(explainedSpend.byDay !== undefined
      ? {
          byProvider: billProviders.map((p) => {
            const own = keys.filter((k) => (models.get(k)?.provider ?? logged.get(k)?.provider) === p).map((k) => exactBy.get(k)!);
            const b = moneyToNumber(billedByProvider.get(p) ?? 0n);
            const explainedP = moneyToNumber(sumMoney(own.map((m) => minMoney(m.billed, m.logged))));
            const list = selectedBy.get(p) ?? [];
            return {
              provider: p,
              billedUsd: b,
              loggedUsd: moneyToNumber(sumMoney(own.map((m) => m.logged))),
              explainedUsd: explainedP,
              coverage: b > 0 ? Math.min(1, explainedP / b) : null,
              period: list.length ? { start: list[0]!.start, end: list[list.length - 1]!.end } : { start: '', end: '' },
            };
          }),
        }
      : {}),
    notes,
  };
}

/** A logged model with its dollars as exact Money (summed without drift) and its token counts. */
interface ExactExplained {
  modelKey: string;
  cost: Money;
  byKind?: Map<TokenKind, Money>;
  tokens?: Partial<Record<TokenKind, number>>;
}

function exactOf(e: ExplainedModel): ExactExplained {
  const byKind = e.byTokenKind ? new Map(TOKEN_KINDS.filter((k) => e.byTokenKind![k] !== undefined).map((k) => [k, numberToMoney(e.byTokenKind![k]!)] as const)) : undefined;
  return { modelKey: e.modelKey, cost: numberToMoney(e.costUsd), ...(byKind ? { byKind } : {}), ...(e.tokens ? { tokens: { ...e.tokens } } : {}) };
}

function mergeExplained(a: ExactExplained, b: ExactExplained): ExactExplained {
  let byKind: Map<TokenKind, Money> | undefined;
  if (a.byKind || b.byKind) {
    byKind = new Map(a.byKind);
    for (const [k, v] of b.byKind ?? []) add(byKind, k, v);
  }
  let tokens: Partial<Record<TokenKind, number>> | undefined;
  if (a.tokens || b.tokens) {
    tokens = {};
    for (const k of TOKEN_KINDS) if (a.tokens?.[k] !== undefined || b.tokens?.[k] !== undefined) tokens[k] = (a.tokens?.[k] ?? 0) + (b.tokens?.[k] ?? 0);
  }
  return { modelKey: a.modelKey, cost: a.cost + b.cost, ...(byKind ? { byKind } : {}), ...(tokens ? { tokens } : {}) };
}

/** Dollar figures summed exactly (each as its shortest decimal, in Money), then one number. */
function sumUsd(values: number[]): number {
  return moneyToNumber(sumMoney(values.map(numberToMoney)));
}

function minMoney(a: Money, b: Money): Money {
  return a < b ? a : b;
}

/** The common logged/billed ratio when at least two models share it (±15% of the median) and it is below 0.9. */
function uniformShare(ratios: number[]): number | undefined {
  if (ratios.length < 2) return undefined;
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  if (median >= 0.9) return undefined;
  return sorted.every((r) => Math.abs(r - median) <= 0.15 * median) ? median : undefined;
}

/** Implied billed per-token rates against the logs' implied rates and the catalog. */
function rateCauses(
  key: string,
  bm: BilledModel,
  lm: ExactExplained,
  catalog: Partial<Record<TokenKind, number>> | undefined,
  tolerance: number,
): string[] {
  const causes: string[] = [];
  for (const kind of TOKEN_KINDS) {
    const billedTokens = bm.rateTokens.get(kind) ?? 0;
    const billedCost = moneyToNumber(bm.rateCost.get(kind) ?? 0n);
    if (billedTokens <= 0 || billedCost <= 0) continue;
    const billedRate = (billedCost / billedTokens) * 1e6;
    const refs: { rate: number; from: string }[] = [];
    const lt = lm.tokens?.[kind];
    const lc = lm.byKind?.get(kind);
    // Sampling divides cost and tokens alike: the rate is the same.
    if (lt !== undefined && lt > 0 && lc !== undefined && lc > 0n) refs.push({ rate: (moneyToNumber(lc) / lt) * 1e6, from: 'in the logs' });
    const cr = catalog?.[kind];
    if (cr !== undefined && cr > 0) refs.push({ rate: cr, from: 'in the catalog' });
    for (const ref of refs) {
      const ratio = billedRate / ref.rate;
      if (Math.abs(ratio - 1) <= tolerance) continue;
      if ((ratio > 900 && ratio < 1100) || (ratio > 1 / 1100 && ratio < 1 / 900)) {
        causes.push(`implied ${kind} rate is ~1000× off ${ref.from}: UsageQuantity for ${key} is on another scale than assumed (docs/costs.md)`);
      } else {
        causes.push(
          `implied ${kind} rate ${rate(billedRate)}/1M billed vs ${rate(ref.rate)}/1M ${ref.from} (${ratio > 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(0)}%): price change, regional or cross-region price difference, or another tier`,
        );
      }
      break;
    }
  }
  return causes;
}

const rate = (n: number): string => `$${Number(n.toPrecision(4))}`;

// ---------------------------------------------------------------------------

export interface AnalyzeTotals {
  /** Log-derived cost of the traffic as it ran, USD. */
  actual: number;
  /** Log-derived cost if everything had gone to the frontier tier, USD. */
  frontierCounterfactual: number;
  /** Log-derived cost at the routed ceiling (the most savings the evals allow), USD. */
  routedCeiling: number;
}

export interface BilledSavings {
  /** Billed dollars per logged dollar, over models present in both; null when none is. */
  factor: number | null;
  /** Billed spend of the models the factor is based on. */
  basisBilledUsd: number;
  /** The whole compared Bedrock bill. */
  billedUsd: number;
  actualUsd: number | null;
  frontierCounterfactualUsd: number | null;
  routedCeilingUsd: number | null;
  /** (actual − routedCeiling) in billed dollars. */
  savingsCeilingUsd: number | null;
  /** savingsCeilingUsd ÷ the whole Bedrock bill. */
  savingsCeilingShareOfBill: number | null;
  notes: string[];
}

/**
 * States analyze's figures in billed dollars: each is multiplied by the
 * billed ÷ logged ratio of the models both sides have (raw log dollars, before
 * sampling). Spend no logged model explains (provisioned throughput, other
 * models, unrecognized usage) is not addressable and stays out of the savings.
 */
export function scaleToBill(analyze: AnalyzeTotals, rec: Reconciliation): BilledSavings {
  const notes: string[] = [];
  const both = rec.byModel.filter((m) => m.billedUsd > 0 && m.loggedUsd > 0);
  const basisBilled = sumUsd(both.map((m) => m.billedUsd)) - sumUsd(both.map((m) => m.provisionedUsd));
  const basisLoggedRaw = sumUsd(both.map((m) => m.loggedUsd)) * rec.sampleRate;
  const rawLoggedAll = sumUsd(rec.byModel.map((m) => m.loggedUsd)) * rec.sampleRate;
  if (rawLoggedAll > 0 && Math.abs(analyze.actual - rawLoggedAll) > Math.max(0.01, 0.01 * rawLoggedAll)) {
    notes.push(`analyze's actual (${usd(analyze.actual, undefined, PLAIN)}) differs from the reconciled logged cost (${usd(rawLoggedAll, undefined, PLAIN)}): the figures may cover other records`);
  }
  if (both.length === 0 || basisLoggedRaw <= 0) {
    notes.push('no model is both billed and logged: savings cannot be stated in billed dollars');
    return {
      factor: null,
      basisBilledUsd: 0,
      billedUsd: rec.billedUsd,
      actualUsd: null,
      frontierCounterfactualUsd: null,
      routedCeilingUsd: null,
      savingsCeilingUsd: null,
      savingsCeilingShareOfBill: null,
      notes,
    };
  }
  const factor = basisBilled / basisLoggedRaw;
  const onlyLogged = rec.byModel.filter((m) => m.billedUsd === 0 && m.loggedUsd > 0);
  if (onlyLogged.length) notes.push(`logged but not billed, scaled at the same ratio: ${onlyLogged.map((m) => m.modelKey).join(', ')}`);
  const savings = (analyze.actual - analyze.routedCeiling) * factor;
  return {
    factor,
    basisBilledUsd: basisBilled,
    billedUsd: rec.billedUsd,
    actualUsd: analyze.actual * factor,
    frontierCounterfactualUsd: analyze.frontierCounterfactual * factor,
    routedCeilingUsd: analyze.routedCeiling * factor,
    savingsCeilingUsd: savings,
    savingsCeilingShareOfBill: rec.billedUsd > 0 ? savings / rec.billedUsd : null,
    notes,
  };
}

/**
 * The savings ceiling in billed dollars, model by model: for each model both
 * the bill and the logs have, its billed spend × (1 − routed ceiling ÷ actual)
 * of its logged traffic. Billed spend the logs do not explain is not
 * extrapolated, so the result never exceeds the bill. (`scaleToBill` instead
 * scales every figure by one global billed ÷ logged factor.)
 */
/**
 * Below this coverage (share of the compared bill the logs explain) the
 * billed-dollar ceiling is not headlined: it is shown with the coverage beside
 * it, never as "routing could save $X of this bill" (docs/costs.md).
 */
const COVERAGE_HEADLINE_THRESHOLD = 0.5;

export function billedCeiling(rec: Reconciliation, logged: { modelKey: string; actualUsd: number; routedCeilingUsd: number }[]): BilledCeiling {
  const byKey = new Map(logged.map((m) => [m.modelKey, m]));
  const byModel = rec.byModel
    .filter((m) => m.billedUsd > 0 && (byKey.get(m.modelKey)?.actualUsd ?? 0) > 0)
    .map((m) => {
      const l = byKey.get(m.modelKey)!;
      const ceiling = Math.max(0, 1 - l.routedCeilingUsd / l.actualUsd);
      return { modelKey: m.modelKey, billedUsd: m.billedUsd, ceilingPct: ceiling * 100, savingsUsd: m.billedUsd * ceiling };
    });
  const savingsCeilingUsd = sumUsd(byModel.map((m) => m.savingsUsd));
  // Logs cut to the bill's days compare like with like; uncut logs that run other days do not.
  const windowOk = rec.window.logsTrimmed === true || rec.window.logDaysOutsideBill === 0;
  const headlined = rec.coverage !== null && rec.coverage >= COVERAGE_HEADLINE_THRESHOLD && windowOk;
  return {
    coveredBilledUsd: sumUsd(byModel.map((m) => m.billedUsd)),
    billedUsd: rec.billedUsd,
    savingsCeilingUsd,
    shareOfBill: rec.billedUsd > 0 ? savingsCeilingUsd / rec.billedUsd : 0,
    coverage: rec.coverage,
    headlined,
    ...(headlined
      ? {}
      : {
          notHeadlinedBecause:
            rec.coverage === null || rec.coverage < COVERAGE_HEADLINE_THRESHOLD || windowOk
              ? `the logs explain ${rec.coverage === null ? 'none' : pct(rec.coverage, shareDigits(rec.coverage))} of the compared bill, below the ${pct(COVERAGE_HEADLINE_THRESHOLD, shareDigits(COVERAGE_HEADLINE_THRESHOLD))} threshold (docs/costs.md)`
              : `the logs run ${rec.window.logDaysOutsideBill} day(s) the bill does not cover`,
        }),
    byModel,
  };
}

// ---------------------------------------------------------------------------

/** What reconciliation reads of an analyze report. */
export type LoggedTraffic = Pick<AnalyzeReport, 'byModel' | 'period' | 'sample' | 'byDay'>;

/**
 * analyze's figures against the bill: the log-derived cost per model key
 * (summed over regions and raw model IDs), reconciled with billed spend, and
 * the savings ceiling restated in billed dollars. `source` names the bill.
 * Throws InputError when the logs have no period to match.
 */
export function reconcileAnalyze(costs: CostsReport, logs: LoggedTraffic & { period: { start: string; end: string } }, source: string): AnalyzeReconciliation {
  // Rows of one key (several regions or raw IDs) are summed exactly, as Money.
  const exact = new Map<string, { cost: Money; routed: Money; byTokenKind: Map<string, Money>; tokens: Record<string, number> }>();
  for (const m of logs.byModel) {
    if (!m.modelKey || m.costUsd === null || !m.costByTokenKind) continue;
    const e = exact.get(m.modelKey) ?? { cost: 0n, routed: 0n, byTokenKind: new Map<string, Money>(), tokens: {} };
    e.cost += numberToMoney(m.costUsd);
    e.routed += numberToMoney(m.routedCeilingUsd ?? 0);
    for (const [k, v] of Object.entries(m.costByTokenKind)) add(e.byTokenKind, k, numberToMoney(v));
    // Cache writes are not split by TTL in token counts: only the kinds that map one to one.
    for (const k of ['input', 'output', 'cacheRead'] as const) e.tokens[k] = (e.tokens[k] ?? 0) + m.tokens[k];
    exact.set(m.modelKey, e);
  }
  const byKey = new Map(
    [...exact].map(([modelKey, e]) => [
      modelKey,
      {
        modelKey,
        costUsd: moneyToNumber(e.cost),
        routedUsd: moneyToNumber(e.routed),
        byTokenKind: Object.fromEntries([...e.byTokenKind].map(([k, v]) => [k, moneyToNumber(v)])),
        tokens: e.tokens,
      },
    ]),
  );
  const reconciliation = reconcile(costs, {
    period: logs.period,
    byModel: [...byKey.values()].map(({ routedUsd: _r, ...m }) => m),
    sampleRate: logs.sample ? logs.sample.size / logs.sample.of : undefined,
    ...(logs.byDay
      ? {
          byDay: logs.byDay.map((d) => ({
            day: d.day,
            model: d.model,
            modelKey: d.modelKey,
            costUsd: d.costUsd,
            byTokenKind: d.costByTokenKind,
            tokens: { input: d.tokens.input, output: d.tokens.output, cacheRead: d.tokens.cacheRead },
          })),
        }
      : {}),
  });
  const billed = billedCeiling(
    reconciliation,
    [...byKey.values()].map((m) => ({ modelKey: m.modelKey, actualUsd: m.costUsd, routedCeilingUsd: m.routedUsd })),
  );
  return { source, ...reconciliation, billedCeiling: billed };
}
