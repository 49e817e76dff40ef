/**
 * Model-ID normalization: every way a model is named in logs → the catalog's
 * canonical key.
 *
 * Bedrock: the foundation-model ID without cross-region prefix (us., eu., apac.,
 * jp., au., us-gov., ca., global.), context suffix (:200k, :1m, :mm), version suffix
 * (-v1:0, :0, -v2, -1:0) and date stamp (-YYYYMMDD). Profile IDs, inference-profile
 * ARNs and foundation-model ARNs reduce to the same key; the prefix and the ARN's
 * region are kept for regional pricing. Application-inference-profile, prompt-router,
 * provisioned/custom/imported-model ARNs name no model: they need the user's modelMap.
 *
 * Other providers: "<provider>/<model>" with the provider spelled one way:
 * azure | azure-openai | azure_openai → azure-openai; vertex | vertex_ai | google |
 * gemini → vertex; openai → openai; anthropic → anthropic. Plain names as gateways and
 * Claude Code log them: gpt-*, o1/o3/o4*, chatgpt-* → openai/…; claude-* → anthropic/…;
 * gemini-* → vertex/…. Date suffixes (-2024-08-06, -0125, -20250929) and Gemini version
 * suffixes (-001, @001) are dropped. Claude IDs: a dotted version (claude-opus-4.6, as
 * OpenRouter and AI gateways write it) is hyphenated. Any ID: Claude Code's context-window
 * tag ([1m]) is dropped.
 *
 * Claude on Vertex AI is billed by Google, not Anthropic, so it keys as `vertex/claude-…`
 * (priced by the Vertex catalog's Claude rows): IDs in Vertex's own form
 * `claude-sonnet-4-5@20250929` (the `@` date is Vertex's; the Anthropic API writes
 * `-20250929`), resource paths `…/publishers/anthropic/models/claude-…`, and
 * `vertex_ai/claude-…` (LiteLLM) or `vertex/claude-…`. resolvePrice prices openai/… at the azure-openai/…
 * Global Standard rate when the catalog has no openai entry.
 */

export interface ParsedModelId {
  raw: string;
  /** Canonical key. */
  key: string;
  /** Canonical key keeping its date stamp (equals `key` when there is none): a dated catalog entry wins over the undated one. */
  datedKey: string;
  provider?: string;
  /** Cross-region prefix of a Bedrock inference profile: us, eu, apac, jp, au, us-gov, ca or global. */
  profile?: string;
  /** Region named by an ARN (or a Vertex resource path). */
  region?: string;
  /** ARN resource type, e.g. "foundation-model", "application-inference-profile". */
  arnResource?: string;
  /** True for ARNs that name no model: only the user's modelMap can price them. */
  needsMapping: boolean;
}

export const PROFILE_PREFIXES = ['us-gov', 'us', 'eu', 'apac', 'jp', 'au', 'ca', 'global'] as const;

/** Bedrock model providers (the part before the first dot of a foundation-model ID). */
const BEDROCK_VENDORS = new Set([
  'amazon', 'anthropic', 'meta', 'mistral', 'cohere', 'ai21', 'deepseek', 'openai', 'qwen', 'writer',
  'twelvelabs', 'stability', 'google', 'nvidia', 'minimax', 'moonshotai', 'moonshot', 'luma', 'zai',
]);

const PROVIDER_ALIASES: Record<string, string> = {
  bedrock: 'bedrock', aws: 'bedrock', 'aws-bedrock': 'bedrock', 'amazon-bedrock': 'bedrock',
  bedrock_converse: 'bedrock', 'bedrock-converse': 'bedrock',
  azure: 'azure-openai', 'azure-openai': 'azure-openai', azure_openai: 'azure-openai', azureopenai: 'azure-openai',
  openai: 'openai',
  anthropic: 'anthropic',
  vertex: 'vertex', vertex_ai: 'vertex', 'vertex-ai': 'vertex', vertexai: 'vertex', google: 'vertex',
  'google-vertex': 'vertex', google_vertex: 'vertex', gemini: 'vertex', 'vertex_ai-language-models': 'vertex',
};

const CONTEXT_TAG = /\[\d+[km]\]$/i;
const ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):(\d*):([a-z-]+)\/(.+)$/i;
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ARN_MODEL_RESOURCES = new Set(['foundation-model', 'inference-profile']);

