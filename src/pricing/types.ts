/**
 * The nouns of pricing. Rates are USD per 1M tokens written as decimal strings
 * ("3.30", "0.00875") so that they stay exact; `rateToPico` turns them into
 * integer picodollars per token.
 */
import type { ServiceLevel } from '../types.js';

/** Money in picodollars (1e-12 USD). Integer arithmetic only: sums never drift. */
export type Money = bigint;

/**
 * One price row: a model (canonical key) in one region. USD per 1M tokens.
 *
 * Rules the cost math applies (see cost.ts):
 * - a missing `cacheRead` / `cacheWrite5m` rate prices those tokens at the input rate;
 * - `cacheWrite1h` falls back to `cacheWrite5m` (then input) for 1-hour cache writes;
 * - batch uses `batchInput` / `batchOutput`; without them, 50% of on-demand when
 *   `supportsBatch` is true, else on-demand with a note.
 */
export interface ModelPrice {
  /** Canonical model key (see canonicalModelKey), e.g. "anthropic.claude-sonnet-4-5", "azure-openai/gpt-4o". */
  key: string;
  /** Display name, e.g. "Claude Sonnet 4.5" (Cost Explorer's Marketplace service name without " (Amazon Bedrock Edition)"). */
  name: string;
  /** 'bedrock' | 'azure-openai' | 'vertex' | a user-defined provider. */
  provider: string;
  /**
   * AWS region ('us-east-1' …); 'global' for global-profile or provider-wide list prices; 'regional' for every
   * region but 'global' (a regional endpoint's premium); '*' (user catalogs) for every region.
   */
  region: string;
  input: string;
  output: string;
  cacheRead?: string;
  cacheWrite5m?: string;
  cacheWrite1h?: string;
  batchInput?: string;
  batchOutput?: string;
  /** The model supports batch inference; without batch rates, batch = 50% of on-demand. */
  supportsBatch?: boolean;
  /** Where the numbers were read (URL or document). */
  source: string;
  /** YYYY-MM-DD: the date of the source snapshot or of the announced price change. */
  effectiveDate: string;
  /** Caveats: secondary sources, derived values, unverified regional differences. */
  notes?: string;
  /** Other names that resolve to this key: model IDs as gateways log them, billing names. */
  aliases?: string[];
  /** The rates of a request whose prompt is over a size (long-context pricing). */
  longContext?: LongContextPrice;
  /**
   * The most tokens a request to this model can carry, its prompt (input + cache reads + cache writes) and its answer
   * (output tokens) together, as the provider states its context window (with a 1M-context option, that window).
   * A routed request whose prompt and answer are over it goes to a later tier.
   */
  contextWindow?: number;
  /**
   * The most prompt tokens (input + cache reads + cache writes) a request can carry, where the provider states an
   * input limit of its own (OpenAI's 400K-window models: 272,000 input tokens; Gemini: 1,048,576, its output limit
   * apart). A routed request whose prompt is over it goes to a later tier.
   */
  maxInputTokens?: number;
  /** The rates of a request served on the priority tier (OpenAI, Bedrock): a premium over the standard rates. */
  priority?: ServiceTierPrice;
  /**
   * The rates of a request served on the flex tier (OpenAI, Bedrock): a discount. Without them a flex request pays
   * the batch rates (OpenAI bills flex at Batch API rates).
   */
  flex?: ServiceTierPrice;
}

/**
 * The rates of one service tier: the entry's input, output and cache rates (each cache rate the entry lists, and no
 * other), and for long prompts (over the entry's `longContext.above`) the same rates again; a long prompt on a tier
 * without them pays the entry's long-context rates at the standard tier, with a note.
 */
export interface ServiceTierPrice extends Pick<ModelPrice, 'input' | 'output' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h'> {
  longContext?: Pick<ModelPrice, 'input' | 'output' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h'>;
}

/**
 * The rates every token of a request pays when its prompt (input + cache-read + cache-write tokens) is over
 * `above` tokens: Claude's 1M-context betas over 200K, GPT-5.4 over 272K, Gemini Pro over 200K. The same
 * rate fields as the entry (a catalog lists each rate the entry lists), USD per 1M tokens.
 */
export interface LongContextPrice extends Pick<ModelPrice, 'input' | 'output' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h' | 'batchInput' | 'batchOutput'> {
  above: number;
}

/** A header of one catalog file (built-in or user). */
export interface CatalogSource {
  file: string;
  version: string;
  source?: string;
  effectiveDate?: string;
  notes?: string;
  entries: number;
}

/**
 * The price catalog. Treat it as immutable: resolvePrice builds its indexes and
 * a per-(modelId, region) cache lazily on first use.
 */
export interface Catalog {
  /** Identifies the prices used (built-in data version plus user files), for provenance. */
  version: string;
  prices: ModelPrice[];
  /** Model IDs the catalog cannot know (application inference profiles, prompt routers) → a priced model ID. */
  modelMap?: Record<string, string>;
  /** The files the prices came from. */
  sources?: CatalogSource[];
}

/** How a model ID resolved. */
export interface PriceLookup {
  price: ModelPrice;
  modelKey: string;
  /** Set when the price is an approximation, e.g. "us-east-1 price used: no eu-west-3 price". */
  note?: string;
}

/** Per-part cost of one request, with the rules that were applied. */
export interface CostBreakdown {
  input: Money;
  output: Money;
  cacheRead: Money;
  cacheWrite: Money;
  /** Of `cacheWrite`, what the 1-hour writes cost (set when there were any). */
  cacheWrite1h?: Money;
  total: Money;
  /** Fallbacks applied (e.g. "no cache-read rate: input rate used"). */
  notes: string[];
}

export interface CostOptions {
  batch?: boolean;
  /** The service tier that served the request (absent: standard): its rates from the entry's `priority` / `flex`. */
  service?: ServiceLevel;
  cacheWriteTtl?: '5m' | '1h';
  /**
   * A bucket's prompt class: every request in it has more prompt tokens than this (promptBounds.ts). The
   * entry's long-context rates apply when it is at least their `above`.
   */
  promptOver?: number;
  /** One request's prompt tokens (input + cache read + cache write): long-context rates apply over `above`. */
  promptTokens?: number;
}
