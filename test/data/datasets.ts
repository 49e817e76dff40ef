/** Paths into ../shared/datasets/ for the data tests (see require-datasets.mjs; read in place, never copied). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const dataset = (p: string): string => path.resolve(ROOT, '..', 'shared', 'datasets', p);
