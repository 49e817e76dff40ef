/**
 * Bedrock usage types → model, region, token kind and tier. Pure.
 *
 * Bedrock spend reaches Cost Explorer under two kinds of SERVICE:
 *  - `Amazon Bedrock` (first-party and open-weight models), usage types like
 *    `USE1-NovaLite-input-tokens`, `USE1-NovaLite-cache-read-input-token-count`,
 *    `USE1-Llama3-1-405B-output-tokens-batch`, `USE1-NovaPro-input-tokens-latency-optimized`,
 *    and the newer "mantle" form that embeds the model ID:
 *    `USE1-openai.gpt-oss-120b-mantle-input-tokens-standard`;
 *  - one AWS Marketplace service per third-party model, `Claude Sonnet 4.5 (Amazon Bedrock Edition)`,
 *    usage types like `USE1-MP:USE1_InputTokenCount_Global-Units` (CamelCase) or
 *    `USE1-MP:USE1_cache_read_tokens_global_standard-Units` (snake_case).
 * The tables below are data, not rules: region prefixes do not follow from region
 * names (ap-south-1 is APS3, eu-west-1 is plain EU), and model tokens do not
 * follow from model IDs. See docs/costs.md for the sources.
 */

export const TOKEN_KINDS = ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** `global` = on-demand through a global cross-region profile; batch/flex/priority win over it. */
export const USAGE_TIERS = ['on-demand', 'batch', 'flex', 'priority', 'global', 'latency-optimized'] as const;
export type UsageTier = (typeof USAGE_TIERS)[number];

/**
 * tokens: per-token usage of a model; provisioned: model-unit hours or reserved
 * capacity of a model (not per token); unrecognized: anything else a Bedrock
 * service billed (guardrails, knowledge bases, training, shapes we do not know).
 */
type UsageCategory = 'tokens' | 'provisioned' | 'unrecognized';

export interface ParsedUsageType {
  /** Which table read it: Bedrock usage types, Marketplace usage types, or src/costs/meters.ts (other clouds and vendors). */
  source: 'bedrock' | 'marketplace' | 'azure' | 'vertex' | 'anthropic' | 'openai';
  category: UsageCategory;
  /** Canonical model key when known (anthropic.claude-sonnet-4-5), else the service/usage-type token. */
  model?: string;
  modelName?: string;
  /** Whether `model` is a canonical key from the tables (false: the raw token). */
  modelKnown: boolean;
  region?: string;
  regionPrefix?: string;
  tokenKind?: TokenKind;
  tier?: UsageTier;
  /** Billed through a global cross-region inference profile. */
  global: boolean;
  longContext: boolean;
  /** Non-text token modality when the usage type names one (image, audio, video, speech). */
  modality?: string;
  /**
   * Tokens per UsageQuantity unit as this module assumes it: 1e6 for Marketplace
   * (priced per 1M tokens), 1e3 for Amazon Bedrock (priced per 1K tokens). Unverified
   * against a real export: see docs/costs.md.
   */
  tokensPerUnit?: number;
  /** For unrecognized usage types: what it looks like, when we can tell. */
  reason?: string;
}

/**
 * Usage-type region prefixes. From AWS billing codes as used in public Cost
 * Explorer / Price List tooling; eu-west-1 kept its historical bare `EU` prefix.
 */
export const REGION_PREFIXES: Readonly<Record<string, string>> = {
  USE1: 'us-east-1',
  USE2: 'us-east-2',
  USW1: 'us-west-1',
  USW2: 'us-west-2',
  UGW1: 'us-gov-west-1',
  UGE1: 'us-gov-east-1',
  CAN1: 'ca-central-1',
  CAN2: 'ca-west-1',
  MXC1: 'mx-central-1',
  SAE1: 'sa-east-1',
  EU: 'eu-west-1',
  EUW1: 'eu-west-1',
  EUW2: 'eu-west-2',
  EUW3: 'eu-west-3',
  EUC1: 'eu-central-1',
  EUC2: 'eu-central-2',
  EUN1: 'eu-north-1',
  EUS1: 'eu-south-1',
  EUS2: 'eu-south-2',
  APN1: 'ap-northeast-1',
  APN2: 'ap-northeast-2',
  APN3: 'ap-northeast-3',
  APS1: 'ap-southeast-1',
  APS2: 'ap-southeast-2',
  APS3: 'ap-south-1',
  APS4: 'ap-southeast-3',
  APS5: 'ap-south-2',
  APS6: 'ap-southeast-4',
  APS7: 'ap-southeast-5',
  APE1: 'ap-east-1',
  AFS1: 'af-south-1',
  ILC1: 'il-central-1',
  MEC1: 'me-central-1',
  MES1: 'me-south-1',
};

