/** `tokor costs` through the built bin (npm run build first). */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { monthStartBefore, utcDate } from '../../src/costs/dates.js';
import { runCli } from '../helpers/cli.js';
import { type CostExplorerServer, GROUP_DEFINITIONS, type Responder, resultByTime, startCostExplorerServer } from '../helpers/cost-explorer-server.js';

const FIXTURE = 'fixtures/costs/cost-explorer.json';
// A made-up key in the AWS shape, assembled so that no key-shaped literal is tracked.
const ACCESS_KEY = ['AKIA', 'TOKORCLITEST0002'].join('');
const SECRET_KEY = 'cli-secret-must-never-appear-9876543210';
const TOKEN = 'cli-session-token-must-never-appear';
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: SECRET_KEY,
  AWS_SESSION_TOKEN: TOKEN,
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: '/nonexistent/tokor-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/tokor-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

function expectNoSecrets(out: { stdout: string; stderr: string }): void {
  for (const s of [SECRET_KEY, TOKEN, ACCESS_KEY]) {
    expect(out.stdout).not.toContain(s);
    expect(out.stderr).not.toContain(s);
  }
}

/** A stderr of exactly one `tokor:` line: no stack, no SDK noise. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tokor: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
}

let server: CostExplorerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(responder: Responder): Promise<CostExplorerServer> {
  server = await startCostExplorerServer(responder);
  return server;
}

// Live dates must lie inside Cost Explorer's window as of today: use last month.
const today = utcDate(new Date());
const start = monthStartBefore(today, 1);
const end = monthStartBefore(today, 0);

describe('tokor costs --from-file', () => {
  it('reports a saved response as JSON with the contract keys', async () => {
    const r = await runCli(['costs', '--from-file', FIXTURE, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(1);
    expect(j.period).toEqual({ start: '2025-11-03', end: '2025-11-05' });
    expect(j.bedrock.totalUsd).toBe(103.21);
    expect(j.bedrock.byModel.map((m: { model: string }) => m.model)).toEqual(['anthropic.claude-sonnet-4-5', 'anthropic.claude-haiku-4-5', 'amazon.nova-lite']);
    expect(j.bedrock.byTokenKind).toEqual({ input: 54.6, output: 33.46, cacheRead: 12.15, cacheWrite5m: 3, cacheWrite1h: 0 });
    expect(j.bedrock.byPeriod.map((p: { totalUsd: number }) => p.totalUsd)).toEqual([67.36, 35.85]);
    expect(j.unrecognizedUsageTypes).toEqual([]);
    expect(j.otherServices).toEqual([]);
    expect(j.estimated).toBe(true);
    // Notes go to stderr in JSON mode, stdout stays pure JSON.
    expect(r.stderr).toMatch(/^tokor: .*estimated/m);
  });

  it('prints a table by default and writes --out', async () => {
    const dir = await mkdtemp(`${tmpdir()}/tokor-costs-cli-`);
    const r = await runCli(['costs', '--from-file', FIXTURE, '--out', `${dir}/c.md`, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const t = await runCli(['costs', '--from-file', FIXTURE]);
    expect(t.code).toBe(0);
    expect(t.stderr).toBe('');
    expect(t.stdout).toMatch(/^Billed Bedrock spend 2025-11-03 → 2025-11-05 \(end exclusive\), DAILY, UnblendedCost/);
    expect(t.stdout).toMatch(/amazon\.nova-lite\s+\$3\.60\s+\$0\.96\s+\$0\.15\s+\$4\.71/);
  });

  it.each([
    [['costs', '--from-file', 'package.json'], /^tokor: package\.json: not a bill tokor reads \(JSON with keys name, version, description, type…\); tokor reads AWS Cost Explorer GetCostAndUsage response \(JSON\); .*Azure Cost Management export/],
    [['costs', '--from-file', 'nope.json'], /^tokor: nope\.json: cannot read the bill \(no such file or directory\); check the path$/],
    [['costs', '--from-file', FIXTURE, '--start', '2025-11-05', '--end', '2025-11-03'], /--end 2025-11-03 must be after --start 2025-11-05/],
    [['costs', '--start', '2025-13-01', '--end', '2025-12-01'], /--start "2025-13-01" is not a date: use YYYY-MM-DD/],
    [['costs', '--start', '2020-01-01', '--end', '2020-02-01', '--granularity', 'MONTHLY'], /too far back: Cost Explorer keeps at most 38 months/],
    [['costs', '--start', start, '--end', end, '--endpoint-url', 'not a url'], /--endpoint-url "not a url" is not an http\(s\) URL/],
  ])('bad input %j exits 2 with one line', async (args, pattern) => {
    const r = await runCli(args, { env: AWS_ENV });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr, pattern);
  });

  it('a non-numeric amount exits 2 naming the file, the line and the JSON path', async () => {
    const dir = await mkdtemp(`${tmpdir()}/tokor-costs-cli-`);
    const file = `${dir}/ce.json`;
    const text = JSON.stringify({ GroupDefinitions: GROUP_DEFINITIONS, ResultsByTime: [resultByTime('2025-11-01', '2025-11-02', [['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '1,50', '1']])] }, null, 2);
    await writeFile(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('"1,50"')) + 1;
    const r = await runCli(['costs', '--from-file', file]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, new RegExp(`${file}:${line}: ResultsByTime\\[0\\]\\.Groups\\[0\\]\\.Metrics\\.UnblendedCost\\.Amount: is not a decimal amount such as "12\\.34" \\(got "1,50"\\); save the output`));
  });

  it('an amount beyond any real bill ("1e400") exits 2 instead of printing $∞', async () => {
    const dir = await mkdtemp(`${tmpdir()}/tokor-costs-cli-`);
    const file = `${dir}/ce.json`;
    const text = JSON.stringify({ GroupDefinitions: GROUP_DEFINITIONS, ResultsByTime: [resultByTime('2025-11-01', '2025-11-02', [['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '1e400', '1']])] }, null, 2);
    await writeFile(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('"1e400"')) + 1;
    const r = await runCli(['costs', '--from-file', file]);
    expect(r.stdout).not.toContain('∞');
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, new RegExp(`${file}:${line}: ResultsByTime\\[0\\]\\.Groups\\[0\\]\\.Metrics\\.UnblendedCost\\.Amount: "1e400" is out of range`));
  });

  it('a tabular bill (FOCUS) with a day not on the calendar, or a quantity past any real bill, exits 2 naming the line', async () => {
    const dir = await mkdtemp(`${tmpdir()}/tokor-costs-cli-`);
    const lines = readFileSync('fixtures/costs/focus-1.2.csv', 'utf8').split('\n');
    const cases: [string, (l: string) => string, RegExp][] = [
      // 2025-13-01 has the shape of a date: it stopped the run with a RangeError and a stack trace.
      ['month 13', (l) => l.replace('2025-11-01T00:00:00Z,2025-11-02', '2025-13-01T00:00:00Z,2025-13-02'), /:3: ChargePeriodStart: "2025-13-01T00:00:00Z" is not a date or time$/],
      ['Feb 30', (l) => l.replace('2025-11-01T00:00:00Z', '2025-02-30'), /:3: ChargePeriodStart: "2025-02-30" is not a date or time$/],
      // 1e309 units: its tokens printed as Infinity.
      ['1e309 units', (l) => l.replace(',500,Units,', ',1e309,Units,'), /:3: ConsumedQuantity: "1e309" is out of range \(beyond ±10\^15\): not a real amount$/],
    ];
    for (const [name, edit, pattern] of cases) {
      const file = `${dir}/${name.replace(/ /g, '-')}.csv`;
      await writeFile(file, lines.map((l, i) => (i === 2 ? edit(l) : l)).join('\n'));
      expect(lines[2]).not.toBe(edit(lines[2]!));
      const r = await runCli(['costs', '--from-file', file]);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe('');
      expectOneLine(r.stderr, new RegExp(`^tokor: ${file}${pattern.source}`));
    }
  });

  it('an unknown --profile exits 2 with one line, before any request', async () => {
    const s = await serve(() => ({ body: {} }));
    const env = { ...AWS_ENV, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' };
    const r = await runCli(['costs', '--start', start, '--end', end, '--profile', 'tokor-no-such-profile', '--endpoint-url', s.url], { env });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /no AWS credentials for profile "tokor-no-such-profile"/);
    expect(s.requests).toHaveLength(0);
  });

  it('rejects an unknown granularity through commander', async () => {
    const r = await runCli(['costs', '--from-file', FIXTURE, '--granularity', 'HOURLY']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are DAILY, MONTHLY/);
  });
});

describe('tokor costs live, against a local Cost Explorer', () => {
  const day2 = `${start.slice(0, 8)}02`;
  const body = (token?: string) => ({
    GroupDefinitions: GROUP_DEFINITIONS,
    ResultsByTime: [
      resultByTime(start, day2, [
        ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount_Global-Units', token ? '3' : '0.3', '1'],
        ['AWS Lambda', 'USE1-Request', '0.2', '1000000'],
      ]),
    ],
    ...(token ? { NextPageToken: token } : {}),
  });

  it('queries every page with the env credentials and never prints them', async () => {
    const second = {
      GroupDefinitions: GROUP_DEFINITIONS,
      ResultsByTime: [resultByTime(start, day2, [['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_OutputTokenCount_Global-Units', '1.5', '0.1']], true)],
    };
    const s = await serve((_req, n) => ({ body: n === 0 ? body('page-2') : second }));
    const r = await runCli(['costs', '--start', start, '--end', end, '--endpoint-url', s.url, '--format', 'json'], { env: AWS_ENV });
    expect(r.code).toBe(0);
    expectNoSecrets(r);
    expect(s.requests).toHaveLength(2);
    expect(s.requests[0]!.authorization).toContain(`Credential=${ACCESS_KEY}/`);
    expect(s.requests[0]!.body).toMatchObject({ TimePeriod: { Start: start, End: end }, Granularity: 'DAILY' });
    expect(s.requests[0]!.body.NextPageToken).toBeUndefined();
    expect(s.requests[1]!.body.NextPageToken).toBe('page-2');
    const j = JSON.parse(r.stdout);
    expect(j.source.pages).toBe(2);
    expect(j.bedrock.totalUsd).toBe(4.5);
    expect(j.bedrock.byTokenKind).toMatchObject({ input: 3, output: 1.5 });
    expect(j.estimated).toBe(true);
  });

  it('reports billed spend, keeps other services apart and exits 0', async () => {
    const s = await serve(() => ({ body: body() }));
    const r = await runCli(['costs', '--start', start, '--end', end, '--endpoint-url', s.url, '--format', 'json'], { env: AWS_ENV });
    expect(r.code).toBe(0);
    expectNoSecrets(r);
    const j = JSON.parse(r.stdout);
    expect(j.source).toEqual({ kind: 'live', endpoint: s.url, pages: 1 });
    expect(j.period).toEqual({ start, end });
    expect(j.bedrock.totalUsd).toBe(0.3);
    expect(j.otherServices).toEqual([{ service: 'AWS Lambda', costUsd: 0.2 }]);
    expect(s.requests[0]!.body.Filter).toEqual({ Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } });
  });

  it.each([
    ['AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ce:GetCostAndUsage', 3, /Cost Explorer denied access/],
    ['DataUnavailableException', 'Data is not available.', 3, /Cost Explorer has no data for this request/],
    ['ValidationException', 'Start date is invalid', 2, /Cost Explorer rejected the request: Start date is invalid/],
  ])('%s (%s) → exit %d, one line, no credentials', async (type, message, code, pattern) => {
    const s = await serve(() => ({ error: type, message }));
    const r = await runCli(['costs', '--start', start, '--end', end, '--endpoint-url', s.url], { env: AWS_ENV });
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expectOneLine(r.stderr, pattern);
    expectNoSecrets(r);
  });
});
