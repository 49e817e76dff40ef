/**
 * `tokor label --sample/--budget/--dry-run` through the built CLI against a
 * local Bedrock Converse endpoint: the dry run sends nothing and prices the
 * sample per tier; a sampled run labels exactly the drawn sample with its
 * cluster and weight; a budget buys the largest sample that fits; Ctrl-C then
 * --resume completes the very same sample.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readLabels } from '../../src/artifacts/labels.js';
import type { LabelPlan } from '../../src/report/labelPlan.js';
import { DEFAULT_TIERS } from '../../src/config/schema.js';
import { runCli, startCli } from '../helpers/cli.js';
import { converseOk, startBedrockServer, type BedrockServer, type Reply } from '../helpers/bedrock-server.js';
import { TEST_CREDS } from '../helpers/fake-aws.js';
import { waitFor } from '../helpers/wait.js';

const [CHEAP, , FRONTIER] = DEFAULT_TIERS.map((t) => t.model) as [string, string, string];

function logLine(requestId: string, prompt: string, answer: string, meta: Record<string, string>, system?: string): string {
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: '2025-11-05T10:00:00Z',
    accountId: '123456789012',
    region: 'us-east-1',
    requestId,
    operation: 'Converse',
    modelId: FRONTIER,
    requestMetadata: meta,
    input: { inputContentType: 'application/json', inputTokenCount: 400, inputBodyJson: { messages: [{ role: 'user', content: [{ text: prompt }] }], ...(system ? { system: [{ text: system }] } : {}) } },
    output: { outputContentType: 'application/json', outputTokenCount: 40, outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: answer }] } }, stopReason: 'end_turn', usage: { inputTokens: 400, outputTokens: 40, totalTokens: 440 } } },
  });
}

/** Three task templates of 30, 12 and 6 requests. */
function traffic(): string {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) lines.push(logLine(`tr-${i}`, `Translate to French: "word ${i}"`, `mot ${i}`, { app: 'translator' }));
  for (let i = 0; i < 12; i++) lines.push(logLine(`su-${i}`, `Summarize ticket #${1000 + i} for the weekly report`, `summary ${i}`, { team: 'support' }));
  for (let i = 0; i < 6; i++) lines.push(logLine(`cl-${i}`, `Classify order ${i * 13} as fraud or not`, `label ${i}`, {}, 'You are a fraud classifier.'));
  return `${lines.join('\n')}\n`;
}

/** The logged answer of a prompt: what the tiers are graded against. */
const answerOf = (text: string): string => {
  const m = /word (\d+)|#(\d+)|order (\d+)/.exec(text)!;
  if (m[1]) return `mot ${m[1]}`;
  if (m[2]) return `summary ${Number(m[2]) - 1000}`;
  return `label ${Number(m[3]) / 13}`;
};
// cheap translates; mid does everything.
const behaviour = (req: { modelId: string; text: string }): Reply => converseOk(req.modelId === CHEAP && !req.text.startsWith('Translate') ? 'no idea' : answerOf(req.text));

let server: BedrockServer;
let dir: string;
beforeAll(async () => {
  server = await startBedrockServer(behaviour);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.setBehaviour(behaviour);
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-label-sample-'));
  writeFileSync(path.join(dir, 'traffic.jsonl'), traffic());
});

const env = { ...TEST_CREDS, AWS_EC2_METADATA_DISABLED: 'true' };
const common = () => ['label', 'traffic.jsonl', '--grader', 'normalized-exact', '--provider', 'bedrock', '--endpoint-url', server.url, '--region', 'us-east-1', '--no-cache'];
const cli = (args: string[]) => runCli([...common(), ...args], { cwd: dir, env, clean: true });
const labelLines = (file: string) =>
  readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { requestId: string; label: string; cluster?: string; weight?: number });

