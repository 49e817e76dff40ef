/**
 * Non-AWS bill lines → (model, token class, tier): Azure meters, Google Cloud
 * SKU descriptions, Anthropic and OpenAI cost-report items. Pure. The rules
 * are the documented normalization tables of docs/costs.md; a line they cannot
 * read is returned as 'unrecognized' with a reason (listed, never dropped).
 */
import type { ParsedUsageType, TokenKind, UsageTier } from './usageTypes.js';

/** Where an LLM line was billed. */
export const BILL_PROVIDERS = ['aws', 'azure', 'gcp', 'anthropic', 'openai'] as const;
export type BillProvider = (typeof BILL_PROVIDERS)[number];

/** Azure OpenAI / Foundry deployment types, as meters name them. */
const AZURE_DEPLOYMENTS = ['global', 'data-zone', 'regional', 'provisioned'] as const;
export type AzureDeployment = (typeof AZURE_DEPLOYMENTS)[number];

function tokens(base: Omit<ParsedUsageType, 'category' | 'global' | 'longContext' | 'modelKnown'>, kind: TokenKind, tier: UsageTier, global: boolean): ParsedUsageType {
  return { ...base, category: 'tokens', tokenKind: kind, tier, global, longContext: false, modelKnown: true };
}

function unrecognized(base: Omit<ParsedUsageType, 'category' | 'global' | 'longContext' | 'modelKnown'>, reason: string): ParsedUsageType {
  return { ...base, category: 'unrecognized', global: false, longContext: false, modelKnown: false, reason };
}

// --- Azure ----------------------------------------------------------------------

/** Meter words → deployment type (Azure abbreviates: glbl, DZone, regnl). */
const AZURE_DEPLOYMENT_WORDS: Readonly<Record<string, AzureDeployment>> = {
  glbl: 'global',
  global: 'global',
  gl: 'global',
  dzone: 'data-zone',
  datazone: 'data-zone',
  dz: 'data-zone',
  regnl: 'regional',
  regional: 'regional',
  rgnl: 'regional',
  provisioned: 'provisioned',
  ptu: 'provisioned',
};

/** Meter words → token class. */
const AZURE_TOKEN_WORDS: Readonly<Record<string, 'input' | 'output' | 'cached'>> = {
  inp: 'input',
  input: 'input',
  in: 'input',
  outp: 'output',
  output: 'output',
  out: 'output',
  cached: 'cached',
  cchd: 'cached',
  cache: 'cached',
  cd: 'cached',
};

const AZURE_NOISE = new Set(['tokens', 'token', 'tok', 'tkns', '1k', '1m', 'units', 'unit', 'managed', 'zone', 'data', 'batch', 'bt', 'std', 'standard']);

/**
 * An Azure OpenAI / Foundry token meter ("gpt 4o 0513 Input global Tokens",
 * "gpt-4o-mini-0718-Inp-glbl Tokens", "gpt 4o 0806 cached Input DZone Tokens",
 * "GPT-4o-mini-0718-Batch-Outp-glbl") → model `azure-openai/<family>`, token
 * class, deployment type. `version` is the meter's 4-digit model version.
 */
