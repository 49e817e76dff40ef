/**
 * The format sample fed as a file is read (whole lines at a time, stopping once it is full) says what
 * guessFormat says of the file's first MiB read at once: on every fixture, split at many points.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMAT_SAMPLE_RECORDS, FormatSample, guessFormat } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { collect, recordsOf, repoPath, skipsOf } from './helpers.js';

const SAMPLE_BYTES = 1 << 20;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.(jsonl?|csv|log|txt)(\.gz)?$/i.test(name) ? [p] : [];
  });
}

/** The first MiB of a file as the reader decodes it for the sample. */
function head(file: string): Buffer {
  let b = readFileSync(file);
  if (b[0] === 0x1f && b[1] === 0x8b) {
    try {
      b = gunzipSync(b);
    } catch {
      return Buffer.alloc(0); // a broken gzip fixture: nothing to sample
    }
  }
  return b.subarray(0, SAMPLE_BYTES);
}

/**
 * Feeds `bytes` in pieces that each end after every `every`-th newline, then the rest as the last piece: as text
 * (`add`), or as bytes (`addBytes`, what the reader does).
 */
function fedInPieces(bytes: Buffer, name: string, every: number, as: 'text' | 'bytes' = 'text'): { guess: ReturnType<typeof guessFormat>; linesFed: number } {
  const sample = new FormatSample(name);
  const feed = (from: number, to: number, last?: boolean): void => (as === 'text' ? sample.add(bytes.toString('utf8', from, to), last) : sample.addBytes(bytes.subarray(from, to), last));
  let from = 0;
  let newlines = 0;
  for (let i = bytes.indexOf(10); i >= 0 && !sample.full; i = bytes.indexOf(10, i + 1)) {
    if (++newlines % every !== 0) continue;
    feed(from, i + 1);
    from = i + 1;
  }
  if (!sample.full) feed(from, bytes.length, true);
  return { guess: sample.guess(() => bytes.toString('utf8')), linesFed: bytes.toString('utf8', 0, from).split('\n').length - 1 };
}

const files = [...filesUnder(repoPath('fixtures')), ...filesUnder(repoPath('examples'))];

const openaiLine = (i: number) => JSON.stringify({ id: `c${i}`, object: 'chat.completion', model: 'gpt-4o', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } });
/** Texts at the sample's limits: records only after hundreds of lines that vote for nothing, up to the line limit. */
const edges: [string, Buffer][] = [599, 949, 951, 999, 1000].map((n) => [
  `${n} empty arrays, then records`,
  Buffer.from(`${'[]\n'.repeat(n)}${Array.from({ length: 60 }, (_, i) => openaiLine(i)).join('\n')}\n`),
]);