async function plan(args: string[]): Promise<LabelPlan> {
  const r = await cli([...args, '--dry-run', '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as LabelPlan;
}

describe('tokor label --dry-run (built CLI)', () => {
  it('prints the clusters, the sample per cluster and the expected cost per tier; sends nothing', async () => {
    const r = await cli(['--sample', '10', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(r.stdout).toMatch(/^Sample 10 of 48 labelable requests in 3 task clusters \(--sample 10\)/);
    expect(r.stdout).toContain('translator · translate to french: <q> …');
    expect(r.stdout).toMatch(/Expected measurement cost \(priced from the logged tokens\):[\s\S]*cheap[\s\S]*replay[\s\S]*mid[\s\S]*replay[\s\S]*total/);
    expect(r.stderr).toContain('tokor: nothing was sent. To measure: tokor label traffic.jsonl --grader normalized-exact');
    expect(r.stderr).toContain('--sample 10 --out labels.jsonl');

    const p = await plan(['--sample', '10']);
    expect(p).toMatchObject({ kind: 'tokor-label-plan', requests: 48, sampleSize: 10 });
    expect(p.clusters.map((c) => c.requests)).toEqual([30, 12, 6]);
    expect(p.clusters.reduce((a, c) => a + c.sample, 0)).toBe(10);
    expect(p.clusters.every((c) => c.sample >= 2)).toBe(true);
    expect(p.costs.map((c) => [c.tier, c.role])).toEqual([
      ['cheap', 'replay'],
      ['mid', 'replay'],
    ]);
    expect(p.costs.every((c) => c.usd !== null && c.usd > 0)).toBe(true);
    expect(p.totalUsd).toBeCloseTo(p.costs.reduce((a, c) => a + c.usd!, 0), 10);
    // The default grader is the llm judge: its tier is priced too.
    const judged = JSON.parse((await runCli(['label', 'traffic.jsonl', '--sample', '10', '--dry-run', '--format', 'json'], { cwd: dir, env, clean: true })).stdout) as LabelPlan;
    expect(judged.costs.map((c) => c.role)).toEqual(['replay', 'replay', 'judge']);
    expect(server.requests).toHaveLength(0);
  }, 60_000);

  it('a budget buys the largest sample whose expected cost fits it', async () => {
    const ten = await plan(['--sample', '10']);
    const budget = ten.totalUsd * 1.01;
    const p = await plan(['--budget', String(budget)]);
    expect(p.sizedBy).toMatch(/^--budget \$/);
    expect(p.totalUsd).toBeLessThanOrEqual(budget);
    expect(p.sampleSize).toBeGreaterThanOrEqual(10);
    const next = await plan(['--sample', String(p.sampleSize + 1)]);
    expect(next.totalUsd).toBeGreaterThan(budget);
  }, 60_000);

  it('--out is required without --dry-run; a bad --sample is a usage error', async () => {
    const r = await cli(['--sample', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tokor: --out FILE is required/);
    const bad = await cli(['--sample', '0', '--out', 'x.jsonl']);
    expect(bad.code).toBe(2);
  }, 60_000);
});

describe('tokor label --sample (built CLI)', () => {
  it('labels exactly the drawn sample, each label with its cluster and weight', async () => {
    const r = await cli(['--sample', '10', '--out', 'labels.jsonl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('sample: 10 of 48 requests in 3 task clusters (--sample 10)');
    expect(r.stderr).toContain('10 requests labeled');
    const lines = labelLines('labels.jsonl');
    expect(lines).toHaveLength(10);
    expect(server.requests).toHaveLength(20);
    const p = await plan(['--sample', '10']);
    for (const l of lines) {
      const c = p.clusters.find((x) => x.signature === l.cluster)!;
      expect(c).toBeDefined();
      expect(l.weight).toBeCloseTo(c.requests / c.sample, 12);
      expect(l.label).toBe(l.requestId.startsWith('tr-') ? 'easy' : 'moderate');
    }
    for (const c of p.clusters) expect(lines.filter((l) => l.cluster === c.signature)).toHaveLength(c.sample);
    // analyze's reader takes the file.
    expect((await readLabels(path.join(dir, 'labels.jsonl'))).size).toBe(10);
    // The same draw on a second run.
    const again = await cli(['--sample', '10', '--out', 'again.jsonl']);
    expect(again.code).toBe(0);
    expect(labelLines('again.jsonl').map((l) => l.requestId).sort()).toEqual(lines.map((l) => l.requestId).sort());
  }, 60_000);

  it('Ctrl-C keeps the labels written and prints --resume; --resume completes the same sample', async () => {
    const straight = await cli(['--sample', '12', '--out', 'straight.jsonl']);
    expect(straight.code).toBe(0);
    const want = labelLines('straight.jsonl').map((l) => l.requestId).sort();
    server.requests.length = 0;
    let answered = 0;
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    server.setBehaviour(async (req) => {
      if (answered++ >= 6) await opened;
      return behaviour(req);
    });
    const args = [...common(), '--sample', '12', '--out', 'labels.jsonl', '--concurrency', '2'];
    const run = startCli(args, { cwd: dir, env, clean: true });
    await waitFor(() => server.requests.length >= 8, 'six answers and two requests held');
    run.child.kill('SIGINT');
    await waitFor(() => run.stderr().includes('stopping: no new requests'), 'the stopping note');
    open();
    const first = await run.done;
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('--sample 12 --out labels.jsonl --concurrency 2 --resume');
    const partial = labelLines('labels.jsonl');
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(12);
    expect(partial.every((l) => want.includes(l.requestId) && l.cluster && l.weight)).toBe(true);
    expect(existsSync(path.join(dir, 'labels.jsonl.lock'))).toBe(false);

    server.setBehaviour(behaviour);
    const resumed = await runCli([...args, '--resume'], { cwd: dir, env, clean: true });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resume: ${partial.length} requests already labeled in labels.jsonl kept`);
    const all = labelLines('labels.jsonl').map((l) => l.requestId);
    expect(all.sort()).toEqual(want);
  }, 90_000);
});
