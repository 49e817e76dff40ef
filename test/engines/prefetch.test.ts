/**
 * A file read ahead (analyze reads the small files of a tree ahead of the one it parses, and inflates the gzip
 * ones ahead too) gives the same pieces as the file read in place: every ingest fixture, plain and gzip, broken
 * gzip included; and a read ahead that failed says what reading the file would.
 */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_BYTES, readInput } from '../../src/engines/inprocess/readInput.js';
import { prefetchInputs } from '../../src/engines/inprocess/inputs.js';
import { pendingRoom, type InputSource } from '../../src/ingest/index.js';
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

  it.each([0, 8 << 20])('say what reading the file would when the read failed (inflating ahead up to %i bytes)', async (inflateMax) => {
    const missing = repoPath('fixtures/ingest/no-such-file.jsonl.gz');
    const inputs: InputSource[] = [{ path: missing, display: missing, size: 10 }];
    prefetchInputs(inputs, 0, 1, 1 << 20, inflateMax);
    expect(inputs[0]!.prefetched).toBeDefined();
    expect(inputs[0]!.inflated !== undefined).toBe(inflateMax > 0);
    expect(await inputs[0]!.inflated).toBeUndefined();
    const ahead = await pieces(inputs[0]!);
    expect(ahead).toEqual(await pieces({ path: missing, display: missing, size: 10 }));
    expect(ahead.at(-1)).toMatch(/no such file or directory/);
  });
});

describe('gzip files inflated ahead', () => {
  let dir: string;
  const record = (i: number) =>
    JSON.stringify({ schemaType: 'ModelInvocationLog', timestamp: '2025-11-03T00:00:00Z', modelId: 'amazon.nova-lite-v1:0', requestId: `r${i}`, input: { inputTokenCount: i + 1 }, output: { outputTokenCount: 2 } });
  const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `${record(from + i)}\n`).join('');
  const whole = gzipSync(lines(0, 400));
  const badCrc = Buffer.from(gzipSync(lines(0, 40)));
  badCrc.writeUInt32LE((badCrc.readUInt32LE(badCrc.length - 8) ^ 1) >>> 0, badCrc.length - 8);
  /** Files, and whether they read to their end (inflated ahead) or break off (read through the decompressor as ever). */
  const files: [string, Buffer, 'ahead' | 'in place'][] = [
    ['one-member.json.gz', whole, 'ahead'],
    ['no-gz-name.json', whole, 'ahead'],
    ['members-and-garbage.json.gz', Buffer.concat([gzipSync(lines(0, 30)), Buffer.alloc(5), gzipSync(lines(30, 30)), Buffer.from('JUNK\0\0\0\0')]), 'ahead'],
    ['empty-member.json.gz', gzipSync(''), 'ahead'],
    ['garbage-read-as-a-long-length.json.gz', Buffer.concat([gzipSync(lines(0, 30)), Buffer.from('JUNK!')]), 'in place'],
    ['truncated.json.gz', whole.subarray(0, Math.floor(whole.length / 2)), 'in place'],
    ['truncated-second-member.json.gz', Buffer.concat([gzipSync(lines(0, 30)), gzipSync(lines(30, 300)).subarray(0, 200)]), 'in place'],
    ['bad-crc.json.gz', badCrc, 'in place'],
    ['not-gzip.json.gz', Buffer.from(lines(0, 3)), 'in place'],
    ['plain.jsonl', Buffer.from(lines(0, 3)), 'in place'],
    ['empty.json.gz', Buffer.alloc(0), 'in place'],
    // Inflates to more than the bound below.
    ['large.json.gz', gzipSync(lines(0, 4000)), 'in place'],
  ];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokor-inflate-ahead-'));
    for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('give the pieces and breaks of the files read in place, and are inflated ahead when they read to their end', async () => {
    const bound = 200_000;
    expect(gzipSync(lines(0, 4000)).readUInt32LE(gzipSync(lines(0, 4000)).length - 4)).toBeGreaterThan(bound);
    const fixtures = (await filesUnder(repoPath('fixtures/ingest'))).map((f): [string, 'fixture'] => [f, 'fixture']);
    const made = files.map(([name, , how]): [string, 'ahead' | 'in place'] => [join(dir, name), how]);
    for (const [file, how] of [...made, ...fixtures]) {
      const size = (await stat(file)).size;
      const inPlace = await pieces({ path: file, display: file, size });
      const inputs: InputSource[] = [{ path: file, display: file, size }];
      prefetchInputs(inputs, 0, 1, 1 << 20, bound);
      const inflated = await inputs[0]!.inflated;
      if (how !== 'fixture') expect({ file, ahead: inflated !== undefined }).toEqual({ file, ahead: how === 'ahead' });
      expect({ file, pieces: await pieces(inputs[0]!) }).toEqual({ file, pieces: inPlace });
    }
    // The breaks are there to compare: a truncated file's, a corrupt one's, trailing garbage.
    const said = (await pieces({ path: join(dir, 'truncated.json.gz'), display: 't' })).join();
    expect(said).toMatch(/"kind":"break".*"truncated"/);
    expect((await pieces({ path: join(dir, 'members-and-garbage.json.gz'), display: 'g' })).at(-1)).toBe('{"kind":"garbage","bytes":8}');
  });
  it('come in pieces no larger than a file read in place gives: blocks of about a megabyte, not the whole file', async () => {
    const file = join(dir, 'several-blocks.json.gz');
    const text = lines(0, 30_000);
    expect(text.length).toBeGreaterThan(3 * BLOCK_BYTES);
    await writeFile(file, gzipSync(text));
    const blocksOf = async (src: InputSource) => {
      const sizes: number[] = [];
      const bytes: Buffer[] = [];
      for await (const p of readInput(src, { blockBuffer: (n) => Buffer.alloc(n) })) {
        if (p.kind !== 'block') continue;
        sizes.push(p.bytes.length);
        bytes.push(Buffer.from(p.bytes));
      }
      return { sizes, text: Buffer.concat(bytes).toString() };
    };
    const size = (await stat(file)).size;
    const inPlace = await blocksOf({ path: file, display: file, size });
    const inputs: InputSource[] = [{ path: file, display: file, size }];
    prefetchInputs(inputs, 0, 1, 1 << 20, 8 << 20);
    expect(await inputs[0]!.inflated).toBeDefined();
    const ahead = await blocksOf(inputs[0]!);
    expect(ahead.text).toBe(text);
    expect(inPlace.text).toBe(text);
    expect(ahead.sizes.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...ahead.sizes)).toBeLessThanOrEqual(pendingRoom(BLOCK_BYTES));
    expect(Math.max(...inPlace.sizes)).toBeLessThanOrEqual(pendingRoom(BLOCK_BYTES));
  });
});