/**
 * A Claude model's fast-mode ID, as gateways name it (`claude-opus-5-5-fast`, OpenRouter's
 * `claude-opus-5-fast-20260723`): `-fast` after the model, before a date or Claude Code's `[1m]` tag; an ID
 * that already names fast mode as it is.
 */
export function fastModelId(model: string): string {
  const m = /^(.*?)(-\d{8})?(\[1m\])?$/i.exec(model)!;
  if (/-fast$/i.test(m[1]!)) return model;
  return `${m[1]}-fast${m[2] ?? ''}${m[3] ?? ''}`;
}

/** The canonical key of any model ID, profile ID or ARN (see the module comment). */
export function canonicalModelKey(modelId: string): string {
  return parseModelId(modelId).key;
}

/** Splits a model ID into its canonical key and the pricing-relevant parts around it. */
export function parseModelId(modelId: string): ParsedModelId {
  const raw = String(modelId ?? '').trim();
  // Claude Code names a model's 1M-token context window with a tag ("claude-opus-4-6[1m]",
  // "global.anthropic.claude-opus-5-5[1m]"); the price is the model's own.
  const untagged = raw.replace(CONTEXT_TAG, '');
  const arn = ARN.exec(untagged);
  if (arn) {
    const region = arn[1] ? arn[1].toLowerCase() : undefined;
    const resource = arn[3]!.toLowerCase();
    if (!ARN_MODEL_RESOURCES.has(resource)) {
      return { raw, key: raw, datedKey: raw, provider: 'bedrock', region, arnResource: resource, needsMapping: true };
    }
    const inner = parseBedrockId(arn[4]!.toLowerCase());
    return { raw, ...inner, provider: 'bedrock', region, arnResource: resource, needsMapping: false };
  }
  const id = untagged.toLowerCase();

  // Vertex resource paths: projects/p/locations/l/publishers/google/models/gemini-…, models/gemini-…, …/publishers/anthropic/models/claude-…
  const vertexPath = /^(?:projects\/[^/]+\/locations\/([^/]+)\/)?(?:publishers\/(?:google|anthropic)\/)?models\/([^/]+)$/.exec(id);
  if (vertexPath) {
    const name = vertexModelName(vertexPath[2]!);
    return { raw, key: `vertex/${name.key}`, datedKey: `vertex/${name.dated}`, provider: 'vertex', ...(vertexPath[1] ? { region: vertexPath[1] } : {}), needsMapping: false };
  }

  const slash = id.indexOf('/');
  if (slash > 0) {
    const prefix = id.slice(0, slash);
    const rest = id.slice(slash + 1);
    const provider = PROVIDER_ALIASES[prefix];
    if (provider === 'bedrock') return { raw, ...parseBedrockId(stripLiteLLMRoute(rest)), provider, needsMapping: false };
    if (provider === 'vertex') {
      const name = vertexModelName(rest.replace(/^(?:publishers\/(?:google|anthropic)\/)?models\//, ''));
      return { raw, key: `vertex/${name.key}`, datedKey: `vertex/${name.dated}`, provider, needsMapping: false };
    }
    if (provider === 'anthropic') {
      const name = normalizeAnthropic(rest);
      return { raw, key: `anthropic/${name.key}`, datedKey: `anthropic/${name.dated}`, provider, needsMapping: false };
    }
    if (provider === 'azure-openai' || provider === 'openai') {
      const name = normalizeOpenAI(rest);
      return { raw, key: `${provider}/${name.key}`, datedKey: `${provider}/${name.dated}`, provider, needsMapping: false };
    }
    return { raw, key: id, datedKey: id, provider: prefix, needsMapping: false };
  }

  if (/^(gpt-|chatgpt-|o\d(?:-|$)|text-embedding-)/.test(id)) {
    const name = normalizeOpenAI(id);
    return { raw, key: `openai/${name.key}`, datedKey: `openai/${name.dated}`, provider: 'openai', needsMapping: false };
  }
  if (/^claude-[^@]*@\d{8}$/.test(id)) {
    // Vertex's own ID form: Claude served (and billed) by Google.
    const name = normalizeAnthropic(id);
    return { raw, key: `vertex/${name.key}`, datedKey: `vertex/${name.dated}`, provider: 'vertex', needsMapping: false };
  }
  if (/^claude-/.test(id)) {
    const name = normalizeAnthropic(id);
    return { raw, key: `anthropic/${name.key}`, datedKey: `anthropic/${name.dated}`, provider: 'anthropic', needsMapping: false };
  }
  if (/^gemini-/.test(id)) {
    const name = normalizeGemini(id);
    return { raw, key: `vertex/${name.key}`, datedKey: `vertex/${name.dated}`, provider: 'vertex', needsMapping: false };
  }
  if (looksLikeBedrock(id)) return { raw, ...parseBedrockId(id), provider: 'bedrock', needsMapping: false };
  return { raw, key: id, datedKey: id, needsMapping: false };
}

function looksLikeBedrock(id: string): boolean {
  const parts = id.split('.');
  if (parts.length < 2) return false;
  if ((PROFILE_PREFIXES as readonly string[]).includes(parts[0]!) && parts.length >= 3) return true;
  // A known vendor, or "vendor.model" ending in a Bedrock version suffix (-v1:0, :0, -v2).
  return BEDROCK_VENDORS.has(parts[0]!) || /^[a-z0-9-]+\.[^/]+(?:-v\d+|:\d+)$/.test(id);
}

/** LiteLLM-style routes: bedrock/converse/…, bedrock/us-east-1/…, bedrock/invoke/… */
function stripLiteLLMRoute(rest: string): string {
  const segs = rest.split('/');
  while (segs.length > 1 && (AWS_REGION.test(segs[0]!) || /^(converse|invoke|\*|\d+-month-commitment)$/.test(segs[0]!))) segs.shift();
  return segs.join('/');
}

function parseBedrockId(id: string): { key: string; datedKey: string; profile?: string } {
  let rest = id;
  let profile: string | undefined;
  const dot = rest.indexOf('.');
  const first = dot > 0 ? rest.slice(0, dot) : '';
  if ((PROFILE_PREFIXES as readonly string[]).includes(first) && rest.indexOf('.', dot + 1) > 0) {
    profile = first;
    rest = rest.slice(dot + 1);
  }
  const dated = stripVersion(rest);
  const key = dated.replace(/-\d{8}$/, '');
  return profile ? { key, datedKey: dated, profile } : { key, datedKey: dated };
}

/**
 * Drops the context suffix (:200k, :1m, :mm) and the version suffix: "-v1:0", "-v0:2", ":0", "-v1",
 * and "-1:0" after a named segment (openai.gpt-oss-120b-1:0) but not after a number
 * (a hypothetical claude-sonnet-4-6:0 keeps its "-6").
 */
function stripVersion(id: string): string {
  let s = id.replace(/:(\d+[km]|mm)$/, '');
  const colon = /(?::\d+)+$/.exec(s);
  if (colon) {
    s = s.slice(0, colon.index);
    if (/-v\d+$/.test(s)) return s.replace(/-v\d+$/, '');
    return s.replace(/(-[a-z0-9]*[a-z][a-z0-9]*)-\d{1,2}$/, '$1');
  }
  return s.replace(/-v\d+$/, '');
}

function normalizeOpenAI(name: string): { key: string; dated: string } {
  const dated = name.trim();
  const key = dated.replace(/-\d{4}-\d{2}-\d{2}$/, '').replace(/-(?:0[1-9]|1[0-2])\d{2}$/, '');
  return { key, dated };
}

/**
 * Anthropic API IDs: the date stamp (-20250929, or @20250929 as Vertex writes it) is dropped; a dotted
 * version as gateways write it (claude-opus-4.6, claude-3.5-sonnet) is the API's hyphenated one;
 * -latest and -0 aliases are catalog aliases.
 */
function normalizeAnthropic(name: string): { key: string; dated: string } {
  const dated = name.trim().replace(/@(\d{8})$/, '-$1').replace(/(\d)\.(?=\d)/g, '$1-');
  // A date at the end, or before a fast-mode suffix (ccusage writes claude-opus-4-6-20260205-fast).
  return { key: dated.replace(/-\d{8}(?=(?:-fast)?$)/, ''), dated };
}

/** A model served by Vertex AI: Claude (Anthropic's naming) or Gemini. */
function vertexModelName(name: string): { key: string; dated: string } {
  return /^claude-/.test(name.trim()) ? normalizeAnthropic(name) : normalizeGemini(name);
}

function normalizeGemini(name: string): { key: string; dated: string } {
  const dated = name.trim();
  // A version (-001, @001), or a preview's date (gemini-3-flash-preview-09-2025, …-preview-06-17): the preview's own key.
  return { key: dated.replace(/(?:-|@)\d{3}$/, '').replace(/(-preview)-\d{2}-\d{2}(?:\d{2})?$/, '$1'), dated };
}
