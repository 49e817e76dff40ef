/**
 * Model ID (+ region) → the price row that applies.
 *
 * Order: the user's modelMap (application inference profiles, prompt routers …),
 * then the catalog by dated key, canonical key and aliases. Within a key:
 * 1. a `global.` profile takes the 'global' entry when there is one;
 * 2. the region: the caller's, else the ARN's, else the geo profile's home
 *    (us → us-east-1, eu → eu-central-1, apac/jp → ap-northeast-1, au → ap-southeast-2,
 *    us-gov → us-gov-west-1, ca → ca-central-1), exact match first;
 * 3. a 'regional' entry for any region but global (Claude on Vertex AI from Sonnet 4.5 on:
 *    a regional endpoint's premium over the global one);
 * 4. a user '*' entry (every region);
 * 5. for non-Bedrock providers, the provider-wide 'global' list price;
 * 6. else the us-east-1 price, with a note saying so; else any entry, with a note.
 * openai/… falls back to azure-openai/… (equal list prices) with a note.
 * Unknown models resolve to undefined: the caller counts them as unpriced, never $0.
 */
import { canonicalModelKey, parseModelId, type ParsedModelId } from './modelId.js';
import type { Catalog, ModelPrice, PriceLookup } from './types.js';

const GEO_HOME: Record<string, string> = {
  us: 'us-east-1',
  eu: 'eu-central-1',
  apac: 'ap-northeast-1',
  jp: 'ap-northeast-1',
  au: 'ap-southeast-2',
  'us-gov': 'us-gov-west-1',
  ca: 'ca-central-1',
};

const MAX_CACHE = 200_000;

interface Index {
  byKey: Map<string, ModelPrice[]>;
  aliases: Map<string, string>;
  modelMap: Map<string, string>;
  /** region ('' when none) → model ID as logged → lookup (null: no price). */
  cache: Map<string, Map<string, PriceLookup | null>>;
}

const indexes = new WeakMap<Catalog, Index>();

function indexOf(catalog: Catalog): Index {
  let idx = indexes.get(catalog);
  if (idx) return idx;
  const byKey = new Map<string, ModelPrice[]>();
  const aliases = new Map<string, string>();
  for (const p of catalog.prices) {
    const k = p.key.toLowerCase();
    const list = byKey.get(k);
    if (list) list.push(p);
    else byKey.set(k, [p]);
    for (const a of p.aliases ?? []) aliases.set(a.trim().toLowerCase(), k);
    // A user key written as a full model ID ("acme.model-v1:0") also answers to its canonical key.
    const canonical = canonicalModelKey(p.key).toLowerCase();
    if (canonical !== k && !aliases.has(canonical)) aliases.set(canonical, k);
  }
  const modelMap = new Map<string, string>();
  for (const [from, to] of Object.entries(catalog.modelMap ?? {})) modelMap.set(from.trim(), to.trim());
  idx = { byKey, aliases, modelMap, cache: new Map() };
  indexes.set(catalog, idx);
  return idx;
}

/** How `modelId` (as logged) is priced in `region`, or undefined when the catalog cannot price it. Cached per (modelId, region). */
export function resolvePrice(catalog: Catalog, modelId: string, region?: string): PriceLookup | undefined {
  const idx = indexOf(catalog);
  const r = region ?? '';
  let perRegion = idx.cache.get(r);
  if (!perRegion) idx.cache.set(r, (perRegion = new Map()));
  const hit = perRegion.get(modelId);
  if (hit !== undefined) return hit ?? undefined;
  const found = resolveUncached(idx, modelId, region);
  if (perRegion.size >= MAX_CACHE) perRegion.clear();
  perRegion.set(modelId, found ?? null);
  return found;
}

function resolveUncached(idx: Index, modelId: string, region: string | undefined): PriceLookup | undefined {
  const notes: string[] = [];
  let parsed = parseModelId(modelId);
  const arnRegion = parsed.region;
  for (let hop = 0; hop < 4; hop++) {
    const mapped = mappedId(idx, parsed);
    if (mapped === undefined) break;
    notes.push(`${parsed.raw} priced as ${mapped} (modelMap)`);
    parsed = parseModelId(mapped);
  }
  if (parsed.needsMapping) return undefined;

  const found = findKey(idx, parsed);
  if (!found) return undefined;
  const [key, entries] = found;
  if (parsed.provider === 'openai' && key.startsWith('azure-openai/')) {
    notes.push(`${parsed.key} priced at the Azure OpenAI Global Standard rate`);
  }
  let r = region ?? parsed.region ?? arnRegion;
  const noRegionGiven = r === undefined;
  if (r === undefined && parsed.profile && GEO_HOME[parsed.profile]) {
    r = GEO_HOME[parsed.profile]!;
    if (entries.some((e) => e.region === r)) notes.push(`${parsed.profile}. profile without a region: ${r} price used`);
  }
  const chosen = pickEntry(entries, parsed.profile, r, noRegionGiven);
  if (chosen.note) notes.push(chosen.note);
  const lookup: PriceLookup = { price: chosen.price, modelKey: chosen.price.key };
  if (notes.length) lookup.note = notes.join('; ');
  return lookup;
}

