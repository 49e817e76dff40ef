/**
 * Ctrl-C at a real terminal (a pseudo-terminal from `script`), through the
 * built CLI, with the spinner showing: the first Ctrl-C stops new work, keeps
 * what was answered, prints the --resume command and exits 130; a second one
 * exits at once. Deterministic: the local endpoints hold their answers until
 * the test releases them, so nothing depends on timing. Needs `npm run build`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { chatOk, startOpenAIServer, type ChatReply, type OpenAIServer } from '../helpers/openai-server.js';
import { converseOk, startBedrockServer, type BedrockServer, type Reply } from '../helpers/bedrock-server.js';
import { requireScript, runInPty } from '../helpers/pty.js';
import { waitFor } from '../helpers/wait.js';
import { TEST_CREDS } from '../helpers/fake-aws.js';

const N = 12;
let dir: string;
let openai: OpenAIServer;
let bedrock: BedrockServer;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  requireScript();
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-interrupt-'));
  writeFileSync(path.join(dir, 'dataset.jsonl'), Array.from({ length: N }, (_, i) => JSON.stringify({ id: `item-${i}`, prompt: `question ${i}`, expected: `answer:question ${i}` })).join('\n') + '\n');
  openai = await startOpenAIServer();
  bedrock = await startBedrockServer();
});
afterAll(async () => {
  await openai?.close();
  await bedrock?.close();
});

/** Answers the first `k` requests at once and holds every later one until release(). */
function holdAfter<T>(k: number, answer: (text: string) => T): { release: () => void; behaviour: (req: { text: string }) => Promise<T> } {
  let answered = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return {
    release: () => open(),
    behaviour: async (req) => {
      if (answered++ >= k) await opened;
      return answer(req.text);
    },
  };
}

function lines(file: string): { itemId?: string; requestId?: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { itemId?: string });
}

