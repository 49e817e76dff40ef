/**
 * What the costs renderers (table, markdown, HTML) show: billed LLM spend of
 * every source, by provider, model, token class and period, read from the
 * report's `billed` model. Reports written before `billed` carried its
 * per-provider, per-model and per-period figures (or before `billed` itself)
 * fall back to the Bedrock section. Pure.
 */
import type { CostsReport } from '../artifacts/costsReport.js';
import type { BillFormatName } from './billFormats.js';
import type { BillProvider } from './meters.js';
import type { Period } from './response.js';
import { moneyToNumber, parseDecimal } from './decimal.js';
import { TOKEN_KINDS } from './usageTypes.js';

/** How each bill source is named to users. */
const SOURCE_NAMES: Record<BillFormatName, string> = {
  'cost-explorer': 'AWS Cost Explorer',
  'aws-cur': 'AWS CUR 2.0',
  focus: 'FOCUS export',
  'gcp-billing': 'Google Cloud billing export',
  'azure-cost': 'Azure cost export',
  'anthropic-cost': 'Anthropic cost report',
  'openai-cost': 'OpenAI costs',
  'anthropic-usage': 'Anthropic usage report',
  'openai-usage': 'OpenAI usage',
};

/** Sources that count tokens and are priced at tokor's list prices, not invoiced. */
const LIST_PRICED: ReadonlySet<BillFormatName> = new Set(['anthropic-usage', 'openai-usage']);

/** How a bill source is named to users ("OpenAI costs"). */
export function sourceName(kind: BillFormatName): string {
  return SOURCE_NAMES[kind];
}

/** A source as the headline names it: usage reports say whether they were priced at list or left out (their vendor's cost report billing every day they cover). */
function sourceText(s: CostsReport['sources'][number]): string {
  if (!LIST_PRICED.has(s.kind)) return SOURCE_NAMES[s.kind];
  return `${SOURCE_NAMES[s.kind]} (${s.leftOut?.all ? 'left out: the cost report bills its days' : 'priced at list'})`;
}

/** Token classes in column order: the token kinds, then provisioned throughput, then anything else. */
const CLASS_ORDER: readonly string[] = [...TOKEN_KINDS, 'provisioned', 'other'];

interface ProviderSpend {
  provider: BillProvider;
  usd: number;
  /** Per-token spend attributed to a model; undefined when the report predates it. */
  tokenUsd?: number;
  provisionedUsd?: number;
  unrecognizedUsd?: number;
  /** Models billed by this provider. */
  models: number;
}

export interface ModelSpend {
  provider: BillProvider;
  model: string;
  /** The model's name where the bill gives one (Bedrock: "Claude Sonnet 4.5"), else its key. */
  name: string;
  /** False when the name is not a canonical key (a Bedrock name tokor has no table entry for). */
  known: boolean;
  usd: number;
  byTokenClass: Record<string, number>;
}

interface PeriodSpend {
  start: string;
  end: string;
  estimated: boolean;
  usd: number;
  /** The largest parts of the period: models for a one-provider bill, providers otherwise. */
  top: [string, number][];
}

export interface CostsView {
  /** 'Bedrock' when AWS is the only provider billed (or nothing is), else 'LLM'. */
  what: 'Bedrock' | 'LLM';
  /** Providers billed, largest first. */
  providers: ProviderSpend[];
  /** More than one provider: the renderers then show the provider table and a provider column. */
  multiProvider: boolean;
  /** Every source's LLM spend: billed.totalUsd (bedrock.totalUsd in reports without `billed`). */
  totalUsd: number;
  tokenUsd: number;
  provisionedUsd: number;
  unrecognizedUsd: number;
  /** The days the bill covers (end exclusive). */
  window: Period;
  /** Models, largest first. */
  models: ModelSpend[];
  /** Token classes any model has spend in, in column order. */
  tokenClasses: string[];
  /** Spend per token class over every model. */
  byTokenClass: Record<string, number>;
  periods: PeriodSpend[];
  /** The files read and their formats, named for users: "AWS CUR 2.0 (2), Anthropic cost report". */
  sourcesText: string;
  /** Some lines are usage reports' tokens priced at list: an estimate, not the invoice. */
  pricedAtList: boolean;
  files: number;
}

