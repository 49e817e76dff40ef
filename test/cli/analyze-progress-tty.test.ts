/**
 * The analyze spinner in a real pseudo-terminal (`script`): with a file of
 * known size it shows how far it is as a percentage. Without a terminal
 * (every other CLI test) nothing reaches stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-tty-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a command in a pseudo-terminal; returns everything the terminal showed. */
function inPty(command: string): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TERM: 'xterm' };
    delete env.CI;
    // A pty starts with 0 columns, which spinners cannot draw in: give it a size first, as a terminal has.
    const child = spawn('script', ['-qefc', `stty cols 120 rows 40 2>/dev/null; exec ${command}`, '/dev/null'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

describe('analyze progress on a terminal', () => {
  it('shows the percentage of the input read while it reads', async () => {
    const rec = (i: number): string =>
      JSON.stringify({ schemaType: 'ModelInvocationLog', timestamp: '2025-11-03T10:00:00Z', region: 'us-east-1', requestId: `r${i}`, modelId: 'amazon.nova-lite-v1:0', input: { inputTokenCount: 100, inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'z'.repeat(900) }] }] } }, output: { outputTokenCount: 10 } });
    const file = join(dir, 'big.jsonl');
    await writeFile(file, Array.from({ length: 40_000 }, (_, i) => rec(i)).join('\n') + '\n');
    const r = await inPty(`${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} analyze ${JSON.stringify(file)} --workers 0 --tiers cheap=amazon.nova-micro-v1:0,frontier=amazon.nova-pro-v1:0`);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/big\.jsonl: \d{1,2}% · [\d,]+ records · [\d,]+ records\/s · \d+ MB\/s/);
    expect(r.screen).toMatch(/Records\s+read 40,000/);
  });
});
