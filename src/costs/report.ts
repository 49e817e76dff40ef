/**
 * Billed Bedrock spend from Cost Explorer groups: by model, token kind, tier,
 * region and period. Pure. Sums are exact (Money: bigint picodollars) and become
 * JS numbers only in the report, whose shape is src/artifacts/costsReport.ts.
 */
import { moneyToDecimal } from '../pricing/money.js';
import type { Money } from '../pricing/types.js';
import { moneyToNumber } from './decimal.js';
import type { CostRow, CostsReport, CostsSource, ModelCost } from '../artifacts/costsReport.js';
import { earlier, later, type Granularity } from './dates.js';
import type { BillProvider } from './meters.js';
import { COSTS_SCHEMA_VERSION } from './schemaVersion.js';
import type { CostGroup, CostMetric, CostPages, Period, PeriodInfo } from './response.js';
import { type ModelMap, type TokenKind, type UsageTier, TOKEN_KINDS, parseUsageType } from './usageTypes.js';
import { counted, int } from '../report/format.js';

;
export type { CostRow, CostsReport };

export interface BuildOptions {
  source: CostsSource;
  /** Each bill file and the format it was read as. */
  sources?: CostsReport['sources'];
  metric: CostMetric;
  /** The requested range; derived from the data when absent. */
  period?: Period;
  granularity?: Granularity;
  modelMap?: ModelMap;
}

function add<K extends string>(map: Map<K, Money>, key: K, v: Money): void {
  map.set(key, (map.get(key) ?? 0n) + v);
}

function toRecord<K extends string>(map: Map<K, Money>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [k, v] of [...map.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0])))) {
    out[k] = moneyToNumber(v);
  }
  return out;
}

/** Exact quantity × tokens-per-unit as a number (token counts are integers in practice). */
function tokensOf(quantity: Money | undefined, perUnit: number | undefined): number | undefined {
  if (quantity === undefined || perUnit === undefined) return undefined;
  return moneyToNumber(quantity * BigInt(perUnit));
}

interface ModelAcc {
  model: string;
  modelName: string;
  known: boolean;
  total: Money;
  tokenCost: Money;
  provisioned: Money;
  byKind: Map<TokenKind, Money>;
  tokens: Map<TokenKind, Money>;
  tokensKnown: boolean;
  byTier: Map<UsageTier, Money>;
  regions: Set<string>;
  services: Set<string>;
}

/** Infers DAILY or MONTHLY from the periods (any period longer than a day → MONTHLY). */
function inferGranularity(periods: Period[]): Granularity {
  return periods.some((p) => Date.parse(p.end) - Date.parse(p.start) > 86_400_000) ? 'MONTHLY' : 'DAILY';
}

