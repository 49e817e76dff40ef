/**
 * tokor.config.yaml, validated. File keys are the flags' camelCase names;
 * unknown keys are errors. Pure: no I/O here (see load.ts).
 */
import { z } from 'zod';
import { issueText } from '../issueText.js';

/**
 * What a routing pattern's saved route needs beyond its thresholds — the
 * router model (classifier, scope-classifier) and the scopes it routes by (the
 * per-scope families: a policy file's `scopes`; config thresholds cannot carry
 * them) — and what its thresholds may be, for config `routing.thresholds` and
 * policy files alike. Each pattern states its own (src/calibrate/patterns/).
 */
export interface PatternFacts {
  router: boolean;
  scopes: boolean;
  thresholds: { min: number; max: number; meaning: string };
}

/**
 * The names a config refers to that registries define: the tier providers
 * (src/providers/index.ts) and the routing patterns with their facts
 * (src/calibrate/patterns/index.ts). The loader hands them over
 * (config/load.ts), so that this schema imports no registry.
 */
export interface ConfigVocabulary {
  providers: readonly string[];
  patterns: Readonly<Record<string, PatternFacts>>;
}

/** The item attributes a per-scope pattern may scope by (what results rows carry), in order of preference. */
export const SCOPE_KEYS = ['category', 'task'] as const;
export type ScopeKey = (typeof SCOPE_KEYS)[number];

export const BAR_MODES = ['relative', 'absolute'] as const;
export type BarMode = (typeof BAR_MODES)[number];

const AGGRESSIVENESS = ['quality-first', 'balanced', 'max-savings'] as const;
export type Aggressiveness = (typeof AGGRESSIVENESS)[number];

/** The preset used when neither `aggressiveness` nor `quality.bar`/`quality.confidence` is set. */
const DEFAULT_AGGRESSIVENESS: Aggressiveness = 'balanced';

/**
 * What each aggressiveness preset means: the quality bar (a floor on the lower
 * confidence bound) and the confidence of that bound. `bar` is relative to the
 * frontier tier's pass rate (parity) unless barMode is absolute.
 *
 * - quality-first: keep ≥ 98% of frontier quality, proven at 99% confidence.
 *   Not 0.99/0.99: a 99% parity floor at 99% confidence is out of reach of any
 *   routing on golden sets of a few hundred items (the bound's width alone is
 *   larger than 1 point), so the preset would only ever mean "all frontier".
 * - balanced: ≥ 95% of frontier quality at 95% confidence (RouteLLM's
 *   "95% of GPT-4 quality" operating point, with a proof instead of a mean).
 * - max-savings: ≥ 90% of frontier quality at 90% confidence: gives up more
 *   quality and accepts a 1-in-10 risk that the true quality is below the bar.
 */
export const AGGRESSIVENESS_PRESETS: Record<Aggressiveness, { bar: number; confidence: number; summary: string }> = {
  'quality-first': { bar: 0.98, confidence: 0.99, summary: '≥ 98% of frontier quality, at 99% confidence' },
  balanced: { bar: 0.95, confidence: 0.95, summary: '≥ 95% of frontier quality, at 95% confidence' },
  'max-savings': { bar: 0.9, confidence: 0.9, summary: '≥ 90% of frontier quality, at 90% confidence' },
};

