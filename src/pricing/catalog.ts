/**
 * The built-in catalog (bundled JSON data, one file per provider family) and
 * user catalogs (JSON or YAML) that extend or override it.
 *
 * Merge rule: a user entry replaces the entry with the same key and region; a
 * user entry with region '*' (the default in user files) replaces every built-in
 * region of its key. Later files win over earlier ones.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { locate, parseYaml } from '../config/yaml.js';
import { toModelPrice, validateCatalogData, type CatalogIssue } from './schema.js';
import type { Catalog, CatalogSource, ModelPrice } from './types.js';
import bedrockData from './catalogs/bedrock.json' with { type: 'json' };
import azureData from './catalogs/azure-openai.json' with { type: 'json' };
import vertexData from './catalogs/vertex.json' with { type: 'json' };
import anthropicData from './catalogs/anthropic.json' with { type: 'json' };
import openaiData from './catalogs/openai.json' with { type: 'json' };

const BUILTIN_FILES: Record<string, unknown> = {
  'bedrock.json': bedrockData,
  'azure-openai.json': azureData,
  'vertex.json': vertexData,
  'anthropic.json': anthropicData,
  'openai.json': openaiData,
};

let builtin: Catalog | undefined;

/** The bundled catalog, validated once and shared (frozen: treat catalogs as immutable). Synchronous: no I/O beyond the bundled data. */
export function builtinCatalog(): Catalog {
  if (builtin) return builtin;
  const prices: ModelPrice[] = [];
  const sources: CatalogSource[] = [];
  const versions: string[] = [];
  for (const [file, data] of Object.entries(BUILTIN_FILES)) {
    const { header, entries, issues } = validateCatalogData(data);
    if (issues.length) throw new Error(`bundled catalog ${file} is invalid: ${formatIssue(issues[0]!, data)}`);
    for (const e of entries) {
      if (!e.region || !e.source || !e.effectiveDate || !e.name || !e.provider) {
        throw new Error(`bundled catalog ${file}: ${e.key} must set name, provider, region, source and effectiveDate`);
      }
      prices.push(Object.freeze(toModelPrice(e, header, file, e.region)) as ModelPrice);
    }
    const version = header.version ?? 'unversioned';
    versions.push(`${file.replace(/\.json$/, '')}@${version}`);
    sources.push(dropUndefined({ file: `builtin:${file}`, version, source: header.source, effectiveDate: header.effectiveDate, notes: header.notes, entries: entries.length }));
  }
  builtin = Object.freeze({ version: `builtin(${versions.join(',')})`, prices: Object.freeze(prices) as ModelPrice[], sources: Object.freeze(sources) as CatalogSource[] });
  return builtin;
}

/**
 * The built-in catalog plus user catalogs (already parsed, in order), with the
 * user's modelMap. `name` labels each user catalog in the version string.
 */
export function mergeCatalogs(user: { name: string; entries: ModelPrice[]; source: CatalogSource }[], modelMap?: Record<string, string>): Catalog {
  const base = builtinCatalog();
  let prices = [...base.prices];
  const builtinSet = new Set(prices);
  const sources = [...(base.sources ?? [])];
  let version = base.version;
  for (const { name, entries, source } of user) {
    sources.push(source);
    version += `+${name}@${source.version}`;
    for (const e of entries) {
      const k = e.key.toLowerCase();
      prices = prices.filter(
        (p) => !(p.key.toLowerCase() === k && (p.region === e.region || (e.region === '*' && builtinSet.has(p)))),
      );
      prices.push(e);
    }
  }
  const catalog: Catalog = { version, prices, sources };
  if (modelMap && Object.keys(modelMap).length) catalog.modelMap = { ...modelMap };
  return catalog;
}

/** Parses catalog text (JSON is YAML); `file` names the file in errors. */
export function parseCatalogText(text: string, file: string): { entries: ModelPrice[]; source: CatalogSource } {
  if (!text.trim()) throw new InputError('price catalog is empty', file);
  const { doc, lineCounter } = parseYaml(text, file);
  const data: unknown = doc.toJS();
  const { header, entries, issues } = validateCatalogData(data);
  if (issues.length) {
    const first = issues[0]!;
    const where = locate(doc, lineCounter, first.path, file);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new InputError(`${formatIssue(first, data)}${more}`, where);
  }
  const seen = new Map<string, number>();
  const prices = entries.map((e, i) => {
    const p = toModelPrice(e, header, file, '*');
    const id = `${p.key.toLowerCase()}@${p.region}`;
    const dup = seen.get(id);
    if (dup !== undefined) {
      const where = locate(doc, lineCounter, Array.isArray(data) ? [i] : ['prices', i], file);
      throw new InputError(`prices[${i}] (${p.key}): duplicates prices[${dup}] for region ${p.region}`, where);
    }
    seen.set(id, i);
    return p;
  });
  const version = header.version ?? `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  const source = dropUndefined({ file, version, source: header.source, effectiveDate: header.effectiveDate, notes: header.notes, entries: prices.length });
  return { entries: prices, source };
}

/** "prices[3] (anthropic.claude-x).input: rate …" */
function formatIssue(issue: CatalogIssue, data: unknown): string {
  const p = issue.path;
  const at = p.findIndex((x) => typeof x === 'number');
  if (at < 0) return `${p.length ? `${p.join('.')}: ` : ''}${issue.message}`;
  const list = Array.isArray(data) ? data : (data as { prices?: unknown[] }).prices;
  const entry = Array.isArray(list) ? (list[p[at] as number] as { key?: unknown } | undefined) : undefined;
  const key = entry && typeof entry === 'object' && typeof entry.key === 'string' && entry.key.trim() ? ` (${entry.key})` : '';
  const rest = p.slice(at + 1);
  return `prices[${p[at]}]${key}${rest.length ? `.${rest.join('.')}` : ''}: ${issue.message}`;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
