import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineChunker, readLinesFrom, type LineBlock } from '../../src/ingest/index.js';
import { collect } from './helpers.js';

/** Lines (or overlong markers) out of a chunker fed `chunks`. */
function run(chunks: Buffer[], minBlock: number, max: number): (string | { overlong: number; line: number })[] {
  const c = new LineChunker(minBlock, max);
  const blocks: LineBlock[] = [];
  for (const ch of chunks) c.push(ch, blocks);
  c.end(blocks);
  const out: (string | { overlong: number; line: number })[] = [];
  let expectLine = 1;
  for (const b of blocks) {
    if (b.kind === 'overlong') {
      expect(b.line).toBe(expectLine++);
      out.push({ overlong: b.bytes, line: b.line });
      continue;
    }
    expect(b.startLine).toBe(expectLine);
    const text = b.bytes.toString('utf8');
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    expect(lines).toHaveLength(b.lines);
    expectLine += b.lines;
    out.push(...lines);
  }
  return out;
}

/** The same by a plain split, with lines over `max` bytes replaced by markers. */
function reference(text: string, max: number): (string | { overlong: number; line: number })[] {
  if (text === '') return [];
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  return lines.map((l, i) => (Buffer.byteLength(l) > max ? { overlong: Buffer.byteLength(l), line: i + 1 } : l));
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, buf.length]) {
    if (p > prev) out.push(buf.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('LineChunker', () => {
  it('any split of the bytes gives the same lines (a BOM split across chunks too), overlong ones replaced by their number and length', () => {
    const line = fc.oneof(fc.string({ maxLength: 12 }), fc.constant(''), fc.string({ minLength: 20, maxLength: 40 }), fc.constant('é✓\r'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), fc.nat({ max: 40 }), (lines, bom, trailing, cuts, minBlock) => {
        const text = (bom ? '\uFEFF' : '') + lines.map((l) => l.replace(/\n/g, ' ')).join('\n') + (trailing && lines.length ? '\n' : '');
        const buf = Buffer.from(text);
        expect(run(splitAt(buf, cuts), minBlock, 16)).toEqual(reference(text, 16));
      }),
      { seed: 20251206, numRuns: 500 },
    );
  });

  it('a newline-free stream keeps nothing past the limit, however it is chunked', () => {
    const c = new LineChunker(1 << 20, 1000);
    const blocks: LineBlock[] = [];
    for (let i = 0; i < 10_000; i++) {
      c.push(Buffer.alloc(1000, 0x41), blocks);
      expect(c.pendingBytes).toBeLessThanOrEqual(1000);
    }
    c.push(Buffer.from('\n{"ok":1}\n'), blocks);
    c.end(blocks);
    expect(blocks).toEqual([{ kind: 'overlong', line: 1, bytes: 10_000_000 }, expect.objectContaining({ kind: 'lines', startLine: 2, lines: 1 })]);
  });

  it('at a break, the whole lines are kept and the unfinished one dropped', () => {
    const c = new LineChunker(0, 100);
    const blocks: LineBlock[] = [];
    c.push(Buffer.from('a\nb\nunfinish'), blocks);
    c.endAtBreak(blocks);
    expect(blocks.map((b) => (b.kind === 'lines' ? b.bytes.toString() : b))).toEqual(['a\nb\n']);
    expect(c.nextLine).toBe(3);
  });
});

/**
 * The blocks a chunker gives for `chunks` (their text read once every chunk is pushed): with `gather`, blocks
 * are gathered in buffers it allocates, and each chunk is overwritten as soon as it is pushed (a reader that
 * reuses its buffer).
 */
function blocksOf(chunks: Buffer[], minBlock: number, max: number, gather: boolean, atBreak = false, intoRoom = false): (string | LineBlock)[] {
  const given: Buffer[] = [];
  const c = new LineChunker(minBlock, max, gather ? (n) => given[given.push(Buffer.alloc(n)) - 1]! : undefined);
  const blocks: LineBlock[] = [];
  for (const ch of chunks) {
    // Read into the chunker's room (as the file reader does), else into a buffer of the reader's.
    const room = intoRoom ? c.room(ch.length) : undefined;
    const own = room ? room.subarray(0, ch.copy(room)) : Buffer.from(ch);
    c.push(own, blocks);
    if (gather && !room) own.fill(0x23);
  }
  if (atBreak) c.endAtBreak(blocks);
  else c.end(blocks);
  if (gather) for (const b of blocks) if (b.kind === 'lines') expect(given.some((g) => g.buffer === b.bytes.buffer)).toBe(true);
  return blocks.map((b) => (b.kind === 'lines' ? `${b.startLine}+${b.lines}:${b.bytes.toString('latin1')}` : b));
}

describe('LineChunker gathering blocks in buffers of its caller', () => {
  it('gives the room after its pending bytes, so a chunk read there is not copied again', () => {
    const c = new LineChunker(16, 1 << 10, (n) => Buffer.alloc(n));
    const blocks: LineBlock[] = [];
    c.push(Buffer.from('{"a":1}\n{"b"'), blocks);
    const room = c.room(10)!;
    room.write(':2}\n{"c":3', 'latin1');
    c.push(room.subarray(0, 10), blocks);
    expect(blocks.map((b) => (b.kind === 'lines' ? b.bytes.toString('latin1') : b))).toEqual(['{"a":1}\n{"b":2}\n']);
    // The block is the buffer the room was in: nothing was copied into another.
    expect(blocks[0]!.kind === 'lines' && blocks[0]!.bytes.buffer === room.buffer).toBe(true);
    expect(new LineChunker(16).room(8)).toBeUndefined();
  });

  it('cuts the same blocks as without, at the same lines, however the bytes are chunked, and holds no chunk once pushed', () => {
    const line = fc.oneof(fc.string({ maxLength: 12 }), fc.constant(''), fc.string({ minLength: 20, maxLength: 40 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), fc.nat({ max: 60 }), fc.boolean(), (lines, cuts, minBlock, atBreak) => {
        const buf = Buffer.from(lines.map((l) => l.replace(/\n/g, ' ')).join('\n'));
        const chunks = splitAt(buf, cuts);
        expect(blocksOf(chunks, minBlock, 24, true, atBreak)).toEqual(blocksOf(chunks, minBlock, 24, false, atBreak));
        // Read straight into its room: the same blocks (an overlong line's bytes read there are dropped as before).
        expect(blocksOf(chunks, minBlock, 24, true, atBreak, true)).toEqual(blocksOf(chunks, minBlock, 24, false, atBreak));
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });

  it('grows its buffer for a chunk larger than it was made for, and keeps block boundaries', () => {
    const text = Array.from({ length: 4000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 97)}"}`).join('\n');
    const buf = Buffer.from(text);
    // Chunks of 1 byte to 200 KB: larger than the room a block of 8 KB is made for (8 KB + 2 KB + 64 KB).
    const chunks = splitAt(buf, [1, 2, 200_000, 200_013, 201_000, 230_000]);
    const gathered = blocksOf(chunks, 8 << 10, 1 << 20, true);
    expect(gathered).toEqual(blocksOf(chunks, 8 << 10, 1 << 20, false));
    expect(blocksOf(chunks, 8 << 10, 1 << 20, true, false, true)).toEqual(gathered);
    expect(gathered.length).toBeGreaterThan(2);
  });
});

describe('readLinesFrom', () => {
  it('strips a byte-order mark even when it arrives one byte at a time', async () => {
    const bytes = Buffer.from('\uFEFFa,b\nc,d\n');
    expect(await collect(readLinesFrom(Readable.from([...bytes].map((x) => Buffer.from([x])))))).toEqual([
      { line: 'a,b', lineNo: 1 },
      { line: 'c,d', lineNo: 2 },
    ]);
  });

  it('reports an overlong line by number and length, and goes on', async () => {
    const got = await collect(readLinesFrom(Readable.from([Buffer.from('short\n'), Buffer.alloc(50, 0x78), Buffer.from('x\nafter\n')]), { maxLineBytes: 20 }));
    expect(got).toEqual([
      { line: 'short', lineNo: 1 },
      { line: '', lineNo: 2, overlong: 51 },
      { line: 'after', lineNo: 3 },
    ]);
  });
});
