/**
 * evaluate(): config → tiers → datasets → clients → results → summary, with
 * the real Bedrock client against a local Converse endpoint, replay, the cache,
 * --record and the llm-judge.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evalOutcome, evaluate as evaluateIn, type EvaluateHooks, type EvaluateOptions } from '../../src/app/eval.js';
import { openContext } from '../../src/app/context.js';
import { resolveTiers } from '../../src/eval/tiers.js';
import { DEFAULT_TIERS } from '../../src/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { chatOk, startOpenAIServer } from '../helpers/openai-server.js';
import { awsError, converseOk, startBedrockServer, useTestCredentials, type BedrockServer } from '../helpers/bedrock-server.js';

let server: BedrockServer;
let dir: string;
beforeAll(async () => {
  useTestCredentials();
  server = await startBedrockServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-evaluate-'));
  mkdirSync(path.join(dir, 'ds'));
  writeFileSync(
    path.join(dir, 'ds', 'dataset.jsonl'),
    [
      { id: 'a', prompt: 'one', expected: 'answer:one', task: 't1' },
      { id: 'b', prompt: 'two', expected: 'answer:two', task: 't1' },
      { id: 'c', prompt: 'three', expected: 'nope', task: 't2' },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n') + '\n',
  );
});

/** evaluate() in the context that its cwd and --config open. */
async function evaluate(o: EvaluateOptions & { cwd?: string; config?: string }, hooks?: EvaluateHooks) {
  const { cwd, config, ...rest } = o;
  return evaluateIn(await openContext({ ...(cwd ? { cwd } : {}), ...(config ? { config } : {}) }), rest, hooks);
}

const live = () => ({
  datasets: [path.join(dir, 'ds', 'dataset.jsonl')],
  provider: 'bedrock' as const,
  endpointUrl: server.url,
  region: 'us-east-1',
  cwd: dir,
  env: {},
});

describe('resolveTiers', () => {
  it('all, one, a list, ad-hoc, overrides, replay default', () => {
    expect(resolveTiers(DEFAULT_TIERS, { tier: 'all' }).map((t) => t.name)).toEqual(['cheap', 'mid', 'frontier']);
    expect(resolveTiers(DEFAULT_TIERS, { tier: 'mid,frontier' }).map((t) => t.model)).toEqual([DEFAULT_TIERS[1]!.model, DEFAULT_TIERS[2]!.model]);
    expect(resolveTiers(DEFAULT_TIERS, { provider: 'openai', model: 'gpt-4o-mini', endpointUrl: 'http://127.0.0.1:1/v1' })).toEqual([
      { name: 'adhoc', provider: 'openai', model: 'gpt-4o-mini', endpointUrl: 'http://127.0.0.1:1/v1', baseUrl: 'http://127.0.0.1:1/v1' },
    ]);
    expect(resolveTiers(DEFAULT_TIERS, { tier: 'mid', model: 'x', region: 'eu-west-1' })[0]).toMatchObject({ name: 'mid', provider: 'bedrock', model: 'x', region: 'eu-west-1' });
    expect(resolveTiers(DEFAULT_TIERS, {}, { replayDefault: true }).every((t) => t.provider === 'replay')).toBe(true);
    expect(resolveTiers(DEFAULT_TIERS, { provider: 'bedrock' }, { replayDefault: true }).every((t) => t.provider === 'bedrock')).toBe(true);
    expect(() => resolveTiers(DEFAULT_TIERS, { tier: 'huge' })).toThrow(UsageError);
    expect(() => resolveTiers(DEFAULT_TIERS, { endpointUrl: 'not a url' })).toThrow(UsageError);
  });
});