/**
 * Marketplace service names (without " (Amazon Bedrock Edition)") → canonical key.
 * Claude names not listed here go through `claudeKeyFromName` (documented rule).
 */
const MARKETPLACE_MODELS: Readonly<Record<string, string>> = {
  'Claude Opus 4.5': 'anthropic.claude-opus-4-5',
  'Claude Opus 4.1': 'anthropic.claude-opus-4-1',
  'Claude Opus 4': 'anthropic.claude-opus-4',
  'Claude Sonnet 4.5': 'anthropic.claude-sonnet-4-5',
  'Claude Sonnet 4': 'anthropic.claude-sonnet-4',
  'Claude Haiku 4.5': 'anthropic.claude-haiku-4-5',
  'Claude 3.7 Sonnet': 'anthropic.claude-3-7-sonnet',
  'Claude 3.5 Sonnet': 'anthropic.claude-3-5-sonnet',
  'Claude 3.5 Sonnet v2': 'anthropic.claude-3-5-sonnet',
  'Claude 3.5 Haiku': 'anthropic.claude-3-5-haiku',
  'Claude 3 Opus': 'anthropic.claude-3-opus',
  'Claude 3 Sonnet': 'anthropic.claude-3-sonnet',
  'Claude 3 Haiku': 'anthropic.claude-3-haiku',
  'Claude Instant': 'anthropic.claude-instant',
  'Jamba 1.5 Large': 'ai21.jamba-1-5-large',
  'Jamba 1.5 Mini': 'ai21.jamba-1-5-mini',
  'Jurassic-2 Ultra': 'ai21.j2-ultra',
  'Jurassic-2 Mid': 'ai21.j2-mid',
  'Meta Llama 2 Chat 70B': 'meta.llama2-70b-chat',
  'Meta Llama 2 Chat 13B': 'meta.llama2-13b-chat',
  'Cohere Generate Model - Command': 'cohere.command-text',
  'Cohere Generate Model - Command Light': 'cohere.command-light-text',
};

