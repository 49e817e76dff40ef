/**
 * Golden dataset files: reading one (parsed by src/eval/dataset.ts) and
 * finding the bundled ones (golden-datasets/<id>/dataset.jsonl, with their
 * recordings beside them).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokorDocument } from '../artifacts/read.js';
import { InputError } from '../errors.js';
import { datasetIdOf, parseDataset } from '../eval/dataset.js';
import type { GoldenDataset } from '../eval/types.js';
import { fsFailure } from './fsErrors.js';

export async function loadDataset(file: string): Promise<GoldenDataset> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new InputError('dataset file not found', file, { cause: e }) : fsFailure(e, file, 'read', 'the dataset');
  }
  const text = bytes.toString('utf8');
  // A pretty-printed tokor JSON (an analyze JSON) opens with a line "{" that is no JSON line: say what it is.
  const what = text.trimStart().startsWith('{') ? tokorDocument(text) : undefined;
  if (what) throw new InputError(`this is ${what}, not a golden dataset (JSON lines, one case each: docs/datasets.md)`, file);
  const { header, cases } = parseDataset(text, file);
  return {
    id: datasetIdOf(file, header),
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    cases,
  };
}

/** The bundled golden-datasets folder (beside src/ and dist/). */
function bundledDatasetsDir(): string {
  return fileURLToPath(new URL('../../golden-datasets/', import.meta.url));
}

/** Paths of golden-datasets/<id>/dataset.jsonl, sorted by id. */
export async function bundledDatasets(): Promise<string[]> {
  const root = bundledDatasetsDir();
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of entries.sort()) {
    const file = join(root, name, 'dataset.jsonl');
    try {
      if ((await stat(file)).isFile()) files.push(file);
    } catch {
      // a folder without dataset.jsonl is not a dataset
    }
  }
  return files;
}

/** Where a dataset's recorded responses for a tier live: <dataset folder>/recordings/<tier>.jsonl. */
export function recordingFile(datasetFile: string, tier: string): string {
  return join(dirname(datasetFile), 'recordings', `${tier}.jsonl`);
}
