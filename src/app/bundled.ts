/**
 * The bundled golden datasets' recordings, replayed and graded by the eval
 * engine, handed over in memory (app/eval.ts evaluateToMemory; no results
 * file): what calibrate and gate run on when given no --results. Only the
 * default ladder has recordings.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { checkResultLine, type ResultLine } from '../artifacts/results.js';
import { openContext } from './context.js';

export interface BundledResults {
  /** Every result line, checked with the results schema as a results file's lines are. */
  results: ResultLine[];
  /** sha256 of the results as JSONL (what `tokor eval --out` would have written, in the order graded). */
  sha256: string;
  /** The eval run's notes (sample data, unpriced models). */
  notes: string[];
}

/** What the results are called in messages. */
export const BUNDLED_RESULTS = 'bundled recordings';

export async function gradeBundledRecordings(o: { tier: string; config?: string; cwd: string; confidenceField?: string }): Promise<BundledResults> {
  const { evaluateToMemory } = await import('./eval.js');
  const run = await evaluateToMemory(await openContext({ cwd: o.cwd, ...(o.config ? { config: o.config } : {}) }), { tier: o.tier });
  const results: ResultLine[] = [];
  const hash = createHash('sha256');
  for (const r of run.results) {
    // The line `tokor eval --out` would write, read back as a results file's line is read.
    const line = JSON.stringify(r);
    hash.update(`${line}\n`);
    const checked = checkResultLine(JSON.parse(line), o.confidenceField ? { confidenceField: o.confidenceField } : {});
    if (!checked.ok) throw new InputError(`a graded bundled recording is not a valid results line: ${checked.problem.message}`, BUNDLED_RESULTS);
    results.push(checked.value);
  }
  if (results.length === 0) throw new InputError('replaying the bundled recordings produced no results');
  return { results, sha256: hash.digest('hex'), notes: run.notes };
}