export function parseAzureMeter(meter: string): ParsedUsageType & { deployment?: AzureDeployment } {
  const lower = meter.toLowerCase().replace(/data\s+zone/g, 'datazone');
  const words = lower.split(/[\s_-]+/).filter(Boolean);
  let deployment: AzureDeployment | undefined;
  let kind: 'input' | 'output' | undefined;
  let cached = false;
  let version: string | undefined;
  const model: string[] = [];
  for (const w of words) {
    if (AZURE_DEPLOYMENT_WORDS[w]) deployment = deployment === 'provisioned' ? deployment : AZURE_DEPLOYMENT_WORDS[w];
    else if (AZURE_TOKEN_WORDS[w]) {
      const k = AZURE_TOKEN_WORDS[w]!;
      if (k === 'cached') cached = true;
      else kind = k;
    } else if (/^\d{4}$/.test(w)) version = w;
    else if (!AZURE_NOISE.has(w)) model.push(w);
  }
  const batch = words.includes('batch') || words.includes('bt');
  const family = model.join('-');
  const base = {
    source: 'azure' as const,
    ...(family ? { model: `azure-openai/${family}`, modelName: `${family}${version ? ` (${version})` : ''}` } : {}),
  };
  if (deployment === 'provisioned') {
    return family ? { ...base, category: 'provisioned', global: false, longContext: false, modelKnown: true, deployment } : { ...unrecognized(base, 'provisioned throughput (PTU) not named after a model'), deployment };
  }
  if (!family) return unrecognized(base, 'no model name in the meter');
  if (cached && kind !== 'output') return { ...tokens(base, 'cacheRead', batch ? 'batch' : deployment === 'global' ? 'global' : 'on-demand', deployment === 'global'), deployment: deployment ?? 'regional' };
  if (!kind) return unrecognized(base, 'not an input, output or cached-input token meter');
  return { ...tokens(base, kind, batch ? 'batch' : deployment === 'global' ? 'global' : 'on-demand', deployment === 'global'), deployment: deployment ?? 'regional' };
}

/** Whether an Azure line is model inference (Azure OpenAI, Foundry Models) rather than another service. */
export function isAzureLlm(meterCategory: string, meterSubCategory: string, meterName: string): boolean {
  const c = `${meterCategory} ${meterSubCategory}`.toLowerCase();
  return /openai|foundry models|ai foundry|ai services/.test(c) || (/cognitive services/.test(c) && /token/i.test(meterName));
}

// --- Google Cloud (Vertex AI) ---------------------------------------------------------

/**
 * A Vertex AI SKU description → model `vertex/<model>` and token class. The
 * table of docs/costs.md: the model is "Gemini <version> <variant>" (Pro,
 * Flash, Flash Lite) or "Claude <name>" anywhere in the description; the token
 * class is "cached …input/cache read" → cacheRead, "input" → input, "output" →
 * output; "batch" marks the batch tier. Examples: "Gemini 2.5 Pro Input Text
 * Tokens", "Gemini 2.0 Flash Output Text Tokens (Batch)", "Cached Input Text
 * Tokens for Gemini 2.5 Flash".
 */
export function parseVertexSku(sku: string): ParsedUsageType {
  const lower = sku.toLowerCase();
  const gemini = /gemini[\s-]+(\d+(?:\.\d+)?)[\s-]+(pro|flash[\s-]+lite|flash|ultra)/.exec(lower);
  const claude = /claude[\s-]+((?:opus|sonnet|haiku)[\s-]+\d+(?:[.\s-]\d+)?|\d+(?:\.\d+)?[\s-]+(?:opus|sonnet|haiku))/.exec(lower);
  const model = gemini ? `gemini-${gemini[1]}-${gemini[2]!.replace(/[\s-]+/, '-')}` : claude ? claudeModel(claude[1]!) : undefined;
  const base = { source: 'vertex' as const, ...(model ? { model: `vertex/${model}`, modelName: sku } : {}) };
  if (!model) return unrecognized(base, 'no Gemini or Claude model named in the SKU');
  const batch = /\bbatch\b/.test(lower);
  const tier: UsageTier = batch ? 'batch' : 'on-demand';
  // Claude's prompt-cache writes (5-minute, or 1-hour when the SKU says so) before the reads and plain input.
  if (/cache[ds]?\s*(?:write|creation)|caching\s+write|cache\s+writes?/.test(lower) && !/storage/.test(lower)) {
    return tokens(base, /\b1\s*h(?:ou)?r?\b|1-hour|one hour/.test(lower) ? 'cacheWrite1h' : 'cacheWrite5m', tier, false);
  }
  if (/cache[d]?\s+(?:input|read)|cached|cache read|cache hit/.test(lower) && !/storage/.test(lower)) return tokens(base, 'cacheRead', tier, false);
  if (/cache.*storage|storage/.test(lower)) return unrecognized(base, 'context-cache storage (per hour), not tokens');
  if (/\binput\b/.test(lower)) return tokens(base, 'input', tier, false);
  if (/\boutput\b/.test(lower)) return tokens(base, 'output', tier, false);
  return unrecognized(base, 'not an input, output or cached-input SKU');
}

