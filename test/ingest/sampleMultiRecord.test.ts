/**
 * --sample on lines that hold several records (#15, a CloudWatch page of events[]): every record is a
 * sample candidate and counts in the sampled-of figure, whether or not its line's first record is kept.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

function bedrockRecord(i: number): string {
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: `2025-11-10T10:${String(i % 60).padStart(2, '0')}:00Z`,
    accountId: '123456789012',
    region: 'us-east-1',
    requestId: `fx-sample-${i}`,
    operation: 'Converse',
    modelId: 'amazon.nova-lite-v1:0',
    input: { inputContentType: 'application/json', inputBodyJson: { messages: [{ role: 'user', content: [{ text: `Question ${i}?` }] }] }, inputTokenCount: 1000 },
    output: { outputContentType: 'application/json', outputTokenCount: 100 },
  });
}

describe('--sample per record, not per line', () => {
  it('40 CloudWatch pages of 5 events: a sample of 50 is 50 of 200 records', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tokor-sample-'));
    const file = path.join(dir, 'pages.jsonl');
    const lines = Array.from({ length: 40 }, (_, p) =>
      JSON.stringify({ events: Array.from({ length: 5 }, (_, e) => ({ timestamp: 1762768800000 + p * 5 + e, message: bedrockRecord(p * 5 + e), ingestionTime: 1762768801000 })) }),
    );
    await writeFile(file, `${lines.join('\n')}\n`);
    for (const seed of ['1', '2']) {
      const r = await runCli(['analyze', file, '--sample', '50', '--seed', seed, '--format', 'json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.sample).toEqual({ size: 50, of: 200, seed: Number(seed) });
      expect(j.records.valid).toBe(50);
      // Identical records: the sampled cost scaled by of/size is the whole file's (200 × (1000 × $0.06 + 100 × $0.24) / 1M).
      expect((j.cost.actual * 200) / 50).toBeCloseTo(200 * 0.000084, 9);
    }
  });
});
