/**
 * What users see when model calls fail, through the built CLI against local
 * endpoints: the most frequent errors with counts and what to do (#11.2),
 * credentials a server echoes never stored or printed (#12.8), Retry-After
 * honoured by item calls and the llm judge alike (#12.14), and an endpoint
 * URL's query kept (#12.16). Needs `npm run build`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { chatError, chatOk, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server.js';
import { awsError, converseOk, startBedrockServer, type BedrockServer } from '../helpers/bedrock-server.js';
import { EXAMPLE_KEY_ID, TEST_CREDS } from '../helpers/fake-aws.js';

let dir: string;
let openai: OpenAIServer;
let bedrock: BedrockServer;

/** The CLI with a clean environment: no AWS or OpenAI settings leak in from the developer's shell. */
function tokor(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env, clean: true });
}

const results = (file: string) =>
  readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { itemId: string; pass: boolean; error?: string; graders: { reason: string }[] });

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-provider-errors-'));
  writeFileSync(path.join(dir, 'ds.jsonl'), Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `question ${i}`, expected: `answer:question ${i}` })).join('\n') + '\n');
  openai = await startOpenAIServer();
  bedrock = await startBedrockServer();
});
afterAll(async () => {
  await openai?.close();
  await bedrock?.close();
});


describe('the Bedrock response cache keeps Regions apart (#12.16)', () => {
  it('with no --endpoint-url, a cached answer from us-east-1 is not served for us-west-2', async () => {
    bedrock.setBehaviour((req) => converseOk(`answer:${req.text}`));
    // The SDK's own endpoint variable sends the calls to the local server while tokor sees no --endpoint-url,
    // which is the case whose cache key used to leave the Region out.
    const env = { ...TEST_CREDS, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url };
    const run = (region: string, out: string) =>
      tokor(['eval', '--provider', 'bedrock', '--model', 'us.amazon.nova-lite-v1:0', '--dataset', 'ds.jsonl', '--region', region, '--cache-dir', 'region-cache', '--out', out, '--format', 'json'], env);
    bedrock.requests.length = 0;
    expect((await run('us-east-1', 'east.jsonl')).code).toBe(0);
    expect(bedrock.requests).toHaveLength(6);
    expect((await run('us-east-1', 'east-again.jsonl')).code).toBe(0);
    expect(bedrock.requests).toHaveLength(6);
    expect((await run('us-west-2', 'west.jsonl')).code).toBe(0);
    expect(bedrock.requests).toHaveLength(12);
  }, 60_000);
});

