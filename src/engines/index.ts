/**
 * Traffic engines by name. Adding one (DuckDB, Athena) = one folder with a
 * TrafficEngine + one line here; the compiler names every other place.
 */
import { athenaEngine } from './athena/index.js';
import { duckdbEngine } from './duckdb/index.js';
import { inProcessEngine } from './inprocess/index.js';
import type { EngineName, TrafficEngine } from './types.js';

export const ENGINES = { inprocess: inProcessEngine, duckdb: duckdbEngine, athena: athenaEngine } as const satisfies Record<EngineName, TrafficEngine>;

export const DEFAULT_ENGINE: EngineName = 'inprocess';

/**
 * The traffic reader every command shares: paths (files, folders, '-' for
 * stdin) → TrafficEvents in input order. `tokor label` reads through it.
 */
export const readTraffic: TrafficEngine['read'] = (paths, opts) => ENGINES[DEFAULT_ENGINE].read(paths, opts);

export type { EngineName, TrafficEngine, ReadProgress, SkipEntry, AthenaOptions, ScanRequest } from './types.js';
export { listInputs } from './inprocess/index.js';
