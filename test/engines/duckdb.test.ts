/**
 * --engine duckdb through the built CLI: the same report as the in-process
 * reader, to the cent, on the bundled sample and on the Bedrock fixtures; a
 * small --label-sample still gives exact counts, tokens and dollars (they come
 * from the SQL aggregates, not from the labeled records); other formats and
 * in-process-only flags are refused in one line.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// biome-ignore lint/suspicious/noExplicitAny: the analyze JSON as the CLI prints it, read field by field
type Json = Record<string, any>;

const FIXTURES = ['fixtures/ingest/bedrock-bodies.jsonl', 'fixtures/ingest/bedrock-edge-cases.jsonl', 'fixtures/ingest/bad-lines.jsonl', 'fixtures/ingest/ttl', 'fixtures/analyze/mixed/invocations.jsonl', 'fixtures/engines/typed-reader-edges.jsonl', 'fixtures/engines/streamed-bodies.jsonl', 'fixtures/engines/streamed-typed-unsure.jsonl'];

async function report(args: string[]): Promise<Record<string, unknown> & { sources: { bytesRead: number } }> {
  const r = await runCli(['analyze', ...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** The report less what differs by engine on purpose: bytes read (decompressed in process, on disk for DuckDB). */
function comparable(r: Record<string, unknown> & { sources: { bytesRead: number } }): unknown {
  return { ...r, sources: { ...r.sources, bytesRead: 0 } };
}

/** The in-process report on the bundled sample, read once for the tests that compare with it. */
let sampleReport: ReturnType<typeof report> | undefined;
/** With a bill: byDay and the reconciliation must not depend on the engine either. */
const BILL = ['--bill', 'fixtures/costs/cost-explorer.json'];
const inProcessSample = () => (sampleReport ??= report(['--group-by', 'team,role', ...BILL]));