/**
 * The exact sum of report amounts: each number is read back as the decimal it
 * prints as (the report's numbers come from exact decimals), so 0.09 + 0.285
 * is 0.375 and rounds to $0.38, as the bill does, not 0.37499999999999994.
 */
function sumUsd(xs: readonly number[]): number {
  return moneyToNumber(xs.reduce((a, x) => a + (parseDecimal(String(x)) ?? 0n), 0n));
}

/** "AWS CUR 2.0 (2), FOCUS export": each format once, in the order read, with its file count when over one. */
function sourcesTextOf(report: CostsReport): string {
  const counts = new Map<string, number>();
  for (const s of report.sources) counts.set(sourceText(s), (counts.get(sourceText(s)) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n > 1 ? `${name} (${n})` : name)).join(', ');
}

/** The view of a costs report, from `billed` where it has the figures, else from the Bedrock section. */
export function costsView(report: CostsReport): CostsView {
  const b = report.bedrock;
  const billed = report.billed;
  const bedrockModels = new Map(b.byModel.map((m) => [m.model, m]));
  const providers: ProviderSpend[] = billed
    ? billed.byProvider.map((p) => ({ ...p, models: billed.models?.filter((m) => m.provider === p.provider).length ?? (p.provider === 'aws' ? b.byModel.length : 0) }))
    : b.totalUsd !== 0 || b.byModel.length
      ? [{ provider: 'aws', usd: b.totalUsd, tokenUsd: b.tokenUsd, provisionedUsd: b.provisionedUsd, unrecognizedUsd: b.unrecognizedUsd, models: b.byModel.length }]
      : [];
  const multiProvider = providers.length > 1;
  const what = providers.every((p) => p.provider === 'aws') ? 'Bedrock' : 'LLM';

  const models: ModelSpend[] = billed?.models
    ? billed.models.map((m) => {
        const bedrock = m.provider === 'aws' ? bedrockModels.get(m.model) : undefined;
        return { provider: m.provider, model: m.model, name: bedrock?.modelName ?? m.model, known: bedrock?.known ?? true, usd: m.usd, byTokenClass: m.byTokenClass };
      })
    : b.byModel.map((m) => ({
        provider: 'aws' as const,
        model: m.model,
        name: m.modelName,
        known: m.known,
        usd: m.costUsd,
        byTokenClass: { ...m.byTokenKind, ...(m.provisionedUsd ? { provisioned: m.provisionedUsd } : {}) } as Record<string, number>,
      }));
  const byTokenClass: Record<string, number> = {};
  for (const k of new Set(models.flatMap((m) => Object.keys(m.byTokenClass)))) byTokenClass[k] = sumUsd(models.map((m) => m.byTokenClass[k] ?? 0));
  const tokenClasses = [...CLASS_ORDER.filter((k) => byTokenClass[k]), ...Object.keys(byTokenClass).filter((k) => byTokenClass[k] && !CLASS_ORDER.includes(k)).sort()];

  const periods: PeriodSpend[] = billed?.byPeriod
    ? billed.byPeriod.map((p) => ({
        start: p.start,
        end: p.end,
        estimated: p.estimated,
        usd: p.usd,
        top: Object.entries(multiProvider ? p.byProvider : p.byModel),
      }))
    : b.byPeriod.map((p) => ({ start: p.start, end: p.end, estimated: p.estimated, usd: p.totalUsd, top: Object.entries(p.byModel) }));

  const tokenUsd = providers.every((p) => p.tokenUsd !== undefined) ? sumUsd(providers.map((p) => p.tokenUsd!)) : b.tokenUsd;
  return {
    what,
    providers,
    multiProvider,
    totalUsd: billed?.totalUsd ?? b.totalUsd,
    tokenUsd,
    provisionedUsd: providers.every((p) => p.provisionedUsd !== undefined) ? sumUsd(providers.map((p) => p.provisionedUsd!)) : b.provisionedUsd,
    unrecognizedUsd: billed?.unrecognizedUsd ?? b.unrecognizedUsd,
    window: billed?.window ?? report.period,
    models,
    tokenClasses,
    byTokenClass,
    periods,
    sourcesText: sourcesTextOf(report),
    pricedAtList: report.sources.some((x) => LIST_PRICED.has(x.kind) && !x.leftOut?.all),
    files: report.sources.length || report.source.files?.length || 0,
  };
}
