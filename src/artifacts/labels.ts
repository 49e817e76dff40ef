/**
 * The labels file (`tokor label --out`, `tokor analyze --labels`, docs/labels.md):
 * measured difficulty per request, as JSON Lines, or a CSV with a request ID
 * and a label column. `tokor label` writes every key; hand-made files need only
 * the request ID and the label (schemaVersion may then be left out). Aliases
 * `request_id`/`id` and `difficulty` are read as `requestId` and `label`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError, at, shortenQuotes } from '../errors.js';
import { DIFFICULTIES, type Difficulty } from '../types.js';
import { fsCode, fsFailure } from '../io/fsErrors.js';
import { writeOutput } from '../io/outputs.js';
import { checkArtifact, jsonLines, parseJsonLine, readArtifactText, tokorDocument, type ArtifactSpec } from './read.js';
import { unitInterval, usdAmount } from './results.js';

const LABELS_SCHEMA_VERSION = 1;

const LabelTierSchema = z.looseObject({
  model: z.string({ error: 'expected the model ID (a string)' }),
  pass: z.boolean({ error: 'expected true or false' }),
  score: unitInterval,
  /** null when the model has no price. */
  costUsd: usdAmount.nullable(),
  reason: z.string().optional(),
});

const LabelLineSchema = z.looseObject({
  schemaVersion: z.literal(LABELS_SCHEMA_VERSION, { error: `expected ${LABELS_SCHEMA_VERSION}` }).optional(),
  /** The log's request ID; file:line of the record when the log has none. */
  requestId: z.union([z.string().min(1, 'expected the request ID, got an empty string'), z.number()], { error: 'expected the request ID (a string)' }).transform(String),
  label: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(DIFFICULTIES, { error: `expected one of ${DIFFICULTIES.join(', ')}` })),
  /** Per replayed tier: did its answer hold against the logged one? */
  tiers: z.record(z.string(), LabelTierSchema, { error: 'expected an object of tiers' }).optional(),
  /** The model that served the logged request. */
  servedBy: z.string().optional(),
  /** file:line of the record in the traffic log. */
  source: z.string().optional(),
  /** The task cluster the request was sampled from (`tokor label --sample/--budget`): its template signature. */
  cluster: z.string({ error: 'expected the cluster signature (a string)' }).optional(),
  /** Sampling weight: the cluster's requests ÷ its sample size (how many requests this label stands for). */
  weight: z.number({ error: 'expected a sampling weight (a number ≥ 1)' }).min(1, 'must be ≥ 1 (a cluster has at least as many requests as its sample)').optional(),
});

/** A line as `tokor label` writes it (labelLineJson adds the schemaVersion). */
export type LabelLine = Omit<z.input<typeof LabelLineSchema>, 'schemaVersion'> & { requestId: string; label: Difficulty };
export type ReadLabel = z.output<typeof LabelLineSchema>;

export const LABELS_SPEC: ArtifactSpec<ReadLabel> = {
  name: 'labels line',
  schema: LabelLineSchema,
  version: LABELS_SCHEMA_VERSION,
  hint: 'a labels file has a request ID and a label (easy, moderate, hard) per line, as `tokor label --out` writes (docs/labels.md)',
};

const ID_KEYS = ['requestId', 'request_id', 'id'] as const;
const LABEL_KEYS = ['label', 'difficulty'] as const;

/** The row with alias keys renamed to requestId and label. */
function canonical(o: unknown): unknown {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return o;
  const r = o as Record<string, unknown>;
  const id = ID_KEYS.find((k) => r[k] !== undefined && r[k] !== '');
  const label = LABEL_KEYS.find((k) => r[k] !== undefined && r[k] !== '');
  if ((id === undefined || id === 'requestId') && (label === undefined || label === 'label')) return o;
  const out: Record<string, unknown> = { ...r };
  if (id && id !== 'requestId') out.requestId = r[id];
  if (label && label !== 'label') out.label = r[label];
  return out;
}

/** One labels line or CSV row, checked; InputError at file:line. */
export function parseLabelLine(value: unknown, file: string, line: number): ReadLabel {
  const r = checkArtifact(LABELS_SPEC, canonical(value));
  if (r.ok) return r.value;
  throw new InputError(r.problem.message, at(file, line));
}

/**
 * Reads a labels file (JSONL, or CSV when the first character is not `{`):
 * request ID → label. Later lines for the same request win.
 */