/** `Amazon Bedrock` usage-type model tokens → canonical key and display name. */
const FIRST_PARTY_MODELS: Readonly<Record<string, { key: string; name: string }>> = {
  NovaMicro: { key: 'amazon.nova-micro', name: 'Nova Micro' },
  NovaLite: { key: 'amazon.nova-lite', name: 'Nova Lite' },
  NovaPro: { key: 'amazon.nova-pro', name: 'Nova Pro' },
  NovaPremier: { key: 'amazon.nova-premier', name: 'Nova Premier' },
  'Nova2.0Lite': { key: 'amazon.nova-2-lite', name: 'Nova 2 Lite' },
  'Nova2.0Pro': { key: 'amazon.nova-2-pro', name: 'Nova 2 Pro' },
  NovaSonic: { key: 'amazon.nova-sonic', name: 'Nova Sonic' },
  'TitanTextG1-Lite': { key: 'amazon.titan-text-lite', name: 'Titan Text G1 - Lite' },
  'TitanTextG1-Express': { key: 'amazon.titan-text-express', name: 'Titan Text G1 - Express' },
  'TitanTextG1-Premier': { key: 'amazon.titan-text-premier', name: 'Titan Text G1 - Premier' },
  'Llama3-8B': { key: 'meta.llama3-8b-instruct', name: 'Llama 3 8B' },
  'Llama3-70B': { key: 'meta.llama3-70b-instruct', name: 'Llama 3 70B' },
  'Llama3-1-8B': { key: 'meta.llama3-1-8b-instruct', name: 'Llama 3.1 8B' },
  'Llama3-1-70B': { key: 'meta.llama3-1-70b-instruct', name: 'Llama 3.1 70B' },
  'Llama3-1-405B': { key: 'meta.llama3-1-405b-instruct', name: 'Llama 3.1 405B' },
  'Llama3-2-1B': { key: 'meta.llama3-2-1b-instruct', name: 'Llama 3.2 1B' },
  'Llama3-2-3B': { key: 'meta.llama3-2-3b-instruct', name: 'Llama 3.2 3B' },
  'Llama3-2-11B': { key: 'meta.llama3-2-11b-instruct', name: 'Llama 3.2 11B' },
  'Llama3-2-90B': { key: 'meta.llama3-2-90b-instruct', name: 'Llama 3.2 90B' },
  'Llama3-3-70B': { key: 'meta.llama3-3-70b-instruct', name: 'Llama 3.3 70B' },
  'Llama4-Maverick-17B': { key: 'meta.llama4-maverick-17b-instruct', name: 'Llama 4 Maverick 17B' },
  'Llama4-Scout-17B': { key: 'meta.llama4-scout-17b-instruct', name: 'Llama 4 Scout 17B' },
  MistralSmall: { key: 'mistral.mistral-small-2402', name: 'Mistral Small (24.02)' },
  MistralLarge: { key: 'mistral.mistral-large-2402', name: 'Mistral Large (24.02)' },
  MistralLarge2407: { key: 'mistral.mistral-large-2407', name: 'Mistral Large (24.07)' },
  PixtralLarge2502: { key: 'mistral.pixtral-large-2502', name: 'Pixtral Large (25.02)' },
  Claude3Haiku: { key: 'anthropic.claude-3-haiku', name: 'Claude 3 Haiku' },
  Claude3Sonnet: { key: 'anthropic.claude-3-sonnet', name: 'Claude 3 Sonnet' },
  'Claude3-5Haiku': { key: 'anthropic.claude-3-5-haiku', name: 'Claude 3.5 Haiku' },
  Claude4Sonnet: { key: 'anthropic.claude-sonnet-4', name: 'Claude Sonnet 4' },
  ClaudeInstant: { key: 'anthropic.claude-instant', name: 'Claude Instant' },
  'gpt-oss-120b': { key: 'openai.gpt-oss-120b', name: 'gpt-oss-120b' },
  'gpt-oss-20b': { key: 'openai.gpt-oss-20b', name: 'gpt-oss-20b' },
  'Qwen3-32B': { key: 'qwen.qwen3-32b', name: 'Qwen3 32B' },
};

const EDITION_SUFFIX = ' (Amazon Bedrock Edition)';
/** First-party Bedrock service names as Cost Explorer's SERVICE dimension shows them. */
const BEDROCK_SERVICES: readonly string[] = ['Amazon Bedrock', 'Amazon Bedrock Service'];

/** Which Bedrock source a SERVICE value is, or undefined for any other AWS service. */
export function bedrockSourceOf(service: string): 'bedrock' | 'marketplace' | undefined {
  if (BEDROCK_SERVICES.includes(service)) return 'bedrock';
  if (service.endsWith(EDITION_SUFFIX)) return 'marketplace';
  return undefined;
}

/** Extra mappings (service names, usage-type tokens or model IDs → canonical key), e.g. from config. */
export type ModelMap = Readonly<Record<string, string>>;

/**
 * Claude names the table does not list yet: "Claude <Family> <major>[.<minor>]" →
 * anthropic.claude-<family>-<major>[-<minor>] (4.x naming) and
 * "Claude <major>[.<minor>] <Family>" → anthropic.claude-<major>[-<minor>]-<family> (3.x naming).
 */
export function claudeKeyFromName(name: string): string | undefined {
  let m = /^Claude (Opus|Sonnet|Haiku) (\d+)(?:\.(\d+))?$/.exec(name);
  if (m) return `anthropic.claude-${m[1]!.toLowerCase()}-${m[2]}${m[3] ? `-${m[3]}` : ''}`;
  m = /^Claude (\d+)(?:\.(\d+))? (Opus|Sonnet|Haiku)(?: v\d+)?$/.exec(name);
  if (m) return `anthropic.claude-${m[1]}${m[2] ? `-${m[2]}` : ''}-${m[3]!.toLowerCase()}`;
  return undefined;
}

