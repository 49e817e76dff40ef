/**
 * `tokor analyze --format json` through the built CLI, byte for byte against
 * snapshot files: the restructure of issue #13 (engines/, app/) must leave
 * every figure as it was. Regenerate a snapshot only for a change an issue
 * asks for (UPDATE_SNAPSHOTS=1), and read the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const CASES: [name: string, args: string[]][] = [
  ['bundled-sample', []],
  ['sample-groups', ['fixtures/sample', '--group-by', 'team,app,model,day']],
  ['sample-workers', ['fixtures/sample', '--workers', '2']],
  ['sample-subsample', ['fixtures/sample', '--sample', '200', '--seed', '3']],
  ['sample-labels', ['fixtures/sample', '--labels', 'fixtures/analyze/labels.jsonl']],
  ['mixed', ['fixtures/analyze/mixed']],
  ['csv', ['fixtures/analyze/csv/usage.csv']],
  ['truncated-gzip', ['fixtures/analyze/truncated.json.gz']],
  ['ingest-files', ['fixtures/ingest/gateway.jsonl', 'fixtures/ingest/litellm.jsonl', 'fixtures/ingest/bedrock-edge-cases.jsonl', 'fixtures/ingest/bad-lines.jsonl', 'fixtures/ingest/truncated.jsonl.gz', 'fixtures/ingest/bodies-gzip-no-extension.jsonl', 'fixtures/ingest/usage.csv', '--group-by', 'team,role']],
  ['ingest-strict', ['fixtures/ingest/bad-lines.jsonl', '--strict']],
];

describe('tokor analyze --format json: byte-identical to the snapshots', () => {
  it.each(CASES)('%s', async (name, args) => {
    const r = await runCli(['analyze', ...args, '--format', 'json']);
    const file = path.join(ROOT, 'test/analyze/snapshots', `${name}.txt`);
    // Paths under the checkout are written as <repo>/…: the snapshots hold in any worktree.
    const got = (JSON.stringify({ code: r.code, stderr: r.stderr }, null, 2) + '\n' + r.stdout).replaceAll(`${ROOT}/`, '<repo>/');
    if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) writeFileSync(file, got);
    expect(got).toBe(readFileSync(file, 'utf8'));
  });
});