/** Builds the report from validated pages. */
export function buildCostsReport(pages: CostPages, opts: BuildOptions): CostsReport {
  const notes = [...pages.notes];
  const periodsInRange = opts.period ? pages.periods.filter((p) => within(p, opts.period!)) : pages.periods;
  if (opts.period && periodsInRange.length < pages.periods.length) {
    const out = pages.periods.length - periodsInRange.length;
    notes.push(`${counted(out, 'period')} outside ${opts.period.start}..${opts.period.end} (end exclusive) left out`);
  }
  const keep = new Set(periodsInRange.map((p) => `${p.start}/${p.end}`));
  const groups = pages.groups.filter((g) => keep.has(`${g.period.start}/${g.period.end}`));

  const rows: CostRow[] = [];
  const models = new Map<string, ModelAcc>();
  const byKind = new Map<TokenKind, Money>(TOKEN_KINDS.map((k) => [k, 0n]));
  const byTier = new Map<UsageTier, Money>();
  const byRegion = new Map<string, Money>();
  const byPeriod = new Map<string, { info: PeriodInfo; total: Money; byModel: Map<string, Money> }>();
  for (const p of periodsInRange) byPeriod.set(`${p.start}/${p.end}`, { info: p, total: 0n, byModel: new Map() });
  const unrecognized: UnrecognizedAcc = new Map();
  const others = new Map<string, Money>();
  let total = 0n;
  let tokenTotal = 0n;
  let provisionedTotal = 0n;
  let unrecognizedTotal = 0n;
  const unknownPrefixes = new Set<string>();

  const billed = new BilledAccumulator(periodsInRange);
  for (const g of groups) {
    const provider = g.provider ?? 'aws';
    const parsed = g.parsed !== undefined ? (g.parsed ?? undefined) : parseUsageType(g.service, g.usageType, opts.modelMap);
    if (!parsed) {
      add(others, g.service, g.cost);
      continue;
    }
    billed.add(provider, g, parsed);
    const tokens = parsed.category === 'tokens' ? tokensOf(g.quantity, parsed.tokensPerUnit) : undefined;
    const row: CostRow = {
      provider,
      period: g.period,
      estimated: g.estimated,
      service: g.service,
      usageType: g.usageType,
      category: parsed.category,
      ...(parsed.model !== undefined ? { model: parsed.model } : {}),
      ...(parsed.modelName !== undefined ? { modelName: parsed.modelName } : {}),
      ...(parsed.region ? { region: parsed.region } : {}),
      ...(parsed.tokenKind ? { tokenKind: parsed.tokenKind } : {}),
      ...(parsed.tier ? { tier: parsed.tier } : {}),
      ...(parsed.category === 'tokens' ? { global: parsed.global, longContext: parsed.longContext } : {}),
      ...(parsed.modality ? { modality: parsed.modality } : {}),
      costUsd: moneyToDecimal(g.cost),
      ...(g.quantity !== undefined ? { quantity: moneyToDecimal(g.quantity) } : {}),
      unit: g.unit,
      ...(tokens !== undefined ? { tokens } : {}),
      ...(parsed.reason ? { reason: parsed.reason } : {}),
      ...(g.groups && Object.keys(g.groups).length ? { groups: { ...g.groups } } : {}),
    };
    rows.push(row);
    if (provider !== 'aws') {
      // Other clouds and vendors: in `billed` (and rows, unrecognized lines listed); the bedrock section stays Bedrock.
      if (parsed.category === 'unrecognized' || parsed.model === undefined) addUnrecognized(unrecognized, provider, g, parsed.reason);
      continue;
    }
    total += g.cost;
    const period = byPeriod.get(`${g.period.start}/${g.period.end}`)!;
    period.total += g.cost;
    if (parsed.regionPrefix && !parsed.region) unknownPrefixes.add(parsed.regionPrefix);
    if (parsed.region) add(byRegion, parsed.region, g.cost);
    else add(byRegion, parsed.regionPrefix ? `unknown (${parsed.regionPrefix})` : 'unknown', g.cost);

    if (parsed.category === 'unrecognized' || parsed.model === undefined) {
      unrecognizedTotal += g.cost;
      addUnrecognized(unrecognized, provider, g, parsed.reason);
      continue;
    }
    const acc = models.get(parsed.model) ?? {
      model: parsed.model,
      modelName: parsed.modelName ?? parsed.model,
      known: parsed.modelKnown,
      total: 0n,
      tokenCost: 0n,
      provisioned: 0n,
      byKind: new Map(),
      tokens: new Map(),
      tokensKnown: true,
      byTier: new Map(),
      regions: new Set(),
      services: new Set(),
    };
    models.set(parsed.model, acc);
    acc.total += g.cost;
    acc.services.add(g.service);
    if (parsed.region) acc.regions.add(parsed.region);
    add(period.byModel, parsed.model, g.cost);
    if (parsed.category === 'provisioned') {
      acc.provisioned += g.cost;
      provisionedTotal += g.cost;
      continue;
    }
    tokenTotal += g.cost;
    acc.tokenCost += g.cost;
    const kind = parsed.tokenKind!;
    add(acc.byKind, kind, g.cost);
    add(byKind, kind, g.cost);
    const tier = parsed.tier ?? 'on-demand';
    add(acc.byTier, tier, g.cost);
    add(byTier, tier, g.cost);
    if (g.quantity !== undefined && parsed.tokensPerUnit !== undefined) add(acc.tokens, kind, g.quantity * BigInt(parsed.tokensPerUnit));
    else acc.tokensKnown = false;
  }

  if (unknownPrefixes.size) notes.push(`unknown region prefix(es) ${[...unknownPrefixes].sort().join(', ')}: region left unknown`);
  if (unrecognized.size) {
    const what = rows.every((r) => r.provider === 'aws') ? counted(unrecognized.size, 'Bedrock usage type') : counted(unrecognized.size, 'LLM usage type or meter', 'LLM usage types or meters');
    notes.push(`${what} not attributed to a model token kind: see unrecognizedUsageTypes`);
  }
  if (rows.some((r) => r.provider === 'aws' && r.tokens !== undefined)) {
    notes.push('token counts assume UsageQuantity is in millions of tokens for Marketplace models and thousands for Amazon Bedrock (unverified; see docs/costs.md)');
  }
  const estimatedPeriods = periodsInRange.filter((p) => p.estimated).map((p) => p.start);
  if (estimatedPeriods.length) notes.push(`${estimatedPeriods.length === 1 ? '1 period is' : `${int(estimatedPeriods.length)} periods are`} estimated: the bill for them may still change`);
  const granularity = opts.granularity ?? inferGranularity(periodsInRange);
  const period = opts.period ?? derivePeriod(periodsInRange);

  const byModel: ModelCost[] = [...models.values()]
    .sort((a, b) => (b.total > a.total ? 1 : b.total < a.total ? -1 : a.model.localeCompare(b.model)))
    .map((m) => ({
      model: m.model,
      modelName: m.modelName,
      known: m.known,
      costUsd: moneyToNumber(m.total),
      tokenUsd: moneyToNumber(m.tokenCost),
      provisionedUsd: moneyToNumber(m.provisioned),
      byTokenKind: toRecord(m.byKind),
      tokens: m.tokensKnown ? toRecord(m.tokens) : {},
      byTier: toRecord(m.byTier),
      regions: [...m.regions].sort(),
      services: [...m.services].sort(),
    }));

  return {
    schemaVersion: COSTS_SCHEMA_VERSION,
    kind: 'tokor-costs',
    source: opts.source,
    period,
    granularity,
    metric: opts.metric,
    bedrock: {
      totalUsd: moneyToNumber(total),
      tokenUsd: moneyToNumber(tokenTotal),
      provisionedUsd: moneyToNumber(provisionedTotal),
      unrecognizedUsd: moneyToNumber(unrecognizedTotal),
      byModel,
      byTokenKind: Object.fromEntries(TOKEN_KINDS.map((k) => [k, moneyToNumber(byKind.get(k) ?? 0n)])) as Record<TokenKind, number>,
      byTier: toRecord(byTier),
      byRegion: toRecord(byRegion),
      byPeriod: [...byPeriod.values()].map((p) => ({
        start: p.info.start,
        end: p.info.end,
        estimated: p.info.estimated,
        totalUsd: moneyToNumber(p.total),
        byModel: toRecord(p.byModel),
      })),
    },
    unrecognizedUsageTypes: [...unrecognized.values()]
      .sort((a, b) => (b.cost > a.cost ? 1 : b.cost < a.cost ? -1 : a.usageType.localeCompare(b.usageType)))
      .map((u) => ({
        service: u.service,
        usageType: u.usageType,
        costUsd: moneyToNumber(u.cost),
        ...(u.quantity !== undefined ? { quantity: moneyToNumber(u.quantity) } : {}),
        unit: u.unit,
        ...(u.reason ? { reason: u.reason } : {}),
        provider: u.provider,
      })),
    otherServices: Object.entries(toRecord(others)).map(([service, costUsd]) => ({ service, costUsd })),
    otherServicesUsd: moneyToNumber([...others.values()].reduce((a, b) => a + b, 0n)),
    estimated: estimatedPeriods.length > 0,
    estimatedPeriods,
    notes,
    rows,
    billed: billed.result(periodsInRange.length ? derivePeriod(periodsInRange) : period),
    sources: opts.sources ?? [],
  };
}

