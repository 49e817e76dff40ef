/**
 * Kill-then-resume through the built CLI: `tokor eval` against a local
 * Converse endpoint, interrupted (SIGINT, then SIGKILL) mid-run, then resumed.
 * The server's log proves no item is answered twice and none is lost; the
 * results file stays valid JSONL. Needs `npm run build` (dist/).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { converseOk, startBedrockServer, type BedrockServer, type Reply } from '../helpers/bedrock-server.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_KEY_ID } from '../helpers/fake-aws.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const N = 40;

let server: BedrockServer;
let dir: string;
beforeAll(async () => {
  if (!existsSync(path.join(repo, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  server = await startBedrockServer();
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-resume-'));
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ id: `item-${i}`, prompt: `question ${i}`, expected: `answer:question ${i}` }));
  writeFileSync(path.join(dir, 'dataset.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(() => server?.close());

function runCli(args: string[]) {
  const run = startCli(args, {
    cwd: dir,
    clean: true,
    env: { AWS_ACCESS_KEY_ID: TEST_KEY_ID, AWS_SECRET_ACCESS_KEY: 'tokor-test-secret', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { child: run.child, stderr: run.stderr, stdout: run.stdout, exit: run.done.then((r) => r.code) };
}

/** Answers the first `k` requests, then holds every later one until release() is called. */
function gate(k: number): { release: () => void; behaviour: (req: { text: string }) => Promise<Reply> } {
  let answered = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return {
    release: () => open(),
    behaviour: async (req) => {
      if (answered++ >= k) await opened;
      return converseOk(`answer:${req.text}`, { inputTokens: 11, outputTokens: 3 });
    },
  };
}

function resultLines(file: string): { itemId: string; pass: boolean; error?: string }[] {
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { itemId: string; pass: boolean; error?: string });
}

/** Whole result lines in the file so far: polled while the run writes, a line still being written does not count yet. */
function linesWritten(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const answeredTexts = () => server.requests.filter((r) => r.status === 200).map((r) => r.text);
const common = (out: string) => ['eval', '--dataset', 'dataset.jsonl', '--provider', 'bedrock', '--model', 'us.amazon.nova-lite-v1:0', '--endpoint-url', server.url, '--region', 'us-east-1', '--out', out, '--concurrency', '4', '--no-cache', '--format', 'json'];

function expectComplete(file: string): void {
  const lines = resultLines(file);
  const ids = lines.map((l) => l.itemId).sort();
  expect(ids).toEqual(Array.from({ length: N }, (_, i) => `item-${i}`).sort());
  expect(lines.every((l) => l.pass && !l.error)).toBe(true);
  // Every item answered exactly once by the endpoint across the interrupted run and the resume.
  const answered = answeredTexts();
  expect(answered).toHaveLength(N);
  expect(new Set(answered).size).toBe(N);
}

describe('tokor eval: kill then --resume (built CLI, real SDK, local endpoint)', () => {
  it('SIGINT: stops scheduling, lets in-flight requests finish, exits 130 with a valid file; --resume completes it', async () => {
    server.requests.length = 0;
    const g = gate(10);
    server.setBehaviour(g.behaviour);
    const first = runCli(common('sigint.jsonl'));
    await waitFor(() => server.requests.length >= 14, '14 requests (10 answered, 4 held)');
    first.child.kill('SIGINT');
    await waitFor(() => first.stderr().includes('stopping'), 'the stopping note');
    g.release();
    expect(await first.exit).toBe(130);
    const partial = resultLines(path.join(dir, 'sigint.jsonl'));
    expect(partial).toHaveLength(14);
    expect(server.requests).toHaveLength(14);

    server.setBehaviour((req) => converseOk(`answer:${req.text}`, { inputTokens: 11, outputTokens: 3 }));
    const second = runCli([...common('sigint.jsonl'), '--resume']);
    expect(await second.exit).toBe(0);
    const summary = JSON.parse(second.stdout()) as { tiers: { items: number; passed: number }[]; run: { resumed: number; live: number } };
    expect(summary.tiers[0]).toMatchObject({ items: N, passed: N });
    expect(summary.run).toMatchObject({ resumed: 14, live: N - 14 });
    expectComplete(path.join(dir, 'sigint.jsonl'));
  }, 60_000);

  it('SIGKILL: the file holds every answered item; --resume sends only the rest', async () => {
    server.requests.length = 0;
    const g = gate(12);
    server.setBehaviour(g.behaviour);
    const first = runCli(common('sigkill.jsonl'));
    const file = path.join(dir, 'sigkill.jsonl');
    await waitFor(() => server.requests.length >= 16 && linesWritten(file) === 12, '12 results written and 4 requests held');
    first.child.kill('SIGKILL');
    await first.exit;
    g.release();
    expect(resultLines(file)).toHaveLength(12);
    // The 4 held requests were never answered: resume sends them again, nothing else.
    server.setBehaviour((req) => converseOk(`answer:${req.text}`, { inputTokens: 11, outputTokens: 3 }));
    const before = server.requests.length;
    const second = runCli([...common('sigkill.jsonl'), '--resume']);
    expect(await second.exit).toBe(0);
    expect(server.requests.length - before).toBe(N - 12);
    expectComplete(file);
  }, 60_000);
});
