/**
 * `tokor config check`: every problem of a config file, including files it
 * refers to that do not exist (catalog, routing.policyFile, routing.routerModel)
 * and tier models the price catalog cannot price (with the nearest known ID).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { fsFailure } from '../io/fsErrors.js';
import { loadCatalog } from './catalog.js';
import { nearMatches, parseModelId, resolvePrice, type Catalog } from '../pricing/index.js';
import { CONFIG_FILE_NAMES, checkConfigText, formatKeyPath, vocabularyFor, type ConfigProblem } from './load.js';
import { locate, parseYaml } from './yaml.js';
import { validateConfig, type TokorConfig } from './schema.js';

export async function checkConfigFile(explicit?: string, cwd = process.cwd()): Promise<{ file: string; config?: TokorConfig; problems: ConfigProblem[] }> {
  const file = explicit ?? CONFIG_FILE_NAMES.find((n) => existsSync(path.join(cwd, n)));
  if (!file) throw new InputError(`no ${CONFIG_FILE_NAMES[0]} in ${cwd}: create one with \`tokor init\` or name the file`);
  return { file, ...(await checkConfigAt(path.resolve(cwd, file), file)) };
}

async function checkConfigAt(absolute: string, file: string): Promise<{ config?: TokorConfig; problems: ConfigProblem[] }> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new InputError('config file not found (create one with `tokor init`)', file) : fsFailure(e, file, 'read', 'config');
  }
  const checked = await checkConfigText(text, file);
  const { doc, lineCounter } = parseYaml(text, file);
  // A schema problem does not hide the others: the rest is checked on the config without the top-level keys
  // that have problems (two unknown keys and a misspelt tier model are three problems, reported in one run).
  let config = checked.config;
  const pruned = new Set<string>();
  if (!config) {
    const raw: unknown = doc.toJS();
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return checked;
    const vocabulary = await vocabularyFor(raw);
    for (const issue of validateConfig(raw, vocabulary).issues) pruned.add(String(issue.path[0] ?? ''));
    if (pruned.has('')) return checked;
    config = validateConfig(Object.fromEntries(Object.entries(raw).filter(([k]) => !pruned.has(k))), vocabulary).config;
    if (!config) return checked;
  }
  const baseDir = path.dirname(absolute);
  const refs: [(string | number)[], string | undefined][] = [
    [['catalog'], config.catalog],
    [['routing', 'policyFile'], config.routing?.policyFile],
    [['routing', 'routerModel'], config.routing?.routerModel],
  ];
  const problems: ConfigProblem[] = [...checked.problems];
  let catalogMissing = false;
  for (const [keyPath, ref] of refs) {
    if (ref && !existsSync(path.resolve(baseDir, ref))) {
      problems.push({ where: locate(doc, lineCounter, keyPath, file), keyPath: formatKeyPath(keyPath), message: `file not found: ${ref} (paths are relative to the config file)` });
      if (keyPath[0] === 'catalog') catalogMissing = true;
    }
  }
  // Tier prices are checked against the file's own tiers and catalog only: without them the check would judge other data.
  if (!catalogMissing && !pruned.has('tiers') && !pruned.has('catalog') && !pruned.has('modelMap')) {
    const catalog = await loadCatalog({
      ...(config.catalog ? { extra: [path.resolve(baseDir, config.catalog)] } : {}),
      ...(config.modelMap ? { modelMap: config.modelMap } : {}),
    });
    for (const issue of unpricedTiers(config, catalog)) {
      problems.push({ where: locate(doc, lineCounter, issue.path, file), keyPath: formatKeyPath(issue.path), message: issue.message });
    }
  }
  return problems.length ? { problems } : checked;
}

/** Tiers whose model (or priceAs) the catalog cannot price: a typo, or a model that needs priceAs or a catalog entry. */
function unpricedTiers(config: TokorConfig, catalog: Catalog): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  (config.tiers ?? []).forEach((t, i) => {
    const id = t.priceAs ?? t.model;
    if (resolvePrice(catalog, id, t.region)) return;
    const near = nearestPricedId(catalog, id, t.region);
    out.push({
      path: ['tiers', i, t.priceAs ? 'priceAs' : 'model'],
      message: `no price in the catalog for "${id}"${near ? ` (did you mean "${near}"?)` : ''}; fix the ID, set priceAs to a priced model, or add its price to a catalog file (config catalog)`,
    });
  });
  return out;
}

/**
 * The nearest model ID the catalog prices, by edit distance over the catalog's
 * keys (nearMatches), written in the user's form when that resolves
 * ("us.amazon.nova-liet-v1:0" → "us.amazon.nova-lite-v1:0").
 */
function nearestPricedId(catalog: Catalog, id: string, region?: string): string | undefined {
  const key = nearMatches(catalog, id, 1)[0];
  if (!key) return undefined;
  const bare = (k: string): string => k.replace(/^[^/]*\//, '').replace(/^[a-z0-9-]+\./, '');
  const typed = bare(parseModelId(id).key);
  if (typed && id.toLowerCase().includes(typed)) {
    const at = id.toLowerCase().indexOf(typed);
    const candidate = `${id.slice(0, at)}${bare(key)}${id.slice(at + typed.length)}`;
    if (resolvePrice(catalog, candidate, region)) return candidate;
  }
  return key;
}
