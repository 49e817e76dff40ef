/**
 * `tokor report`: one self-contained HTML page from the JSON of analyze,
 * eval, calibrate and costs. Reads and checks the files through their
 * contracts (src/artifacts/), hands typed values to the pure renderer and
 * returns the page; the CLI writes it.
 */
import { readFile } from 'node:fs/promises';
import { parseAnalyzeReconciliation, parseCostsReport } from '../artifacts/costsReport.js';
import { parseCalibrateReportText } from '../artifacts/calibrateReport.js';
import { parseAnalyzeInput, parseEvalInputs } from '../artifacts/reportInputs.js';
import { UsageError } from '../errors.js';
import { fsFailure } from '../io/fsErrors.js';
import { renderReportHtml } from '../report/html/index.js';
import type { Context } from './context.js';

export interface ReportRequest {
  /** `tokor analyze --format json` output. */
  analyze?: string;
  /** Eval summaries (`tokor eval --format json`) and/or results JSONL (`tokor eval --out`). */
  eval?: string[];
  /** `tokor calibrate --format json` output. */
  calibrate?: string;
  /** `tokor costs --format json` output. */
  costs?: string;
  title?: string;
  /** Shown in the header (ISO-8601); omitted when absent so that the page is reproducible. */
  generatedAt?: string;
  /** Chart warnings (the page is still built). */
  onWarning?: (message: string) => void;
}

/** The page. UsageError when no input is given; InputError (file:line) for a file that is not what its flag says. */
export async function buildReport(ctx: Context, req: ReportRequest): Promise<string> {
  const files = [req.analyze, ...(req.eval ?? []), req.calibrate, req.costs].filter((f): f is string => Boolean(f));
  if (files.length === 0) throw new UsageError('nothing to report: give --analyze, --eval, --calibrate and/or --costs');
  // Files are named in messages and on the page as the user gave them.
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(ctx.fromCwd(file), 'utf8');
    } catch (e) {
      throw fsFailure(e, file, 'read');
    }
  };
  const analyzeText = req.analyze ? await read(req.analyze) : undefined;
  const analyze = req.analyze ? parseAnalyzeInput(analyzeText!, req.analyze) : undefined;
  return renderReportHtml(
    {
      analyze,
      ...(analyze?.reconciliation !== undefined ? { reconciliation: parseAnalyzeReconciliation(analyze.reconciliation, { file: req.analyze!, text: analyzeText! }) } : {}),
      eval: req.eval ? parseEvalInputs(await Promise.all(req.eval.map(async (file) => ({ file, text: await read(file) })))) : undefined,
      calibrate: req.calibrate ? parseCalibrateReportText(await read(req.calibrate), req.calibrate) : undefined,
      costs: req.costs ? parseCostsReport(await read(req.costs), req.costs) : undefined,
    },
    { title: req.title, generatedAt: req.generatedAt, inputFiles: files, onWarning: req.onWarning },
  );
}
