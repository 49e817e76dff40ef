/**
 * tokor.config.yaml, validated. File keys are the flags' camelCase names;
 * unknown keys are errors. Pure: no I/O here (see load.ts).
 */
import { z } from 'zod';

export const PROVIDERS = ['bedrock', 'openai', 'replay'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const ROUTING_PATTERNS = ['classifier', 'cascade', 'confidence'] as const;
export type RoutingPattern = (typeof ROUTING_PATTERNS)[number];

export const BAR_MODES = ['relative', 'absolute'] as const;
export type BarMode = (typeof BAR_MODES)[number];

export const AGGRESSIVENESS = ['quality-first', 'balanced', 'max-savings'] as const;
export type Aggressiveness = (typeof AGGRESSIVENESS)[number];

/**
 * What each aggressiveness preset means. `bar` is relative to the frontier
 * tier's pass rate (parity) unless a scope sets barMode: absolute.
 */
export const AGGRESSIVENESS_PRESETS: Record<Aggressiveness, { bar: number; confidence: number }> = {
  'quality-first': { bar: 0.99, confidence: 0.99 },
  balanced: { bar: 0.95, confidence: 0.95 },
  'max-savings': { bar: 0.9, confidence: 0.9 },
};

const unit = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const TierSchema = z.strictObject({
  /** Tier name used on the command line (--tier cheap). */
  name: z.string().min(1),
  provider: z.enum(PROVIDERS).default('bedrock'),
  /** Model ID or inference profile ID/ARN as sent to the provider. */
  model: z.string().min(1),
  region: z.string().optional(),
  profile: z.string().optional(),
  endpointUrl: z.string().url().optional(),
  /** openai provider: base URL and the environment variable holding the key. */
  baseUrl: z.string().url().optional(),
  apiKeyEnv: z.string().optional(),
  /** Model ID to price with when it differs from `model` (e.g. a gateway alias). */
  priceAs: z.string().optional(),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
});
export type TierConfig = z.infer<typeof TierSchema>;

export const QualitySchema = z.strictObject({
  bar: unit.default(0.95),
  barMode: z.enum(BAR_MODES).default('relative'),
  confidence: z.number().gt(0.5, 'must be above 0.5').lt(1, 'must be below 1').default(0.95),
});

export const RoutingSchema = z.strictObject({
  pattern: z.enum(ROUTING_PATTERNS).default('classifier'),
  /** One threshold per tier boundary (n tiers → n−1), on the router's score. */
  thresholds: z.array(unit).optional(),
  /** A `tokor calibrate --out` policy file to take pattern and thresholds from. */
  policyFile: z.string().optional(),
  /** A `tokor calibrate --out-router` model. */
  routerModel: z.string().optional(),
  /** The router's own cost per request in USD, charged on every request. */
  routerCostUsd: z.number().min(0).default(0),
  /** cascade: the grader that decides escalation (e.g. valid-json). */
  gate: z.string().optional(),
  /** confidence: the results field holding the confidence signal. */
  confidenceField: z.string().optional(),
});

export const ScopeSchema = z.strictObject({
  name: z.string().min(1),
  /** Matched against traffic tags (team, app, repo …) and dataset categories/tasks. */
  match: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  floor: unit.optional(),
  barMode: z.enum(BAR_MODES).optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
  allowedTiers: z.array(z.string()).optional(),
  aggressiveness: z.enum(AGGRESSIVENESS).optional(),
});
export type ScopeConfig = z.infer<typeof ScopeSchema>;

export const ConfigSchema = z.strictObject({
  /** The tier ladder, cheapest first; the last tier is the frontier. */
  tiers: z.array(TierSchema).min(2, 'a ladder needs at least two tiers').optional(),
  /** Extra price catalog (JSON or YAML) that extends or overrides the built-in one. */
  catalog: z.string().optional(),
  /** Model IDs the catalog cannot know (application inference profiles, prompt routers) → a priced model ID. */
  modelMap: z.record(z.string(), z.string()).optional(),
  quality: QualitySchema.optional(),
  aggressiveness: z.enum(AGGRESSIVENESS).optional(),
  routing: RoutingSchema.optional(),
  scopes: z.array(ScopeSchema).optional(),
  /** analyze: default --group-by. */
  groupBy: z.string().optional(),
  /** eval: where responses are cached. */
  cacheDir: z.string().optional(),
});
export type TokorConfig = z.infer<typeof ConfigSchema>;

/**
 * The documented default ladder: real Bedrock models through US cross-region
 * inference profiles. Nova Lite → Claude Haiku 4.5 → Claude Sonnet 4.5.
 */
export const DEFAULT_TIERS: TierConfig[] = [
  { name: 'cheap', provider: 'bedrock', model: 'us.amazon.nova-lite-v1:0', region: 'us-east-1' },
  { name: 'mid', provider: 'bedrock', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', region: 'us-east-1' },
  { name: 'frontier', provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', region: 'us-east-1' },
];

/** Checks a parsed config; returns issues as "dot.path: message" strings (empty when valid). */
export function validateConfig(raw: unknown): { config?: TokorConfig; issues: { path: (string | number)[]; message: string }[] } {
  const result = ConfigSchema.safeParse(raw ?? {});
  if (result.success) {
    const issues = crossCheck(result.data);
    return issues.length ? { issues } : { config: result.data, issues };
  }
  return {
    issues: result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
  };
}

function crossCheck(c: TokorConfig): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const names = (c.tiers ?? DEFAULT_TIERS).map((t) => t.name);
  const seen = new Set<string>();
  (c.tiers ?? []).forEach((t, i) => {
    if (seen.has(t.name)) issues.push({ path: ['tiers', i, 'name'], message: `duplicate tier name "${t.name}"` });
    seen.add(t.name);
  });
  if (c.routing?.thresholds && c.routing.thresholds.length !== names.length - 1) {
    issues.push({ path: ['routing', 'thresholds'], message: `expected ${names.length - 1} thresholds for ${names.length} tiers, got ${c.routing.thresholds.length}` });
  }
  (c.scopes ?? []).forEach((s, i) =>
    (s.allowedTiers ?? []).forEach((t, j) => {
      if (!names.includes(t)) issues.push({ path: ['scopes', i, 'allowedTiers', j], message: `unknown tier "${t}" (tiers: ${names.join(', ')})` });
    }),
  );
  return issues;
}

/** The ladder in force: config tiers or the default. */
export function tiersOf(config: TokorConfig): TierConfig[] {
  return config.tiers ?? DEFAULT_TIERS;
}
