/**
 * stderr stays clean: every command's normal run on the bundled data, through
 * the built CLI, prints nothing on stderr but its documented notes — no AWS
 * SDK Node-version warning, no deprecation or experimental warnings, no other
 * library noise. The children run without the SDK's warning opt-out that the
 * test runner sets for in-process tests, so the CLI must set it itself.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthStartBefore, utcDate } from '../../src/costs/dates.js';
import { type BedrockServer, converseOk, startBedrockServer } from '../helpers/bedrock-server.js';
import { runCli } from '../helpers/cli.js';
import { type CostExplorerServer, GROUP_DEFINITIONS, resultByTime, startCostExplorerServer } from '../helpers/cost-explorer-server.js';
import { TEST_KEY_ID } from '../helpers/fake-aws.js';

/** No SDK opt-out, no Node flags from the runner; fake AWS credentials that never reach AWS. */
const ENV = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
  NODE_OPTIONS: undefined,
  NODE_NO_WARNINGS: undefined,
  AWS_ACCESS_KEY_ID: TEST_KEY_ID,
  AWS_SECRET_ACCESS_KEY: 'tokor-stderr-secret',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: '/nonexistent/tokor-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/tokor-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};
/** A sample log file of the bundled traffic: 3 Bedrock records with bodies. */
const SAMPLE_LOG = 'fixtures/sample/AWSLogs/210987654321/BedrockModelInvocationLogs/us-west-2/2025/11/03/00/20251103T035409270Z_7e3fc3ddcc611523.json.gz';

// Live dates must lie inside Cost Explorer's window as of today: the first day of last month.
const start = monthStartBefore(utcDate(new Date()), 1);
const day2 = `${start.slice(0, 8)}02`;

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-stderr-'));
const initDir = mkdtempSync(path.join(tmpdir(), 'tokor-stderr-init-'));
let bedrock: BedrockServer;
let costExplorer: CostExplorerServer;

beforeAll(async () => {
  bedrock = await startBedrockServer(() => converseOk('a short answer'));
  costExplorer = await startCostExplorerServer(() => ({
    body: { GroupDefinitions: GROUP_DEFINITIONS, ResultsByTime: [resultByTime(start, day2, [['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '0.6', '10000']])] },
  }));
});
afterAll(async () => {
  await bedrock?.close();
  await costExplorer?.close();
});

/** [name, argv, documented stderr lines (each line must match one), cwd] — run in this order. */
const RUNS: [string, string[], RegExp[], string?][] = [
  ['analyze', ['analyze'], []],
  ['analyze --format json --out', ['analyze', '--format', 'json', '--out', path.join(dir, 'analyze.json')], []],
  ['eval', ['eval'], [/^tokor: replaying the bundled recordings: they are sample data, not measurements of the models$/]],
  ['calibrate', ['calibrate'], []],
  ['gate', ['gate'], [/^tokor: gating on the bundled golden datasets, graded from their recorded responses \(sample data, not measurements of the models\)$/]],
  ['prices', ['prices'], []],
  [
    'label (a bundled sample log, Bedrock on a local endpoint)',
    ['label', SAMPLE_LOG, '--out', path.join(dir, 'labels.jsonl'), '--grader', 'normalized-exact', '--provider', 'bedrock', '--region', 'us-east-1', '--no-cache', '--endpoint-url', '<bedrock>'],
    [/^tokor: \d+ requests? labeled \(easy \d+, moderate \d+, hard \d+\)/],
  ],
  ['report', ['report', '--analyze', path.join(dir, 'analyze.json'), '--out', path.join(dir, 'report.html')], []],
  ['costs --from-file', ['costs', '--from-file', 'fixtures/costs/cost-explorer.json'], []],
  ['costs (live, a local Cost Explorer)', ['costs', '--start', start, '--end', day2, '--endpoint-url', '<cost-explorer>'], []],
  ['init', ['init'], [], initDir],
  ['config check', ['config', 'check'], [], initDir],
  ['--help', ['--help'], []],
];

describe('stderr of normal runs (built CLI)', () => {
  it.each(RUNS)('%s: exit 0, only documented notes on stderr', async (_name, argv, notes, cwd) => {
    const args = argv.map((a) => (a === '<bedrock>' ? bedrock.url : a === '<cost-explorer>' ? costExplorer.url : a));
    const r = await runCli(args, { env: ENV, ...(cwd ? { cwd } : {}) });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => !notes.some((n) => n.test(l)))).toEqual([]);
    expect(r.stderr).not.toMatch(/Warning|\(node:\d+\)|deprecat/i);
  });

  it('the label and costs runs reached their local endpoints (so the SDK clients were built)', () => {
    expect(bedrock.requests.length).toBeGreaterThan(0);
    expect(costExplorer.requests).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'labels.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(0);
  });
});