export async function readLabels(file: string): Promise<Map<string, Difficulty>> {
  const text = (await readArtifactText(file, 'labels file')).replace(/^\uFEFF/, '');
  const labels = new Map<string, Difficulty>();
  if (text.trimStart().startsWith('{')) {
    // A pretty-printed tokor JSON (an analyze JSON) opens with a line "{" that is no JSON line: say what it is.
    const what = tokorDocument(text);
    if (what) throw new InputError(`this is ${what}, not a labels file; ${LABELS_SPEC.hint}`, file);
    for (const [line, raw] of jsonLines(text)) {
      const l = parseLabelLine(parseJsonLine(raw, { file, line }, LABELS_SPEC.hint), file, line);
      labels.set(l.requestId, l.label);
    }
  } else {
    let rows: { record: Record<string, string>; info: { lines: number } }[];
    try {
      rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true }) as typeof rows;
    } catch (e) {
      const err = e as Error & { lines?: number };
      throw new InputError(`not valid CSV (${shortenQuotes(err.message.split('\n')[0]!)}); ${LABELS_SPEC.hint}`, at(file, err.lines));
    }
    const cols = Object.keys(rows[0]?.record ?? {});
    if (!ID_KEYS.some((k) => cols.includes(k)) || !LABEL_KEYS.some((k) => cols.includes(k))) {
      throw new InputError(`needs a request ID column (${ID_KEYS.join('|')}) and a label column (${LABEL_KEYS.join('|')}), found ${cols.join(', ') || 'none'}; ${LABELS_SPEC.hint}`, file);
    }
    for (const { record, info } of rows) {
      const l = parseLabelLine(record, file, info.lines);
      labels.set(l.requestId, l.label);
    }
  }
  if (labels.size === 0) throw new InputError(`no labels found; ${LABELS_SPEC.hint}`, file);
  return labels;
}

/** One line as `tokor label` writes it, schemaVersion first (checked first, so a bad score never reaches the file). */
export function labelLineJson(l: LabelLine): string {
  const line = { schemaVersion: LABELS_SCHEMA_VERSION, ...l };
  const r = checkArtifact(LABELS_SPEC, line);
  if (!r.ok) throw new Error(`a label line does not fit its schema: ${r.problem.message}`);
  return `${JSON.stringify(line)}\n`;
}

/**
 * The labels file of a `tokor label` run, appended one whole line per write
 * call (a killed run leaves valid lines, at worst a cut last one). With
 * `resume` it keeps the file's labels — a cut or unreadable line is dropped
 * first (the file replaced atomically) and its request labeled again.
 */
export class LabelsFile {
  private constructor(
    private fd: number | undefined,
    private readonly shown: string,
    /** Requests the file already labels (resume). */
    readonly done: ReadonlySet<string>,
    /** Lines dropped on resume. */
    readonly dropped: number,
  ) {}

  static async open(file: string, shown: string, opts: { resume: boolean }): Promise<LabelsFile> {
    const prior = opts.resume ? await readDone(file) : { done: new Set<string>(), keep: [], dropped: 0 };
    if (prior.dropped) await writeOutput(file, prior.keep.map((l) => `${l}\n`).join(''));
    try {
      return new LabelsFile(openSync(file, opts.resume ? 'a' : 'w'), shown, prior.done, prior.dropped);
    } catch (e) {
      throw fsFailure(e, shown, 'write', 'labels');
    }
  }

  write(l: LabelLine): void {
    if (this.fd === undefined) throw new Error('labels file is closed');
    try {
      writeSync(this.fd, labelLineJson(l));
    } catch (e) {
      throw fsFailure(e, this.shown, 'write', 'labels');
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The requests an existing labels file already has (for --resume), and its good lines when a cut line must be dropped. */
async function readDone(file: string): Promise<{ done: Set<string>; keep: string[]; dropped: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (fsCode(e) === 'ENOENT') return { done: new Set(), keep: [], dropped: 0 };
    throw fsFailure(e, file, 'read');
  }
  const done = new Set<string>();
  const keep: string[] = [];
  let dropped = 0;
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      done.add(parseLabelLine(JSON.parse(raw), file, i + 1).requestId);
      keep.push(raw);
    } catch {
      // A line cut by a killed run (or not a label line): dropped, its request labeled again.
      dropped++;
    }
  });
  return { done, keep, dropped };
}
