/**
 * Recorded responses, keyed by dataset item and tier, so `tokor eval` runs
 * offline. Files: <dataset dir>/recordings/<tier>.jsonl, one line per item:
 * {"itemId","tier","model","output","usage":{"inputTokens","outputTokens",
 * "cacheReadTokens","cacheWriteTokens"},"latencyMs","confidence"?,"sampleData"?}.
 * A live run writes the same format with `--record DIR`
 * (DIR/<datasetId>/recordings/<tier>.jsonl).
 */
import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { readRecordings, recordingLineJson, type LoadedRecordings, type RecordingLine } from '../artifacts/recordings.js';
import path from 'node:path';
import type { TierConfig } from '../config/schema.js';
import { fsFailure } from '../io/fsErrors.js';
import { pathWithin } from '../io/safePath.js';
import { ValidationError, type InvokeRequest, type InvokeResult, type ItemRef, type ModelClient } from '../eval/provider.js';
import type { ClientOptions } from './types.js';
import { counted } from '../report/format.js';

;

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
    if (this.recordingsDir) return recordingsPath(this.recordingsDir, ref.datasetId, this.tier);
    if (!ref.datasetFile) throw new ValidationError('replay needs the dataset file to find its recordings', { code: 'RecordingMissing' });
    return pathWithin(path.join(path.dirname(ref.datasetFile), 'recordings'), `${this.tier}.jsonl`);
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
        : `no recording for item "${req.ref.itemId}" in ${file}${rec.problems.length ? ` (${counted(rec.problems.length, 'unusable line')}, first: ${rec.problems[0]})` : ''}`;
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

/** Reads a recordings file with the recordings schema (src/artifacts/recordings.ts). */
export const loadRecordings = readRecordings;

/**
 * Writes live responses as recordings (`--record DIR`): one whole line per
 * write call, appended, so an interrupted run leaves valid files.
 */
export class RecordingWriter {
  private readonly fds = new Map<string, number>();
  constructor(private readonly dir: string) {}

  record(ref: ItemRef, tier: string, model: string, res: InvokeResult): void {
    const file = recordingsPath(this.dir, ref.datasetId, tier);
    let fd = this.fds.get(file);
    if (fd === undefined) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        fd = openSync(file, 'a');
      } catch (e) {
        throw fsFailure(e, file, 'write', 'recordings');
      }
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
    writeSync(fd, recordingLineJson(line));
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/**
 * DIR/<datasetId>/recordings/<tier>.jsonl, with the dataset ID and tier name
 * (data) made safe as path segments: a dataset ID of "../../x" stays inside DIR.
 */
function recordingsPath(dir: string, datasetId: string, tier: string): string {
  return pathWithin(dir, datasetId, 'recordings', `${tier}.jsonl`);
}

export function createReplayClient(tier: TierConfig, opts: ClientOptions): ReplayClient {
  return new ReplayClient({ tier: tier.name, model: tier.model, ...(opts.recordingsDir ? { recordingsDir: opts.recordingsDir } : {}) });
}
