#!/usr/bin/env node
/**
 * `npm run test:data` reads real public data from ../shared/datasets/ beside
 * the checkout (read in place, never copied into the project). Without it the
 * data tests cannot run: say so in one line and exit 2, before anything else.
 * Imported by vitest.data.config.ts too, so a direct vitest run says the same.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATASETS = path.resolve(ROOT, '..', 'shared', 'datasets');
/** The folders of ../shared/datasets/ that test/data/ reads. */
export const NEEDED = ['aws-formats', 'gsm8k', 'routellm_gsm8k', 'routellm_mmlu'];

/** One line saying what is missing and what to do, or undefined when everything is there. */
export function missingDatasets() {
  const missing = existsSync(SHARED_DATASETS) ? NEEDED.filter((d) => !existsSync(path.join(SHARED_DATASETS, d))) : NEEDED;
  if (missing.length === 0) return undefined;
  const need = `the data tests need its ${NEEDED.map((d) => `${d}/`).join(', ')} folders`;
  const where = existsSync(SHARED_DATASETS) ? `${SHARED_DATASETS} lacks ${missing.map((d) => `${d}/`).join(', ')}` : `no ../shared/datasets beside the checkout (looked for ${SHARED_DATASETS})`;
  return `test:data: ${where}; ${need}: put shared/ next to this folder (npm test needs none of it)`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problem = missingDatasets();
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(2);
  }
}
