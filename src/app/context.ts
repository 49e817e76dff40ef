/**
 * The one place a command's world is assembled: config (defaults < file <
 * flags, resolved once), the price catalog, and — added lazily by the commands
 * that need them — clients, caches, the judge and bundled data. Every app
 * function takes a Context; tests build one with `openContext({ cwd })`.
 */
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { loadCatalog } from '../config/catalog.js';
import { tiersOf, type TierConfig, type TokorConfig } from '../config/schema.js';
import type { Catalog } from '../pricing/types.js';

export interface ContextOptions {
  /** --config FILE (default: tokor.config.yaml in cwd, if present). */
  config?: string;
  /** --catalog FILE(s): merged after the config's own catalog. */
  catalog?: string | string[];
  /** Directory relative flags resolve against (default: process.cwd()). */
  cwd?: string;
}

export interface Context {
  readonly cwd: string;
  readonly config: TokorConfig;
  /** The config file read, if any. */
  readonly configFile?: string;
  /** Directory the config's relative paths resolve against (cwd without a file). */
  readonly baseDir: string;
  /** A path from the config file, resolved against its directory. */
  fromConfig(p: string): string;
  /** A path from a flag: as given when no cwd was set (messages name it so), else resolved against cwd. */
  fromCwd(p: string): string;
  /** The tier ladder: the config's, or the one a --tiers flag gave. */
  tiers(override?: TierConfig[]): TierConfig[];
  /** Built-in prices + the config's catalog + --catalog files, with modelMap; read once. */
  catalog(): Promise<Catalog>;
}

export async function openContext(opts: ContextOptions = {}): Promise<Context> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  // Paths from flags stay as the user wrote them (messages name them so) unless a cwd was given.
  const asGiven = (p: string) => (opts.cwd === undefined ? p : path.resolve(cwd, p));
  const { config, file, baseDir } = await loadConfig(opts.config ? asGiven(opts.config) : undefined, cwd);
  const flagCatalogs = opts.catalog === undefined ? [] : Array.isArray(opts.catalog) ? opts.catalog : [opts.catalog];
  let catalog: Promise<Catalog> | undefined;
  const ctx: Context = {
    cwd,
    config,
    configFile: file,
    baseDir,
    fromConfig: (p) => path.resolve(baseDir, p),
    fromCwd: asGiven,
    tiers: (override) => override ?? tiersOf(config),
    catalog: () =>
      (catalog ??= loadCatalog({
        extra: [...(config.catalog ? [ctx.fromConfig(config.catalog)] : []), ...flagCatalogs.map(ctx.fromCwd)],
        modelMap: config.modelMap,
      })),
  };
  return ctx;
}
