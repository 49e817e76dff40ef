/**
 * tokor label: sampled Bedrock invocation logs with bodies, replayed on the
 * cheaper tiers through the real Bedrock client against a local Converse
 * endpoint; the output is read back with analyze's --labels reader.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { labelOutcome, labelTraffic as labelIn, type LabelHooks, type LabelOptions } from '../../src/app/label.js';
import { openContext } from '../../src/app/context.js';
import { labelFor } from '../../src/eval/label.js';
import type { LabelLine } from '../../src/artifacts/labels.js';
import { readLabels as readLabelsFile } from '../../src/artifacts/labels.js';
import { runCli } from '../helpers/cli.js';
import { DEFAULT_TIERS } from '../../src/config/schema.js';
import { awsError, converseOk, startBedrockServer, useTestCredentials, type BedrockServer } from '../helpers/bedrock-server.js';
import { TEST_CREDS } from '../helpers/fake-aws.js';

const [CHEAP, MID, FRONTIER] = DEFAULT_TIERS.map((t) => t.model) as [string, string, string];

function logLine(requestId: string, prompt: string | undefined, answer: string | undefined): string {
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: '2025-11-05T10:00:00Z',
    accountId: '123456789012',
    region: 'us-east-1',
    requestId,
    operation: 'Converse',
    modelId: FRONTIER,
    input: {
      inputContentType: 'application/json',
      inputTokenCount: 20,
      ...(prompt ? { inputBodyJson: { messages: [{ role: 'user', content: [{ text: prompt }] }], system: [{ text: 'Answer in one word.' }] } } : {}),
    },
    output: {
      outputContentType: 'application/json',
      outputTokenCount: 3,
      ...(answer ? { outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: answer }] } }, stopReason: 'end_turn', usage: { inputTokens: 20, outputTokens: 3, totalTokens: 23 } } } : {}),
    },
  });
}

let server: BedrockServer;
let dir: string;
beforeAll(async () => {
  useTestCredentials();
  server = await startBedrockServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-label-'));
  writeFileSync(
    path.join(dir, 'traffic.jsonl'),
    [
      logLine('req-easy', 'easy question', 'Paris'),
      logLine('req-moderate', 'moderate question', 'Lyon'),
      logLine('req-hard', 'hard question', 'Marseille'),
      logLine('req-nobody', undefined, undefined),
      logLine('req-noanswer', 'no answer logged', undefined),
    ].join('\n') + '\n',
  );
  // cheap knows only the easy answer, mid also the moderate one, nobody the hard one.
  server.setBehaviour((req) => {
    const known: Record<string, string> = { 'easy question': 'Paris', ...(req.modelId === MID ? { 'moderate question': 'Lyon' } : {}) };
    return converseOk(known[req.text] ?? 'no idea');
  });
});

/** labelTraffic() in the context that its cwd opens. */
async function labelTraffic(paths: string[], o: LabelOptions & { cwd?: string }, hooks?: LabelHooks) {
  const { cwd, ...rest } = o;
  return labelIn(await openContext(cwd ? { cwd } : {}), paths, rest, hooks);
}

const base = () => ({ out: path.join(dir, 'labels.jsonl'), provider: 'bedrock' as const, endpointUrl: server.url, region: 'us-east-1', cache: false, cwd: dir, env: {} });

describe('labelFor', () => {
  it('easy when the cheapest holds, moderate when a middle tier does, hard otherwise', () => {
    expect(labelFor([true, true])).toBe('easy');
    expect(labelFor([true, false])).toBe('easy');
    expect(labelFor([false, true])).toBe('moderate');
    expect(labelFor([false, false, true])).toBe('moderate');
    expect(labelFor([false, false])).toBe('hard');
  });
});

