/**
 * LiteLLM SpendLogs, OpenTelemetry, Vertex AI and Azure API Management logs,
 * each priced exactly through the built CLI. Hand-computed (USD per 1M tokens):
 *
 * LiteLLM and OTel carry the same two calls:
 *   Claude Sonnet 4.5 (Anthropic API: $3 in, $15 out, $0.30 read, $3.75 5m write): prompt 3120 = 100 uncached
 *     + 3000 reads + 20 writes; 200 out → $0.0003 + $0.003 + $0.0009 + $0.000075 = $0.004275
 *   GPT-4o (OpenAI API: $2.50 in, $1.25 cached, $10 out): prompt 2000 = 464 + 1536 cached; 150 out
 *     → $0.00116 + $0.00192 + $0.0015 = $0.00458
 *   total $0.008855 (charging LiteLLM's prompt_tokens in full at the input rate would give $0.01736 + $0.00650).
 * Claude Code OTel event: Sonnet 4.5, 10 in, 150 out, 2000 cache writes (no TTL in the event: 5m)
 *   → $0.00003 + $0.00225 + $0.0075 = $0.00978
 * Vertex: Gemini 2.5 Flash ($0.30 in, $0.03 cached, $2.50 out): prompt 10000 = 2000 + 8000 cached, 300 + 200
 *   thinking out → $0.0006 + $0.00024 + $0.00125 = $0.00209; Gemini 2.5 Pro ($1.25, $10): 1000 in, 100 out
 *   → $0.00125 + $0.001 = $0.00225; total $0.00434. Claude on Vertex: see its test.
 * API Management: gpt-4o (Azure $2.50/$10) 1000 in 200 out = $0.0045; gpt-4o-mini ($0.15/$0.60) 2000 in 100 out
 *   = $0.00036; a continuation row (SequenceNumber 1) is not a request; total $0.00486
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { guessFormat } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { runCli } from '../helpers/cli.js';
import { collect, fixture, recordsOf, skipsOf } from './helpers.js';

type Group = { groupBy: string; group: string; requests: number; costUsd: number };
// biome-ignore lint/suspicious/noExplicitAny: analyze's JSON report, read field by field
async function analyze(file: string, groupBy?: string): Promise<{ code: number | null; j: any; stderr: string }> {
  const r = await runCli(['analyze', fixture(file), '--format', 'json', ...(groupBy ? ['--group-by', groupBy] : [])]);
  return { code: r.code, j: r.code === 0 ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}
const groups = (j: { byGroup: Group[] }): string[] => j.byGroup.map((g) => `${g.groupBy}=${g.group}:${g.requests}:${g.costUsd}`).sort();

describe('LiteLLM SpendLogs', () => {
  it.each([
    ['litellm/spendlogs.csv', 'litellm'],
    ['litellm/spendlogs.json', 'litellm'],
    ['litellm/spendlogs.jsonl', 'litellm'],
  ])('%s: cache split from metadata.usage_object, team/user/end_user/tags as grouping keys, exact dollars', async (file, format) => {
    const { code, j, stderr } = await analyze(file, 'team,user,end_user,app');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(j.sources.formats).toEqual({ [format]: 1 });
    expect(j.records).toMatchObject({ read: 3, valid: 2, failed: 1, invalid: 0 });
    expect(j.tokens).toEqual({ input: 564, output: 350, cacheRead: 4536, cacheWrite: 20 });
    expect(j.cost.actual).toBe(0.008855);
    expect(groups(j)).toEqual(
      [
        'team=search:1:0.004275',
        'team=support:1:0.00458',
        'user=alice:1:0.004275',
        'user=bob:1:0.00458',
        'end_user=cust-9:1:0.004275',
        'end_user=(untagged):1:0.00458',
        'app=search:1:0.004275',
        'app=triage:1:0.00458',
      ].sort(),
    );
  });

  it('the CSV is recognised by its header and read by the SpendLogs reader, not the column map', async () => {
    const recs = recordsOf(await collect(readTraffic([fixture('litellm/spendlogs.csv')])));
    expect(recs[0]!.tokens).toEqual({ input: 100, output: 200, cacheRead: 3000, cacheWrite: 20 });
    expect({ ...recs[0]!.tags }).toMatchObject({ team: 'search', user: 'alice', end_user: 'cust-9', app: 'search', env: 'prod', key: 'search-key' });
    expect(recs[0]!.modelId).toBe('anthropic/claude-sonnet-4-5-20250929');
  });
});

describe('OpenTelemetry', () => {
  it.each([['otel/traces.json'], ['otel/spans.jsonl']])('%s: GenAI spans, current and deprecated names, both cache-write spellings', async (file) => {
    const { code, j } = await analyze(file, 'service');
    expect(code).toBe(0);
    expect(j.sources.formats).toEqual({ otel: 1 });
    expect(j.records).toMatchObject({ read: 2, valid: 2, invalid: 0 });
    expect(j.tokens).toEqual({ input: 564, output: 350, cacheRead: 4536, cacheWrite: 20 });
    expect(j.cost.actual).toBe(0.008855);
    expect(groups(j)).toEqual(['service=search-api:1:0.004275', 'service=support-api:1:0.00458']);
  });

  it('Claude Code OTel log events: one api_request, the user_prompt event is no request', async () => {
    const { code, j } = await analyze('otel/claude-code-logs.jsonl', 'session');
    expect(code).toBe(0);
    expect(j.records).toMatchObject({ read: 1, valid: 1 });
    expect(j.tokens).toEqual({ input: 10, output: 150, cacheRead: 0, cacheWrite: 2000 });
    expect(j.cost.actual).toBe(0.00978);
    expect(groups(j)).toEqual(['session=s-aaaa:1:0.00978']);
  });

  it('an OTLP metrics export forced on the traces reader is rejected saying what it is', async () => {
    const r = await runCli(['analyze', fixture('otel/metrics.json'), '--log-format', 'otel']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/looks like an OTLP metrics export: metrics such as claude_code\.token\.usage are totals over time, read by --log-format otel-metrics/);
    expect(r.stderr).not.toMatch(/modelId missing/);
  });
});

describe('Vertex AI request-response logging', () => {
  it('BigQuery rows: promptTokenCount includes cached content; thinking tokens are output', async () => {
    const { code, j } = await analyze('vertex/request-response.jsonl', 'team');
    expect(code).toBe(0);
    expect(j.sources.formats).toEqual({ vertex: 1 });
    expect(j.tokens).toEqual({ input: 3000, output: 600, cacheRead: 8000, cacheWrite: 0 });
    expect(j.cost.actual).toBe(0.00434);
    expect(groups(j)).toEqual(['team=docs:1:0.00209', 'team=research:1:0.00225']);
  });

  it("Claude rows: the endpoint's location is the region; from Sonnet 4.5 on a regional endpoint costs 10% more than the global one", async () => {
    const { code, j } = await analyze('vertex/claude-endpoints.jsonl', 'team');
    expect(code).toBe(0);
    // Sonnet 4.5, 10,000 in and 2,000 out: global $3/$15 → $0.03 + $0.03; at us-east5 $3.30/$16.50 → $0.066.
    // Opus 4.1 (before Sonnet 4.5: one price), 1,000 in and 100 out at $15/$75 → $0.0225 at us-east5 too.
    expect(j.byModel.map((m: { model: string; region: string; costUsd: number }) => [m.model, m.region, m.costUsd])).toEqual([
      ['vertex/claude-sonnet-4-5@20250929', 'us-east5', 0.066],
      ['vertex/claude-sonnet-4-5@20250929', 'global', 0.06],
      ['vertex/claude-opus-4-1@20250805', 'us-east5', 0.0225],
    ]);
    expect(j.cost.actual).toBe(0.1485);
  });
});

describe('Azure API Management LLM logs', () => {
  it.each([
    ['azure-apim/llm-log.csv', 'azure-apim'],
    ['azure-apim/llm-log.json', 'azure-apim'],
  ])('%s: one request per first row, priced at the Azure list price', async (file, format) => {
    const { code, j } = await analyze(file, 'deployment');
    expect(code).toBe(0);
    expect(j.sources.formats).toEqual({ [format]: 1 });
    expect(j.records).toMatchObject({ read: 2, valid: 2, invalid: 0 });
    expect(j.tokens).toEqual({ input: 3000, output: 300, cacheRead: 0, cacheWrite: 0 });
    expect(j.cost.actual).toBe(0.00486);
    expect(groups(j)).toEqual(['deployment=chat-prod:1:0.0045', 'deployment=mini-batch:1:0.00036']);
  });
});

describe('detection of the new readers', () => {
  it.each([
    ['litellm/spendlogs.jsonl', 'litellm'],
    ['otel/spans.jsonl', 'otel'],
    ['otel/claude-code-logs.jsonl', 'otel'],
    ['vertex/request-response.jsonl', 'vertex'],
    ['otel/traces.json', 'otel'],
    ['litellm/spendlogs.json', 'litellm'],
    ['azure-apim/llm-log.json', 'azure-apim'],
  ])('%s → %s', (file, format) => {
    expect(guessFormat(readFileSync(fixture(file), 'utf8'), file).format).toBe(format);
  });

  it('an object no reader claims is skipped with what it has, not with the Bedrock message', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const f = join(await mkdtemp(join(tmpdir(), 'tokor-unknown-')), 'x.jsonl');
    await writeFile(f, '{"level":"info","msg":"started","pid":1}\n{"level":"info","msg":"ok","pid":1}\n');
    const evs = await collect(readTraffic([f]));
    expect(skipsOf(evs).map((s) => s.reason)).toEqual(Array(2).fill('not a log record tokor reads (keys level, msg, pid); see docs/inputs.md for the formats, or force one with --log-format'));
  });
});
