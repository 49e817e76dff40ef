/**
 * --engine athena through the built CLI and the real AthenaClient, against a
 * local Athena (test/helpers/athena-server.ts) that runs the SQL tokor sends
 * in DuckDB over fixture logs: the same counts, tokens and dollars as the
 * in-process reader; partition pruning on --since/--until; QUEUED → RUNNING →
 * SUCCEEDED polling and paged results; a FAILED query in one line; Ctrl-C
 * stops the query (StopQueryExecution). And `tokor athena ddl`.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { runCli, startCli } from '../helpers/cli.js';
import { engineFigures } from '../helpers/engineFigures.js';
import { TEST_CREDS } from '../helpers/fake-aws.js';
import { waitFor } from '../helpers/wait.js';

const FIXTURES = ['fixtures/ingest/bedrock-bodies.jsonl', 'fixtures/ingest/bedrock-edge-cases.jsonl', 'fixtures/ingest/bad-lines.jsonl', 'fixtures/ingest/ttl/anthropic-cache-creation.jsonl', 'fixtures/ingest/ttl/converse-cache-details.jsonl', 'fixtures/engines/streamed-bodies.jsonl'];
const SAMPLE = execFileSync('find', ['fixtures/sample/AWSLogs', '-name', '*.json.gz']).toString().trim().split('\n').sort();
/** The bundled sample's folders of 5 and 6 November (every account and Region): what --since/--until should read. */
const DAYS = SAMPLE.filter((f) => /\/2025\/11\/0[56]\//.test(f));

let athena: AthenaServer;
beforeAll(async () => {
  athena = await startAthenaServer({ tables: { 'logs.fixtures': FIXTURES, 'logs.sample': SAMPLE, 'logs.duplicates': ['fixtures/engines/duplicated-requests.jsonl'], 'logs.conflicting': ['fixtures/engines/conflicting-copies.jsonl'], 'logs.parsed': ['fixtures/engines/parsed-copy.jsonl'] }, pageSize: 7 });
});
afterAll(async () => {
  await athena?.close();
});

const athenaArgs = (table: string) => ['--engine', 'athena', '--table', table, '--workgroup', 'tokor-wg', '--output', 's3://results-bucket/tokor/', '--region', 'us-east-1', '--athena-endpoint-url', athena.url];

// biome-ignore lint/suspicious/noExplicitAny: the analyze JSON as the CLI prints it, read field by field
type Report = Record<string, any>;

async function report(args: string[]): Promise<Report> {
  const r = await runCli(['analyze', ...args, '--format', 'json'], { env: TEST_CREDS });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe('tokor analyze --engine athena (local Athena running the SQL in DuckDB)', () => {
  it('gives the in-process figures on the Bedrock fixtures, reports bytes scanned and their cost, pages results', async () => {
    athena.requests.length = 0;
    athena.queries.length = 0;
    const [inproc, ath] = await Promise.all([report([...FIXTURES, '--group-by', 'team,role,day,region']), report([...athenaArgs('logs.fixtures'), '--group-by', 'team,role,day,region'])]);
    expect(engineFigures(ath)).toEqual(engineFigures(inproc));
    expect(ath.sources.paths).toEqual(['athena:logs.fixtures']);
    // Two queries, each billed at Athena's 10 MB minimum: 20 MiB at $5 per TiB.
    expect(ath.scan).toMatchObject({ engine: 'athena', queries: 2, price: { usdPerTB: '5.00', source: 'https://aws.amazon.com/athena/pricing/' } });
    expect(ath.scan.costUsd).toBe(0.000095);
    const ops = athena.requests.map((q) => q.operation);
    expect(ops.filter((o) => o === 'StartQueryExecution')).toHaveLength(2);
    expect(ops.filter((o) => o === 'GetQueryResults').length).toBeGreaterThan(2);
    const starts = athena.requests.filter((q) => q.operation === 'StartQueryExecution');
    for (const s of starts) expect(s.body).toMatchObject({ WorkGroup: 'tokor-wg', ResultConfiguration: { OutputLocation: 's3://results-bucket/tokor/' } });
    // Every page was asked for with the token of the one before.
    const tokens = athena.requests.filter((q) => q.operation === 'GetQueryResults').map((q) => q.body.NextToken);
    expect(tokens.filter((t) => t !== undefined).length).toBeGreaterThan(0);
  });

  it('prunes partitions on --since/--until: the figures of those days, read in process from their folders', async () => {
    athena.queries.length = 0;
    const [inproc, ath] = await Promise.all([report([...DAYS, '--group-by', 'team']), report([...athenaArgs('logs.sample'), '--since', '2025-11-05', '--until', '2025-11-06', '--group-by', 'team'])]);
    expect(ath.records.read).toBeGreaterThan(0);
    expect(ath.records.read).toBeLessThan(5000);
    expect(engineFigures(ath)).toEqual(engineFigures(inproc));
    for (const sql of athena.queries) expect(sql).toContain(`datehour >= '2025/11/05/00' AND datehour <= '2025/11/06/23'`);
  });

  it('samples whole a stratum whose lines, duplicates counted, fit --label-sample', async () => {
    const [inproc, ath] = await Promise.all([report(['fixtures/engines/duplicated-requests.jsonl']), report([...athenaArgs('logs.duplicates'), '--label-sample', '6'])]);
    expect(ath.records).toEqual(inproc.records);
    expect(ath.labelSample).toEqual({ size: 8, of: 9, seed: 1 });
    const group = (r: Report, name: string) => r.byGroup.find((g: Report) => g.group === name);
    expect(group(ath, 'support')).toEqual(group(inproc, 'support'));
  });

  it('a FAILED query: one line with Athena’s reason, exit 3', async () => {
    const r = await runCli(['analyze', ...athenaArgs('logs.missing')], { env: TEST_CREDS });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tokor: Athena query q-\d+ failed: [^\n]*missing[^\n]*\n$/);
  });

  it('Ctrl-C stops the running query (StopQueryExecution) and exits 130', async () => {
    const held = await startAthenaServer({ tables: { 'logs.fixtures': FIXTURES }, hold: true });
    try {
      const run = startCli(['analyze', '--engine', 'athena', '--table', 'logs.fixtures', '--region', 'us-east-1', '--athena-endpoint-url', held.url], { env: TEST_CREDS });
      await waitFor(() => held.requests.filter((q) => q.operation === 'GetQueryExecution').length >= 2, 'the query to be RUNNING');
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(held.requests.map((q) => q.operation)).toContain('StopQueryExecution');
      expect(held.requests.find((q) => q.operation === 'StopQueryExecution')?.body).toEqual({ QueryExecutionId: 'q-1' });
    } finally {
      await held.close();
    }
  });

  it('refuses, in one line, copies of a request it cannot de-duplicate as the in-process reader does (which came first)', async () => {
    // Two copies of one request (ID, model, tokens) tagged for two teams; then a copy Athena reads and one whose
    // timestamp (+00:00) leaves it to tokor's parser. In process the first copy counts and the second is a
    // duplicate; Athena cannot tell which came first. Grouped by team or not, the aggregate finds them.
    for (const [file, table] of [
      ['fixtures/engines/conflicting-copies.jsonl', 'logs.conflicting'],
      ['fixtures/engines/parsed-copy.jsonl', 'logs.parsed'],
    ] as const) {
      const inproc = await report([file, '--group-by', 'team']);
      expect(inproc.records).toMatchObject({ read: 2, valid: 1, duplicates: 1 });
      for (const groupBy of [['--group-by', 'team'], []]) {
        const ath = await runCli(['analyze', ...athenaArgs(table), ...groupBy], { env: TEST_CREDS });
        expect(ath.code).toBe(2);
        expect(ath.stdout).toBe('');
        expect(ath.stderr).toMatch(/^tokor: 1 request ID has copies that Athena cannot de-duplicate as tokor does \(they differ in [^)]*, or tokor parses one copy itself\): tokor counts the first copy of a request, and Athena cannot tell which came first; analyze those logs with --engine inprocess\n$/);
      }
    }
  });

  it('refuses paths and a missing --table in one line (exit 2)', async () => {
    const noTable = await runCli(['analyze', '--engine', 'athena'], { env: TEST_CREDS });
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toMatch(/^tokor: --engine athena needs --table database\.table/);
    const paths = await runCli(['analyze', 'fixtures/ingest/bad-lines.jsonl', ...athenaArgs('logs.fixtures')], { env: TEST_CREDS });
    expect(paths.code).toBe(2);
    expect(paths.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tokor athena ddl', () => {
  it('prints the table with partition projection on the account, Region and YYYY/MM/DD/HH path', async () => {
    const r = await runCli(['athena', 'ddl', '--bucket', 'my-logs', '--prefix', 'bedrock/', '--accounts', '123456789012,210987654321', '--regions', 'us-east-1,eu-central-1', '--table', 'logs.bedrock']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS logs.bedrock (\n  line string\n)');
    expect(r.stdout).toContain("LOCATION 's3://my-logs/bedrock/AWSLogs/'");
    expect(r.stdout).toContain("'projection.account.values' = '123456789012,210987654321'");
    expect(r.stdout).toContain("'projection.datehour.format' = 'yyyy/MM/dd/HH'");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's storage.location.template placeholders, not a JS template
    expect(r.stdout).toContain("'storage.location.template' = 's3://my-logs/bedrock/AWSLogs/${account}/BedrockModelInvocationLogs/${log_region}/${datehour}/'");
  });

  it('refuses a bucket given as a URL (exit 2, one line)', async () => {
    const r = await runCli(['athena', 'ddl', '--bucket', 's3://my-logs/x', '--accounts', '123456789012', '--regions', 'us-east-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tokor: --bucket s3:\/\/my-logs\/x: not an S3 bucket name/);
  });
});