describe('evaluate', () => {
  it('runs live, writes results, and a re-run is served from the cache (no requests)', async () => {
    const out = path.join(dir, 'results.jsonl');
    const first = await evaluate({ ...live(), tier: 'cheap', out, cacheDir: path.join(dir, 'cache') });
    expect(evalOutcome(first)).toBe('ok');
    expect(server.requests).toHaveLength(3);
    expect(first.summary.tiers[0]).toMatchObject({ tier: 'cheap', model: 'us.amazon.nova-lite-v1:0', items: 3, passed: 2 });
    expect(first.summary.tiers[0]!.costUsd).toBeGreaterThan(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.source)).toEqual(['live', 'live', 'live']);
    const again = await evaluate({ ...live(), tier: 'cheap', out, overwrite: true, cacheDir: path.join(dir, 'cache') });
    expect(server.requests).toHaveLength(3);
    expect(again.stats).toMatchObject({ cached: 3, live: 0, spentUsd: 0 });
    const noCache = await evaluate({ ...live(), tier: 'cheap', cache: false });
    expect(server.requests).toHaveLength(6);
    expect(noCache.stats.live).toBe(3);
  });

  it('--record writes recordings that replay reads back; missing recordings are item errors (exit 3)', async () => {
    const rec = path.join(dir, 'rec');
    await evaluate({ ...live(), tier: 'cheap,mid', cache: false, record: rec });
    const replayed = await evaluate({ datasets: live().datasets, provider: 'replay', tier: 'cheap,mid', recordings: rec, cwd: dir, env: {} });
    expect(replayed.stats).toMatchObject({ replayed: 6, errors: 0 });
    expect(replayed.summary.tiers.map((t) => [t.tier, t.passed])).toEqual([
      ['cheap', 2],
      ['mid', 2],
    ]);
    const missing = await evaluate({ datasets: live().datasets, provider: 'replay', tier: 'all', recordings: rec, cwd: dir, env: {} });
    expect(missing.stats.errors).toBe(3);
    expect(missing.summary.tiers.find((t) => t.tier === 'frontier')).toMatchObject({ items: 0, errors: 3 });
    expect(evalOutcome(missing)).toBe('provider-failed');
  });

  it('llm-judge items are graded by the judge tier', async () => {
    writeFileSync(path.join(dir, 'judge.jsonl'), JSON.stringify({ id: 'j', prompt: 'explain tides', reference: 'the moon', graders: [{ type: 'llm-judge' }] }) + '\n');
    server.setBehaviour((req) => (req.text.startsWith('You are grading') ? converseOk('{"score": 8, "reason": "mentions the moon"}') : converseOk('the moon pulls the sea')));
    const o = await evaluate({ ...live(), datasets: [path.join(dir, 'judge.jsonl')], tier: 'cheap', cache: false });
    expect(o.summary.tiers[0]).toMatchObject({ passed: 1, meanScore: 0.8 });
    const judged = server.requests.filter((r) => r.text.startsWith('You are grading'));
    expect(judged).toHaveLength(1);
    expect(judged[0]!.modelId).toBe(DEFAULT_TIERS[2]!.model);
    expect(judged[0]!.text).toContain('the moon pulls the sea');
    expect(o.notes.some((n) => n.startsWith('llm-judge: 1 judge call'))).toBe(true);
    server.setBehaviour((req) => converseOk(`answer:${req.text}`));
  });

  it('--resume retries only the items that errored', async () => {
    const out = path.join(dir, 'results.jsonl');
    server.setBehaviour((req) => (req.text === 'two' ? awsError(400, 'ValidationException', 'too long') : converseOk(`answer:${req.text}`)));
    const first = await evaluate({ ...live(), tier: 'cheap', out, cache: false });
    expect(first.stats.errors).toBe(1);
    expect(evalOutcome(first)).toBe('provider-failed');
    server.setBehaviour((req) => converseOk(`answer:${req.text}`));
    server.requests.length = 0;
    const second = await evaluate({ ...live(), tier: 'cheap', out, cache: false, resume: true });
    expect(server.requests.map((r) => r.text)).toEqual(['two']);
    expect(evalOutcome(second)).toBe('ok');
    expect(second.summary.tiers[0]).toMatchObject({ items: 3, passed: 2, errors: 0 });
    expect(second.summary.run).toMatchObject({ resumed: 2, live: 1 });
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { itemId: string; error?: string });
    expect(lines.map((l) => l.itemId).sort()).toEqual(['a', 'b', 'c']);
    expect(lines.some((l) => l.error)).toBe(false);
  });

  it('takes the ladder, providers and the quality bar from tokor.config.yaml', async () => {
    const gw = await startOpenAIServer((req) => chatOk(req.text === 'three' ? 'nope' : 'wrong'));
    try {
      writeFileSync(
        path.join(dir, 'tokor.config.yaml'),
        [
          'tiers:',
          '  - { name: small, provider: bedrock, model: us.amazon.nova-lite-v1:0, region: us-east-1, endpointUrl: "' + server.url + '" }',
          '  - { name: big, provider: openai, model: gpt-4o, baseUrl: "' + gw.baseUrl + '", apiKeyEnv: GW_KEY, priceAs: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }',
          'quality: { bar: 0.6, barMode: absolute }',
        ].join('\n') + '\n',
      );
      const o = await evaluate({ datasets: [path.join(dir, 'ds', 'dataset.jsonl')], config: 'tokor.config.yaml', cwd: dir, env: { GW_KEY: 'k' }, cache: false });
      expect(o.summary.tiers.map((t) => [t.tier, t.model, t.passed])).toEqual([
        ['small', 'us.amazon.nova-lite-v1:0', 2],
        ['big', 'gpt-4o', 1],
      ]);
      // priceAs prices the gateway model; the absolute bar 0.6 is cleared by small (2/3) only.
      expect(o.summary.tiers[1]!.unpriced).toBe(0);
      expect(o.summary.bar).toMatchObject({ value: 0.6, mode: 'absolute' });
      expect(o.summary.cheapestPassing).toBe('small');
      expect(gw.requests.every((r) => r.authorization === 'Bearer k')).toBe(true);
    } finally {
      await gw.close();
    }
  });

  it('refuses --resume without --out and an unknown --grader', async () => {
    await expect(evaluate({ ...live(), resume: true })).rejects.toThrow('--resume needs --out');
    await expect(evaluate({ ...live(), grader: 'vibes' })).rejects.toThrow('unknown grader "vibes"');
  });
});
