/** Paths inside the installed package (bundled sample, golden datasets, catalogs). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: one level above src/ or dist/. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const SAMPLE_LOGS = path.join(PACKAGE_ROOT, 'fixtures', 'sample');
