/** The chunk reader cuts lines on bytes and decodes each: the same lines as decoding the chunk whole. */
import { describe, expect, it } from 'vitest';
import { processChunk, type ChunkContext, type DeferredChunk, type SkipEntry } from '../../src/engines/inprocess/chunk.js';
import { newAccumulator } from '../../src/analyze/accumulate.js';
import { heuristicLabeler } from '../../src/classify/heuristic.js';
import { readJsonLine } from '../../src/ingest/index.js';

const record = (id: string, prompt: string) =>
  JSON.stringify({ timestamp: '2025-11-03T10:00:00Z', requestId: id, modelId: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1', input: { inputTokenCount: 10, inputBodyJson: { messages: [{ role: 'user', content: [{ text: prompt }] }] } }, output: { outputTokenCount: 2 } });

/** What a chunk yields: request IDs with their line numbers, skipped lines with their reasons. */
function viaChunk(bytes: Uint8Array): { ids: [string, number][]; skips: SkipEntry[] } {
  const skips: SkipEntry[] = [];
  const ctx: ChunkContext = { acc: newAccumulator([]), labeler: heuristicLabeler, groupBy: [], onSkip: (s) => skips.push(s) };
  const d: DeferredChunk = { keys: [], lines: [], ids: [], items: [] };
  processChunk(bytes, 'f.jsonl', 0, 1, 'bedrock', ctx, d);
  return { ids: d.ids.map((id, i) => [id, d.lines[i]!]), skips };
}

/** The same, decoding the chunk whole and cutting the text (how chunks were read before). */
function viaText(bytes: Uint8Array): { ids: [string, number][]; skips: SkipEntry[] } {
  const ids: [string, number][] = [];
  const skips: SkipEntry[] = [];
  new TextDecoder().decode(bytes).split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length === 0) return;
    readJsonLine('bedrock', line, { file: 'f.jsonl', line: i + 1 }, (ev) => {
      if (ev.kind === 'record') ids.push([ev.record.requestId!, ev.record.source.line]);
      else skips.push({ file: 'f.jsonl', line: ev.skipped.source.line, kind: 'invalid', reason: ev.skipped.reason });
    });
  });
  return { ids, skips };
}

describe('processChunk: lines decoded one by one', () => {
  it('reads a leading BOM, CRLF, blank lines, non-ASCII text and broken UTF-8 as the whole-chunk decoding did', () => {
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [
      new Uint8Array([0xef, 0xbb, 0xbf]),
      enc.encode(`${record('a', 'plain ascii')}\r\n`),
      enc.encode('\n   \r\n'),
      enc.encode(`${record('b', 'Rücksendungen sind kostenlos — 30 Tage')}\n`),
      enc.encode('{"requestId":"c","modelId":"m'),
      new Uint8Array([0xe2, 0x82]),
      enc.encode('"}\n'),
      new Uint8Array([0xef, 0xbb, 0xbf]),
      enc.encode(`${record('d', '日本語のプロンプト')}\n`),
      enc.encode('not json\n'),
      new Uint8Array([0xe2, 0x82]),
      enc.encode(`\n${record('e', 'last line without a newline')}`),
    ];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const got = viaChunk(bytes);
    expect(got).toEqual(viaText(bytes));
    expect(got.ids.map(([id]) => id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(got.skips.map((s) => s.line)).toEqual([7, 8]);
  });

  it('numbers lines from the chunk’s first line', () => {
    const bytes = new TextEncoder().encode(`${record('a', 'x')}\n\n${record('b', 'y')}\n`);
    const skips: SkipEntry[] = [];
    const ctx: ChunkContext = { acc: newAccumulator([]), labeler: heuristicLabeler, groupBy: [], onSkip: (s) => skips.push(s) };
    const d: DeferredChunk = { keys: [], lines: [], ids: [], items: [] };
    processChunk(bytes, 'f.jsonl', 0, 41, 'bedrock', ctx, d);
    expect(d.lines).toEqual([41, 43]);
  });
});
