/**
 * Reads user price catalogs (JSON or YAML files) and merges them over the
 * built-in one (src/pricing/catalog.ts holds the pure parse and merge).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure } from '../io/fsErrors.js';
import { mergeCatalogs, parseCatalogText } from '../pricing/catalog.js';
import type { Catalog, CatalogSource, ModelPrice } from '../pricing/types.js';

/**
 * The built-in catalog plus user catalogs, later files winning, with the user's modelMap.
 * Throws InputError naming the file, line and entry for unreadable or invalid files.
 */
export async function loadCatalog(opts: { extra?: string[]; modelMap?: Record<string, string> } = {}): Promise<Catalog> {
  const user = [];
  for (const file of opts.extra ?? []) user.push({ name: path.basename(file), ...(await readCatalogFile(file)) });
  return mergeCatalogs(user, opts.modelMap);
}

/** Reads and validates one user catalog file. */
async function readCatalogFile(file: string): Promise<{ entries: ModelPrice[]; source: CatalogSource }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw fsFailure(e, file, 'read', 'price catalog');
  }
  return parseCatalogText(text, file);
}
