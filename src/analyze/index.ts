/**
 * `tokor analyze` as a function: read logs, label, price, report. The CLI and
 * the programmatic API both call runAnalyze.
 */
import type { TierConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Catalog } from '../pricing/index.js';
import type { LogFormat } from '../types.js';
import type { CsvColumnMap } from '../ingest/index.js';
import { readLabelsFile } from './labelsFile.js';
import { buildAnalyzeReport, type AnalyzeReport } from './report.js';
import { scanTraffic, type ScanProgress } from './scan.js';

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
}

export async function runAnalyze(opts: AnalyzeOptions): Promise<AnalyzeReport> {
  const measured = opts.labelsFile ? await readLabelsFile(opts.labelsFile) : undefined;
  const groupBy = opts.groupBy ?? [];
  const scan = await scanTraffic({ ...opts, groupBy, measured });
  const where = opts.paths.map((p) => (p === '-' ? '<stdin>' : p)).join(', ');
  if (scan.acc.read === 0) throw new InputError('no records found: the input is empty', where);
  if (scan.acc.valid === 0 && scan.acc.failed === 0) {
    const ex = scan.acc.invalidExamples[0];
    throw new InputError(`no usable records: all ${scan.acc.invalid} were invalid${ex ? ` (first: ${ex.file}:${ex.line}: ${ex.reason})` : ''}`, where);
  }
  return buildAnalyzeReport(scan.acc, {
    catalog: opts.catalog,
    tiers: opts.tiers,
    labeler: opts.classifierFile ? `classifier ${opts.classifierFile}` : 'heuristic',
    files: scan.files,
    formats: scan.formats,
    bytesRead: scan.bytesRead,
    sample: scan.sample,
    confidence: opts.confidence,
  });
}

export type { AnalyzeReport } from './report.js';
