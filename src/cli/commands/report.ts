import type { Done } from '../exit.js';
import { Option, type Command } from 'commander';

const FORMATS = ['html'] as const;

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
  $ tokor report --analyze analyze.json \\
      --eval cheap.jsonl mid.jsonl frontier.jsonl \\
      --calibrate calibrate.json --costs costs.json --out report.html`,
    )
    .action(async (flags: ReportFlags) => {
      const { openContext } = await import('../../app/context.js');
      const { buildReport } = await import('../../app/report.js');
      const { checkOutputs, emit, note } = await import('../output.js');
      if ([flags.analyze, ...(flags.eval ?? []), flags.calibrate, flags.costs].some(Boolean)) await checkOutputs([{ file: flags.out, flag: '--out' }]);
      const ctx = await openContext();
      const page = await buildReport(ctx, { ...flags, generatedAt: new Date().toISOString(), onWarning: (w) => note(`tokor: chart warning: ${w}`) });
      await emit(page, flags.out);
      done('ok');
    });
}
