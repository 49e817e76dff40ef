import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { InputReadError, isLogFileName, readLinesFrom } from '../../src/ingest/index.js';
import { decompressStream, listInputs, openInput, readLines } from '../../src/engines/inprocess/index.js';
import { collect, fixture } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-ingest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('utf8');
}

describe('listInputs', () => {
  it('walks an S3-style tree recursively in sorted order, keeping only log files', async () => {
    const root = join(dir, 'AWSLogs');
    const hour = (h: string) => join(root, '123456789012', 'BedrockModelInvocationLogs', 'us-east-1', '2025', '11', '03', h);
    await mkdir(hour('10'), { recursive: true });
    await mkdir(hour('09'), { recursive: true });
    await mkdir(join(root, '.hidden'), { recursive: true });
    await writeFile(join(hour('10'), 'b.json.gz'), gzipSync('{}\n'));
    await writeFile(join(hour('10'), 'a.json.gz'), gzipSync('{}\n'));
    await writeFile(join(hour('09'), 'z.jsonl'), '{}\n');
    await writeFile(join(hour('09'), 'notes.txt'), 'not a log');
    await writeFile(join(root, '123456789012', 'BedrockModelInvocationLogs', 'amazon-bedrock-logs-permission-check'), '');
    await writeFile(join(root, '.hidden', 'x.jsonl'), '{}\n');
    await writeFile(join(root, 'export.CSV.GZ'), gzipSync('a,b\n'));
    const found = await listInputs([root]);
    expect(found.map((f) => f.path)).toEqual([
      join(hour('09'), 'z.jsonl'),
      join(hour('10'), 'a.json.gz'),
      join(hour('10'), 'b.json.gz'),
      join(root, 'export.CSV.GZ'),
    ]);
    expect(found.every((f) => f.display === f.path)).toBe(true);
  });

  it('keeps files as given (any extension), and - as stdin', async () => {
    const f = join(dir, 'traffic.txt');
    await writeFile(f, '{}\n');
    expect(await listInputs([f, '-'])).toEqual([
      { path: f, display: f, size: 3 },
      { path: '-', display: '<stdin>' },
    ]);
  });

  it('a missing path is an InputError naming it', async () => {
    const missing = join(dir, 'nope.jsonl');
    await expect(listInputs([missing])).rejects.toThrow(InputError);
    await expect(listInputs([missing])).rejects.toThrow(`${missing}: no such file or directory`);
  });

  it('a directory with no logs is an InputError naming it', async () => {
    const empty = join(dir, 'empty-dir');
    await mkdir(join(empty, 'sub'), { recursive: true });
    await writeFile(join(empty, 'sub', 'README.md'), '# nothing');
    await expect(listInputs([empty])).rejects.toThrow(`${empty}: directory has no log files`);
  });

  it('survives a symlink loop', async () => {
    const loop = join(dir, 'loop');
    await mkdir(loop, { recursive: true });
    await writeFile(join(loop, 'x.log'), '{}\n');
    await symlink(loop, join(loop, 'again'));
    const found = await listInputs([loop]);
    expect(found.map((f) => f.path)).toEqual([join(loop, 'x.log')]);
  });

  it('recognises log file names', () => {
    expect(['a.json', 'a.JSONL', 'a.log.gz', 'a.csv.gz'].map(isLogFileName)).toEqual([true, true, true, true]);
    expect(['a.txt', 'a.gz', 'json', 'a.md'].map(isLogFileName)).toEqual([false, false, false, false]);
  });
});

describe('openInput and readLines', () => {
  it('detects gzip by magic bytes, not by name; a file named .gz that is not gzip is not read', async () => {
    const plain = await text(openInput({ path: fixture('bedrock-bodies.jsonl'), display: 'plain' }));
    const gz = await text(openInput({ path: fixture('bodies-gzip-no-extension.jsonl'), display: 'gz' }));
    expect(gz).toBe(plain);
    const notGz = join(dir, 'plain.json.gz');
    await writeFile(notGz, '{"a":1}\n');
    const err = await text(openInput({ path: notGz, display: notGz })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputReadError);
    expect((err as InputReadError).kind).toBe('not-gzip');
    expect((err as Error).message).toBe(`${notGz}: not gzip (it does not start with the gzip signature 1f 8b): the file was not read; decompress it or fix its name`);
  });

  it('a truncated gzip is an InputError naming the file', async () => {
    const f = fixture('truncated.jsonl.gz');
    const read = collect(readLines({ path: f, display: 'logs/truncated.jsonl.gz' }));
    await expect(read).rejects.toThrow(InputError);
    await expect(collect(readLines({ path: f, display: 'logs/truncated.jsonl.gz' }))).rejects.toThrow(
      /^logs\/truncated\.jsonl\.gz: truncated gzip \(unexpected end of file\)$/,
    );
  });

  it('a corrupt gzip body is an InputError too', async () => {
    const f = join(dir, 'corrupt.gz');
    const bad = Buffer.from(gzipSync('{"a":1}\n'.repeat(100)));
    bad.writeUInt32LE((bad.readUInt32LE(bad.length - 8) ^ 0xffffffff) >>> 0, bad.length - 8); // wrong CRC32
    await writeFile(f, bad);
    await expect(collect(readLines({ path: f, display: f }))).rejects.toThrow(`${f}: corrupt gzip (CRC-32 mismatch)`);
  });

  it('a file that disappears is an InputError naming it', async () => {
    const f = join(dir, 'gone.jsonl');
    await expect(collect(readLines({ path: f, display: f }))).rejects.toThrow(`${f}: no such file or directory`);
  });

  it('numbers lines from 1, handles \\r\\n, strips a BOM, keeps blank lines and a last line without newline', async () => {
    const f = join(dir, 'crlf.jsonl');
    await writeFile(f, '\uFEFF{"a":1}\r\n\r\n{"b":2}\n{"c":3}');
    expect(await collect(readLines({ path: f, display: f }))).toEqual([
      { line: '{"a":1}', lineNo: 1 },
      { line: '', lineNo: 2 },
      { line: '{"b":2}', lineNo: 3 },
      { line: '{"c":3}', lineNo: 4 },
    ]);
  });

  it('splits lines across chunk boundaries, including \\r\\n and multi-byte characters split between chunks', async () => {
    const content = 'first é line\r\nsecond\nthird ✓\r\n';
    const bytes = Buffer.from(content, 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b])); // one byte per chunk
    const got = await collect(readLinesFrom(Readable.from(chunks)));
    expect(got).toEqual([
      { line: 'first é line', lineNo: 1 },
      { line: 'second', lineNo: 2 },
      { line: 'third ✓', lineNo: 3 },
    ]);
  });

  it('stdin-like streams: gzip and plain through decompressStream', async () => {
    const body = '{"x":1}\n{"x":2}\n';
    const gz = gzipSync(body);
    const viaGzip = decompressStream(Readable.from([gz.subarray(0, 1), gz.subarray(1, 7), gz.subarray(7)]), '<stdin>');
    expect(await collect(readLinesFrom(viaGzip))).toEqual([
      { line: '{"x":1}', lineNo: 1 },
      { line: '{"x":2}', lineNo: 2 },
    ]);
    const plain = decompressStream(Readable.from([Buffer.from(body)]), '<stdin>');
    expect(await text(plain)).toBe(body);
    const empty = decompressStream(Readable.from([]), '<stdin>');
    expect(await text(empty)).toBe('');
  });
});
