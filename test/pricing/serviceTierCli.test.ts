/**
 * Service tiers through the built CLI: Bedrock invocation records served on the priority and flex tiers (named in
 * the Converse response, the request body, a body logged as a string, a streamed response's request) priced at
 * the user catalog's tier rates, with hand-computed dollars, the same on the in-process reader, 2 worker threads,
 * DuckDB and the local Athena; the counterfactual and the ceiling keep each request's tier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { runCli } from '../helpers/cli.js';
import { TEST_CREDS } from '../helpers/fake-aws.js';

// biome-ignore lint/suspicious/noExplicitAny: the analyze JSON as the CLI prints it, read field by field
type Report = Record<string, any>;

const DIR = 'fixtures/pricing/service-tier';
const LOG = `${DIR}/invocations.jsonl`;
const ARGS = ['--catalog', `${DIR}/prices.yaml`, '--tiers', 'cheap=openai.gpt-oss-20b-1:0,frontier=openai.gpt-oss-120b-1:0', '--group-by', 'team,day', '--format', 'json'];

async function report(args: string[], env?: Record<string, string>): Promise<Report> {
  const r = await runCli(['analyze', ...args, ...ARGS], env ? { env } : {});
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

let athena: AthenaServer;
beforeAll(async () => {
  athena = await startAthenaServer({ tables: { 'logs.tiers': [LOG] } });
});
afterAll(async () => {
  await athena?.close();
});

describe('tokor analyze with service tiers (built CLI)', () => {
  it('prices each request at its tier’s rates, the same on every engine', async () => {
    const athenaArgs = ['--engine', 'athena', '--table', 'logs.tiers', '--workgroup', 'wg', '--output', 's3://results/tokor/', '--region', 'us-east-1', '--athena-endpoint-url', athena.url];
    const [inproc, threads, duck, ath] = await Promise.all([report([LOG]), report([LOG, '--workers', '2']), report([LOG, '--engine', 'duckdb']), report(athenaArgs, TEST_CREDS)]);
    // Each request: 1M input and 100K output tokens. gpt-oss-120b at $1/$4 ($1.40 a request), priority $1.75/$7
    // ($2.45), flex $0.50/$2 ($0.70), batch half of on-demand ($0.70):
    //   1 standard 1.40, 2 priority (response) 2.45, 3 flex (response) 0.70, 4 'default' 1.40, 5 'reserved' 1.40,
    //   6 priority (a request body logged as a string) 2.45, 7 priority (a streamed response's request) 2.45,
    //   8 a batch job whose body asks for priority (batch wins) 0.70 — $12.95;
    //   9 Llama 3.1 8B at $0.50/$1 on priority, which it has no rates for: standard, $0.60.
    const gptOss = inproc.byModel.find((m: Report) => m.model === 'openai.gpt-oss-120b-1:0');
    expect([gptOss.costUsd, gptOss.costByTokenKind.input, gptOss.costByTokenKind.output]).toEqual([12.95, 9.25, 3.7]);
    expect(inproc.cost.actual).toBe(13.55);
    // All on the frontier, each at its own tier: the eight gpt-oss requests as paid, and request 9 at gpt-oss-120b's priority rates ($2.45).
    expect(inproc.cost.frontierCounterfactual).toBe(15.4);
    expect(inproc.priceNotes).toContain('meta.llama3-1-8b-instruct-v1:0: meta.llama3-1-8b-instruct (us-east-1): no priority rate listed, standard rate used');
    expect(inproc.problems).toContainEqual({ problem: "service tier 'reserved': priced at the standard on-demand rate", count: 1 });
    const same = (r: Report) => ({ records: r.records, tokens: r.tokens, cost: r.cost, byModel: r.byModel, byGroup: r.byGroup, byDay: r.byDay, priceNotes: r.priceNotes, problems: r.problems, distribution: r.distribution });
    expect(same(threads)).toEqual(same(inproc));
    expect(same(duck)).toEqual(same(inproc));
    expect(same(ath)).toEqual(same(inproc));
  });

  it('the ceiling prices an easy request on the cheap tier at the same service tier', async () => {
    const easy = ['--labels', `${DIR}/labels-easy.jsonl`];
    const [inproc, threads] = await Promise.all([report([LOG, ...easy]), report([LOG, ...easy, '--workers', '2'])]);
    // All nine measured easy, on gpt-oss-20b at $0.25/$1 ($0.35 a request), priority $0.4375/$1.75 ($0.6125), no
    // flex rates (flex and batch: half, $0.175): three standard 1.05, four priority 2.45, one flex and one batch 0.35.
    expect(inproc.cost.routedCeiling).toBe(3.85);
    expect(threads.cost).toEqual(inproc.cost);
  });

  it('a gateway log’s service_tier prices GPT-5.5 at the bundled catalog’s priority and flex rates', async () => {
    const r = await runCli(['analyze', `${DIR}/gateway.jsonl`, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const gpt = (JSON.parse(r.stdout) as Report).byModel.find((m: Report) => m.model === 'openai/gpt-5.5');
    // Each line: 80,000 uncached and 20,000 cached input tokens, 10,000 output tokens. GPT-5.5 standard $5 / $0.50
    // cached / $30: $0.71; priority $12.50 / $1.25 / $75: $1.775, twice ('priority', and 'fast', OpenAI's name for it
    // since 2026-07-30); flex $2.50 / $0.25 / $15: $0.355. In all $4.615.
    expect(gpt.costUsd).toBe(4.615);
    expect(gpt.costByTokenKind).toEqual({ input: 2.6, output: 1.95, cacheRead: 0.065, cacheWrite5m: 0, cacheWrite1h: 0 });
  });

  it('tokor prices shows the tier rates: --model in a line each, the list counts the rows, JSON carries them', async () => {
    const model = await runCli(['prices', '--model', 'gpt-5.5']);
    expect(model.code).toBe(0);
    expect(model.stdout).toMatch(/^priority tier +12\.5 \/ 75, cache read 1\.25$/m);
    expect(model.stdout).toMatch(/^flex tier +2\.5 \/ 15, cache read 0\.25; prompt over 272,000: 5 \/ 22\.5, cache read 0\.5$/m);
    const json = JSON.parse((await runCli(['prices', '--model', 'gpt-5.5', '--format', 'json'])).stdout) as Report;
    expect(json.price.priority).toEqual({ input: '12.5', output: '75', cacheRead: '1.25' });
    const list = await runCli(['prices', '--provider', 'openai'], { env: { COLUMNS: '120' } });
    expect(list.stdout).toMatch(/\d+ of these rows have priority or flex service-tier rates: tokor prices --model ID shows them\./);
  });
});
