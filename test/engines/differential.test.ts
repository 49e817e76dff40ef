/**
 * The engines against each other on records nobody wrote by hand: 1,500
 * Bedrock lines mutated at random from the fixtures (a fixed seed:
 * test/helpers/mutatedBedrock.ts) through the built CLI, in process, with
 * DuckDB and through the local Athena. DuckDB labels every stratum whole here
 * (--label-sample above the line count), so its report must be the in-process
 * one but for the bytes read; Athena's counts, tokens, dollars and groups must
 * be too. This found a tag written empty read as untagged by the SQL, and
 * copies of a request the aggregate could not de-duplicate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { runCli } from '../helpers/cli.js';
import { engineFigures } from '../helpers/engineFigures.js';
import { TEST_CREDS } from '../helpers/fake-aws.js';
import { mutatedBedrockLines } from '../helpers/mutatedBedrock.js';

// biome-ignore lint/suspicious/noExplicitAny: the analyze JSON as the CLI prints it, read field by field
type Report = Record<string, any>;

const LINES = 1500;
const GROUP_BY = ['--group-by', 'team,day,region,role'];

let dir: string;
let file: string;
let athena: AthenaServer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-differential-'));
  file = path.join(dir, 'mutated.jsonl');
  writeFileSync(file, `${mutatedBedrockLines(7, LINES).join('\n')}\n`);
  athena = await startAthenaServer({ tables: { 'logs.mutated': [file] }, pageSize: 500 });
});
afterAll(async () => {
  await athena?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function report(args: string[]): Promise<Report> {
  const r = await runCli(['analyze', ...args, ...GROUP_BY, '--format', 'json'], { env: TEST_CREDS });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe('the engines on mutated Bedrock records', () => {
  it('in process and DuckDB give the same report; the local Athena the same figures', async () => {
    const [inproc, duck, ath] = await Promise.all([
      report([file]),
      report([file, '--engine', 'duckdb', '--label-sample', String(LINES * 2)]),
      report(['--engine', 'athena', '--table', 'logs.mutated', '--workgroup', 'wg', '--output', 's3://results/tokor/', '--region', 'us-east-1', '--athena-endpoint-url', athena.url, '--label-sample', String(LINES * 2)]),
    ]);
    // The lines are varied enough to mean something: valid, invalid, failed and duplicate records, several groups.
    expect(inproc.records.valid).toBeGreaterThan(LINES / 3);
    expect(inproc.records.invalid).toBeGreaterThan(50);
    expect(inproc.records.failed).toBeGreaterThan(0);
    expect(inproc.records.duplicates).toBeGreaterThan(0);
    expect(inproc.byGroup.length).toBeGreaterThan(10);
    // Some requests whose prompt and answer a tier's window cannot hold (counts mutated large, the window-answer
    // fixture among the bases): the window classes are compared too (140 with answers counted, 103 without).
    expect(inproc.headline.caveats).toContainEqual(expect.stringMatching(/^140 requests are routed past their label's tier: its context window cannot hold their prompt and answer/));
    const comparable = (r: Report) => ({ ...r, sources: { ...r.sources, bytesRead: 0, paths: [] }, toMeasure: { ...r.toMeasure, command: '' } });
    expect(comparable(duck)).toEqual(comparable(inproc));
    expect(engineFigures(ath)).toEqual(engineFigures(inproc));
  });
});
