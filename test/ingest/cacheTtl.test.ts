/**
 * Cache writes split by TTL, each part at its own rate. Claude Sonnet 4.5 in
 * us-east-1 (regional = global + 10%): $3.30 in, $16.50 out, $4.125 5-minute
 * write, $6.60 1-hour write per 1M tokens. 100 in + 50 out + 2000 5m + 1000 1h:
 *   $0.00033 + $0.000825 + $0.00825 + $0.0066 = $0.016005
 * (all 3000 at the 5-minute rate would be $0.01353).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseJsonLine } from '../../src/ingest/index.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from './helpers.js';

const FILES = ['ttl/converse-cache-details.jsonl', 'ttl/anthropic-cache-creation.jsonl'];

describe('cache writes by TTL', () => {
  it.each(FILES)('%s: the record carries 1000 of its 3000 cache writes as 1-hour writes', (file) => {
    const line = readFileSync(fixture(file), 'utf8').trim();
    const ev = parseJsonLine('bedrock', line, { file, line: 1 })[0]!;
    expect(ev.kind === 'record' && ev.record.tokens).toEqual({ input: 100, output: 50, cacheRead: 0, cacheWrite: 3000, cacheWrite1h: 1000 });
  });

  it.each(FILES)('%s: tokor analyze prices it at $0.016005, 5m and 1h writes apart', async (file) => {
    const r = await runCli(['analyze', fixture(file), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.cost.actual).toBe(0.016005);
    expect(j.records).toMatchObject({ valid: 1, priced: 1 });
    expect(j.byModel).toHaveLength(1);
    expect(j.byModel[0].requests).toBe(1);
    expect(j.byModel[0].costByTokenKind).toEqual({ input: 0.00033, output: 0.000825, cacheRead: 0, cacheWrite5m: 0.00825, cacheWrite1h: 0.0066 });
  });

  it('only 1-hour writes: all at the 1h rate, as before', () => {
    const rec = JSON.parse(readFileSync(fixture(FILES[1]!), 'utf8')) as { output: { outputBodyJson: { usage: { cache_creation: Record<string, number> } } } };
    rec.output.outputBodyJson.usage.cache_creation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 3000 };
    const ev = parseJsonLine('bedrock', JSON.stringify(rec), { file: 'x', line: 1 })[0]!;
    expect(ev.kind === 'record' && [ev.record.tokens.cacheWrite1h, ev.record.cacheWriteTtl]).toEqual([undefined, '1h']);
  });
});