const unit = z.number({ error: 'expected a number between 0 and 1' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const confidenceLevel = z
  .number({ error: 'expected a confidence level such as 0.95' })
  .gt(0.5, 'must be above 0.5 (e.g. 0.95)')
  .lt(1, 'must be below 1 (e.g. 0.95)');
const aggressivenessEnum = z.enum(AGGRESSIVENESS, { error: `expected one of ${AGGRESSIVENESS.join(', ')}` });
const barModeEnum = z.enum(BAR_MODES, { error: `expected one of ${BAR_MODES.join(', ')}` });

const TierSchema = z.strictObject({
  /** Tier name used on the command line (--tier cheap). */
  name: z.string().min(1),
  /** A key of the provider registry (src/providers/index.ts): checked against the loader's vocabulary. */
  provider: z.string().min(1).default('bedrock'),
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

/**
 * The quality bar. Unset keys come from `aggressiveness` (default balanced);
 * read the values in force with qualityOf().
 */
function tiersOfSchema<T extends z.ZodType>(tier: T) {
  return z.array(tier).min(2, 'a ladder needs at least two tiers').optional();
}

const QualitySchema = z.strictObject({
  bar: unit.optional(),
  barMode: barModeEnum.optional(),
  confidence: confidenceLevel.optional(),
});

/** The quality bar in force: every key resolved. */
export interface Quality {
  bar: number;
  barMode: BarMode;
  confidence: number;
}

const RoutingSchema = z.strictObject({
  /** A key of the routing-pattern registry (src/calibrate/patterns/index.ts): checked against the loader's vocabulary. */
  pattern: z.string().min(1).default('classifier'),
  /**
   * One threshold per tier boundary (n tiers → n−1). classifier: escalate past
   * a boundary while the router's score is ≥ it; cascade / confidence: escalate
   * from a tier while its gate score / confidence is < it.
   */
  thresholds: z.array(z.number({ error: 'expected a number' })).optional(),
  /** A `tokor calibrate --out` policy file to take pattern and thresholds from. */
  policyFile: z.string().optional(),
  /** A `tokor calibrate --out-router` model. */
  routerModel: z.string().optional(),
  /** The router's own cost per request in USD, charged on every request. */
  routerCostUsd: z.number().min(0).default(0),
  /** The router's own latency per request in ms, waited for on every request (classifier; default 1). */
  routerLatencyMs: z.number().min(0).optional(),
  /** cascade: the grader that decides escalation (e.g. valid-json). */
  gate: z.string().optional(),
  /** confidence: the results field holding the confidence signal. */
  confidenceField: z.string().optional(),
});

const matchValue = z.union([z.string(), z.array(z.string()).min(1)], { error: 'expected a string or a list of strings' });

const ScopeSchema = z.strictObject({
  name: z.string().min(1),
  /**
   * Which traffic and which golden items the scope covers: key → value(s).
   * A record belongs to the scope when ANY entry holds (values are
   * alternatives; `*` is a wildcard). Traffic is matched on its tags; golden
   * items on `category`, `task`, `dataset` and their `key:value` tags.
   */
  match: z.record(z.string(), matchValue).refine((m) => Object.keys(m).length > 0, 'expected at least one key, e.g. { team: payments, category: refunds }'),
  /** The quality floor routing never crosses in this scope (default: the aggressiveness preset's bar, else quality.bar). */
  floor: unit.optional(),
  barMode: barModeEnum.optional(),
  confidence: confidenceLevel.optional(),
  /**
   * Tiers this scope may be routed to; a disallowed tier is served by the next
   * allowed tier up. Must include the frontier (last) tier.
   */
  allowedTiers: z.array(z.string()).min(1, 'expected at least one tier').optional(),
  aggressiveness: aggressivenessEnum.optional(),
  /** tokor gate: fail when this scope's routed p95 latency exceeds this many ms (default: gate.maxP95LatencyMs). */
  maxP95LatencyMs: z.number().positive().optional(),
});

/** Defaults for `tokor gate` flags (the flags win). */
const GateSchema = z.strictObject({
  /** Fail when global savings fall below this percentage. */
  minSavings: z.number().min(0).max(100).optional(),
  /** Fail when savings drop by more than this many percentage points against --base. */
  maxSavingsDrop: z.number().min(0).max(100).optional(),
  /** Fail when the routed p95 latency (ms) of the whole population, or of a scope without its own, exceeds this. */
  maxP95LatencyMs: z.number().positive().optional(),
});

/**
 * When `tokor drift` and `tokor gate --traffic` fail (docs/drift.md), in a
 * config's `drift:` section or a policy file's `drift` key; flags win.
 */
export const DriftThresholdsSchema = z.strictObject({
  /** Family-wise false-alarm rate of the three tests (0–1, e.g. 0.01). */
  alpha: z.number({ error: 'expected a false-alarm rate such as 0.01' }).gt(0, 'must be above 0').lt(1, 'must be below 1').optional(),
  /** A measure drifts only when its population-stability index is at least this. */
  maxPsi: z.number({ error: 'expected a PSI such as 0.2' }).min(0, 'must be ≥ 0').optional(),
  /** Minimum share (0–1) of traffic requests in clusters the golden set has. */
  minCoverage: z.number({ error: 'expected a share between 0 and 1' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
});
export type DriftThresholdsConfig = z.infer<typeof DriftThresholdsSchema>;

export const ConfigSchema = z.strictObject({
  /** The tier ladder, cheapest first; the last tier is the frontier. */
  tiers: tiersOfSchema(TierSchema),
  /** Extra price catalog (JSON or YAML) that extends or overrides the built-in one. */
  catalog: z.string().optional(),
  /** Model IDs the catalog cannot know (application inference profiles, prompt routers) → a priced model ID. */
  modelMap: z.record(z.string(), z.string()).optional(),
  quality: QualitySchema.optional(),
  aggressiveness: aggressivenessEnum.optional(),
  routing: RoutingSchema.optional(),
  scopes: z.array(ScopeSchema).optional(),
  gate: GateSchema.optional(),
  /** tokor drift / gate --traffic thresholds. */
  drift: DriftThresholdsSchema.optional(),
  /** analyze: default --group-by. */
  groupBy: z.string().optional(),
  /** analyze: default --session-key (the requestMetadata key that names a request's session). */
  sessionKey: z.string().min(1).optional(),
  /** eval: where responses are cached. */
  cacheDir: z.string().optional(),
});

/** A validated config. `quality` is always filled in by validateConfig (see qualityOf). */
export type TokorConfig = Omit<z.output<typeof ConfigSchema>, 'quality'> & { quality?: Quality };

/**
 * The documented default ladder: real Bedrock models through US cross-region
 * inference profiles. Nova Lite → Claude Haiku 4.5 → Claude Sonnet 4.5.
 */
export const DEFAULT_TIERS: TierConfig[] = [
  { name: 'cheap', provider: 'bedrock', model: 'us.amazon.nova-lite-v1:0', region: 'us-east-1' },
  { name: 'mid', provider: 'bedrock', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', region: 'us-east-1' },
  { name: 'frontier', provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', region: 'us-east-1' },
];

/** The name of the implicit scope that covers everything. */
export const GLOBAL_SCOPE = 'global';

export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

/** Checks a parsed config against the registries' names; returns issues with their key paths (empty when valid). */
export function validateConfig(raw: unknown, vocabulary: ConfigVocabulary): { config?: TokorConfig; issues: ConfigIssue[] } {
  const result = schemaFor(vocabulary).safeParse(raw ?? {});
  if (!result.success) return { issues: dedupe(result.error.issues.flatMap(toConfigIssues)) };
  const issues = crossCheck(result.data, vocabulary);
  if (issues.length) return { issues };
  return { config: { ...result.data, quality: resolveQuality(result.data.quality, result.data.aggressiveness) }, issues };
}

/** ConfigSchema with the registries' names as choices: zod reports a wrong name in its place among the other issues. */
function schemaFor(vocabulary: ConfigVocabulary): typeof ConfigSchema {
  // The key's own checks first (a name, not empty), then the registry's names (none: a config without routing loads no patterns).
  const oneOf = (key: z.ZodString, names: readonly string[]) => (names.length ? key.refine((v) => names.includes(v), `expected one of ${names.join(', ')}`) : key);
  const tier = TierSchema.extend({ provider: oneOf(TierSchema.shape.provider.unwrap(), vocabulary.providers).default('bedrock') });
  const routing = RoutingSchema.extend({ pattern: oneOf(RoutingSchema.shape.pattern.unwrap(), Object.keys(vocabulary.patterns)).default('classifier') });
  return ConfigSchema.extend({ tiers: tiersOfSchema(tier), routing: routing.optional() });
}

type ZodIssueLike = { code?: string; path: PropertyKey[]; message: string; keys?: string[] };

function toConfigIssues(i: ZodIssueLike): ConfigIssue[] {
  const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (i.code === 'unrecognized_keys' && i.keys) {
    const known = keysAt(path);
    const expected = known.length ? ` (expected one of: ${known.join(', ')})` : '';
    return i.keys.map((k) => ({ path: [...path, k], message: `unknown key "${k}"${expected}` }));
  }
  return [{ path, message: issueText(i.message) }];
}

/** One issue per path: zod reports a size check after a type error on the same key. */
function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = i.path.join('.');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type Def = { type: string; shape?: Record<string, { _zod: { def: Def } }>; innerType?: { _zod: { def: Def } }; element?: { _zod: { def: Def } }; valueType?: { _zod: { def: Def } }; in?: { _zod: { def: Def } } };

function unwrap(def: Def): Def {
  let d = def;
  for (;;) {
    const inner = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (!inner) return d;
    d = inner._zod.def;
  }
}

/** The keys the schema allows at a key path (for "unknown key" messages and docs). */
function keysAt(path: (string | number)[]): string[] {
  let def = unwrap((ConfigSchema as unknown as { _zod: { def: Def } })._zod.def);
  for (const key of path) {
    if (def.type === 'object' && typeof key === 'string' && def.shape?.[key]) def = unwrap(def.shape[key]._zod.def);
    else if (def.type === 'array' && typeof key === 'number' && def.element) def = unwrap(def.element._zod.def);
    else if (def.type === 'record' && def.valueType) def = unwrap(def.valueType._zod.def);
    else return [];
  }
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** Every documented key path of the config, e.g. "tiers[].model", "quality.bar". */
export function allKeyPaths(): string[] {
  const out: string[] = [];
  const walk = (def: Def, prefix: string): void => {
    const d = unwrap(def);
    if (d.type === 'array' && d.element) {
      walk(d.element._zod.def, `${prefix}[]`);
      return;
    }
    if (d.type !== 'object' || !d.shape) return;
    for (const [k, v] of Object.entries(d.shape)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.push(p);
      walk(v._zod.def, p);
    }
  };
  walk((ConfigSchema as unknown as { _zod: { def: Def } })._zod.def, '');
  return out;
}

function crossCheck(c: z.output<typeof ConfigSchema>, vocabulary: ConfigVocabulary): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = (c.tiers ?? DEFAULT_TIERS).map((t) => t.name);
  const seen = new Set<string>();
  (c.tiers ?? []).forEach((t, i) => {
    if (seen.has(t.name)) issues.push({ path: ['tiers', i, 'name'], message: `duplicate tier name "${t.name}"` });
    seen.add(t.name);
  });
  if (c.routing?.thresholds && c.routing.thresholds.length !== names.length - 1) {
    issues.push({ path: ['routing', 'thresholds'], message: `expected ${names.length - 1} thresholds for ${names.length} tiers, got ${c.routing.thresholds.length}` });
  }
  if (c.routing?.thresholds) {
    const range = vocabulary.patterns[c.routing.pattern]!.thresholds;
    c.routing.thresholds.forEach((t, i) => {
      if (t < range.min || t > range.max) issues.push({ path: ['routing', 'thresholds', i], message: `a ${c.routing!.pattern} threshold must be between ${range.min} and ${range.max} (${range.meaning})` });
    });
  }
  if (c.routing?.thresholds && c.routing.policyFile) {
    issues.push({ path: ['routing', 'policyFile'], message: 'set routing.thresholds or routing.policyFile, not both' });
  }
  if (c.routing?.thresholds && vocabulary.patterns[c.routing.pattern]!.scopes) {
    issues.push({ path: ['routing', 'pattern'], message: `a ${c.routing.pattern} route needs the scopes it was certified on: set routing.policyFile (a \`tokor calibrate --out\` file) instead of routing.thresholds` });
  }
  if (c.routing?.thresholds && c.routing.pattern === 'classifier' && !c.routing.routerModel) {
    issues.push({ path: ['routing', 'routerModel'], message: 'classifier thresholds need the router that scores prompts: set routing.routerModel (a `tokor calibrate --out-router` file)' });
  }
  if (c.routing?.thresholds && c.routing.pattern === 'cascade' && !c.routing.gate) {
    issues.push({ path: ['routing', 'gate'], message: 'a cascade needs the grader that decides escalation: set routing.gate (e.g. valid-json)' });
  }
  const scopeNames = new Set<string>();
  (c.scopes ?? []).forEach((s, i) => {
    if (s.name === GLOBAL_SCOPE) issues.push({ path: ['scopes', i, 'name'], message: `"${GLOBAL_SCOPE}" is reserved for the whole population: pick another name` });
    else if (scopeNames.has(s.name)) issues.push({ path: ['scopes', i, 'name'], message: `duplicate scope name "${s.name}"` });
    scopeNames.add(s.name);
    (s.allowedTiers ?? []).forEach((t, j) => {
      if (!names.includes(t)) issues.push({ path: ['scopes', i, 'allowedTiers', j], message: `unknown tier "${t}" (tiers: ${names.join(', ')})` });
    });
    const frontier = names[names.length - 1]!;
    if (s.allowedTiers && !s.allowedTiers.includes(frontier)) {
      issues.push({ path: ['scopes', i, 'allowedTiers'], message: `must include the frontier tier "${frontier}": it is the parity reference and where disallowed tiers are re-routed` });
    }
  });
  return issues;
}

/** The ladder in force: config tiers or the default. */
export function tiersOf(config: TokorConfig): TierConfig[] {
  return config.tiers ?? DEFAULT_TIERS;
}

/** Explicit keys win over the aggressiveness preset, which wins over balanced. */
function resolveQuality(q: { bar?: number; barMode?: BarMode; confidence?: number } | undefined, aggressiveness: Aggressiveness | undefined): Quality {
  const preset = AGGRESSIVENESS_PRESETS[aggressiveness ?? DEFAULT_AGGRESSIVENESS];
  return { bar: q?.bar ?? preset.bar, barMode: q?.barMode ?? 'relative', confidence: q?.confidence ?? preset.confidence };
}

/** The global quality bar in force. */
export function qualityOf(config: TokorConfig): Quality {
  return resolveQuality(config.quality, config.aggressiveness);
}

/** A scope with every setting resolved, as the gate checks it. */
export interface ResolvedScope {
  name: string;
  match: Record<string, string[]>;
  floor: number;
  barMode: BarMode;
  confidence: number;
  allowedTiers?: string[];
  /** The routed p95 latency (ms) the gate holds this scope to, when set. */
  maxP95LatencyMs?: number;
  /** Where the floor came from, for messages. */
  floorFrom: 'scope' | 'aggressiveness' | 'quality';
}

/**
 * The scopes with their floors in force: the scope's own floor, else its
 * aggressiveness preset's bar, else the global bar; likewise for confidence
 * (barMode: the scope's, else the global one).
 */
export function scopesOf(config: TokorConfig): ResolvedScope[] {
  const global = qualityOf(config);
  return (config.scopes ?? []).map((s) => {
    const preset = s.aggressiveness ? AGGRESSIVENESS_PRESETS[s.aggressiveness] : undefined;
    const scope: ResolvedScope = {
      name: s.name,
      match: Object.fromEntries(Object.entries(s.match).map(([k, v]) => [k, typeof v === 'string' ? [v] : v])),
      floor: s.floor ?? preset?.bar ?? global.bar,
      barMode: s.barMode ?? global.barMode,
      confidence: s.confidence ?? preset?.confidence ?? global.confidence,
      floorFrom: s.floor !== undefined ? 'scope' : preset ? 'aggressiveness' : 'quality',
    };
    if (s.allowedTiers) scope.allowedTiers = s.allowedTiers;
    if (s.maxP95LatencyMs !== undefined) scope.maxP95LatencyMs = s.maxP95LatencyMs;
    return scope;
  });
}

/**
 * Whether a record belongs to a scope. `attributes` gives a record's values
 * per key (traffic: its tags; golden items: category, task, dataset, tags).
 * Any match entry holding is enough; `*` in a value matches any run of characters.
 */
export function matchesScope(match: Record<string, string | string[]>, attributes: (key: string) => readonly string[]): boolean {
  return Object.entries(match).some(([key, wanted]) => {
    const have = attributes(key);
    return (typeof wanted === 'string' ? [wanted] : wanted).some((w) => have.some((h) => globMatch(w, h)));
  });
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

/** One line for `tokor config check`: tiers, scopes, bar and routing. */
export function describeConfig(config: TokorConfig): string {
  const tiers = tiersOf(config);
  const q = qualityOf(config);
  const scopes = config.scopes ?? [];
  const name = config.aggressiveness ?? DEFAULT_AGGRESSIVENESS;
  const preset = AGGRESSIVENESS_PRESETS[name];
  const from = q.bar === preset.bar && q.confidence === preset.confidence ? ` (${name})` : config.aggressiveness ? ` (${name}, overridden by quality)` : '';
  const r = config.routing;
  const routing = r?.policyFile ? `routing from ${r.policyFile}` : r?.thresholds ? `routing ${r.pattern} at ${r.thresholds.join(', ')}` : 'no routing yet';
  return [
    `${tiers.length} tiers (${tiers.map((t) => t.name).join(' → ')})${config.tiers ? '' : ' [default ladder]'}`,
    `${scopes.length} scope${scopes.length === 1 ? '' : 's'}${scopes.length ? ` (${scopes.map((s) => s.name).join(', ')})` : ''}`,
    `bar ${q.bar} ${q.barMode} at ${Math.round(q.confidence * 1000) / 10}% confidence${from}`,
    routing,
  ].join(', ');
}