describe('FormatSample', () => {
  it('finds enough fixtures to mean something', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  const ways = [1, 2, 3, 7, 50, 1000].flatMap((every) => (['text', 'bytes'] as const).map((as) => [every, as] as const));

  it.each(ways)('says what guessFormat says of every fixture, fed %i lines at a time as %s', (every, as) => {
    for (const file of files) {
      const bytes = head(file);
      expect({ file, guess: fedInPieces(bytes, file, every, as).guess }).toEqual({ file, guess: guessFormat(bytes.toString('utf8'), file) });
    }
  });

  it.each(ways)('counts the lines it looks at as guessFormat does, fed %i lines at a time as %s', (every, as) => {
    const said = edges.map(([what, bytes]) => ({ what, guess: fedInPieces(bytes, 'x.jsonl', every, as).guess }));
    expect(said).toEqual(edges.map(([what, bytes]) => ({ what, guess: guessFormat(bytes.toString('utf8'), 'x.jsonl') })));
    // The edges straddle the limit: records seen after 599 lines, none after 1,000.
    expect(said.map((s) => s.guess.votes.openai)).toEqual([50, 50, 49, 1, 0]);
  });

  it('reads bytes line by line as the text they decode to whole: non-ASCII, bad UTF-8, a BOM, CR LF, a character cut at the end', () => {
    const record = (i: number, text: string) => JSON.stringify({ schemaType: 'ModelInvocationLog', modelId: 'amazon.nova-lite-v1:0', requestId: `r${i}`, input: { text }, output: {} });
    const bad = Buffer.from([0xe2, 0x82]); // the first two bytes of a three-byte character
    const withBytes = (i: number, b: Buffer) => {
      const [before, after] = record(i, '@@').split('@@') as [string, string];
      return Buffer.concat([Buffer.from(before), b, Buffer.from(after)]);
    };
    const lines = [
      Buffer.from(`\ufeff${record(0, 'ascii')}\r\n`),
      Buffer.from(`${record(1, 'é ü 漢字 🙂')}\n`),
      // Invalid UTF-8 inside a string and at a line's end: replacement characters either way (the first still parses).
      Buffer.concat([withBytes(2, bad), Buffer.from('\n')]),
      Buffer.concat([Buffer.from('{"modelId": "a'), bad, Buffer.from('\n')]),
      Buffer.from(`${JSON.stringify({ model: 'gpt-4o', choices: [], usage: { prompt_tokens: 1 } })}\n`),
      Buffer.from(`  ${record(3, 'ascii')}  \n`),
      Buffer.from(`${record(4, '🙂')}\n`),
    ];
    const text = Buffer.concat(lines);
    const cut = Buffer.concat([text, Buffer.from(record(5, 'tail 🙂')).subarray(0, -4)]); // ends inside the 🙂
    const guessOf = (bytes: Buffer) => guessFormat(bytes.toString('utf8'), 'x.jsonl');
    for (const bytes of [text, cut]) {
      for (const every of [1, 2, 5]) expect(fedInPieces(bytes, 'x.jsonl', every, 'bytes').guess).toEqual(guessOf(bytes));
    }
    // The sample reads those lines as records, bad or not: bedrock and openai, mixed.
    expect(guessOf(text)).toMatchObject({ mixed: true, votes: { bedrock: 5, openai: 1 } });
  });

  it('is full after the sampled records, well before the end of a long log', () => {
    const line = (i: number) => JSON.stringify({ schemaType: 'ModelInvocationLog', modelId: 'amazon.nova-lite-v1:0', requestId: `r${i}`, input: {}, output: {} });
    const text = Buffer.from(`${Array.from({ length: 400 }, (_, i) => line(i)).join('\n')}\n`);
    const { guess, linesFed } = fedInPieces(text, 'x.jsonl', 1);
    expect(guess).toEqual({ format: 'bedrock', votes: { bedrock: FORMAT_SAMPLE_RECORDS, openai: 0 }, mixed: false });
    expect(linesFed).toBe(FORMAT_SAMPLE_RECORDS);
  });
});

describe('the reader samples a document whole', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokor-sample-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads on past a full sample of lines when they make a document whose format only its whole value shows', async () => {
    // A pretty-printed array of Vertex records: its first thousand lines (the sample's limit) lie in the reader's
    // first 256 KiB read, which a telltale key ("model") would call OpenAI; the whole value is Vertex.
    const lines = readFileSync(repoPath('fixtures/ingest/vertex/request-response.jsonl'), 'utf8').trim().split('\n');
    const records = Array.from({ length: 500 }, (_, i) => ({ ...JSON.parse(lines[i % lines.length]!), request_id: `doc-${i}` }));
    const doc = JSON.stringify(records, null, 2);
    expect(doc.length).toBeGreaterThan(300_000);
    expect(doc.length).toBeLessThan(SAMPLE_BYTES);
    expect(guessFormat(doc.slice(0, 256 << 10), 'export.json').format).toBe('openai');
    const file = join(dir, 'export.json');
    await writeFile(file, doc);
    const events = await collect(readTraffic([file]));
    expect(skipsOf(events)).toEqual([]);
    const read = recordsOf(events);
    expect(read).toHaveLength(records.length);
    // Read as Vertex records: the endpoint kept as a tag, tokens found, nothing missing.
    expect(read.filter((r) => r.tags.endpoint === undefined || r.tokens.input === 0 || r.problems !== undefined)).toEqual([]);
  });
});