describe('provider errors are shown with counts and what to do (#11.2)', () => {
  it('eval --provider bedrock without credentials: the error, its count and how to set credentials; exit 3', async () => {
    bedrock.requests.length = 0;
    const r = await tokor(['eval', '--provider', 'bedrock', '--model', 'us.amazon.nova-lite-v1:0', '--dataset', 'ds.jsonl', '--region', 'us-east-1', '--endpoint-url', bedrock.url, '--no-cache', '--out', 'nocreds.jsonl', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(bedrock.requests).toHaveLength(0);
    expect(r.stderr).toContain('tokor: 6 item runs could not be run (the error of each is in nocreds.jsonl):');
    expect(r.stderr).toMatch(/tokor: {3}6× bedrock us\.amazon\.nova-lite-v1:0: CredentialsProviderError: Could not load credentials from any providers/);
    expect(r.stderr).toContain('what to do: no AWS credentials found: set --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`');
  }, 60_000);

  it('eval: model access denied on some items, an invalid model ID on others: both causes with counts, most frequent first', async () => {
    bedrock.setBehaviour((req) =>
      ['question 0', 'question 1', 'question 2', 'question 3'].includes(req.text)
        ? awsError(403, 'AccessDeniedException', 'You don\'t have access to the model with the specified model ID.')
        : awsError(400, 'ValidationException', 'The provided model identifier is invalid.'),
    );
    const r = await tokor(['eval', '--provider', 'bedrock', '--model', 'us.amazon.nova-lite-v1:0', '--dataset', 'ds.jsonl', '--region', 'us-east-1', '--endpoint-url', bedrock.url, '--no-cache', '--format', 'json'], TEST_CREDS);
    expect(r.code).toBe(3);
    const lines = r.stderr.split('\n');
    const denied = lines.findIndex((l) => l.includes('4× bedrock us.amazon.nova-lite-v1:0: AccessDeniedException (403)'));
    const invalid = lines.findIndex((l) => l.includes('2× bedrock us.amazon.nova-lite-v1:0: ValidationException (400): The provided model identifier is invalid.'));
    expect(denied).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(denied);
    expect(lines[denied + 1]).toContain('what to do: the credentials may not invoke us.amazon.nova-lite-v1:0 in us-east-1: allow bedrock:InvokeModel for it and enable model access in the Bedrock console for that region');
    expect(lines[invalid + 1]).toContain('what to do: check the model ID us.amazon.nova-lite-v1:0 and that it is offered in us-east-1');
  }, 60_000);

  it('label: a tier that cannot answer shows the provider error and what to do, not "see provider errors"', async () => {
    const log = JSON.stringify({
      schemaType: 'ModelInvocationLog',
      timestamp: '2025-11-05T10:00:00Z',
      region: 'us-east-1',
      requestId: 'req-1',
      modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      input: { inputTokenCount: 20, inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'question 0' }] }] } },
      output: { outputTokenCount: 3, outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: 'Paris' }] } } } },
    });
    writeFileSync(path.join(dir, 'traffic.jsonl'), `${log}\n`);
    bedrock.setBehaviour(() => awsError(403, 'AccessDeniedException', 'You don\'t have access to the model with the specified model ID.'));
    const r = await tokor(['label', 'traffic.jsonl', '--out', 'labels.jsonl', '--tier', 'cheap', '--grader', 'normalized-exact', '--provider', 'bedrock', '--endpoint-url', bedrock.url, '--region', 'us-east-1', '--no-cache'], TEST_CREDS);
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('see provider errors');
    expect(r.stderr).toContain('1 request could not be labeled');
    expect(r.stderr).toContain('1× bedrock us.amazon.nova-lite-v1:0: AccessDeniedException (403)');
    expect(r.stderr).toContain('what to do: the credentials may not invoke us.amazon.nova-lite-v1:0');
  }, 60_000);
});

describe('credentials a server echoes are redacted (#12.8)', () => {
  it('results.jsonl and stderr keep no bearer token, API key, access key ID, signature or session token', async () => {
    const echoed =
      'bad request; headers were Authorization: Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUv1234 and ' +
      `AWS4-HMAC-SHA256 Credential=${EXAMPLE_KEY_ID}/20251105/us-east-1/bedrock/aws4_request, SignedHeaders=host, ` +
      'Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef x-amz-security-token: IQoJb3JpZ2luX2VjEXAMPLETOKEN123';
    openai.setBehaviour(() => chatError(400, 'invalid_request_error', echoed));
    const r = await tokor(['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--dataset', 'ds.jsonl', '--no-cache', '--out', 'echo.jsonl', '--format', 'json'], { OPENAI_API_KEY: 'sk-proj-AbCdEfGhIjKlMnOpQrStUv1234' });
    expect(r.code).toBe(3);
    const stored = readFileSync(path.join(dir, 'echo.jsonl'), 'utf8');
    for (const text of [stored, r.stderr, r.stdout]) {
      for (const secret of ['sk-proj-AbCdEfGhIjKlMnOpQrStUv1234', EXAMPLE_KEY_ID, '0123456789abcdef0123456789abcdef', 'IQoJb3JpZ2luX2VjEXAMPLETOKEN123']) {
        expect(text).not.toContain(secret);
      }
    }
    // The rest of the message stays readable.
    expect(results('echo.jsonl')[0]!.error).toContain('invalid_request_error (400): bad request; headers were Authorization: Bearer [redacted]');
    expect(results('echo.jsonl')[0]!.error).toContain('Credential=[redacted]');
  }, 60_000);
});

