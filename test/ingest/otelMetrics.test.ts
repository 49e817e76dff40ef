/**
 * Claude Code's OpenTelemetry metrics (#15.3): claude_code.token.usage read as token totals per model, session
 * and export window, priced exactly and stated as aggregates. Hand-computed at the Anthropic API list prices
 * (Sonnet 4.5 $3 in / $15 out / $0.30 cache read / $3.75 5m write; Haiku 4.5 $1 / $5) per 1M tokens:
 *   token-usage-delta.json (delta, Claude Code's default; the second window's points are asDouble):
 *     s-delta-1 Sonnet 10:00–10:01  1000 in $0.003 + 500 out $0.0075 + 20000 read $0.006 + 4000 write $0.015 = $0.0315
 *     s-delta-1 Sonnet 10:01–10:02   200 in $0.0006 + 100 out $0.0015                                       = $0.0021
 *     s-delta-2 Haiku  10:00–10:01  5000 in $0.005 + 1000 out $0.005                                        = $0.01
 *     total $0.0436 (claude_code.cost.usage and session.count are passed over)
 *   token-usage-cumulative.jsonl (cumulative, two export requests of one series): only the latest point counts,
 *     3000 in $0.009 + 400 out $0.006 + 10000 read $0.003 = $0.018 (summing both lines would make $0.0225).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixture } from './helpers.js';

interface AnalyzeJson {
  sources: { formats: Record<string, number> };
  records: Record<string, number>;
  tokens: Record<string, number>;
  cost: { actual: number };
  byGroup: { group: string; requests: number; costUsd: number }[];
  byModel: { model: string; costByTokenKind: Record<string, number> }[];
  problems: { problem: string; count: number }[];
  period: { start: string; end: string };
}

async function analyzeJson(file: string): Promise<AnalyzeJson> {
  const r = await runCli(['analyze', fixture(file), '--group-by', 'session', '--format', 'json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

const AGGREGATE = 'aggregate, not one request: claude_code.token.usage tokens of a model and session over one export window';

describe('Claude Code OTel metrics: claude_code.token.usage (built CLI)', () => {
  it('delta points: one priced row per model, session and window, to the cent', async () => {
    const j = await analyzeJson('otel/token-usage-delta.json');
    expect(j.sources.formats).toEqual({ 'otel-metrics': 1 });
    expect(j.records).toMatchObject({ read: 3, valid: 3, priced: 3 });
    expect(j.tokens).toEqual({ input: 6200, output: 1600, cacheRead: 20000, cacheWrite: 4000 });
    expect(j.cost.actual).toBe(0.0436);
    expect(j.byGroup.map((g) => [g.group, g.requests, g.costUsd])).toEqual([
      ['s-delta-1', 2, 0.0336],
      ['s-delta-2', 1, 0.01],
    ]);
    const sonnet = j.byModel.find((m) => m.model === 'claude-sonnet-4-5-20250929');
    expect(sonnet?.costByTokenKind).toEqual({ input: 0.0036, output: 0.009, cacheRead: 0.006, cacheWrite5m: 0.015, cacheWrite1h: 0 });
    expect(j.problems).toEqual([{ problem: AGGREGATE, count: 3 }]);
    expect(j.period).toEqual({ start: '2025-11-14T10:01:00.000Z', end: '2025-11-14T10:02:00.000Z' });
  });

  it('cumulative points: the latest of each series, not their sum', async () => {
    const j = await analyzeJson('otel/token-usage-cumulative.jsonl');
    expect(j.tokens).toEqual({ input: 3000, output: 400, cacheRead: 10000, cacheWrite: 0 });
    expect(j.cost.actual).toBe(0.018);
  });

  it('the table says the rows are aggregates, not requests', async () => {
    const r = await runCli(['analyze', fixture('otel/token-usage-delta.json')], { env: { COLUMNS: '200' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Aggregates, not requests: 3 rows are Claude Code claude_code.token.usage totals (one model and session over one export window), priced exactly');
    expect(r.stdout).not.toContain('Kept with problems');
  });

  it('a token point without a value is skipped saying so, not "value undefined"', async () => {
    const doc = JSON.parse(readFileSync(fixture('otel/token-usage-delta.json'), 'utf8'));
    const usage = doc.resourceMetrics[0].scopeMetrics[0].metrics.find((m: { name: string }) => m.name === 'claude_code.token.usage');
    const point = usage.sum.dataPoints[0];
    delete point.asInt;
    delete point.asDouble;
    const r = await runCli(['analyze', '-', '--format', 'json'], { input: `${JSON.stringify(doc)}\n` });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.invalid.reasons).toContainEqual({ reason: 'claude_code.token.usage data point has no value (asInt or asDouble)', count: 1 });
    expect(r.stdout).not.toContain('undefined');
  });

  it('a metrics export without token usage is skipped saying what it looks like', async () => {
    const r = await runCli(['analyze', '-', '--format', 'json'], {
      input: `${JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'claude_code.session.count', sum: { aggregationTemporality: 1, dataPoints: [] } }] }] }] })}\n`,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/looks like an OTLP metrics export, but none of its 1 metric is claude_code\.token\.usage/);
  });
});