type UnrecognizedAcc = Map<string, { provider: BillProvider; service: string; usageType: string; cost: Money; quantity?: Money; unit: string; reason?: string }>;

function addUnrecognized(map: UnrecognizedAcc, provider: BillProvider, g: CostGroup, reason: string | undefined): void {
  const key = `${provider}\u0000${g.service}\u0000${g.usageType}`;
  const u = map.get(key) ?? { provider, service: g.service, usageType: g.usageType, cost: 0n, unit: g.unit, ...(reason ? { reason } : {}) };
  u.cost += g.cost;
  if (g.quantity !== undefined) u.quantity = (u.quantity ?? 0n) + g.quantity;
  map.set(key, u);
}

const byAmount = <T extends { usd: Money }>(a: T, b: T): number => (b.usd > a.usd ? 1 : b.usd < a.usd ? -1 : 0);

/** The one billed-spend model over every source: LLM spend by provider, model and token class, period, and by grouping key. */
class BilledAccumulator {
  private total = 0n;
  private unrecognized = 0n;
  private providers = new Map<BillProvider, { usd: Money; token: Money; provisioned: Money; unrecognized: Money }>();
  private models = new Map<string, { provider: BillProvider; model: string; tokenClass: string; usd: Money }>();
  private modelTotals = new Map<string, { provider: BillProvider; model: string; usd: Money; byTokenClass: Map<string, Money> }>();
  private periods = new Map<string, { info: PeriodInfo; usd: Money; byProvider: Map<BillProvider, Money>; byModel: Map<string, Money> }>();
  private groups = new Map<string, { key: string; value: string; usd: Money }>();

