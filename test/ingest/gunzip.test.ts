import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { gunzipWhole } from '../../src/ingest/gunzip.js';
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

describe('gunzipWhole (a file held whole, inflated in one call per member)', () => {
  const a = 'first member\n'.repeat(50);
  const b = 'second member\n';
  const big = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}\n`).join('');
  const withFields = (text: string) =>
    Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3]), Buffer.from([3, 0, 1, 2, 3]), Buffer.from('name\0comment\0'), Buffer.from([0xaa, 0xbb]), gzipSync(text).subarray(10)]);
  const badCrc = Buffer.from(gzipSync(a));
  badCrc.writeUInt32LE((badCrc.readUInt32LE(badCrc.length - 8) ^ 1) >>> 0, badCrc.length - 8);
  const badLength = Buffer.from(gzipSync(a));
  badLength.writeUInt32LE(badLength.readUInt32LE(badLength.length - 4) + 1, badLength.length - 4);
  const corruptData = Buffer.from(gzipSync(big));
  corruptData.fill(0xff, 40, 60);
  // Files gunzipMembers reads to their end: gunzipWhole gives the same bytes and garbage count.
  const whole: [string, Buffer][] = [
    ['one member', gzipSync(a)],
    ['an empty member', gzipSync('')],
    ['two members and zero padding', Buffer.concat([gzipSync(a), gzipSync(b), Buffer.alloc(9)])],
    // The last member's length (what the output buffer is sized by) says nothing of the first's.
    ['a large member then a small one', Buffer.concat([gzipSync(big), gzipSync(b)])],
    // (Garbage whose last four bytes, read as the last member's length, are within the bound.)
    ['trailing garbage', Buffer.concat([gzipSync(a), gzipSync(b), Buffer.from('JUNK!\0\0\0')])],
    ['garbage that starts like a header', Buffer.concat([gzipSync(a), Buffer.from([0x1f, 0x8b, 0x4a, 0x55, 1, 0, 0, 0])])],
    ['header fields', withFields(b)],
  ];
  // Files it breaks off in: gunzipWhole leaves them to gunzipMembers, which says where.
  const broken: [string, Buffer][] = [
    ['truncated in the deflate data', gzipSync(big).subarray(0, 3000)],
    ['truncated in the trailer', gzipSync(a).subarray(0, gzipSync(a).length - 3)],
    ['truncated in the header', gzipSync(a).subarray(0, 5)],
    ['truncated in a second member', Buffer.concat([gzipSync(a), gzipSync(big).subarray(0, 100)])],
    ['a second header cut short', Buffer.concat([gzipSync(a), withFields(b).subarray(0, 14)])],
    ['a wrong CRC-32', badCrc],
    ['a wrong length', badLength],
    ['corrupt deflate data', corruptData],
    ['not a gzip header', Buffer.from([0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])],
  ];

  it.each(whole)('%s: the bytes and garbage gunzipMembers gives', async (_, gz) => {
    const got = await gunzipWhole(gz, 8 << 20);
    expect(got).toBeDefined();
    const text = Buffer.concat(got!.parts).toString();
    expect({ text, ...(got!.garbage !== undefined ? { garbage: got!.garbage } : {}) }).toEqual(await gunzip(gz, 100_000));
    expect(got!.parts.every((p) => p.length > 0)).toBe(true);
  });

  it.each(broken)('%s: left to gunzipMembers, which breaks off', async (_, gz) => {
    expect((await gunzip(gz)).error).toBeDefined();
    expect(await gunzipWhole(gz, 8 << 20)).toBeUndefined();
  });

  it('leaves a file that inflates to more than the bound to gunzipMembers, whatever its trailer says', async () => {
    expect(await gunzipWhole(gzipSync(big), big.length - 1)).toBeUndefined();
    expect(Buffer.concat((await gunzipWhole(gzipSync(big), big.length))!.parts).toString()).toBe(big);
    // Trailing garbage that reads as a length beyond the bound: not tried.
    expect(await gunzipWhole(Buffer.concat([gzipSync(a), Buffer.from('JUNK!')]), 8 << 20)).toBeUndefined();
    // Two members, the last one small: the bound holds over both.
    expect(await gunzipWhole(Buffer.concat([gzipSync(big), gzipSync(b)]), big.length)).toBeUndefined();
  });
});
