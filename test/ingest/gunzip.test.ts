import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type GzipError, gunzipMembers } from '../../src/ingest/index.js';
import { decompressStream } from '../../src/engines/inprocess/index.js';

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function gunzip(buf: Buffer, size = 7): Promise<{ text: string; garbage?: number; error?: GzipError }> {
  const parts: Buffer[] = [];
  let garbage: number | undefined;
  try {
    for await (const b of gunzipMembers(chunks(buf, size), { onTrailingGarbage: (n) => (garbage = n) })) parts.push(b);
  } catch (e) {
    return { text: Buffer.concat(parts).toString(), ...(garbage !== undefined ? { garbage } : {}), error: e as GzipError };
  }
  return { text: Buffer.concat(parts).toString(), ...(garbage !== undefined ? { garbage } : {}) };
}

describe('gunzipMembers', () => {
  const a = 'first member\n'.repeat(50);
  const b = 'second member\n';
  it('reads every member, whatever the chunking, and skips zero padding', async () => {
    const two = Buffer.concat([gzipSync(a), gzipSync(b), Buffer.alloc(9)]);
    for (const size of [1, 3, 64, 100_000]) expect(await gunzip(two, size)).toEqual({ text: a + b });
  });

  it('keeps everything before trailing garbage and says how many bytes it ignored', async () => {
    expect(await gunzip(Buffer.concat([gzipSync(a), Buffer.from('JUNK!')]))).toEqual({ text: a, garbage: 5 });
    // Garbage that starts like a gzip header but is not one.
    expect(await gunzip(Buffer.concat([gzipSync(a), Buffer.from([0x1f, 0x8b, 0x4a, 0x55])]))).toEqual({ text: a, garbage: 4 });
  });

  it('a member cut short: what was inflated comes out, then a truncated error', async () => {
    const big = 'a line of text that repeats\n'.repeat(5000);
    const gz = gzipSync(big);
    const r = await gunzip(gz.subarray(0, gz.length - 20), 512);
    expect(r.error?.failure).toEqual({ kind: 'truncated' });
    expect(big.startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeGreaterThan(big.length / 2);
    expect((await gunzip(gz.subarray(0, 5))).error?.failure).toEqual({ kind: 'truncated' });
  });

  it('a wrong CRC-32 or length is corrupt', async () => {
    const gz = Buffer.from(gzipSync(a));
    gz.writeUInt32LE(gz.readUInt32LE(gz.length - 4) + 1, gz.length - 4);
    expect((await gunzip(gz)).error?.failure).toMatchObject({ kind: 'corrupt' });
  });

  it('honours FEXTRA, FNAME, FCOMMENT and FHCRC header fields', async () => {
    const plain = gzipSync(b);
    const deflate = plain.subarray(10);
    const header = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3]);
    const extra = Buffer.from([3, 0, 1, 2, 3]);
    const withFields = Buffer.concat([header, extra, Buffer.from('name\0comment\0'), Buffer.from([0xaa, 0xbb]), deflate]);
    expect(await gunzip(withFields, 2)).toEqual({ text: b });
  });

  it('stdin-like streams go through the same path', async () => {
    const s = decompressStream(Readable.from([Buffer.concat([gzipSync(a), Buffer.from('x')])]), '<stdin>', { onTrailingGarbage: (n) => expect(n).toBe(1) });
    const parts: Buffer[] = [];
    for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
    expect(Buffer.concat(parts).toString()).toBe(a);
  });
});