describe('Retry-After is honoured, by item calls and the llm judge (#12.14)', () => {
  it('429 with Retry-After in seconds: the retry waits at least that long', async () => {
    openai.requests.length = 0;
    openai.setBehaviour((req, ctx) => (ctx.attemptsForText === 1 ? { ...chatError(429, 'rate_limit_exceeded', 'slow down'), headers: { 'retry-after': '1' } } : chatOk(`answer:${req.text}`)));
    writeFileSync(path.join(dir, 'one.jsonl'), `${JSON.stringify({ id: 'a', prompt: 'retry-after seconds', expected: 'answer:retry-after seconds' })}\n`);
    const r = await tokor(['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--dataset', 'one.jsonl', '--no-cache', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(openai.requests).toHaveLength(2);
    // Without Retry-After the first backoff is under 500 ms.
    expect(openai.requests[1]!.at - openai.requests[0]!.at).toBeGreaterThanOrEqual(950);
  }, 60_000);

  it('Retry-After as an HTTP date, and a wait longer than --timeout is capped by it', async () => {
    openai.requests.length = 0;
    openai.setBehaviour((req, ctx) => (ctx.attemptsForText === 1 ? { ...chatError(503, 'server_error', 'busy'), headers: { 'retry-after': new Date(Date.now() + 2500).toUTCString() } } : chatOk(`answer:${req.text}`)));
    writeFileSync(path.join(dir, 'date.jsonl'), `${JSON.stringify({ id: 'a', prompt: 'retry-after date', expected: 'answer:retry-after date' })}\n`);
    const r = await tokor(['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--dataset', 'date.jsonl', '--no-cache', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(openai.requests[1]!.at - openai.requests[0]!.at).toBeGreaterThanOrEqual(950);

    // An hour asked, a 1-second timeout: the run still finishes (the wait is capped).
    openai.requests.length = 0;
    openai.setBehaviour((req, ctx) => (ctx.attemptsForText === 1 ? { ...chatError(429, 'rate_limit_exceeded', 'slow down'), headers: { 'retry-after': '3600' } } : chatOk(`answer:${req.text}`)));
    writeFileSync(path.join(dir, 'cap.jsonl'), `${JSON.stringify({ id: 'a', prompt: 'retry-after capped', expected: 'answer:retry-after capped' })}\n`);
    const capped = await tokor(['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--dataset', 'cap.jsonl', '--no-cache', '--timeout', '1', '--format', 'json']);
    expect(capped.code).toBe(0);
    expect(openai.requests).toHaveLength(2);
  }, 60_000);

  it('the llm judge retries through the same path: it waits for Retry-After too', async () => {
    openai.requests.length = 0;
    writeFileSync(path.join(dir, 'judged.jsonl'), `${JSON.stringify({ id: 'j', prompt: 'judged question', expected: 'yes', graders: [{ type: 'llm-judge', rubric: 'says yes' }] })}\n`);
    writeFileSync(
      path.join(dir, 'judge.tokor.config.yaml'),
      `tiers:\n  - name: cheap\n    provider: openai\n    model: gpt-cheap\n    baseUrl: ${openai.baseUrl}\n  - name: frontier\n    provider: openai\n    model: gpt-judge\n    baseUrl: ${openai.baseUrl}\n`,
    );
    openai.setBehaviour((req, ctx) => {
      if (req.body.model === 'gpt-judge') return ctx.attemptsForText === 1 ? { ...chatError(429, 'rate_limit_exceeded', 'slow down'), headers: { 'retry-after': '1' } } : chatOk('{"score": 9, "reason": "says yes"}');
      return chatOk('yes');
    });
    const r = await tokor(['eval', '--config', 'judge.tokor.config.yaml', '--tier', 'cheap', '--dataset', 'judged.jsonl', '--no-cache', '--out', 'judged-results.jsonl', '--format', 'json']);
    expect(r.code).toBe(0);
    const judge = openai.requests.filter((q) => q.body.model === 'gpt-judge');
    expect(judge).toHaveLength(2);
    expect(judge[1]!.at - judge[0]!.at).toBeGreaterThanOrEqual(950);
    expect(results('judged-results.jsonl')[0]).toMatchObject({ pass: true });
  }, 60_000);
});

describe('endpoint URLs keep their query (#12.16)', () => {
  it('--endpoint-url …/v1?api-version=2 posts to /v1/chat/completions?api-version=2', async () => {
    openai.requests.length = 0;
    openai.setBehaviour((req) => chatOk(`answer:${req.text}`));
    const r = await tokor(['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', `${openai.baseUrl}?api-version=2`, '--dataset', 'one.jsonl', '--no-cache', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(openai.requests.map((q) => q.path)).toEqual(['/v1/chat/completions?api-version=2']);
  }, 60_000);
});
