/**
 * Recorded responses, keyed by dataset item and tier, so `tokor eval` runs
 * offline. Files: <dataset dir>/recordings/<tier>.jsonl, one line per item:
 * {"itemId","tier","model","output","usage":{"inputTokens","outputTokens",
 * "cacheReadTokens","cacheWriteTokens"},"latencyMs","confidence"?,"sampleData"?}.
 * A live run writes the same format with `--record DIR`
 * (DIR/<datasetId>/recordings/<tier>.jsonl).
 */
import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TierConfig } from '../config/schema.js';
import { ValidationError, type ClientOptions, type InvokeRequest, type InvokeResult, type ItemRef, type ModelClient, type Usage } from './types.js';

export interface RecordingLine {
  itemId: string;
  tier: string;
  model: string;
  output: string;
  usage: Usage;
  latencyMs: number;
  confidence?: number;
  /** true for the bundled, illustrative recordings; false for a real run recorded with --record. */
  sampleData?: boolean;
}

interface LoadedRecordings {
  file: string;
  byItem: Map<string, RecordingLine>;
  /** "file:line: reason" of the lines that could not be used. */
  problems: string[];
  missingFile?: string;
}

export class ReplayClient implements ModelClient {
  readonly provider = 'replay' as const;
  readonly model: string;
  private readonly tier: string;
  private readonly recordingsDir: string | undefined;
  private readonly files = new Map<string, Promise<LoadedRecordings>>();

  constructor(opts: { tier: string; model: string; recordingsDir?: string }) {
    this.tier = opts.tier;
    this.model = opts.model;
    this.recordingsDir = opts.recordingsDir;
  }

  /** Where the recordings of this tier for a dataset live. */
  recordingsFile(ref: ItemRef): string {
    if (this.recordingsDir) return path.join(this.recordingsDir, ref.datasetId, 'recordings', `${this.tier}.jsonl`);
    if (!ref.datasetFile) throw new ValidationError('replay needs the dataset file to find its recordings', { code: 'RecordingMissing' });
    return path.join(path.dirname(ref.datasetFile), 'recordings', `${this.tier}.jsonl`);
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    if (!req.ref) throw new ValidationError('replay needs a dataset item reference', { code: 'RecordingMissing' });
    const file = this.recordingsFile(req.ref);
    let loaded = this.files.get(file);
    if (!loaded) {
      loaded = loadRecordings(file);
      this.files.set(file, loaded);
    }
    const rec = await loaded;
    const line = rec.byItem.get(req.ref.itemId);
    if (!line) {
      const why = rec.missingFile
        ? `no recordings file ${rec.missingFile}`
        : `no recording for item "${req.ref.itemId}" in ${file}${rec.problems.length ? ` (${rec.problems.length} unusable line(s), first: ${rec.problems[0]})` : ''}`;
      throw new ValidationError(`RecordingMissing: ${why}`, { code: 'RecordingMissing', status: 404 });
    }
    return {
      output: line.output,
      usage: line.usage,
      latencyMs: line.latencyMs,
      model: line.model,
      ...(line.confidence !== undefined ? { confidence: line.confidence } : {}),
    };
  }
}

/** Reads a recordings file; lines that do not fit are reported, not fatal. The last line for an item wins. */
export async function loadRecordings(file: string): Promise<LoadedRecordings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { file, byItem: new Map(), problems: [], missingFile: code === 'ENOENT' ? file : `${file} (${code ?? (e as Error).message})` };
  }
  const byItem = new Map<string, RecordingLine>();
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    const where = `${file}:${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      problems.push(`${where}: not JSON`);
      return;
    }
    const line = parseRecordingLine(obj);
    if (typeof line === 'string') problems.push(`${where}: ${line}`);
    else byItem.set(line.itemId, line);
  });
  return { file, byItem, problems };
}

/** Validates one recording line; returns the reason when it does not fit. */
export function parseRecordingLine(obj: unknown): RecordingLine | string {
  if (!obj || typeof obj !== 'object') return 'not an object';
  const o = obj as Record<string, unknown>;
  if (typeof o.itemId !== 'string' || !o.itemId) return 'itemId must be a non-empty string';
  if (typeof o.output !== 'string') return 'output must be a string';
  const u = (o.usage ?? {}) as Record<string, unknown>;
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  return {
    itemId: o.itemId,
    tier: typeof o.tier === 'string' ? o.tier : '',
    model: typeof o.model === 'string' ? o.model : '',
    output: o.output,
    usage: { inputTokens: n(u.inputTokens), outputTokens: n(u.outputTokens), cacheReadTokens: n(u.cacheReadTokens), cacheWriteTokens: n(u.cacheWriteTokens) },
    latencyMs: n(o.latencyMs),
    ...(typeof o.confidence === 'number' ? { confidence: o.confidence } : {}),
    ...(typeof o.sampleData === 'boolean' ? { sampleData: o.sampleData } : {}),
  };
}

/**
 * Writes live responses as recordings (`--record DIR`): one whole line per
 * write call, appended, so an interrupted run leaves valid files.
 */
export class RecordingWriter {
  private readonly fds = new Map<string, number>();
  constructor(private readonly dir: string) {}

  record(ref: ItemRef, tier: string, model: string, res: InvokeResult): void {
    const file = path.join(this.dir, ref.datasetId, 'recordings', `${tier}.jsonl`);
    let fd = this.fds.get(file);
    if (fd === undefined) {
      mkdirSync(path.dirname(file), { recursive: true });
      fd = openSync(file, 'a');
      this.fds.set(file, fd);
    }
    const line: RecordingLine = {
      itemId: ref.itemId,
      tier,
      model: res.invokedModel ?? res.model ?? model,
      output: res.output,
      usage: res.usage,
      latencyMs: res.latencyMs,
      ...(res.confidence !== undefined ? { confidence: res.confidence } : {}),
      sampleData: false,
    };
    writeSync(fd, `${JSON.stringify(line)}\n`);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

export function createReplayClient(tier: TierConfig, opts: ClientOptions): ReplayClient {
  return new ReplayClient({ tier: tier.name, model: tier.model, ...(opts.recordingsDir ? { recordingsDir: opts.recordingsDir } : {}) });
}