/** Canonical key of a model ID embedded in a usage type (mantle form): no profile prefix, date or version. */
export function canonicalFromModelId(id: string): string {
  return id
    .replace(/^(?:us-gov|us|eu|apac|jp|au|ca|global)\./, '')
    .replace(/-\d{8}(?=-|:|$)/, '')
    .replace(/:\d+k$|:mm$/, '')
    .replace(/-v\d+(?::\d+)*$|-\d+:\d+$/, '')
    .replace(/:\d+$/, '');
}

/** Splits the region prefix off a usage type: "USE1-NovaLite-input-tokens" → USE1 / us-east-1. */
export function splitRegionPrefix(usageType: string): { prefix?: string; region?: string; body: string } {
  const m = /^([A-Z]{2,4}\d?)-(.+)$/.exec(usageType);
  if (!m) return { body: usageType };
  const prefix = m[1]!;
  const region = REGION_PREFIXES[prefix];
  // A leading all-caps segment that is not in the table is kept as an unknown prefix
  // only when it looks like one (letters + digit, or a known two-letter code).
  if (region || /^[A-Z]{3,4}\d$/.test(prefix)) return { prefix, region, body: m[2]! };
  return { body: usageType };
}

interface Qualifiers {
  tier?: 'batch' | 'flex' | 'priority' | 'latency-optimized';
  global: boolean;
  longContext: boolean;
  ttl?: string;
  custom: boolean;
  unknown: string[];
}

/** Reads qualifier words (already lower-cased) such as batch, flex, global, long ctx, 1 hour, cross region global. */
function readQualifiers(words: string[]): Qualifiers {
  const q: Qualifiers = { global: false, longContext: false, custom: false, unknown: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (w === 'batch' || w === 'flex' || w === 'priority') q.tier = w;
    else if (w === 'standard' || w === 'units' || w === 'geo' || w === 'crossgeo') continue;
    else if (w === 'global') q.global = true;
    else if (w === 'latencyoptimized') q.tier = 'latency-optimized';
    else if (w === 'latency' && next === 'optimized') {
      q.tier = 'latency-optimized';
      i++;
    }
    else if (w === 'cross' && next === 'region') i++;
    else if (w === 'longcontext' || w === 'lctx') q.longContext = true;
    else if (w === 'long' && (next === 'context' || next === 'ctx')) {
      q.longContext = true;
      i++;
    }
    else if (/^\d+[mh]$/.test(w)) q.ttl = w;
    else if (/^\d+$/.test(w) && (next === 'hour' || next === 'hours' || next === 'minute' || next === 'minutes')) {
      q.ttl = `${w}${next.startsWith('h') ? 'h' : 'm'}`;
      i++;
    }
    else if (w === 'custom' && next === 'model') {
      q.custom = true;
      i++;
    }
    else q.unknown.push(w);
  }
  return q;
}

type Direction = 'input' | 'output' | 'cache-read' | 'cache-write';

function tokenKindOf(direction: Direction, ttl: string | undefined): TokenKind | { reason: string } {
  switch (direction) {
    case 'input':
      return 'input';
    case 'output':
      return 'output';
    case 'cache-read':
      return 'cacheRead';
    case 'cache-write':
      if (ttl === undefined || ttl === '5m') return 'cacheWrite5m';
      if (ttl === '1h' || ttl === '60m') return 'cacheWrite1h';
      return { reason: `cache write with a ${ttl} TTL (only 5m and 1h are modelled)` };
  }
}

function tierOf(q: Qualifiers): UsageTier {
  return q.tier ?? (q.global ? 'global' : 'on-demand');
}

const PROVISIONED = /provisioned|model-?units?|reserved|\btpm\b|_tpm|tpm_|commit/i;

/** A short hint of what an unrecognized Bedrock usage type is, when a keyword says so. */
function hintFor(usageType: string): string | undefined {
  const u = usageType.toLowerCase();
  if (u.includes('guardrail')) return 'guardrails';
  if (u.includes('knowledge-base') || u.includes('knowledgebase')) return 'knowledge bases';
  if (u.includes('agent')) return 'agents';
  if (u.includes('customization') || u.includes('training')) return 'model customization';
  if (u.includes('storage')) return 'model storage';
  if (u.includes('datatransfer') || u.includes('bytes')) return 'data transfer';
  if (u.includes('search-units') || u.includes('rerank')) return 'rerank/search units';
  if (u.includes('image') || u.includes('video') || u.includes('t2i')) return 'image/video generation';
  return undefined;
}