  /** The periods in range, in order, each listed even when nothing is billed in it. */
  constructor(periods: readonly PeriodInfo[]) {
    for (const p of periods) this.periods.set(`${p.start}/${p.end}`, { info: p, usd: 0n, byProvider: new Map(), byModel: new Map() });
  }

  add(provider: BillProvider, g: CostGroup, parsed: { category: string; model?: string; tokenKind?: string }): void {
    this.total += g.cost;
    const p = this.providers.get(provider) ?? { usd: 0n, token: 0n, provisioned: 0n, unrecognized: 0n };
    this.providers.set(provider, p);
    p.usd += g.cost;
    const period = this.periods.get(`${g.period.start}/${g.period.end}`);
    if (period) {
      period.usd += g.cost;
      add(period.byProvider, provider, g.cost);
    }
    if (parsed.category === 'unrecognized' || parsed.model === undefined) {
      this.unrecognized += g.cost;
      p.unrecognized += g.cost;
    } else {
      const tokenClass = parsed.category === 'provisioned' ? 'provisioned' : (parsed.tokenKind ?? 'other');
      if (parsed.category === 'provisioned') p.provisioned += g.cost;
      else p.token += g.cost;
      const k = `${provider}\u0000${parsed.model}\u0000${tokenClass}`;
      const m = this.models.get(k) ?? { provider, model: parsed.model, tokenClass, usd: 0n };
      m.usd += g.cost;
      this.models.set(k, m);
      if (period) add(period.byModel, parsed.model, g.cost);
      const mk = `${provider}\u0000${parsed.model}`;
      const t = this.modelTotals.get(mk) ?? { provider, model: parsed.model, usd: 0n, byTokenClass: new Map() };
      t.usd += g.cost;
      add(t.byTokenClass, tokenClass, g.cost);
      this.modelTotals.set(mk, t);
    }
    for (const [key, value] of Object.entries(g.groups ?? {})) {
      const k = `${key}\u0000${value}`;
      const e = this.groups.get(k) ?? { key, value, usd: 0n };
      e.usd += g.cost;
      this.groups.set(k, e);
    }
  }

  result(window: Period): CostsReport['billed'] {
    return {
      totalUsd: moneyToNumber(this.total),
      totalExact: moneyToDecimal(this.total),
      window,
      unrecognizedUsd: moneyToNumber(this.unrecognized),
      byProvider: [...this.providers]
        .map(([provider, p]) => ({ provider, ...p }))
        .sort(byAmount)
        .map((p) => ({
          provider: p.provider,
          usd: moneyToNumber(p.usd),
          tokenUsd: moneyToNumber(p.token),
          provisionedUsd: moneyToNumber(p.provisioned),
          unrecognizedUsd: moneyToNumber(p.unrecognized),
        })),
      byModel: [...this.models.values()].sort((a, b) => byAmount(a, b) || a.model.localeCompare(b.model)).map((m) => ({ ...m, usd: moneyToNumber(m.usd) })),
      byGroup: [...this.groups.values()].sort((a, b) => byAmount(a, b) || a.key.localeCompare(b.key) || a.value.localeCompare(b.value)).map((e) => ({ ...e, usd: moneyToNumber(e.usd) })),
      models: [...this.modelTotals.values()]
        .sort((a, b) => byAmount(a, b) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model))
        .map((m) => ({ provider: m.provider, model: m.model, usd: moneyToNumber(m.usd), byTokenClass: toRecord(m.byTokenClass) })),
      byPeriod: [...this.periods.values()].map((p) => ({
        start: p.info.start,
        end: p.info.end,
        estimated: p.info.estimated,
        usd: moneyToNumber(p.usd),
        byProvider: toRecord(p.byProvider),
        byModel: toRecord(p.byModel),
      })),
    };
  }
}

function within(p: Period, range: Period): boolean {
  return p.start >= range.start && p.end <= range.end;
}

function derivePeriod(periods: Period[]): Period {
  if (periods.length === 0) return { start: '', end: '' };
  return {
    start: periods.reduce((m, p) => earlier(p.start, m), periods[0]!.start),
    end: periods.reduce((m, p) => later(p.end, m), periods[0]!.end),
  };
}

/** Re-exported for callers that only import the report module. */
export type {   Period };
