/**
 * The analyze JSON contract (src/artifacts/analyzeReport.ts) against what
 * `tokor analyze --format json` really writes: the byte-for-byte snapshots of
 * test/analyze/ (the bundled sample, groups, workers, a subsample, measured
 * labels, mixed formats, CSV, a truncated gzip) and runs with --engine duckdb,
 * a bill and session labels all parse, and tokor report reads each one. The
 * compiler holds the schema to the AnalyzeReport type; this holds it to the
 * output.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnalyzeReport } from '../../src/artifacts/analyzeReport.js';
import { parseAnalyzeInput } from '../../src/artifacts/reportInputs.js';
import { InputError } from '../../src/errors.js';
import { ROOT, runCli } from '../helpers/cli.js';

const SNAPSHOTS = path.join(ROOT, 'test/analyze/snapshots');

/** The report of a snapshot file (its first JSON is the exit code and stderr); undefined for a failed run. */
function snapshotReport(file: string): string | undefined {
  const text = readFileSync(path.join(SNAPSHOTS, file), 'utf8');
  const split = text.indexOf('\n}\n') + 3;
  const head = JSON.parse(text.slice(0, split)) as { code: number };
  return head.code === 0 ? text.slice(split) : undefined;
}

describe('the analyze JSON schema', () => {
  const snapshots = readdirSync(SNAPSHOTS).filter((f) => f.endsWith('.txt'));

  it.each(snapshots.filter((f) => snapshotReport(f) !== undefined))('reads the snapshot %s', (file) => {
    const text = snapshotReport(file)!;
    const report = parseAnalyzeInput(text, file);
    // Nothing is dropped: what analyze wrote is what the schema returns.
    expect(report).toEqual(JSON.parse(text));
  });

  it.each([
    ['--engine duckdb', ['fixtures/sample', '--engine', 'duckdb', '--group-by', 'team']],
    ['a bill', ['--bill', 'fixtures/costs/cost-explorer.json']],
    ['session labels', ['fixtures/analyze/sessions', '--labels', 'fixtures/analyze/sessions/labels.jsonl']],
  ])('reads a report written with %s', async (_name, args) => {
    const r = await runCli(['analyze', ...args, '--format', 'json']);
    // Once, on a busy machine, the DuckDB run ended by a signal: say which, and what it printed.
    expect(r.code, `signal ${r.signal}; stderr: ${r.stderr}`).toBe(0);
    const report = parseAnalyzeInput(r.stdout, 'analyze.json');
    expect(report).toEqual(JSON.parse(r.stdout));
  }, 60_000);

  it('refuses a report that breaks the contract, naming the key and its line', () => {
    const text = snapshotReport('mixed.txt')!;
    const bad = text.replace('"distributionSource": "prior"', '"distributionSource": "labeler"');
    expect(bad).not.toBe(text);
    expect(() => parseAnalyzeInput(bad, 'a.json')).toThrow(/^a\.json:\d+: distributionSource: Invalid option/);
    const newer = { ...JSON.parse(text), schemaVersion: 4 };
    expect(() => parseAnalyzeReport(newer, { file: 'a.json' })).toThrow(InputError);
    expect(() => parseAnalyzeReport(newer, { file: 'a.json' })).toThrow(/^a\.json: schemaVersion: 4 was written by a newer tokor \(this one reads 3\); upgrade tokor$/);
  });
});
