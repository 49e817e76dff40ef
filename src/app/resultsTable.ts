/**
 * Results files → the joined results table calibrate and gate run on. The
 * file reading lives here; the join (costing, checks, merging datasets) is
 * pure in src/calibrate/results.ts, so results handed over in memory (the
 * bundled recordings, graded) take the same path as results read from files.
 */
import { readFile } from 'node:fs/promises';
import { InputError, at } from '../errors.js';
import { fsFailure } from '../io/fsErrors.js';
import { parseExcludedPrompts, parseResultsCsv, type CsvResultsOptions } from '../calibrate/csv.js';
import { streamResultLines, type ResultLine } from '../artifacts/results.js';
import { ResultRaws, groupByDataset, joinResults, joinResultsByDataset, type LoadResultsOptions, type ResultsTable } from '../calibrate/results.js';
import type { GoldenDataset } from '../eval/types.js';

type RawsOptions = Pick<LoadResultsOptions, 'tiers' | 'catalog' | 'confidenceField'>;

/** Every result line of the files, checked with the results schema and costed; the first bad line is an InputError at file:line. */
async function readResultRaws(files: string[], opts: RawsOptions): Promise<{ raws: ResultRaws; sha256: string[] }> {
  if (files.length === 0) throw new InputError('no results files given');
  const field = opts.confidenceField ?? 'confidence';
  const raws = new ResultRaws(opts);
  const sha256: string[] = [];
  for (const file of files) {
    let count = 0;
    for await (const read of streamResultLines(file, { confidenceField: field, onHash: (h) => sha256.push(h) })) {
      if ('problem' in read) throw new InputError(read.problem, at(file, read.line));
      raws.add(read.result, at(file, read.line));
      count++;
    }
    if (count === 0) throw new InputError('the results file has no results (expected one `tokor eval --out` result per line)', file);
  }
  return { raws, sha256 };
}

/**
 * Reads results files of one dataset (one file per tier, or one file with
 * every tier) and joins them. Throws InputError for results of different
 * datasets, item IDs that differ between tiers, a tier with no usable
 * results, fewer than two tiers, unreadable lines and unpriceable costs.
 */
export async function loadResults(files: string[], opts: LoadResultsOptions): Promise<ResultsTable> {
  const { raws, sha256 } = await readResultRaws(files, opts);
  return joinResults(raws.raws, { ...opts, sha256, notes: raws.notes(), files });
}

export type DatasetFor = (datasetId: string) => Promise<GoldenDataset | undefined>;

/** The golden dataset of each dataset ID the raws name (for prompts and tags), looked up once each. */
async function datasetsOf(raws: ResultRaws, datasetFor: DatasetFor | undefined): Promise<Map<string, GoldenDataset | undefined>> {
  const datasets = new Map<string, GoldenDataset | undefined>();
  for (const id of groupByDataset(raws.raws).keys()) datasets.set(id, await datasetFor?.(id));
  return datasets;
}

/**
 * Results files of one or several datasets, each joined with its golden
 * dataset from `datasetFor` and merged (calibrate/results.ts
 * joinResultsByDataset).
 */
export async function loadResultsByDataset(files: string[], opts: RawsOptions & { datasetFor?: DatasetFor }): Promise<ResultsTable> {
  const { raws, sha256 } = await readResultRaws(files, opts);
  return joinResultsByDataset(raws.raws, { tiers: opts.tiers, catalog: opts.catalog, datasets: await datasetsOf(raws, opts.datasetFor), sha256, notes: raws.notes(), files });
}

/**
 * Result lines handed over in memory (the bundled recordings, graded by the
 * eval engine), joined as loadResultsByDataset joins files. `where` names
 * them in messages; `sha256` fingerprints them as a file's hash would.
 */
export async function resultsTableOf(results: Iterable<ResultLine>, opts: RawsOptions & { datasetFor?: DatasetFor; where: string; sha256: string }): Promise<ResultsTable> {
  const raws = new ResultRaws(opts);
  let n = 0;
  for (const r of results) raws.add(r, at(opts.where, ++n));
  if (n === 0) throw new InputError('no results to calibrate on', opts.where);
  return joinResultsByDataset(raws.raws, { tiers: opts.tiers, catalog: opts.catalog, datasets: await datasetsOf(raws, opts.datasetFor), sha256: [opts.sha256], notes: raws.notes(), files: [opts.where] });
}

/** Reads a per-item results CSV (e.g. RouteLLM's) into a table; tiers ordered by cost (cheapest first). */
export async function loadResultsCsv(file: string, opts: CsvResultsOptions): Promise<ResultsTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new InputError('results CSV not found', file) : fsFailure(e, file, 'read', 'results CSV');
  }
  return parseResultsCsv(bytes, file, opts);
}

/** The prompts of a JSONL file to drop from a CSV (RouteLLM's contaminated_prompts.jsonl). */
export async function readExcludedPrompts(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw fsFailure(e, file, 'read');
  }
  return parseExcludedPrompts(text, file);
}