function mappedId(idx: Index, p: ParsedModelId): string | undefined {
  if (idx.modelMap.size === 0) return undefined;
  const tail = p.raw.includes('/') ? p.raw.slice(p.raw.lastIndexOf('/') + 1) : undefined;
  for (const candidate of [p.raw, p.key, tail]) {
    if (candidate === undefined) continue;
    const to = idx.modelMap.get(candidate);
    if (to !== undefined && to !== p.raw) return to;
  }
  return undefined;
}

function findKey(idx: Index, p: ParsedModelId): [string, ModelPrice[]] | undefined {
  const candidates = [p.datedKey, p.key];
  const alias = idx.aliases.get(p.raw.toLowerCase()) ?? idx.aliases.get(p.key) ?? idx.aliases.get(p.datedKey);
  if (alias) candidates.push(alias);
  if (p.provider === 'openai') candidates.push(p.datedKey.replace(/^openai\//, 'azure-openai/'), p.key.replace(/^openai\//, 'azure-openai/'));
  for (const c of candidates) {
    const entries = idx.byKey.get(c.toLowerCase());
    if (entries?.length) return [c.toLowerCase(), entries];
  }
  return undefined;
}

function pickEntry(entries: ModelPrice[], profile: string | undefined, r: string | undefined, noRegionGiven: boolean): { price: ModelPrice; note?: string } {
  const byRegion = new Map(entries.map((e) => [e.region, e] as const));
  const key = entries[0]!.key;
  const bedrock = entries[0]!.provider === 'bedrock';
  let prefix = '';
  if (profile === 'global') {
    const g = byRegion.get('global');
    if (g) return { price: g };
    const any = byRegion.get('*');
    if (any) return { price: any };
    prefix = `no global-profile price for ${key}: `;
  }
  if (r) {
    const exact = byRegion.get(r);
    if (exact) return prefix ? { price: exact, note: `${prefix}${r} price used` } : { price: exact };
  }
  // A list price with a premium at every location but global (Claude on Vertex AI from Sonnet 4.5 on).
  const regional = r && r !== 'global' ? byRegion.get('regional') : undefined;
  if (regional) return { price: regional };
  const star = byRegion.get('*');
  if (star) return { price: star };
  if (!bedrock) {
    const listPrice = byRegion.get('global');
    if (listPrice) return { price: listPrice };
  }
  const usEast = byRegion.get('us-east-1');
  const why = r ? `no ${r} price` : noRegionGiven ? 'no region in record' : 'no regional price';
  if (usEast) return { price: usEast, note: `${prefix}us-east-1 price used: ${why}` };
  const sorted = [...entries].sort((a, b) => (a.region === 'global' ? -1 : b.region === 'global' ? 1 : a.region.localeCompare(b.region)));
  const first = sorted[0]!;
  return { price: first, note: `${prefix}${first.region} price used: ${why}` };
}

/** Catalog keys that look like `modelId`, best first (for "did you mean"). */
export function nearMatches(catalog: Catalog, modelId: string, limit = 5): string[] {
  const idx = indexOf(catalog);
  const p = parseModelId(modelId);
  const target = p.key.toLowerCase();
  const bare = target.replace(/^[^/]*\//, '').replace(/^[a-z0-9]+\./, '');
  const scored: { key: string; score: number }[] = [];
  for (const [key, entries] of idx.byKey) {
    const keyBare = key.replace(/^[^/]*\//, '').replace(/^[a-z0-9]+\./, '');
    let score = Math.min(distance(target, key), distance(bare, keyBare));
    if (keyBare.includes(bare) || bare.includes(keyBare)) score = Math.min(score, Math.abs(keyBare.length - bare.length) / 2);
    const name = entries[0]!.name.toLowerCase();
    if (name === modelId.trim().toLowerCase()) score = 0;
    scored.push({ key: entries[0]!.key, score });
  }
  const cutoff = Math.max(3, Math.floor(bare.length / 2));
  return scored
    .filter((s) => s.score <= cutoff)
    .sort((a, b) => a.score - b.score || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map((s) => s.key);
}

/** Levenshtein distance, two rows. */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The catalog key behind a billing name: a Cost Explorer Marketplace service such as
 * "Claude Sonnet 4.5 (Amazon Bedrock Edition)", a display name or an alias ("NovaLite").
 */
export function keyForName(catalog: Catalog, name: string): string | undefined {
  const wanted = name.replace(/\s*\(Amazon Bedrock Edition\)\s*$/i, '').trim().toLowerCase();
  if (!wanted) return undefined;
  for (const p of catalog.prices) {
    if (p.name.toLowerCase() === wanted || p.key.toLowerCase() === wanted) return p.key;
  }
  const idx = indexOf(catalog);
  const alias = idx.aliases.get(wanted);
  return alias ? idx.byKey.get(alias)?.[0]?.key : undefined;
}
