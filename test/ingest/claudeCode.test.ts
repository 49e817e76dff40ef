/**
 * Claude Code transcripts (fixtures/ingest/claude-code/projects): two projects,
 * a subagent transcript, streamed snapshots of one response, a <synthetic> line.
 * Hand-computed, Anthropic API list prices per 1M tokens:
 *   msg_01 Sonnet 4.5: 10 in × $3 + 150 out × $15 + 2000 1h writes × $6              = $0.01428
 *   msg_02 Sonnet 4.5: 5 in × $3 + 80 out × $15 + 2000 reads × $0.30 + 500 5m × $3.75 = $0.00369
 *   msg_03 Haiku 4.5 (subagent): 1000 in × $1 + 200 out × $5                           = $0.002
 *   req_04 Sonnet 4.5 on Bedrock (us. profile → us-east-1): 100 in × $3.30 + 50 out × $16.50
 *          + 2000 5m × $4.125 + 1000 1h × $6.60                                        = $0.016005
 *   total $0.035975; tokens 1115 in, 480 out, 2000 read, 5500 write.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrafficEvent } from '../../src/types.js';
import { guessFormat, parseJsonLine, readJsonDocument } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { runCli } from '../helpers/cli.js';
import { collect, fixture, recordsOf, skipsOf } from './helpers.js';

const PROJECTS = fixture('claude-code/projects');
const SHOP = join(PROJECTS, '-Users-dev-shop', 's-aaaa.jsonl');

describe('Claude Code transcripts', () => {
  it('one record per response: streamed snapshots collapse to the final one, non-API lines give nothing', () => {
    const out: TrafficEvent[] = [];
    readJsonDocument('claude-code', readFileSync(SHOP, 'utf8'), SHOP, (e) => out.push(e));
    expect(skipsOf(out)).toEqual([]);
    const recs = recordsOf(out);
    expect(recs.map((r) => [r.requestId, r.source.line, r.tokens])).toEqual([
      ['req_01', 5, { input: 10, output: 150, cacheRead: 0, cacheWrite: 2000 }],
      ['req_02', 7, { input: 5, output: 80, cacheRead: 2000, cacheWrite: 500 }],
    ]);
    expect(recs[0]!.cacheWriteTtl).toBe('1h');
    expect(recs[1]!.cacheWriteTtl).toBeUndefined();
    expect({ ...recs[0]!.tags }).toEqual({ session: 's-aaaa', project: '/Users/dev/shop', git_branch: 'main' });
    expect(recs[0]!.timestamp).toBe('2025-11-12T09:00:04.900Z');
  });

  it('a file is detected as Claude Code and read whole', () => {
    const g = guessFormat(readFileSync(SHOP, 'utf8'), SHOP);
    expect(g.format).toBe('claude-code');
    expect(g.document).toBe(true);
  });

  it('the whole projects tree, subagent transcripts included, through readTraffic', async () => {
    const evs = await collect(readTraffic([PROJECTS]));
    expect(skipsOf(evs)).toEqual([]);
    const recs = recordsOf(evs);
    expect(recs.map((r) => r.requestId).sort()).toEqual(['req_01', 'req_02', 'req_03', 'req_04']);
    const sub = recs.find((r) => r.requestId === 'req_03')!;
    expect(sub.tokens.output).toBe(200);
    expect({ ...sub.tags }).toMatchObject({ session: 's-aaaa', agent: 'a1', sidechain: 'true' });
  });

  it('a line read on its own (a forced per-line reader) is that snapshot; <synthetic> lines are no records', () => {
    const lines = readFileSync(SHOP, 'utf8').trim().split('\n');
    expect(parseJsonLine('claude-code', lines[2]!, { file: 'x', line: 3 }).map((e) => e.kind === 'record' && e.record.tokens.output)).toEqual([3]);
    expect(parseJsonLine('claude-code', lines[7]!, { file: 'x', line: 8 })).toEqual([]);
    expect(parseJsonLine('claude-code', lines[0]!, { file: 'x', line: 1 })).toEqual([]);
  });

  it('tokor analyze on ~/.claude/projects: exact tokens and dollars, grouped by session, project and model', async () => {
    const r = await runCli(['analyze', PROJECTS, '--format', 'json', '--group-by', 'session,project,model']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.sources.formats).toEqual({ 'claude-code': 3 });
    expect(j.records).toMatchObject({ read: 4, valid: 4, priced: 4, unpriced: 0, invalid: 0, duplicates: 0 });
    expect(j.tokens).toEqual({ input: 1115, output: 480, cacheRead: 2000, cacheWrite: 5500 });
    expect(j.cost.actual).toBe(0.035975);
    const groups = j.byGroup.map((g: { groupBy: string; group: string; requests: number; costUsd: number }) => `${g.groupBy}=${g.group}:${g.requests}:${g.costUsd}`).sort();
    expect(groups).toEqual(
      [
        'model=claude-haiku-4-5-20251001:1:0.002',
        'model=claude-sonnet-4-5-20250929:2:0.01797',
        'model=us.anthropic.claude-sonnet-4-5-20250929-v1:0:1:0.016005',
        'project=/Users/dev/infra:1:0.016005',
        'project=/Users/dev/shop:3:0.01997',
        'session=s-aaaa:3:0.01997',
        'session=s-bbbb:1:0.016005',
      ].sort(),
    );
    const keys = Object.fromEntries(j.byModel.map((m: { model: string; modelKey: string }) => [m.model, m.modelKey]));
    expect(keys).toEqual({
      'claude-sonnet-4-5-20250929': 'anthropic/claude-sonnet-4-5',
      'claude-haiku-4-5-20251001': 'anthropic/claude-haiku-4-5',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 'anthropic.claude-sonnet-4-5',
    });
  });

  it("US-only inference (usage.inference_geo 'us') costs 1.1× on the Claude API; the field means nothing on Bedrock", async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'tokor-cc-geo-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const line = (n: number, model: string, geo: string, input: number, output: number) =>
      JSON.stringify({
        type: 'assistant', sessionId: 's-geo', uuid: `u-${n}`, cwd: '/Users/dev/geo', timestamp: `2026-03-02T10:00:0${n}.000Z`, requestId: `req_g${n}`,
        message: { id: `msg_g${n}`, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: 'standard', inference_geo: geo } },
      });
    await writeFile(
      join(dir, 's-geo.jsonl'),
      [line(1, 'claude-opus-4-6', 'us', 1000, 100), line(2, 'claude-opus-4-6', 'global', 1000, 100), line(3, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us', 100, 50)].join('\n') + '\n',
    );
    const r = await runCli(['analyze', dir, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // Opus 4.6, 1,000 in and 100 out: global $5/$25 → $0.0075; US-only $5.50/$27.50 → $0.00825.
    // Sonnet 4.5 through a Bedrock us. profile (us-east-1, $3.30/$16.50): 100 in, 50 out → $0.001155, as without the field.
    expect(j.byModel.map((m: { model: string; region: string | null; costUsd: number }) => [m.model, m.region, m.costUsd])).toEqual([
      ['claude-opus-4-6', 'us', 0.00825],
      ['claude-opus-4-6', 'global', 0.0075],
      // No region in a transcript: priced at the us. profile's home region.
      ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', '', 0.001155],
    ]);
  });

  it('fast mode (usage.speed "fast") is priced as the model\'s fast variant; a prompt over 200K at the long-context rates', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'tokor-cc-fast-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const line = (n: number, model: string, usage: Record<string, unknown>) =>
      JSON.stringify({
        type: 'assistant', sessionId: 's-fast', uuid: `u-${n}`, cwd: '/Users/dev/fast', timestamp: `2026-11-02T10:00:0${n}.000Z`, requestId: `req_f${n}`,
        message: { id: `msg_f${n}`, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'ok' }], usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: 'standard', ...usage } },
      });
    await writeFile(
      join(dir, 's-fast.jsonl'),
      [
        line(1, 'claude-opus-5', { input_tokens: 1000, output_tokens: 100, speed: 'fast' }),
        line(2, 'claude-opus-5', { input_tokens: 1000, output_tokens: 100, speed: 'standard' }),
        line(3, 'claude-sonnet-4-5-20250929[1m]', { input_tokens: 150_000, cache_read_input_tokens: 60_000, output_tokens: 1000 }),
      ].join('\n') + '\n',
    );
    // Hand-written rates (not a price list): Opus 5 $5/$25, its fast mode $10/$50; Sonnet 4.5 $3/$15 (read $0.30),
    // over 200K prompt tokens $6/$22.50 (read $0.60).
    const prices = [
      'prices:',
      '  - { key: anthropic/claude-opus-5, input: 5, output: 25 }',
      '  - { key: anthropic/claude-opus-5-fast, input: 10, output: 50 }',
      '  - { key: anthropic/claude-sonnet-4-5, input: 3, output: 15, cacheRead: 0.3, longContext: { above: 200000, input: 6, output: 22.5, cacheRead: 0.6 } }',
    ];
    await writeFile(join(dir, 'prices.yaml'), prices.join('\n'));
    const r = await runCli(['analyze', join(dir, 's-fast.jsonl'), '--catalog', join(dir, 'prices.yaml'), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // Fast: 1,000 × $10 + 100 × $50 = $0.015; standard: $0.0075. Sonnet: 150,000 × $6 + 60,000 × $0.60 + 1,000 × $22.50 = $0.9585.
    expect(j.byModel.map((m: { model: string; costUsd: number }) => [m.model, m.costUsd])).toEqual([
      ['claude-sonnet-4-5-20250929[1m]', 0.9585],
      ['claude-opus-5-fast', 0.015],
      ['claude-opus-5', 0.0075],
    ]);
  });

  it('a resumed session that repeats a response in another file is counted once', async () => {
    const { mkdtemp, writeFile, copyFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'tokor-cc-'));
    await copyFile(SHOP, join(dir, 's-aaaa.jsonl'));
    await writeFile(join(dir, 's-cccc.jsonl'), readFileSync(SHOP, 'utf8').split('\n').slice(3, 5).join('\n').replaceAll('s-aaaa', 's-cccc') + '\n');
    const r = await runCli(['analyze', dir, '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.records).toMatchObject({ valid: 2, duplicates: 1 });
    expect(j.cost.actual).toBe(0.01797);
  });
});
