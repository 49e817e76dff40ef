import type { Done } from '../exit.js';
import { Option, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { fsFailure } from '../../io/fsErrors.js';
import { checkOutputs, emit, note } from '../output.js';

const FORMATS = ['html'] as const;

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw fsFailure(e, file, 'read');
  }
}

interface ReportFlags {
  analyze?: string;
  eval?: string[];
  calibrate?: string;
  costs?: string;
  out?: string;
  title?: string;
}

/** `tokor report`: one self-contained HTML page from the JSON of analyze, eval, calibrate and costs. */
export function defineReport(program: Command, done: Done): void {
  program
    .command('report')
    .description('build one self-contained HTML report (no scripts, no network) from tokor JSON outputs')
    .option('--analyze <file>', 'tokor analyze --format json output')
    .option('--eval <files...>', 'tokor eval summary JSON (--format json) or results JSONL (--out); several allowed')
    .option('--calibrate <file>', 'tokor calibrate --format json output')
    .option('--costs <file>', 'tokor costs --format json output')
    .option('--title <text>', 'page title', 'tokor report')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('html'))
    .option('--out <file>', 'write the page here (default: stdout)')
    .addHelpText(
      'after',
      `
Examples:
  $ tokor analyze --format json --out analyze.json
  $ tokor report --analyze analyze.json --out report.html
  $ tokor report --analyze analyze.json --eval cheap.jsonl mid.jsonl frontier.jsonl \\
      --calibrate calibrate.json --costs costs.json --out report.html`,
    )
    .action(async (flags: ReportFlags) => {
      const html = await import('../../report/html/index.js');
      const { parseAnalyzeReconciliation, parseCostsReport } = await import('../../artifacts/costsReport.js');
      const inputs = await import('../../artifacts/reportInputs.js');
      const files = [flags.analyze, ...(flags.eval ?? []), flags.calibrate, flags.costs].filter((f): f is string => Boolean(f));
      if (files.length === 0) throw new UsageError('nothing to report: give --analyze, --eval, --calibrate and/or --costs');
      await checkOutputs([{ file: flags.out, flag: '--out' }]);
      const analyzeText = flags.analyze ? await readInput(flags.analyze) : undefined;
      const analyze = flags.analyze ? inputs.parseAnalyzeInput(analyzeText!, flags.analyze) : undefined;
      const page = await html.renderReportHtml(
        {
          analyze,
          ...(analyze?.reconciliation !== undefined ? { reconciliation: parseAnalyzeReconciliation(analyze.reconciliation, { file: flags.analyze!, text: analyzeText! }) } : {}),
          eval: flags.eval ? inputs.parseEvalInputs(await Promise.all(flags.eval.map(async (file) => ({ file, text: await readInput(file) })))) : undefined,
          calibrate: flags.calibrate ? (await import('../../artifacts/calibrateReport.js')).parseCalibrateReportText(await readInput(flags.calibrate), flags.calibrate) : undefined,
          costs: flags.costs ? parseCostsReport(await readInput(flags.costs), flags.costs) : undefined,
        },
        { title: flags.title, generatedAt: new Date().toISOString(), inputFiles: files, onWarning: (w) => note(`tokor: chart warning: ${w}`) },
      );
      await emit(page, flags.out);
    });
}
