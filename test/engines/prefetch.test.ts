/**
 * A file read ahead (analyze reads the small files of a tree ahead of the one it parses) gives the same pieces
 * as the file read in place: every ingest fixture, plain and gzip, broken gzip included; and a read ahead that
 * failed says what reading the file would.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/engines/inprocess/readInput.js';
import { prefetchInputs } from '../../src/engines/inprocess/inputs.js';
import type { InputSource } from '../../src/ingest/index.js';
import { repoPath } from '../ingest/helpers.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (!e.name.endsWith('.md')) out.push(p);
  }
  return out.sort();
}

/** Every piece of one input as text (blocks' bytes as latin1), and the error it ends with, if any. */
async function pieces(src: InputSource): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const p of readInput(src, {})) out.push(JSON.stringify(p, (_, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v)));
  } catch (e) {
    out.push(`error: ${(e as Error).message}`);
  }
  return out;
}

describe('files read ahead', () => {
  it('give the pieces of the files read in place, for every ingest fixture', async () => {
    const files = await filesUnder(repoPath('fixtures/ingest'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => f.endsWith('.gz'))).toBe(true);
    for (const file of files) {
      const inPlace = await pieces({ path: file, display: file, size: (await stat(file)).size });
      const ahead: InputSource = { path: file, display: file, size: (await stat(file)).size, prefetched: readFile(file) };
      expect({ file, pieces: await pieces(ahead) }).toEqual({ file, pieces: inPlace });
    }
  });

  it('are the small ones after the one being read, at most the count asked for', () => {
    const inputs: InputSource[] = ['a', 'b', 'c', 'd', 'e'].map((n, i) => ({ path: repoPath(`fixtures/ingest/${n}`), display: n, size: i === 2 ? 5 << 20 : 100 }));
    prefetchInputs(inputs, 1, 3, 1 << 20);
    expect(inputs.map((i) => i.prefetched !== undefined)).toEqual([false, true, false, true, false]);
  });

  it('say what reading the file would when the read failed', async () => {
    const missing = repoPath('fixtures/ingest/no-such-file.jsonl');
    const inputs: InputSource[] = [{ path: missing, display: missing, size: 10 }];
    prefetchInputs(inputs, 0, 1, 1 << 20);
    expect(inputs[0]!.prefetched).toBeDefined();
    const ahead = await pieces(inputs[0]!);
    expect(ahead).toEqual(await pieces({ path: missing, display: missing, size: 10 }));
    expect(ahead.at(-1)).toMatch(/no such file or directory/);
  });
});
