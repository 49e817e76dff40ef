/**
 * End-to-end `tokor eval` through the built bin: the bundled golden datasets on
 * their recordings, exit codes, the JSON contract, and a live ad-hoc tier on an
 * OpenAI-compatible local endpoint. Needs `npm run build` (dist/).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { chatOk, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

function tokor(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }, clean: true });
}

/** Items per bundled dataset, counted from the files themselves. */
function bundledCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ['doc-extraction', 'multistep-reasoning', 'support-triage']) {
    const lines = readFileSync(path.join(repo, 'golden-datasets', id, 'dataset.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    out[id] = lines.filter((l) => 'id' in (JSON.parse(l) as object)).length;
  }
  return out;
}

let openai: OpenAIServer;
beforeAll(async () => {
  if (!existsSync(path.join(repo, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-eval-cli-'));
  openai = await startOpenAIServer();
});
afterAll(() => openai.close());

interface SummaryJson {
  schemaVersion: number;
  tiers: { tier: string; model: string; items: number; passed: number; passRate: number; ci95: [number, number]; meanScore: number; costUsd: number | null; costPerItemUsd: number | null; latencyP50Ms: number; latencyP95Ms: number; unpriced: number }[];
  byTask: { name: string; cheapestPassing: string | null; tiers: unknown[] }[];
  datasets: { id: string; items: number }[];
  run: { replayed: number; errors: number; live: number };
}

describe('tokor eval (built CLI)', () => {
  it('with no flags replays every bundled dataset on every tier: exit 0, the JSON contract', async () => {
    const counts = bundledCounts();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const { code, stdout, stderr } = await tokor(['eval', '--format', 'json', '--out', 'results.jsonl']);
    expect(code).toBe(0);
    expect(stderr).toContain('sample data');
    const s = JSON.parse(stdout) as SummaryJson;
    expect(s.schemaVersion).toBe(1);
    expect(s.datasets.map((d) => [d.id, d.items])).toEqual(Object.entries(counts));
    expect(s.tiers.map((t) => t.tier)).toEqual(['cheap', 'mid', 'frontier']);
    for (const t of s.tiers) {
      for (const k of ['tier', 'model', 'items', 'passed', 'passRate', 'ci95', 'meanScore', 'costUsd', 'costPerItemUsd', 'latencyP50Ms', 'latencyP95Ms']) expect(t).toHaveProperty(k);
      expect(t.items).toBe(total);
      expect(t.passRate).toBeCloseTo(t.passed / t.items, 12);
      expect(t.ci95[0]).toBeLessThanOrEqual(t.passRate);
      expect(t.ci95[1]).toBeGreaterThanOrEqual(t.passRate);
      expect(t.unpriced).toBe(0);
      expect(t.costUsd).toBeGreaterThan(0);
    }
    expect(s.byTask.map((g) => g.name).sort()).toEqual(Object.keys(counts).sort());
    expect(s.run).toMatchObject({ replayed: 3 * total, errors: 0, live: 0 });
    const lines = readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3 * total);
    for (const k of ['schemaVersion', 'datasetId', 'itemId', 'tier', 'model', 'pass', 'score', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costUsd', 'latencyMs', 'output', 'graders']) {
      expect(lines[0]).toHaveProperty(k);
    }
    // The summary is the results file, summarized: pass counts agree.
    const passedMid = lines.filter((l) => l.tier === 'mid' && l.pass === true).length;
    expect(s.tiers[1]!.passed).toBe(passedMid);
  }, 60_000);

  it('--tier picks one tier; markdown and table render', async () => {
    const md = await tokor(['eval', '--tier', 'mid', '--format', 'markdown']);
    expect(md.stdout).toContain('`support-triage`');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('| mid | us.anthropic.claude-haiku-4-5-20251001-v1:0 |');
    expect(md.stdout).not.toContain('| cheap |');
    const triage = path.join(repo, 'golden-datasets', 'support-triage', 'dataset.jsonl');
    const table = await tokor(['eval', '--tier', 'cheap,frontier', '--dataset', triage, '--provider', 'replay']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Cheapest tier that clears the bar 95% of frontier's pass rate: (cheap|frontier|none)/);
  }, 60_000);

  it('usage and input errors exit 2 with one line', async () => {
    const badTier = await tokor(['eval', '--tier', 'gigantic']);
    expect(badTier.code).toBe(2);
    expect(badTier.stderr.trim().split('\n').filter((l) => l.startsWith('tokor:'))).toEqual(['tokor: unknown tier "gigantic" (tiers: cheap, mid, frontier, all); use --provider and --model for an ad-hoc tier']);
    const missing = await tokor(['eval', '--dataset', 'nope.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl: dataset file not found');
    const badProvider = await tokor(['eval', '--provider', 'carrier-pigeon']);
    expect(badProvider.code).toBe(2);
  });

  it('exit 3 when items could not be run (no recordings for a dataset)', async () => {
    writeFileSync(path.join(dir, 'mine.jsonl'), '{"id":"x","prompt":"hi","expected":"hello"}\n');
    const r = await tokor(['eval', '--dataset', 'mine.jsonl', '--provider', 'replay', '--tier', 'cheap', '--format', 'json']);
    expect(r.code).toBe(3);
    const s = JSON.parse(r.stdout) as SummaryJson;
    expect(s.run.errors).toBe(1);
    expect(r.stderr).toContain('could not be run');
  });

  it('an ad-hoc openai tier against a local gateway: key from env, unpriced model counted, exit 0', async () => {
    writeFileSync(path.join(dir, 'gw.jsonl'), ['{"id":"1","prompt":"ping","expected":"pong"}', '{"id":"2","prompt":"ding","expected":"dong"}'].join('\n') + '\n');
    openai.setBehaviour((req) => chatOk(req.text === 'ping' ? 'pong' : 'dang', { prompt: 30, completion: 2, cached: 10 }));
    const r = await tokor(['eval', '--dataset', 'gw.jsonl', '--provider', 'openai', '--model', 'my-gateway-model', '--endpoint-url', openai.baseUrl, '--format', 'json', '--no-cache', '--out', 'gw-results.jsonl'], { OPENAI_API_KEY: 'sk-local-test' });
    expect(r.code).toBe(0);
    expect(openai.requests.every((q) => q.authorization === 'Bearer sk-local-test' && q.body.model === 'my-gateway-model')).toBe(true);
    const s = JSON.parse(r.stdout) as SummaryJson;
    expect(s.tiers[0]).toMatchObject({ tier: 'adhoc', items: 2, passed: 1, costUsd: null, unpriced: 2 });
    expect(r.stderr).toContain('no price for my-gateway-model');
    const line = JSON.parse(readFileSync(path.join(dir, 'gw-results.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ inputTokens: 20, cacheReadTokens: 10, costUsd: null, source: 'live' });
    expect(r.stderr).not.toContain('sk-local-test');
  });
});
