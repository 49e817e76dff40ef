/**
 * The CLI as users see it: a table of argument lists, each run through the
 * built bin (kept fresh by test/setup/build.ts), its exit code, stdout and
 * stderr kept in a snapshot file under test/cli/__snapshots__/. A change in
 * any figure, word or exit code shows up as a diff to review; update on
 * purpose with `npx vitest run test/cli/snapshots.test.ts -u`.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

interface Case {
  /** Snapshot file name. */
  name: string;
  args: string[];
  input?: string;
}

const HELP: Case[] = ['', 'analyze', 'prices', 'eval', 'label', 'calibrate', 'gate', 'config', 'init', 'costs', 'report', 'drift', 'athena'].map((cmd) => ({
  name: `help-${cmd || 'tokor'}`,
  args: [...(cmd ? [cmd] : []), '--help'],
}));

const CASES: Case[] = [
  ...HELP,
  // The first minute: the bundled sample through every command.
  { name: 'analyze-sample', args: ['analyze'] },
  { name: 'analyze-sample-markdown', args: ['analyze', '--format', 'markdown'] },
  { name: 'analyze-sample-json', args: ['analyze', '--format', 'json'] },
  { name: 'eval-bundled', args: ['eval'] },
  { name: 'eval-bundled-json', args: ['eval', '--format', 'json'] },
  { name: 'calibrate-bundled', args: ['calibrate'] },
  { name: 'calibrate-bundled-json', args: ['calibrate', '--format', 'json'] },
  { name: 'gate-bundled', args: ['gate'] },
  { name: 'gate-bundled-json', args: ['gate', '--format', 'json'] },
  { name: 'costs-file', args: ['costs', '--from-file', 'fixtures/costs/cost-explorer.json'] },
  { name: 'costs-file-json', args: ['costs', '--from-file', 'fixtures/costs/cost-explorer.json', '--format', 'json'] },
  { name: 'prices-model', args: ['prices', '--model', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', '--region', 'us-west-2'] },
  { name: 'config-check', args: ['config', 'check', 'fixtures/gate/pass.tokor.config.yaml'] },
  // Edge and error paths: one line naming file and line, the documented exit code.
  { name: 'analyze-edge-cases', args: ['analyze', 'fixtures/ingest/bedrock-edge-cases.jsonl', '--format', 'json'] },
  { name: 'analyze-bad-lines', args: ['analyze', 'fixtures/ingest/bad-lines.jsonl'] },
  { name: 'analyze-missing-file', args: ['analyze', 'no-such-file.jsonl'] },
  { name: 'analyze-stdin-garbage', args: ['analyze', '-'], input: 'this is not a log\n' },
  { name: 'config-check-malformed', args: ['config', 'check', 'fixtures/gate/malformed.tokor.config.yaml'] },
  { name: 'gate-break', args: ['gate', '--policy', 'fixtures/gate/break.tokor.config.yaml', '--results', 'fixtures/gate/results.jsonl'] },
  { name: 'prices-typo', args: ['prices', '--model', 'anthropic.claude-sonet-4-5-20250929-v1:0'] },
  { name: 'unknown-command', args: ['analyse'] },
];

/** What differs between machines and runs, replaced by a stable token. */
function normalize(text: string): string {
  return text.split(ROOT).join('<repo>');
}

describe('the CLI, snapshot by snapshot (built bin)', () => {
  it('names every case once', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)('tokor $args.0 … ($name)', async (c) => {
    const r = await runCli(c.args, { input: c.input, env: { COLUMNS: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    const text = [`$ tokor ${c.args.join(' ')}`, `exit ${r.code}`, '--- stdout', normalize(r.stdout), '--- stderr', normalize(r.stderr)].join('\n');
    await expect(text).toMatchFileSnapshot(`__snapshots__/cli/${c.name}.txt`);
  });
});