/**
 * Parses one (SERVICE, USAGE_TYPE) pair. Returns undefined when the service is
 * not Bedrock (those are listed apart as otherServices). Never throws: shapes it
 * cannot read come back as category 'unrecognized' with a reason.
 */
export function parseUsageType(service: string, usageType: string, modelMap: ModelMap = {}): ParsedUsageType | undefined {
  const source = bedrockSourceOf(service);
  if (!source) return undefined;
  return source === 'marketplace' ? parseMarketplace(service, usageType, modelMap) : parseFirstParty(usageType, modelMap);
}

function unrecognized(base: Omit<ParsedUsageType, 'category' | 'global' | 'longContext' | 'modelKnown'>, reason: string | undefined): ParsedUsageType {
  return { ...base, category: 'unrecognized', global: false, longContext: false, modelKnown: false, ...(reason ? { reason } : {}) };
}

/** A token usage type read whole: its kind from direction and TTL, its tier, global and long-context from the qualifiers. */
function tokenUsage(base: Omit<ParsedUsageType, 'category' | 'global' | 'longContext' | 'modelKnown'>, known: boolean, direction: Direction, ttl: string | undefined, quals: Qualifiers): ParsedUsageType {
  const kind = tokenKindOf(direction, ttl);
  if (typeof kind !== 'string') return unrecognized(base, kind.reason);
  return { ...base, category: 'tokens', modelKnown: known, tokenKind: kind, tier: tierOf(quals), global: quals.global, longContext: quals.longContext };
}

// ---------------------------------------------------------------------------
// Marketplace: "<PFX>-MP:<PFX>_<dimension>-Units"

const CAMEL_HEAD = /^(?:Million)?(Batch)?(?:Cache(Read|Write)(\d+[mh])?)?(Input|Output)?Tokens?(?:Count)?$/;
const SNAKE_KIND = /^(input|output|cache_read|cache_write)_tokens(?:_(.*))?$/;

function marketplaceModel(service: string, modelMap: ModelMap): { model: string; modelName: string; known: boolean } {
  const name = service.slice(0, -EDITION_SUFFIX.length);
  const key = modelMap[service] ?? modelMap[name] ?? MARKETPLACE_MODELS[name] ?? claudeKeyFromName(name);
  return key ? { model: key, modelName: name, known: true } : { model: name, modelName: name, known: false };
}

function parseMarketplace(service: string, usageType: string, modelMap: ModelMap): ParsedUsageType {
  const { prefix, region } = splitRegionPrefix(usageType);
  const { model, modelName, known } = marketplaceModel(service, modelMap);
  const base = {
    source: 'marketplace' as const,
    model,
    modelName,
    ...(region ? { region } : {}),
    ...(prefix ? { regionPrefix: prefix } : {}),
    tokensPerUnit: 1e6,
  };
  const m = /^[A-Z0-9]+-MP:[A-Z0-9]+_(.+?)(?:-Units)?$/.exec(usageType);
  if (!m) return unrecognized(base, 'not a Marketplace token usage type (expected <PFX>-MP:<PFX>_<dimension>-Units)');
  const dim = m[1]!;
  if (PROVISIONED.test(dim)) {
    return { ...base, category: 'provisioned', global: false, longContext: false, modelKnown: known, tokensPerUnit: undefined };
  }
  let direction: Direction | undefined;
  let quals: Qualifiers;
  let batchHead = false;
  let ttl: string | undefined;
  const parts = dim.split('_');
  const camel = CAMEL_HEAD.exec(parts[0]!);
  if (camel && /[A-Z]/.test(parts[0]![0] ?? '')) {
    batchHead = camel[1] !== undefined;
    if (camel[2]) direction = camel[2] === 'Read' ? 'cache-read' : 'cache-write';
    else if (camel[4]) direction = camel[4] === 'Input' ? 'input' : 'output';
    ttl = camel[3];
    quals = readQualifiers(parts.slice(1).map((p) => p.toLowerCase()));
  } else {
    const snake = SNAKE_KIND.exec(dim);
    if (snake) {
      direction = snake[1]!.replace('_', '-') as Direction;
      quals = readQualifiers((snake[2] ?? '').split('_').filter(Boolean));
    } else {
      quals = readQualifiers([]);
    }
  }
  if (!direction) return unrecognized(base, hintFor(usageType) ?? `unknown Marketplace dimension ${dim}`);
  if (quals.unknown.length) return unrecognized(base, `unknown qualifier(s) ${quals.unknown.join(', ')}`);
  if (batchHead) quals.tier = 'batch';
  return tokenUsage(base, known, direction, ttl ?? quals.ttl, quals);
}

