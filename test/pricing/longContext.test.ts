/**
 * Long-context prices: a request whose prompt (input + cache read + cache write) is over an entry's
 * `longContext.above` pays those rates on every token. Units (cost math, prompt classes, the catalog
 * schema), then the built CLI: hand-computed dollars from a user catalog, the same on the in-process,
 * DuckDB and (local) Athena engines, the day rows and `tokor prices --model`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, isLongPrompt, moneyToDecimal, parseCatalogText, priceTokens, promptBounds, promptOverOf, type ModelPrice } from '../../src/pricing/index.js';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { runCli } from '../helpers/cli.js';
import { TEST_CREDS } from '../helpers/fake-aws.js';

const price: ModelPrice = {
  key: 'test.long',
  name: 'Long',
  provider: 'bedrock',
  region: 'us-east-1',
  input: '3',
  output: '15',
  cacheRead: '0.3',
  cacheWrite5m: '3.75',
  supportsBatch: true,
  source: 'test',
  effectiveDate: '2026-12-07',
  longContext: { above: 200_000, input: '6', output: '22.5', cacheRead: '0.6', cacheWrite5m: '7.5' },
};

describe('long-context rates in the cost math', () => {
  it('apply over the threshold only, to every token kind, batch at half', () => {
    const at = { input: 150_000, output: 1_000, cacheRead: 40_000, cacheWrite: 10_000 };
    // 200,000 prompt tokens: not over. 150,000 × 3 + 1,000 × 15 + 40,000 × 0.3 + 10,000 × 3.75 µ$
    expect(moneyToDecimal(costOf(at, price, { promptTokens: 200_000 }))).toBe('0.5145');
    const over = { ...at, cacheRead: 40_001 };
    // 150,000 × 6 + 1,000 × 22.5 + 40,001 × 0.6 + 10,000 × 7.5 µ$
    expect(moneyToDecimal(costOf(over, price, { promptTokens: 200_001 }))).toBe('1.0215006');
    // Batch: half of the long input and output rates; cache tokens keep their (long) cache rates.
    const parts = priceTokens(over, price, { promptTokens: 200_001, batch: true });
    expect([parts.input, parts.output, parts.cacheRead, parts.cacheWrite].map(moneyToDecimal)).toEqual(['0.45', '0.01125', '0.0240006', '0.075']);
    // A bucket's class: every request is over 200,000 when the class bound is.
    expect(isLongPrompt(price, { promptOver: 200_000 })).toBe(true);
    expect(isLongPrompt(price, { promptOver: 100_000 })).toBe(false);
    expect(isLongPrompt(price, {})).toBe(false);
    expect(isLongPrompt({ ...price, longContext: undefined }, { promptTokens: 10 ** 9 })).toBe(false);
  });

  it('prompt classes: the largest threshold a prompt is over, from every threshold of the catalog', () => {
    const catalog = { version: 't', prices: [price, { ...price, key: 'b', longContext: { ...price.longContext!, above: 272_000 } }, { ...price, key: 'c', longContext: undefined }] };
    const bounds = promptBounds(catalog);
    expect(bounds).toEqual([200_000, 272_000]);
    expect([0, 200_000, 200_001, 272_000, 272_001, 10 ** 7].map((p) => promptOverOf(p, bounds))).toEqual([0, 0, 200_000, 200_000, 272_000, 272_000]);
    expect(promptOverOf(10 ** 7, [])).toBe(0);
  });

  it('a catalog whose longContext leaves out a rate the entry lists is refused, naming the field', () => {
    const yaml = ['prices:', '  - key: x.model', '    input: 1', '    output: 2', '    cacheRead: 0.1', '    longContext: { above: 1000, input: 2, output: 4 }'].join('\n');
    expect(() => parseCatalogText(yaml, 'p.yaml')).toThrow(/prices\[0\] \(x\.model\)\.longContext\.cacheRead: must list cacheRead, as the entry does/);
    const extra = ['prices:', '  - key: x.model', '    input: 1', '    output: 2', '    longContext: { above: 1000, input: 2, output: 4, cacheRead: 0.2 }'].join('\n');
    expect(() => parseCatalogText(extra, 'p.yaml')).toThrow(/longContext\.cacheRead: lists cacheRead, which the entry does not/);
    const frac = ['prices:', '  - key: x.model', '    input: 1', '    output: 2', '    longContext: { above: 1000.5, input: 2, output: 4 }'].join('\n');
    expect(() => parseCatalogText(frac, 'p.yaml')).toThrow(/longContext\.above: must be a whole number of tokens/);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the analyze JSON as the CLI prints it, read field by field
type Report = Record<string, any>;

const LOG = 'fixtures/pricing/long-context/invocations.jsonl';
const ANSWER_LOG = 'fixtures/pricing/window-answer/invocations.jsonl';
const CATALOG = ['--catalog', 'fixtures/pricing/long-context/prices.yaml'];

async function report(args: string[], env?: Record<string, string>): Promise<Report> {
  const r = await runCli(['analyze', ...args, ...CATALOG, '--group-by', 'team,day', '--bill', 'fixtures/costs/cost-explorer.json', '--format', 'json'], env ? { env } : {});
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

let athena: AthenaServer;
beforeAll(async () => {
  athena = await startAthenaServer({ tables: { 'logs.long': [LOG], 'logs.answer': [ANSWER_LOG] } });
});
afterAll(async () => {
  await athena?.close();
});

describe('tokor analyze with long-context prices (built CLI)', () => {
  it('prices the two requests over 200,000 prompt tokens at the long rates, the same on every engine', async () => {
    const athenaArgs = ['--engine', 'athena', '--table', 'logs.long', '--workgroup', 'wg', '--output', 's3://results/tokor/', '--region', 'us-east-1', '--athena-endpoint-url', athena.url];
    const [inproc, threads, duck, ath] = await Promise.all([report([LOG]), report([LOG, '--workers', '2']), report([LOG, '--engine', 'duckdb']), report(athenaArgs, TEST_CREDS)]);
    const sonnet = inproc.byModel.find((m: Report) => m.model.startsWith('anthropic.claude-sonnet-4-5'));
    // Requests 1 and 2 (1,000 and exactly 200,000 prompt tokens) at $3/$15, cache read $0.30; request 3 (200,001)
    // and 4 (260,000, 10,000 of them cache writes) at $6/$22.50, cache read $0.60, 5-minute write $7.50.
    expect(sonnet.costByTokenKind).toEqual({ input: 2.853, output: 0.02025, cacheRead: 0.045001, cacheWrite5m: 0.075, cacheWrite1h: 0 });
    expect(sonnet.costUsd).toBe(2.993251);
    // Nova Micro has no long-context price: 300,000 input tokens at its one input rate.
    const nova = inproc.byModel.find((m: Report) => m.model === 'amazon.nova-micro-v1:0');
    expect(nova.costByTokenKind.input).toBe(0.0105);
    expect(inproc.priceNotes).toContain('anthropic.claude-sonnet-4-5-20250929-v1:0: 2 requests in us-east-1 with a prompt over 200,000 tokens priced at the long-context rates');
    // The default ladder's windows (Nova Lite 300K, Haiku 4.5 200K, Sonnet 4.5 1M): the labeler's moderate requests
    // whose prompt and answer are over 200K cannot stay on Haiku, and the headline counts them: request 2 among them,
    // whose 200,000 prompt tokens alone fit (and pay the short rates) but not with its 200-token answer.
    expect(inproc.headline.caveats).toContain("4 requests are routed past their label's tier: its context window cannot hold their prompt and answer, so the ceiling prices them on the first later tier that can.");
    // Per day: 3 November holds requests 1–3 ($0.0045 + $0.468 + $0.9367506), 4 November request 4 ($1.584).
    const days = inproc.byDay.filter((d: Report) => d.model.startsWith('anthropic.')).map((d: Report) => [d.day, d.costUsd]);
    expect(days).toEqual([
      ['2025-11-03', 1.409251],
      ['2025-11-04', 1.584],
    ]);
    const same = (r: Report) => ({ records: r.records, tokens: r.tokens, cost: r.cost, byModel: r.byModel, byGroup: r.byGroup, byDay: r.byDay, priceNotes: r.priceNotes, distribution: r.distribution });
    expect(same(threads)).toEqual(same(inproc));
    expect(same(duck)).toEqual(same(inproc));
    expect(same(ath)).toEqual(same(inproc));
  });

  it('a prompt its tier\'s context window cannot hold is routed to the first later tier that can, the same on every engine', async () => {
    // Every request measured easy; the cheap tier (Nova Micro) holds 128K, so requests 2–5 (200,000 to 300,000
    // prompt tokens) go to the frontier (Sonnet 4.5, 1M): the ceiling is request 1 on Nova Micro (1,000 × $0.035 +
    // 100 × $0.14 = $0.000049) and the other four at what the frontier costs ($4.804501 − $0.0045 for request 1).
    const args = ['--catalog', 'fixtures/pricing/long-context/windows.yaml', '--tiers', 'cheap=amazon.nova-micro-v1:0,frontier=anthropic.claude-sonnet-4-5-20250929-v1:0', '--format', 'json'];
    const run = async (extra: string[]) => {
      const r = await runCli(['analyze', LOG, ...args, ...extra]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as Report;
    };
    const easy = ['--labels', 'fixtures/pricing/long-context/labels-easy.jsonl'];
    const [inproc, threads, prior, duck] = await Promise.all([run(easy), run([...easy, '--workers', '2']), run([]), run(['--engine', 'duckdb'])]);
    expect(inproc.cost.frontierCounterfactual).toBe(4.804501);
    expect(inproc.cost.routedCeiling).toBe(4.80005);
    expect(inproc.headline.caveats).toContain("4 requests are routed past their label's tier: its context window cannot hold their prompt and answer, so the ceiling prices them on the first later tier that can.");
    const same = (r: Report) => ({ cost: r.cost, byModel: r.byModel, headline: r.headline, savings: r.savings });
    expect(same(threads)).toEqual(same(inproc));
    // On the labeler's prior (DuckDB takes no --labels): the "if 40–90% easy" range puts no request on a tier too small for it.
    // Its most easy end: 90% × (1 − all-on-the-cheapest-that-fits ÷ all-frontier) = 90% × (1 − 4.80005 ÷ 4.804501).
    expect(prior.savings.sensitivity.at(-1)).toEqual({ easyShare: 0.9, ceilingPct: 0.0834, routedCeilingUsd: 4.800495 });
    expect(same(duck)).toEqual(same(prior));
    const shown = await runCli(['prices', '--model', 'amazon.nova-micro-v1:0', '--region', 'us-east-1', '--catalog', 'fixtures/pricing/long-context/windows.yaml']);
    expect(shown.stdout).toMatch(/context window\s+128,000 tokens of prompt and answer/);
    // Without the cheap tier's window the same requests are unchecked, and the headline says so (with the smallest
    // bound all four are over, prompt and answer counted: request 2's 200,000 prompt tokens and 200-token answer).
    const unchecked = await runCli(['analyze', LOG, ...CATALOG, '--catalog', 'fixtures/pricing/long-context/no-window.yaml', '--labels', 'fixtures/pricing/long-context/labels-easy.jsonl', '--tiers', 'cheap=amazon.nova-micro-v1:0,frontier=anthropic.claude-sonnet-4-5-20250929-v1:0', '--format', 'json']);
    const u = JSON.parse(unchecked.stdout) as Report;
    expect(u.cost.routedCeiling).toBeLessThan(0.05);
    expect(u.headline.caveats).toContainEqual(expect.stringMatching(/^4 requests have prompts and answers over 200,000 tokens .*the "cheap" tier, whose context window the price catalog does not state/));
  });

  it('tokor prices --model shows the long-context rates', async () => {
    const r = await runCli(['prices', '--model', 'anthropic.claude-sonnet-4-5-20250929-v1:0', '--region', 'us-east-1', ...CATALOG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/prompt over\s+200,000 tokens/);
    expect(r.stdout).toMatch(/ {2}input \/ output\s+6 \/ 22\.5/);
    const json = await runCli(['prices', '--model', 'anthropic.claude-sonnet-4-5-20250929-v1:0', '--region', 'us-east-1', ...CATALOG, '--format', 'json']);
    expect(JSON.parse(json.stdout).price.longContext).toEqual({ above: 200000, input: '6', output: '22.5', cacheRead: '0.6', cacheWrite5m: '7.5', cacheWrite1h: '12' });
    // The price list says which rows have long-context rates (the user catalog's row is one of those listed).
    const list = await runCli(['prices', '--provider', 'bedrock', '--region', 'us-east-1', ...CATALOG], { env: { COLUMNS: '120' } });
    expect(list.stdout).toMatch(/\d+ of these rows have other rates for a prompt over a size \(long context\)/);
  });
});

describe('a context window holds the prompt and the answer (built CLI)', () => {
  // Five Sonnet 4.5 requests, every one measured easy; the cheap tier (Nova Micro) holds 128,000 tokens. Their
  // prompts alone all fit but request 5's; with the answer: request 1 (120,000 + 7,000) and 3 (125,000 prompt
  // tokens, 25,000 of them cache reads and writes, + 3,000) fit exactly or under, request 2 (120,000 + 8,001) and
  // 4 (125,000 + 3,001) do not. Request 5 (199,000 + 5,000) is over 200,000 with its answer but pays the short
  // rates: long-context prices read the prompt alone.
  const args = ['--catalog', 'fixtures/pricing/long-context/windows.yaml', '--tiers', 'cheap=amazon.nova-micro-v1:0,frontier=anthropic.claude-sonnet-4-5-20250929-v1:0', '--format', 'json'];
  // `late`: arguments after those (a --catalog that overrides windows.yaml's rows).
  const run = async (extra: string[], env?: Record<string, string>, late: string[] = []) => {
    const r = await runCli(['analyze', ...extra, ...args, ...late], env ? { env } : {});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Report;
  };

  it('routes a request whose answer its tier cannot hold to the frontier, the same on every engine', async () => {
    const easy = [ANSWER_LOG, '--labels', 'fixtures/pricing/window-answer/labels-easy.jsonl'];
    const athenaArgs = ['--engine', 'athena', '--table', 'logs.answer', '--workgroup', 'wg', '--output', 's3://results/tokor/', '--region', 'us-east-1', '--athena-endpoint-url', athena.url];
    const [inproc, threads, prior, duck, ath] = await Promise.all([run(easy), run([...easy, '--workers', '2']), run([ANSWER_LOG]), run([ANSWER_LOG, '--engine', 'duckdb']), run(athenaArgs, TEST_CREDS)]);
    // All on Sonnet ($3/$15, cache read $0.30, write $3.75): $0.465 + $0.480015 + $0.36975 + $0.369765 + $0.672.
    expect(inproc.cost.frontierCounterfactual).toBe(2.35653);
    expect(inproc.cost.actual).toBe(2.35653);
    expect(inproc.priceNotes).toEqual([]);
    // Requests 1 and 3 on Nova Micro ($0.00518 + $0.00427), 2, 4 and 5 stay on the frontier (the prompt alone would
    // have put 2 and 4 on Nova Micro: $0.69104).
    expect(inproc.cost.routedCeiling).toBe(1.53123);
    expect(inproc.headline.caveats).toContain("3 requests are routed past their label's tier: its context window cannot hold their prompt and answer, so the ceiling prices them on the first later tier that can.");
    const same = (r: Report) => ({ cost: r.cost, tiers: r.tiers, byModel: r.byModel, headline: r.headline, savings: r.savings });
    expect(same(threads)).toEqual(same(inproc));
    // On the labeler's prior (DuckDB and Athena take no --labels): all on the cheapest tier that holds each request.
    expect(prior.tiers[0].costIfAllUsd).toBe(1.53123);
    expect(same(duck)).toEqual(same(prior));
    // Athena's headline names the table for `tokor label` (<logs>), not the file: the rest is the same.
    expect({ ...same(ath), headline: ath.headline.savingsRangePct }).toEqual({ ...same(prior), headline: prior.headline.savingsRangePct });
  });

  it('an input limit reads the prompt alone (cache tokens counted), the window the prompt and answer', async () => {
    // Nova Micro with a 200K window and a 121,000-token input limit: requests 1 and 2 (120,000 prompt tokens, with
    // 7,000 and 8,001 answer tokens) fit; 3 and 4 (125,000, 25,000 of them cache reads and writes) and 5 do not.
    const limit = ['--catalog', 'fixtures/pricing/window-answer/input-limit.yaml'];
    const easy = [ANSWER_LOG, '--labels', 'fixtures/pricing/window-answer/labels-easy.jsonl'];
    const [inproc, prior, duck] = await Promise.all([run(easy, undefined, limit), run([ANSWER_LOG], undefined, limit), run([ANSWER_LOG, '--engine', 'duckdb'], undefined, limit)]);
    // $0.00518 + $0.00532014 on Nova Micro, $0.36975 + $0.369765 + $0.672 on the frontier.
    expect(inproc.cost.routedCeiling).toBe(1.422015);
    expect(inproc.headline.caveats).toContain("3 requests are routed past their label's tier: its context window cannot hold their prompt and answer, so the ceiling prices them on the first later tier that can.");
    expect(prior.tiers[0].costIfAllUsd).toBe(1.422015);
    const same = (r: Report) => ({ cost: r.cost, tiers: r.tiers, byModel: r.byModel, headline: r.headline, savings: r.savings });
    expect(same(duck)).toEqual(same(prior));
  });
});
