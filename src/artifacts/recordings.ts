/**
 * Recorded responses (`<dataset dir>/recordings/<tier>.jsonl`, and what
 * `tokor eval --record DIR` writes): one line per item, replayed by the replay
 * provider so `tokor eval` runs offline. Lines carry no schemaVersion in
 * version 1; a line that states a newer one is refused.
 */
import { z } from 'zod';
import { InputError, at } from '../errors.js';
import { checkArtifact, fsReason, jsonLines, jsonSyntaxError, type ArtifactSpec } from './read.js';
import { MAX_LATENCY_MS, unitInterval } from './results.js';
import { readFile } from 'node:fs/promises';

const RECORDINGS_SCHEMA_VERSION = 1;

const tokens = z.number({ error: 'expected a token count' }).int('expected a whole number of tokens, at most 2^53 − 1').min(0, 'must be ≥ 0').default(0);

const RecordingLineSchema = z.looseObject({
  schemaVersion: z.literal(RECORDINGS_SCHEMA_VERSION, { error: `expected ${RECORDINGS_SCHEMA_VERSION}` }).optional(),
  itemId: z.string({ error: 'expected the item id (a string)' }).min(1, 'expected the item id, got an empty string'),
  tier: z.string({ error: 'expected the tier name (a string)' }).default(''),
  model: z.string({ error: 'expected the model ID (a string)' }).default(''),
  output: z.string({ error: 'expected the answer text (a string)' }),
  usage: z
    .object({ inputTokens: tokens, outputTokens: tokens, cacheReadTokens: tokens, cacheWriteTokens: tokens }, { error: 'expected {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens}' })
    .default({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }),
  latencyMs: z.number({ error: 'expected milliseconds' }).min(0, 'must be ≥ 0').max(MAX_LATENCY_MS, 'must be at most a week (604800000 ms)').default(0),
  confidence: unitInterval.optional(),
  /** true for the bundled, illustrative recordings; false for a real run recorded with --record. */
  sampleData: z.boolean({ error: 'expected true or false' }).optional(),
});

export type RecordingLine = z.output<typeof RecordingLineSchema>;

const RECORDINGS_SPEC: ArtifactSpec<RecordingLine> = {
  name: 'recording',
  schema: RecordingLineSchema,
  version: RECORDINGS_SCHEMA_VERSION,
  hint: 'each line is one recorded response, as `tokor eval --record` writes (docs/datasets.md)',
};

/** One recording line: the line, or why it cannot be used ("key.path: what; what to do"). */
export function checkRecordingLine(value: unknown): RecordingLine | string {
  const r = checkArtifact(RECORDINGS_SPEC, value);
  return r.ok ? r.value : r.problem.message;
}

export interface LoadedRecordings {
  file: string;
  /** The last line per item. */
  byItem: Map<string, RecordingLine>;
  /** "file:line: reason" of the lines that could not be used. */
  problems: string[];
  /** Set when the file is missing or unreadable (then byItem is empty). */
  missingFile?: string;
}

/**
 * Reads a recordings file. Bad lines are reported, not fatal (the items they
 * would answer fail as "no recording", naming the first problem); a newer
 * schemaVersion is an InputError.
 */
export async function readRecordings(file: string): Promise<LoadedRecordings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { file, byItem: new Map(), problems: [], missingFile: code === 'ENOENT' ? file : `${file} (${fsReason(e)})` };
  }
  const byItem = new Map<string, RecordingLine>();
  const problems: string[] = [];
  for (const [line, raw] of jsonLines(text)) {
    const where = at(file, line);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`${where}: not valid JSON (${jsonSyntaxError(raw).reason})`);
      continue;
    }
    const r = checkRecordingLine(value);
    if (typeof r !== 'string') byItem.set(r.itemId, r);
    else if (/written by a newer tokor/.test(r)) throw new InputError(r, where);
    else problems.push(`${where}: ${r}`);
  }
  return { file, byItem, problems };
}

/** One recording line as written by `--record`. */
export function recordingLineJson(l: RecordingLine): string {
  return `${JSON.stringify(l)}\n`;
}
