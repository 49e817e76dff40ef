/**
 * readInput with a block buffer (analyze's worker pool): blocks gathered in the caller's buffers, the file read
 * into two buffers in turn; the same blocks as without, for plain and gzip files.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInput } from '../../src/engines/inprocess/readInput.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-readinput-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Blocks of `file` as (start line, lines, text), their text read once the whole file is read. */
async function blocks(file: string, gather: boolean): Promise<string[]> {
  const given: Buffer[] = [];
  const blockBuffer = (n: number) => given[given.push(Buffer.alloc(n)) - 1]!;
  const got: { startLine: number; lines: number; bytes: Buffer }[] = [];
  for await (const p of readInput({ path: file, display: file }, { format: 'bedrock', ...(gather ? { blockBuffer } : {}) })) {
    if (p.kind === 'block') got.push(p);
  }
  if (gather) for (const b of got) expect(given.some((g) => g.buffer === b.bytes.buffer)).toBe(true);
  return got.map((b) => `${b.startLine}+${b.lines}:${b.bytes.toString('latin1')}`);
}

describe('readInput gathering blocks in the caller’s buffers', () => {
  // About 3 MB of lines of varied length: many 256 KiB reads, three blocks and a part.
  const text = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ requestId: `r${i}`, pad: 'é'.repeat(i % 211) })).join('\n');

  it('gives the same blocks as without, read from a plain file', async () => {
    const file = join(dir, 'plain.jsonl');
    await writeFile(file, text);
    const gathered = await blocks(file, true);
    expect(gathered).toEqual(await blocks(file, false));
    expect(gathered.length).toBeGreaterThan(2);
    expect(gathered.map((b) => b.slice(b.indexOf(':') + 1)).join('')).toBe(Buffer.from(text).toString('latin1'));
  });

  it('and from a gzip file', async () => {
    const file = join(dir, 'packed.jsonl.gz');
    await writeFile(file, gzipSync(text));
    const gathered = await blocks(file, true);
    expect(gathered).toEqual(await blocks(join(dir, 'plain.jsonl'), false));
  });
});