describe('labelTraffic', () => {
  it('replays each prompt on the cheaper tiers, grades against the logged answer and labels it', async () => {
    const o = await labelTraffic([path.join(dir, 'traffic.jsonl')], { ...base(), grader: 'normalized-exact' });
    expect(o.counts).toEqual({ easy: 1, moderate: 1, hard: 1 });
    expect(o.skipped).toEqual({ noPrompt: 1, noAnswer: 1, unreadable: 0, failed: 0 });
    expect(labelOutcome(o)).toBe('ok');
    // Two cheaper tiers × three usable records; the frontier is never called.
    expect(server.requests).toHaveLength(6);
    expect(new Set(server.requests.map((r) => r.modelId))).toEqual(new Set([CHEAP, MID]));
    expect(server.requests[0]!.body.system).toEqual([{ text: 'Answer in one word.' }]);
    const lines = readFileSync(base().out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LabelLine);
    const byId = Object.fromEntries(lines.map((l) => [l.requestId, l]));
    expect(byId['req-easy']).toMatchObject({ label: 'easy', servedBy: FRONTIER, tiers: { cheap: { pass: true, model: CHEAP }, mid: { pass: true, model: MID } } });
    expect(byId['req-moderate']).toMatchObject({ label: 'moderate', tiers: { cheap: { pass: false }, mid: { pass: true } } });
    expect(byId['req-hard']!.label).toBe('hard');
    expect(byId['req-easy']!.source).toMatch(/traffic\.jsonl:1$/);
    // What analyze --labels reads.
    const labels = await readLabelsFile(base().out);
    expect(Object.fromEntries(labels)).toEqual({ 'req-easy': 'easy', 'req-moderate': 'moderate', 'req-hard': 'hard' });
  });

  it('uses the llm-judge on the frontier tier by default', async () => {
    server.setBehaviour((req) => {
      if (req.text.startsWith('You are grading')) return converseOk(req.text.includes('<answer>\nParis') ? '{"score": 9, "reason": "same city"}' : '{"score": 2, "reason": "different"}');
      return converseOk(req.text === 'easy question' ? 'Paris' : 'Nice');
    });
    const o = await labelTraffic([path.join(dir, 'traffic.jsonl')], base());
    expect(o.counts).toEqual({ easy: 1, moderate: 0, hard: 2 });
    const judged = server.requests.filter((r) => r.text.startsWith('You are grading'));
    expect(judged).toHaveLength(6);
    expect(new Set(judged.map((r) => r.modelId))).toEqual(new Set([FRONTIER]));
    expect(judged.some((r) => r.text.includes('<reference_answer>\nParis'))).toBe(true);
  });

  it('a request whose cheap tier cannot answer is not labeled, and counted (exit 3)', async () => {
    server.setBehaviour((req) => (req.modelId === CHEAP && req.text === 'hard question' ? awsError(400, 'ValidationException', 'bad') : converseOk('no idea')));
    const o = await labelTraffic([path.join(dir, 'traffic.jsonl')], { ...base(), grader: 'normalized-exact' });
    expect(o.skipped.failed).toBe(1);
    expect(o.counts).toEqual({ easy: 0, moderate: 0, hard: 2 });
    expect(labelOutcome(o)).toBe('provider-failed');
  });

  it('a log without bodies is an input error', async () => {
    writeFileSync(path.join(dir, 'nobodies.jsonl'), logLine('x', undefined, undefined) + '\n');
    await expect(labelTraffic([path.join(dir, 'nobodies.jsonl')], { ...base(), grader: 'normalized-exact' })).rejects.toThrow('no request could be labeled: 1 without a prompt body');
  });
});

describe('tokor label (built CLI)', () => {
  it('writes the labels file, counts skipped records on stderr, exits 0', async () => {
    const out = path.join(dir, 'cli-labels.jsonl');
    const args = ['label', path.join(dir, 'traffic.jsonl'), '--out', out, '--grader', 'normalized-exact', '--provider', 'bedrock', '--endpoint-url', server.url, '--region', 'us-east-1', '--no-cache'];
    const r = await runCli(args, { cwd: dir, clean: true, env: { ...TEST_CREDS, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 record without a prompt body skipped');
    expect(r.stderr).toContain('3 requests labeled (easy 1, moderate 1, hard 1)');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(r.stderr).not.toContain('tokor-test-secret');
  }, 30_000);
});
