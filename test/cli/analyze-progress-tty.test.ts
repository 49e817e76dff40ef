/**
 * The analyze spinner in a real pseudo-terminal (`script`): with a file of
 * known size it shows how far it is as a percentage. Without a terminal
 * (every other CLI test) nothing reaches stderr.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { runInPty } from '../helpers/pty.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-tty-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


describe('analyze progress on a terminal', () => {
  it('shows the percentage of the input read while it reads', async () => {
    const rec = (i: number): string =>
      JSON.stringify({ schemaType: 'ModelInvocationLog', timestamp: '2025-11-03T10:00:00Z', region: 'us-east-1', requestId: `r${i}`, modelId: 'amazon.nova-lite-v1:0', input: { inputTokenCount: 100, inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'z'.repeat(900) }] }] } }, output: { outputTokenCount: 10 } });
    const file = join(dir, 'big.jsonl');
    await writeFile(file, Array.from({ length: 40_000 }, (_, i) => rec(i)).join('\n') + '\n');
    const run = runInPty(['analyze', file, '--workers', '0', '--tiers', 'cheap=amazon.nova-micro-v1:0,frontier=amazon.nova-pro-v1:0'], { cwd: ROOT });
    const r = { code: await run.exit, screen: run.screen() };
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/big\.jsonl: \d{1,2}% · [\d,]+ records · [\d,]+ records\/s · \d+ MB\/s/);
    expect(r.screen).toMatch(/Records\s+read 40,000/);
  });
});
