/**
 * `tokor analyze` as a function: read logs, label, price, report. The CLI and
 * the programmatic API both call runAnalyze.
 */
import type { TierConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Catalog } from '../pricing/index.js';
import type { LogFormat } from '../types.js';
import type { CsvColumnMap } from '../ingest/index.js';
import { readLabels } from '../artifacts/labels.js';
import { GROUP_DIMENSIONS, UNTAGGED } from './facts.js';
import path from 'node:path';
import { SAMPLE_LOGS } from '../paths.js';
import { buildAnalyzeReport, type AnalyzeReport } from './report.js';
import { SAMPLE_LOGS_WHAT, type Provenance } from '../types.js';
import { scanTraffic, type ScanProgress } from './scan.js';
import type { SkipEntry } from './chunk.js';

export interface AnalyzeOptions {
  paths: string[];
  catalog: Catalog;
  tiers: TierConfig[];
  format?: LogFormat;
  csvMap?: CsvColumnMap;
  strict?: boolean;
  groupBy?: string[];
  labelsFile?: string;
  classifierFile?: string;
  sample?: { size: number; seed: number };
  workers?: number;
  confidence?: number;
  onProgress?: (p: ScanProgress) => void;
  /**
   * Called for each --group-by tag that no record carries (every record
   * "(untagged)": often a typo), with the tag keys the records do have.
   */
  onUntaggedGroup?: (dim: string, keysSeen: string[]) => void;
  /** Every skipped line (invalid, duplicate, file-level break), in input order: `--skipped FILE`. */
  onSkip?: (s: SkipEntry) => void;
  /** Lines longer than this many bytes are skipped unread (default MAX_LINE_BYTES, 32 MiB). */
  maxLineBytes?: number;
  /** Stops reading (Ctrl-C). */
  signal?: AbortSignal;
}

export async function runAnalyze(opts: AnalyzeOptions): Promise<AnalyzeReport> {
  const measured = opts.labelsFile ? await readLabels(opts.labelsFile) : undefined;
  const groupBy = opts.groupBy ?? [];
  const scan = await scanTraffic({ ...opts, groupBy, measured });
  const where = opts.paths.map((p) => (p === '-' ? '<stdin>' : p)).join(', ');
  if (scan.acc.read === 0) {
    const issue = scan.acc.fileIssues.find((f) => f.kind !== 'repeated-path');
    throw new InputError(`no records found: ${issue ? issue.message : 'the input is empty'}`, where);
  }
  if (scan.acc.valid === 0 && scan.acc.failed === 0) {
    const ex = scan.acc.invalidExamples[0];
    throw new InputError(`no usable records: all ${scan.acc.invalid} were invalid${ex ? ` (first: ${ex.file}:${ex.line}: ${ex.reason})` : ''}`, where);
  }
  const report = buildAnalyzeReport(scan.acc, {
    catalog: opts.catalog,
    tiers: opts.tiers,
    labeler: opts.classifierFile ? `classifier ${opts.classifierFile}` : 'heuristic',
    files: scan.files,
    formats: scan.formats,
    bytesRead: scan.bytesRead,
    sample: scan.sample,
    confidence: opts.confidence,
    provenance: provenanceOf(scan.files),
  });
  for (const dim of groupBy) {
    if ((GROUP_DIMENSIONS as readonly string[]).includes(dim)) continue;
    const rows = report.byGroup.filter((g) => g.groupBy === dim);
    if (rows.length > 0 && rows.every((g) => g.group === UNTAGGED)) opts.onUntaggedGroup?.(dim, [...scan.acc.untaggedTagKeys].sort());
  }
  return report;
}

/** Synthetic when any file read is inside the bundled sample (fixtures/sample). */
export function provenanceOf(files: readonly string[], sampleDir: string = SAMPLE_LOGS): Provenance {
  const root = path.resolve(sampleDir) + path.sep;
  const inside = files.filter((f) => path.resolve(f).startsWith(root)).length;
  if (inside === 0) return { synthetic: false };
  const what = SAMPLE_LOGS_WHAT;
  return { synthetic: true, what: inside === files.length ? what : `${inside} of ${files.length} files are ${what}` };
}

export type { AnalyzeReport } from './report.js';
export type { ScanProgress } from './scan.js';
export type { SkipEntry } from './chunk.js';