/**
 * A Claude name from a SKU → the Anthropic model ID stem: "Sonnet 4.5" → claude-sonnet-4-5 (the 4.x naming), "3.5
 * Sonnet" → claude-3-5-sonnet (the 3.x naming); "4.5 Sonnet" (version first, 4.x) is put in the 4.x order.
 */
function claudeModel(name: string): string {
  const parts = name.split(/[\s.-]+/);
  const versionFirst = /^\d/.test(parts[0]!);
  if (versionFirst && Number(parts[0]) >= 4) return `claude-${parts[parts.length - 1]}-${parts.slice(0, -1).join('-')}`;
  return `claude-${parts.join('-')}`;
}

// --- Anthropic and OpenAI cost reports -------------------------------------------------

/** Anthropic cost report `token_type` → token class. */
const ANTHROPIC_TOKEN_TYPES: Readonly<Record<string, TokenKind>> = {
  uncached_input_tokens: 'input',
  output_tokens: 'output',
  cache_read_input_tokens: 'cacheRead',
  'cache_creation.ephemeral_5m_input_tokens': 'cacheWrite5m',
  'cache_creation.ephemeral_1h_input_tokens': 'cacheWrite1h',
};

/** One Anthropic cost-report item (cost_type tokens, grouped by description) → model and token class. */
export function parseAnthropicCost(item: { model?: string | null; token_type?: string | null; cost_type?: string | null; service_tier?: string | null; description?: string | null }): ParsedUsageType {
  const base = { source: 'anthropic' as const, ...(item.model ? { model: `anthropic/${item.model}`, modelName: item.model } : {}) };
  if (item.cost_type && item.cost_type !== 'tokens') return unrecognized(base, `${item.cost_type} (not tokens)`);
  const kind = item.token_type ? ANTHROPIC_TOKEN_TYPES[item.token_type] : undefined;
  if (!item.model) return unrecognized(base, 'no model: request the cost report with group_by[]=description');
  if (!kind) return unrecognized(base, item.token_type ? `unknown token_type ${item.token_type}` : 'no token_type: request the cost report with group_by[]=description');
  return tokens(base, kind, item.service_tier === 'batch' ? 'batch' : 'on-demand', false);
}

/**
 * An OpenAI costs `line_item` ("gpt-4o-2024-08-06, input", "gpt-4o-mini, cached
 * input", "o3, output", "gpt-4.1, batch input") → `openai/<model>` and token class.
 */
export function parseOpenAiLineItem(lineItem: string): ParsedUsageType {
  const m = /^(.+?),\s*(.+)$/.exec(lineItem.trim());
  const model = m?.[1]?.trim();
  const what = (m?.[2] ?? '').toLowerCase();
  const base = { source: 'openai' as const, ...(model ? { model: `openai/${model}`, modelName: model } : {}) };
  if (!model) return unrecognized(base, 'not "<model>, <input|output|cached input>"');
  const tier: UsageTier = /\bbatch\b/.test(what) ? 'batch' : 'on-demand';
  if (/cached input/.test(what)) return tokens(base, 'cacheRead', tier, false);
  if (/\binput\b/.test(what)) return tokens(base, 'input', tier, false);
  if (/\boutput\b/.test(what)) return tokens(base, 'output', tier, false);
  return unrecognized(base, `"${m?.[2]}" is not input, output or cached input`);
}