// ---------------------------------------------------------------------------
// Amazon Bedrock: "<PFX>-<ModelToken>-<kind>-tokens[-qualifiers]" and the mantle form

const MODALITY = '(text|speech|image|audio|video)';
const LEGACY_TOKENS = new RegExp(
  `^(.+?)-(?:${MODALITY}-)?(input|output|cache-read|cache-write)(?:-${MODALITY})?-(?:input-)?token(?:s|-count)((?:-[^-]+)*)$`,
);
const MANTLE_TOKENS = /^(input|output|cache-read|cache-write)-tokens((?:-[^-]+)*)$/;

function firstPartyModel(token: string, modelMap: ModelMap): { model: string; modelName: string; known: boolean } {
  const mapped = modelMap[token];
  if (mapped) return { model: mapped, modelName: token, known: true };
  const entry = FIRST_PARTY_MODELS[token];
  return entry ? { model: entry.key, modelName: entry.name, known: true } : { model: token, modelName: token, known: false };
}

function parseFirstParty(usageType: string, modelMap: ModelMap): ParsedUsageType {
  const { prefix, region, body } = splitRegionPrefix(usageType);
  const where = { ...(region ? { region } : {}), ...(prefix ? { regionPrefix: prefix } : {}) };
  const base = { source: 'bedrock' as const, ...where };

  const mantleAt = body.indexOf('-mantle-');
  if (mantleAt > 0) {
    const id = body.slice(0, mantleAt);
    const key = modelMap[id] ?? canonicalFromModelId(id);
    const withModel = { ...base, model: key, modelName: id, tokensPerUnit: 1e3 };
    const rest = body.slice(mantleAt + '-mantle-'.length);
    if (PROVISIONED.test(rest)) return { ...withModel, category: 'provisioned', global: false, longContext: false, modelKnown: true, tokensPerUnit: undefined };
    const m = MANTLE_TOKENS.exec(rest);
    if (!m) return unrecognized(withModel, hintFor(usageType) ?? `unknown mantle usage ${rest}`);
    return finishTokens(withModel, m[1] as Direction, m[2] ?? '', undefined, true);
  }

  if (PROVISIONED.test(body)) {
    const token = body.split(/-(?=provisioned|model-?units?|reserved|commit)/i)[0] ?? body;
    const { model, modelName, known } = firstPartyModel(token, modelMap);
    return { ...base, model, modelName, category: 'provisioned', global: false, longContext: false, modelKnown: known };
  }

  const m = LEGACY_TOKENS.exec(body);
  if (!m) return unrecognized(base, hintFor(usageType));
  let token = m[1]!;
  let latency = false;
  if (/-LatencyOptimized$/i.test(token)) {
    token = token.replace(/-LatencyOptimized$/i, '');
    latency = true;
  }
  const modality = m[2] ?? m[4];
  const { model, modelName, known } = firstPartyModel(token, modelMap);
  const withModel = {
    ...base,
    model,
    modelName,
    tokensPerUnit: 1e3,
    ...(modality && modality !== 'text' ? { modality } : {}),
  };
  return finishTokens(withModel, m[3] as Direction, m[5] ?? '', latency ? 'latency-optimized' : undefined, known);
}

function finishTokens(
  base: Omit<ParsedUsageType, 'category' | 'global' | 'longContext' | 'modelKnown'>,
  direction: Direction,
  rest: string,
  forcedTier: 'latency-optimized' | undefined,
  known: boolean,
): ParsedUsageType {
  const quals = readQualifiers(rest.split('-').filter(Boolean).map((w) => w.toLowerCase()));
  if (quals.custom) return unrecognized(base, 'custom-model inference (billed to a customized model, not the base model)');
  if (quals.unknown.length) return unrecognized(base, `unknown qualifier(s) ${quals.unknown.join(', ')}`);
  if (forcedTier && !quals.tier) quals.tier = forcedTier;
  return tokenUsage(base, known, direction, quals.ttl, quals);
}
