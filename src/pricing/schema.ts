/**
 * The shape of a catalog file (built-in JSON or a user's JSON/YAML), validated
 * with zod. Pure: parsing text and reading files happen in catalog.ts.
 *
 * A file is either a bare array of entries or
 *   { version?, source?, effectiveDate?, notes?, prices: [entry, …] }
 * An entry is a ModelPrice; in user files `name`, `provider`, `region`, `source`
 * and `effectiveDate` may be left out: name = key, provider from the key,
 * region = '*' (every region), source/effectiveDate from the file header.
 */
import { z } from 'zod';
import { issueText } from '../issueText.js';
import { rateToPico } from './money.js';
import { parseModelId } from './modelId.js';
import type { ModelPrice } from './types.js';

const rate = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = typeof v === 'number' ? String(v) : v.trim();
  try {
    rateToPico(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
  return text;
});

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** The rate fields an entry may list beside input and output; its longContext lists the same ones. */
const OPTIONAL_RATES = ['cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'batchInput', 'batchOutput'] as const;

/** An entry's rates, USD per 1M tokens (and its long-context rates). */
const RATES = {
  input: rate,
  output: rate,
  cacheRead: rate.optional(),
  cacheWrite5m: rate.optional(),
  cacheWrite1h: rate.optional(),
  batchInput: rate.optional(),
  batchOutput: rate.optional(),
};

const LongContextSchema = z.strictObject({
  above: z.number().int('must be a whole number of tokens').positive('must be a positive number of tokens'),
  ...RATES,
});

/** The cache rates a service tier's block lists as its entry does. */
const CACHE_RATES = ['cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const;

const TIER_RATES = { input: rate, output: rate, cacheRead: rate.optional(), cacheWrite5m: rate.optional(), cacheWrite1h: rate.optional() };

const ServiceTierSchema = z.strictObject({ ...TIER_RATES, longContext: z.strictObject(TIER_RATES).optional() });

const CatalogEntrySchema = z
  .strictObject({
  key: z.string().trim().min(1, 'must not be empty'),
  name: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  region: z.string().trim().min(1).optional(),
  ...RATES,
  supportsBatch: z.boolean().optional(),
  source: z.string().min(1).optional(),
  effectiveDate: date.optional(),
  notes: z.string().optional(),
  aliases: z.array(z.string().min(1)).optional(),
  longContext: LongContextSchema.optional(),
  contextWindow: z.number().int('must be a whole number of tokens').positive('must be a positive number of tokens').optional(),
  maxInputTokens: z.number().int('must be a whole number of tokens').positive('must be a positive number of tokens').optional(),
  priority: ServiceTierSchema.optional(),
  flex: ServiceTierSchema.optional(),
})
  // A long prompt pays another rate for each kind of token the entry prices: one left out would fall back to the
  // short prompt's input rate, silently.
  .superRefine((e, ctx) => {
    const alike = (block: Partial<Record<(typeof OPTIONAL_RATES)[number], string>>, fields: readonly (typeof OPTIONAL_RATES)[number][], path: string[]) => {
      for (const f of fields) {
        if ((e[f] === undefined) !== (block[f] === undefined)) {
          const message = e[f] === undefined ? `lists ${f}, which the entry does not` : `must list ${f}, as the entry does`;
          ctx.addIssue({ code: 'custom', path: [...path, f], message });
        }
      }
    };
    if (e.longContext) alike(e.longContext, OPTIONAL_RATES, ['longContext']);
    // A service tier prices each kind of token the entry prices (batch is a tier of its own), and long prompts only
    // where the entry has long-context rates.
    for (const tier of ['priority', 'flex'] as const) {
      const block = e[tier];
      if (!block) continue;
      alike(block, CACHE_RATES, [tier]);
      if (block.longContext && !e.longContext) ctx.addIssue({ code: 'custom', path: [tier, 'longContext'], message: 'lists long-context rates, which the entry does not' });
      if (block.longContext) alike(block.longContext, CACHE_RATES, [tier, 'longContext']);
    }
  });
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export interface CatalogFileHeader {
  version?: string;
  source?: string;
  effectiveDate?: string;
  notes?: string;
}

export interface CatalogIssue {
  path: (string | number)[];
  message: string;
}

/** Validates parsed catalog data; returns entries and header, or issues with their paths. */
export function validateCatalogData(data: unknown): { header: CatalogFileHeader; entries: CatalogEntry[]; issues: CatalogIssue[] } {
  // Report entry problems against the entry, not against the union of file shapes.
  const looksLikeFile = Array.isArray(data) || (typeof data === 'object' && data !== null && 'prices' in data);
  if (!looksLikeFile) {
    return { header: {}, entries: [], issues: [{ path: [], message: 'expected a list of prices or an object with a "prices" list' }] };
  }
  const list: unknown[] = Array.isArray(data) ? data : ((data as { prices: unknown }).prices as unknown[]);
  const issues: CatalogIssue[] = [];
  const base: (string | number)[] = Array.isArray(data) ? [] : ['prices'];
  if (!Array.isArray(data)) {
    const { prices: _prices, ...rest } = data as Record<string, unknown>;
    const head = z
      .strictObject({
        version: z.union([z.string(), z.number()]).transform(String).optional(),
        source: z.string().optional(),
        effectiveDate: date.optional(),
        notes: z.string().optional(),
      })
      .safeParse(rest);
    if (!head.success) issues.push(...head.error.issues.map((i) => ({ path: i.path.map(pathPart), message: issueText(i.message) })));
    if (!Array.isArray(_prices)) issues.push({ path: ['prices'], message: 'must be a list' });
    if (issues.length) return { header: {}, entries: [], issues };
  }
  const entries: CatalogEntry[] = [];
  list.forEach((raw, i) => {
    const r = CatalogEntrySchema.safeParse(raw);
    if (r.success) entries.push(r.data);
    else issues.push(...r.error.issues.map((iss) => ({ path: [...base, i, ...iss.path.map(pathPart)], message: issueText(iss.message) })));
  });
  const header: CatalogFileHeader = Array.isArray(data) ? {} : pickHeader(data as Record<string, unknown>);
  return { header, entries, issues };
}

function pickHeader(d: Record<string, unknown>): CatalogFileHeader {
  const h: CatalogFileHeader = {};
  if (d.version !== undefined) h.version = String(d.version);
  if (typeof d.source === 'string') h.source = d.source;
  if (typeof d.effectiveDate === 'string') h.effectiveDate = d.effectiveDate;
  if (typeof d.notes === 'string') h.notes = d.notes;
  return h;
}

function pathPart(p: PropertyKey): string | number {
  return typeof p === 'number' ? p : String(p);
}

/** The provider a key belongs to: the "<provider>/" prefix, else bedrock for Bedrock-style IDs. */
function providerOfKey(key: string): string {
  const slash = key.indexOf('/');
  if (slash > 0 && !key.startsWith('arn:')) return key.slice(0, slash);
  return parseModelId(key).provider ?? 'user';
}

/**
 * Turns a validated entry into a ModelPrice with defaults from the file header.
 * `defaultRegion` is '*' for user files (the price holds in every region).
 */
export function toModelPrice(e: CatalogEntry, header: CatalogFileHeader, fallbackSource: string, defaultRegion: string): ModelPrice {
  const p: ModelPrice = {
    key: e.key,
    name: e.name ?? e.key,
    provider: e.provider ?? providerOfKey(e.key),
    region: e.region ?? defaultRegion,
    input: e.input,
    output: e.output,
    source: e.source ?? header.source ?? fallbackSource,
    effectiveDate: e.effectiveDate ?? header.effectiveDate ?? 'undated',
  };
  if (e.cacheRead !== undefined) p.cacheRead = e.cacheRead;
  if (e.cacheWrite5m !== undefined) p.cacheWrite5m = e.cacheWrite5m;
  if (e.cacheWrite1h !== undefined) p.cacheWrite1h = e.cacheWrite1h;
  if (e.batchInput !== undefined) p.batchInput = e.batchInput;
  if (e.batchOutput !== undefined) p.batchOutput = e.batchOutput;
  if (e.supportsBatch !== undefined) p.supportsBatch = e.supportsBatch;
  if (e.notes !== undefined) p.notes = e.notes;
  if (e.aliases !== undefined) p.aliases = e.aliases;
  if (e.longContext !== undefined) p.longContext = e.longContext;
  if (e.contextWindow !== undefined) p.contextWindow = e.contextWindow;
  if (e.maxInputTokens !== undefined) p.maxInputTokens = e.maxInputTokens;
  if (e.priority !== undefined) p.priority = e.priority;
  if (e.flex !== undefined) p.flex = e.flex;
  return p;
}
