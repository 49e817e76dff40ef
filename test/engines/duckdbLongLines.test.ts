/**
 * --engine duckdb on logs holding lines longer than its line reader's first buffer, with small buffers
 * (ScanRequest.lineBytes: 256 KiB first, 1 MiB when a line is longer) so that the logs stay small: a long line
 * within a file fails DuckDB's reader and the logs are read again with the larger buffer; a long last line
 * DuckDB leaves out without an error (duckdb/duckdb#25825), which the check of each file's size finds; past the
 * larger buffer both are refused, by name. The engine's own sizes are tested through the CLI in duckdb.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze, type AnalyzeOptions } from '../../src/app/analyze.js';
import { loadCatalog } from '../../src/config/catalog.js';
import { DEFAULT_TIERS } from '../../src/config/schema.js';
import { engineFigures } from '../helpers/engineFigures.js';

const KiB = 1024;
const SIZES = { first: 256 * KiB, long: 1024 * KiB };
const dir = mkdtempSync(path.join(os.tmpdir(), 'tokor-duck-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = readFileSync('fixtures/ingest/bedrock-bodies.jsonl', 'utf8');
/** The fixture's records under request IDs of their own. */
const short = (prefix: string) => fixture.replace(/"requestId":"fx-/g, `"requestId":"${prefix}-`);
/** A Converse record whose prompt is `kib` KiB of text. */
const long = (requestId: string, kib: number) =>
  JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: '2025-11-05T10:00:00Z',
    region: 'us-east-1',
    requestId,
    operation: 'Converse',
    modelId: 'amazon.nova-lite-v1:0',
    input: { inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'word '.repeat((kib * KiB) / 5) }] }] }, inputTokenCount: 300_000 },
    output: { outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: 'done' }] } } }, outputTokenCount: 2 },
    requestMetadata: { team: 'long' },
  });
const write = (name: string, text: string | Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

let catalog: AnalyzeOptions['catalog'] | undefined;
async function analyze(paths: string[], engine: 'inprocess' | 'duckdb') {
  catalog ??= await loadCatalog();
  const report = await runAnalyze({ paths, catalog, tiers: DEFAULT_TIERS, groupBy: ['team'], workers: 0, engine, lineBytes: SIZES });
  return JSON.parse(JSON.stringify(report));
}

describe('--engine duckdb, a line longer than its first buffer', () => {
  it('within a file: read again with the larger buffer, the in-process figures', async () => {
    const files = [write('within.jsonl', `${short('a')}${long('within', 300)}\n${short('b')}`)];
    const [inproc, duck] = await Promise.all([analyze(files, 'inprocess'), analyze(files, 'duckdb')]);
    expect(inproc.byGroup.find((g: { group: string }) => g.group === 'long')).toMatchObject({ requests: 1 });
    expect(engineFigures(duck)).toEqual(engineFigures(inproc));
  });

  it('last in a file, which DuckDB left out: found by the file’s size, read again, the in-process figures (gzip by its trailer, several members by inflating)', async () => {
    const files = [
      write('last.jsonl', `${short('c')}${long('last', 600)}\n`),
      write('last-unended.jsonl', `${short('d')}${long('last-unended', 600)}`),
      write('last.jsonl.gz', gzipSync(`${short('e')}${long('last-gz', 600)}\n`)),
      write('members.jsonl.gz', Buffer.concat([gzipSync(short('f')), gzipSync(short('g'))])),
    ];
    const [inproc, duck] = await Promise.all([analyze(files, 'inprocess'), analyze(files, 'duckdb')]);
    expect(inproc.byGroup.find((g: { group: string }) => g.group === 'long')).toMatchObject({ requests: 3 });
    expect(engineFigures(duck)).toEqual(engineFigures(inproc));
  });

  it('longer than the larger buffer: refused in one line naming the file, within a file or last', async () => {
    const within = write('huge.jsonl', `${short('h')}${long('huge', 1100)}\n${short('i')}`);
    await expect(analyze([within], 'duckdb')).rejects.toThrow(`${within}: holds a line longer than DuckDB's line reader takes (1 MiB): use --engine inprocess, which skips it as too long`);
    const line = long('huger', 2500);
    const last = write('huger.jsonl', `${short('j')}${line}\n`);
    await expect(analyze([last], 'duckdb')).rejects.toThrow(`${last}: its last line (${(Buffer.byteLength(line) + 1).toLocaleString('en-US')} bytes) is longer than DuckDB's line reader takes, and it left the line out: use --engine inprocess, which skips it as too long`);
  });
});
