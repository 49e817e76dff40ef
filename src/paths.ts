/** Paths inside the installed package (bundled sample, golden datasets, catalogs). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: one level above src/ or dist/. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const SAMPLE_LOGS = path.join(PACKAGE_ROOT, 'fixtures', 'sample');
export const GOLDEN_DATASETS = path.join(PACKAGE_ROOT, 'golden-datasets');

/**
 * The ids of the bundled golden datasets. Their recordings are synthetic sample
 * data: a results line replayed from them (`source: "replay"`) is sample data,
 * not a measurement of a model (a test checks this list against the folder).
 */
export const BUNDLED_DATASET_IDS: readonly string[] = ['doc-extraction', 'multistep-reasoning', 'support-triage'];

/** Whether a results line is graded from bundled sample recordings: it says so (sampleData), or it replays a bundled dataset. */
export function isSampleResult(o: { datasetId?: unknown; source?: unknown; sampleData?: unknown }): boolean {
  return o.sampleData === true || (o.source === 'replay' && typeof o.datasetId === 'string' && BUNDLED_DATASET_IDS.includes(o.datasetId));
}