const evalArgs = (out: string) => ['eval', '--dataset', 'dataset.jsonl', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--concurrency', '2', '--no-cache', '--out', out];

describe('Ctrl-C in a terminal (pseudo-terminal)', () => {
  it('eval: the first Ctrl-C stops new requests, keeps every answer, prints the --resume command, exits 130; --resume finishes', async () => {
    openai.requests.length = 0;
    const hold = holdAfter<ChatReply>(2, (t) => chatOk(`answer:${t}`));
    openai.setBehaviour(hold.behaviour);
    const run = runInPty(evalArgs('first.jsonl'), { cwd: dir });
    try {
      // Two answered, two held in flight, and the spinner on screen.
      await waitFor(() => openai.requests.length >= 4 && /eval \d+\/12/.test(run.screen()), 'two answers, two requests held and the spinner');
      run.type('\x03');
      await waitFor(() => run.screen().includes('stopping: no new requests'), 'the stopping note');
      hold.release();
      expect(await run.exit).toBe(130);
    } finally {
      run.kill();
    }
    const screen = run.screen();
    expect(screen).toContain(`tokor: to continue: tokor eval --dataset dataset.jsonl --provider openai --model gpt-test --endpoint-url ${openai.baseUrl} --concurrency 2 --no-cache --out first.jsonl --resume`);
    // Nothing new was sent after Ctrl-C; both requests in flight were answered and written.
    expect(openai.requests).toHaveLength(4);
    expect(lines(path.join(dir, 'first.jsonl'))).toHaveLength(4);
    expect(existsSync(path.join(dir, 'first.jsonl.lock'))).toBe(false);

    openai.setBehaviour((req) => chatOk(`answer:${req.text}`));
    const resumed = runInPty([...evalArgs('first.jsonl'), '--resume'], { cwd: dir });
    expect(await resumed.exit).toBe(0);
    expect(openai.requests).toHaveLength(N);
    expect(new Set(lines(path.join(dir, 'first.jsonl')).map((l) => l.itemId)).size).toBe(N);
  }, 60_000);

  it('eval: a second Ctrl-C exits at once, with requests still held, and the lock is gone', async () => {
    openai.requests.length = 0;
    const hold = holdAfter<ChatReply>(1, (t) => chatOk(`answer:${t}`));
    openai.setBehaviour(hold.behaviour);
    const run = runInPty(evalArgs('second.jsonl'), { cwd: dir });
    try {
      await waitFor(() => openai.requests.length >= 3 && /eval \d+\/12/.test(run.screen()), 'one answer, two requests held and the spinner');
      run.type('\x03');
      await waitFor(() => run.screen().includes('stopping: no new requests'), 'the stopping note');
      run.type('\x03');
      expect(await run.exit).toBe(130);
    } finally {
      hold.release();
      run.kill();
    }
    expect(run.screen()).toContain('interrupted again: exiting now');
    expect(run.screen()).toContain('--out second.jsonl --resume');
    expect(lines(path.join(dir, 'second.jsonl'))).toHaveLength(1);
    expect(existsSync(path.join(dir, 'second.jsonl.lock'))).toBe(false);
  }, 60_000);

  it('label: the first Ctrl-C keeps the labels written, prints the --resume command, exits 130', async () => {
    const model = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const record = (i: number) =>
      JSON.stringify({
        schemaType: 'ModelInvocationLog',
        schemaVersion: '1.0',
        timestamp: '2025-11-05T10:00:00Z',
        accountId: '123456789012',
        region: 'us-east-1',
        requestId: `req-${i}`,
        operation: 'Converse',
        modelId: model,
        input: { inputContentType: 'application/json', inputTokenCount: 20, inputBodyJson: { messages: [{ role: 'user', content: [{ text: `question ${i}` }] }] } },
        output: { outputContentType: 'application/json', outputTokenCount: 3, outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: `answer:question ${i}` }] } }, stopReason: 'end_turn', usage: { inputTokens: 20, outputTokens: 3, totalTokens: 23 } } },
      });
    writeFileSync(path.join(dir, 'traffic.jsonl'), Array.from({ length: N }, (_, i) => record(i)).join('\n') + '\n');
    bedrock.requests.length = 0;
    const hold = holdAfter<Reply>(2, (t) => converseOk(t.replace('question', 'answer:question')));
    bedrock.setBehaviour(hold.behaviour);
    const args = ['label', 'traffic.jsonl', '--out', 'labels.jsonl', '--tier', 'cheap', '--grader', 'normalized-exact', '--provider', 'bedrock', '--endpoint-url', bedrock.url, '--region', 'us-east-1', '--concurrency', '2', '--no-cache'];
    const env = { ...TEST_CREDS, AWS_EC2_METADATA_DISABLED: 'true' };
    const run = runInPty(args, { cwd: dir, env });
    try {
      await waitFor(() => bedrock.requests.length >= 4 && /label \d+/.test(run.screen()), 'two answers, two requests held and the spinner');
      run.type('\x03');
      await waitFor(() => run.screen().includes('stopping: no new requests'), 'the stopping note');
      hold.release();
      expect(await run.exit).toBe(130);
    } finally {
      run.kill();
    }
    expect(run.screen()).toContain(`tokor: to continue: tokor label traffic.jsonl --out labels.jsonl --tier cheap --grader normalized-exact --provider bedrock --endpoint-url ${bedrock.url} --region us-east-1 --concurrency 2 --no-cache --resume`);
    expect(bedrock.requests).toHaveLength(4);
    expect(lines(path.join(dir, 'labels.jsonl'))).toHaveLength(4);

    bedrock.setBehaviour((req) => converseOk(req.text.replace('question', 'answer:question')));
    const resumed = runInPty([...args, '--resume'], { cwd: dir, env });
    expect(await resumed.exit).toBe(0);
    expect(bedrock.requests).toHaveLength(N);
    expect(new Set(lines(path.join(dir, 'labels.jsonl')).map((l) => l.requestId)).size).toBe(N);
  }, 60_000);

  it('analyze: Ctrl-C stops reading, says it was interrupted, exits 130', async () => {
    // Logs typed at the terminal (stdin): analyze waits for more until Ctrl-C.
    const run = runInPty(['analyze', '-'], { cwd: dir });
    try {
      await waitFor(() => run.screen().includes('reading logs'), 'the spinner');
      run.type(`${JSON.stringify({ schemaType: 'ModelInvocationLog', timestamp: '2025-11-05T10:00:00Z', requestId: 'r1', modelId: 'us.amazon.nova-lite-v1:0', region: 'us-east-1', input: { inputTokenCount: 10 }, output: { outputTokenCount: 2 } })}\n`);
      run.type('\x03');
      expect(await run.exit).toBe(130);
    } finally {
      run.kill();
    }
    expect(run.screen()).toMatch(/tokor: interrupted while reading <stdin> \(after \d+ lines\): nothing was written/);
  }, 60_000);
});