describe('tokor analyze --engine duckdb', () => {
  it('gives the in-process report on the bundled sample (counts, tokens, dollars, labels, groups)', async () => {
    const [inproc, duck] = await Promise.all([inProcessSample(), report(['--engine', 'duckdb', '--group-by', 'team,role', ...BILL])]);
    expect(comparable(duck)).toEqual(comparable(inproc));
  });

  it('gives the in-process report on the Bedrock fixtures: bodies, streams, TTL splits, bad lines, duplicates, failures', async () => {
    const args = ['--group-by', 'team,role,day,region'];
    // DuckDB expands a quoted glob itself (in process, the shell would).
    const globbed = FIXTURES.map((f) => (f === 'fixtures/ingest/ttl' ? 'fixtures/ingest/ttl/*.jsonl' : f));
    const [inproc, duck] = await Promise.all([report([...FIXTURES, ...args]), report([...globbed, ...args, '--engine', 'duckdb'])]);
    expect(duck.records).toEqual(inproc.records);
    expect(duck.sources).toEqual(inproc.sources);
    // The suggested `tokor label` command repeats the inputs as named (the glob): all else is the same.
    const named = (r: Json) => ({ ...r, headline: { ...r.headline, caveats: [] }, toMeasure: { ...r.toMeasure, command: '' } });
    expect(named(duck)).toEqual(named(inproc));
  });

  it('with a small --label-sample: exact counts, tokens and dollars from the aggregates, the label mix estimated with wider intervals', async () => {
    type R = Awaited<ReturnType<typeof report>> & Json;
    const [inproc, duck] = (await Promise.all([inProcessSample(), report(['--engine', 'duckdb', '--label-sample', '5', '--group-by', 'team,role', ...BILL])])) as [R, R];
    expect(duck.records).toEqual(inproc.records);
    expect(duck.tokens).toEqual(inproc.tokens);
    expect(duck.cost.actual).toBe(inproc.cost.actual);
    expect(duck.cost.frontierCounterfactual).toBe(inproc.cost.frontierCounterfactual);
    expect(duck.savings.sensitivity).toEqual(inproc.savings.sensitivity);
    const byModel = (r: R) => r.byModel.map((m: Json) => [m.model, m.region, m.requests, m.tokens, m.costUsd, m.frontierCounterfactualUsd]);
    expect(byModel(duck)).toEqual(byModel(inproc));
    const groupCost = (r: R) => r.byGroup.map((g: Json) => [g.group, g.requests, g.costUsd, g.frontierCounterfactualUsd]);
    expect(groupCost(duck)).toEqual(groupCost(inproc));
    expect(duck.period).toEqual(inproc.period);
    expect(duck.byDay).toEqual(inproc.byDay);
    // The bill against the logged dollars is exact; only billedCeiling, which applies the (estimated) ceiling, may move.
    const billed = (r: R) => ({ ...r.reconciliation, billedCeiling: undefined });
    expect(billed(duck)).toEqual(billed(inproc));
    expect(duck.reconciliation.loggedUsd).toBe(inproc.reconciliation.loggedUsd);
    // The sample: fewer labeled records than valid ones, said in the report.
    expect(duck.labelSample.of).toBe(inproc.records.valid);
    expect(duck.labelSample.size).toBeLessThan(duck.labelSample.of);
    // Not `sample`: that key says the report covers a sample of the records (a bill reconciliation scales it up).
    expect(duck.sample).toBeUndefined();
    expect(inproc.labelSample).toBeUndefined();
    const n = (r: R) => r.distribution.easy.count + r.distribution.moderate.count + r.distribution.hard.count;
    expect(n(duck)).toBe(inproc.records.valid);
    const width = (r: R) => r.distribution.easy.ci95[1] - r.distribution.easy.ci95[0];
    expect(width(duck)).toBeGreaterThan(width(inproc));
  });

  it('samples whole a stratum whose lines, duplicates counted, fit --label-sample, and estimates one they do not', async () => {
    // support: 3 requests, each logged twice (6 lines); search: 6 requests, one logged three times (8 lines).
    const file = 'fixtures/engines/duplicated-requests.jsonl';
    const [inproc, duck] = (await Promise.all([report([file]), report([file, '--engine', 'duckdb', '--label-sample', '6'])])) as Json[];
    expect(duck!.records).toEqual(inproc!.records);
    expect(duck!.records.duplicates).toBe(5);
    // support's 3 requests labeled once each (its duplicates dropped); 5 of search's 6 (the tripled one sampled
    // three times counts once).
    expect(duck!.labelSample).toEqual({ size: 8, of: 9, seed: 1 });
    const group = (r: Json, name: string) => r.byGroup.find((g: Json) => g.group === name);
    expect(group(duck!, 'support')).toEqual(group(inproc!, 'support'));
    expect(duck!.cost.actual).toBe(inproc!.cost.actual);
  });

  it('refuses other log formats and in-process-only flags in one line (exit 2)', async () => {
    const other = await runCli(['analyze', 'fixtures/ingest/gateway.jsonl', '--engine', 'duckdb']);
    expect(other.code).toBe(2);
    expect(other.stdout).toBe('');
    expect(other.stderr).toMatch(/^tokor: fixtures\/ingest\/gateway\.jsonl: holds openai records: --engine duckdb reads Bedrock invocation logs; use --engine inprocess\n$/);
    const flag = await runCli(['analyze', '--engine', 'duckdb', '--sample', '10']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    expect(flag.stderr).toMatch(/--sample is not available with --engine duckdb/);
  });

  it('refuses, in one line, copies of a request it cannot de-duplicate as the in-process reader does (which came first)', async () => {
    // Two copies of one request (ID, model, tokens) tagged for two teams; then a copy DuckDB reads and one whose
    // timestamp (+00:00) leaves it to tokor's parser. In process, the first copy counts and the second is a duplicate.
    for (const file of ['fixtures/engines/conflicting-copies.jsonl', 'fixtures/engines/parsed-copy.jsonl']) {
      const inproc = await report([file, '--group-by', 'team']);
      expect((inproc as Json).records).toMatchObject({ read: 2, valid: 1, duplicates: 1 });
      const duck = await runCli(['analyze', file, '--engine', 'duckdb', '--group-by', 'team']);
      expect(duck.code).toBe(2);
      expect(duck.stdout).toBe('');
      expect(duck.stderr).toMatch(/^tokor: 1 request ID has copies that DuckDB cannot de-duplicate as tokor does \(.*\): tokor counts the first copy of a request, and DuckDB cannot tell which came first; use --engine inprocess\n$/);
    }
  });

  it('checks every object of a tree (read ahead) and refuses the first it cannot read, by name, in input order', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-duckdb-tree-'));
    try {
      // The bundled sample's 80 gzip objects, in one folder (names sort as tokor lists them).
      cpSync('fixtures/sample', dir, { recursive: true });
      const objects = readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.json.gz'))
        .map((f) => path.join(dir, f))
        .sort();
      expect(objects.length).toBe(80);
      const whole = await report([dir, '--engine', 'duckdb']);
      expect((whole as Json).records.read).toBeGreaterThan(1000);
      // Past the first files read ahead: a gzip object without its .gz, then a text file named .gz before it.
      const late = objects[60]!;
      renameSync(late, late.replace(/\.gz$/, ''));
      const unnamed = await runCli(['analyze', dir, '--engine', 'duckdb']);
      expect(unnamed.code).toBe(2);
      expect(unnamed.stdout).toBe('');
      expect(unnamed.stderr).toBe(`tokor: ${late.replace(/\.gz$/, '')}: is gzip but not named .gz: DuckDB decompresses by name; rename it or use --engine inprocess\n`);
      writeFileSync(objects[40]!, 'plain text\n');
      const text = await runCli(['analyze', dir, '--engine', 'duckdb']);
      expect(text.code).toBe(2);
      expect(text.stderr).toBe(`tokor: ${objects[40]}: is named .gz but is not gzip; use --engine inprocess, which reports it\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads again, with its larger buffer, a gzip log whose 17 MiB last line its first read (8 MiB) left out: the in-process report', async () => {
    // The cases, with small buffers, are in duckdbLongLines.test.ts; this is the engine's own sizes, as users run it.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-duck-long-'));
    try {
      const text = 'word '.repeat((17 * 1024 * 1024) / 5);
      const record = { schemaType: 'ModelInvocationLog', schemaVersion: '1.0', timestamp: '2025-11-05T10:00:00Z', region: 'us-east-1', requestId: 'long', operation: 'Converse', modelId: 'amazon.nova-lite-v1:0', input: { inputBodyJson: { messages: [{ role: 'user', content: [{ text }] }] }, inputTokenCount: 4_500_000 }, output: { outputTokenCount: 2 }, requestMetadata: { team: 'long' } };
      const file = path.join(dir, 'long.jsonl.gz');
      writeFileSync(file, gzipSync(`${readFileSync('fixtures/ingest/bedrock-bodies.jsonl', 'utf8')}${JSON.stringify(record)}\n`));
      const args = [file, '--group-by', 'team'];
      const [inproc, duck] = await Promise.all([report(args), report([...args, '--engine', 'duckdb'])]);
      expect((inproc as Json).byGroup.find((g: Json) => g.group === 'long')).toMatchObject({ requests: 1 });
      expect(comparable(duck)).toEqual(comparable(inproc));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the file whose line endings DuckDB cannot split as tokor does (one CRLF among LF lines)', async () => {
    const file = 'fixtures/engines/mixed-line-endings.jsonl';
    expect((await report([file])) as Json).toMatchObject({ records: { read: 6 } });
    const duck = await runCli(['analyze', file, '--engine', 'duckdb']);
    expect(duck.code).toBe(2);
    expect(duck.stderr).toBe(`tokor: ${file}: DuckDB's line reader cannot split this file into lines as tokor does (a line ends in a carriage return and another does not, or a line holds a stray carriage return or a \\x01 byte): use --engine inprocess\n`);
  });
});
