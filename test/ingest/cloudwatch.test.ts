/**
 * Bedrock invocation logs as CloudWatch Logs hands them out: every form reads
 * to the same three records, priced exactly (Claude 3.5 Haiku, us-east-1:
 * $0.80 in, $4 out, $0.08 cache read, $1 cache write per 1M tokens):
 *   fx-cw-1: 1000 in + 200 out                  = $0.0008 + $0.0008            = $0.0016
 *   fx-cw-2: 2000 in + 100 out + 5000 read      = $0.0016 + $0.0004 + $0.0004  = $0.0024
 *   fx-cw-3:  500 in +  50 out + 4000 write     = $0.0004 + $0.0002 + $0.004   = $0.0046
 *   total $0.0086; tokens 3500 / 350 / 5000 / 4000; teams search 2, billing 1.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { TrafficEvent, TrafficRecord } from '../../src/types.js';
import { guessFormat, parseJsonLine, readJsonDocument } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from './helpers.js';

const CW = (f: string): string => fixture(`cloudwatch/${f}`);
const FORMS: [string, string, string][] = [
  ['aws logs filter-log-events output (pretty JSON document)', 'filter-log-events.json', 'cloudwatch'],
  ['aws logs get-log-events pages as JSON lines', 'get-log-events-pages.jsonl', 'cloudwatch'],
  ['Firehose/subscription DATA_MESSAGE records, gzip members back to back, with a CONTROL_MESSAGE', 'firehose-subscription.gz', 'cloudwatch'],
  ['Logs Insights CSV export (@timestamp,@message)', 'insights.csv', 'cloudwatch'],
  ['Logs Insights JSON export', 'insights.json', 'cloudwatch'],
  ['aws logs get-query-results output', 'get-query-results.json', 'cloudwatch'],
  ['export-task "<timestamp> <json>" lines', 'export-task.txt', 'bedrock'],
];

async function collect(it: AsyncIterable<TrafficEvent>): Promise<TrafficEvent[]> {
  const out: TrafficEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const records = (evs: TrafficEvent[]): TrafficRecord[] => evs.flatMap((e) => (e.kind === 'record' ? [e.record] : []));

describe('CloudWatch Logs forms of Bedrock invocation logs', () => {
  it.each(FORMS)('%s → the three records, nothing skipped', async (_what, file) => {
    const evs = await collect(readTraffic([CW(file)]));
    expect(evs.filter((e) => e.kind === 'skipped')).toEqual([]);
    const recs = records(evs);
    expect(recs.map((r) => r.requestId)).toEqual(['fx-cw-1', 'fx-cw-2', 'fx-cw-3']);
    expect(recs.map((r) => r.tokens)).toEqual([
      { input: 1000, output: 200, cacheRead: 0, cacheWrite: 0 },
      { input: 2000, output: 100, cacheRead: 5000, cacheWrite: 0 },
      { input: 500, output: 50, cacheRead: 0, cacheWrite: 4000 },
    ]);
    expect(recs.map((r) => r.tags.team)).toEqual(['search', 'billing', 'search']);
  });

  it.each(FORMS)('%s: tokor analyze prices it exactly ($0.0086)', async (_what, file, format) => {
    const r = await runCli(['analyze', CW(file), '--format', 'json', '--group-by', 'team']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.sources.formats).toEqual({ [format]: 1 });
    expect(j.records).toMatchObject({ read: 3, valid: 3, priced: 3, invalid: 0 });
    expect(j.tokens).toEqual({ input: 3500, output: 350, cacheRead: 5000, cacheWrite: 4000 });
    expect(j.cost.actual).toBe(0.0086);
    const teams = Object.fromEntries(j.byGroup.map((g: { group: string; requests: number; costUsd: number }) => [g.group, [g.requests, g.costUsd]]));
    expect(teams).toEqual({ search: [2, 0.0062], billing: [1, 0.0024] });
  });

  it('records in a pretty-printed document carry the line their event starts on', async () => {
    const evs = await collect(readTraffic([CW('filter-log-events.json')]));
    const text = readFileSync(CW('filter-log-events.json'), 'utf8').split('\n');
    for (const r of records(evs)) expect(text[r.source.line - 1]!.trim()).toBe('{');
    expect(records(evs).map((r) => r.source.line)).toEqual([3, 10, 17]);
  });

  it('an event without its own record timestamp takes the event timestamp', () => {
    const rec = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', input: { inputTokenCount: 1 }, output: { outputTokenCount: 1 } };
    const line = JSON.stringify({ events: [{ timestamp: 1762768800000, message: JSON.stringify(rec), ingestionTime: 1762768800100 }] });
    const ev = parseJsonLine('cloudwatch', line, { file: 'x', line: 1 })[0]!;
    expect(ev.kind === 'record' && ev.record.timestamp).toBe('2025-11-10T10:00:00.000Z');
    expect(ev.kind === 'record' && ev.record.problems).toBeUndefined();
  });

  it('a CloudWatch export whose events are not Bedrock records says so, per event, with the line', async () => {
    const evs = await collect(readTraffic([CW('not-bedrock.json')]));
    expect(evs.map((e) => (e.kind === 'skipped' ? [e.skipped.source.line, e.skipped.reason] : 'record'))).toEqual([
      [3, 'looks like a CloudWatch Logs export, but this event\'s message is not JSON ("START RequestId: 8f5c Version: $LATEST"): no Bedrock invocation log record in it'],
      [8, "looks like a CloudWatch Logs export, but this event's message is not a Bedrock invocation log record (no modelId)"],
    ]);
    const r = await runCli(['analyze', CW('not-bedrock.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/looks like a CloudWatch Logs export/);
    expect(r.stderr).not.toMatch(/modelId missing/);
  });

  it('detects each form from its first lines', () => {
    for (const [, file, format] of FORMS) {
      if (file.endsWith('.gz')) continue;
      const g = guessFormat(readFileSync(CW(file), 'utf8'), file);
      // A CSV export is detected as CSV; its header then names the format its rows are read as (the report's).
      expect(g.format, file).toBe(file.endsWith('.csv') ? 'csv' : format);
    }
    expect(guessFormat(readFileSync(CW('filter-log-events.json'), 'utf8'), 'x.json').document).toBe(true);
    expect(guessFormat(readFileSync(CW('get-log-events-pages.jsonl'), 'utf8'), 'x.jsonl').document).toBeUndefined();
  });

  it('a document that does not parse is one skip at line 1', () => {
    const out: TrafficEvent[] = [];
    readJsonDocument('auto', '{\n  "events": [\n', 'x.json', (e) => out.push(e));
    expect(out).toHaveLength(1);
    expect(out[0]!.kind === 'skipped' && out[0]!.skipped.reason).toMatch(/^malformed JSON document: /);
  });

  it('--log-format cloudwatch forces the reader, and a pretty document is still read whole', async () => {
    const r = await runCli(['analyze', CW('filter-log-events.json'), '--log-format', 'cloudwatch', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cost.actual).toBe(0.0086);
  });
});
