import type { Done } from '../exit.js';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { BAR_MODES } from '../../config/schema.js';
import { ROUTING_PATTERNS } from '../../calibrate/patterns/index.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../../types.js';
import { collect, finiteNumber, fraction, milliseconds, nonNegativeInt, positiveInt } from '../flags.js';
import type { CalibrateCommandOptions } from '../../app/calibrate.js';

const unit = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
};
const share = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a share of the items, 0 (none) or more and below 1');
  return n;
};
const usd = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0)) throw new InvalidArgumentError('expected a cost in USD ≥ 0');
  return n;
};

export function defineCalibrate(program: Command, done: Done): void {
  program
    .command('calibrate')
    .option('--results <files...>', 'results JSONL from `tokor eval --out` (default: the bundled golden datasets’ recordings)')
    .option('--dataset <file>', 'the golden dataset the results are for (prompts for the router)')
    .option('--results-csv <file>', 'per-item pass/fail CSV instead of results JSONL (e.g. RouteLLM’s)')
    .option('--tier-column <tier=column>', 'CSV: a tier and its True/False column (repeat per tier)', collect)
    .option('--tier-cost <tier=usd,...>', 'CSV: cost of one call per tier (no tokens in a CSV; repeatable)', collect)
    .option('--cost-column <tier=column>', 'CSV: a column with each item\'s own cost for that tier (repeat per tier)', collect)
    .option('--pass-threshold <x>', 'CSV: numeric outcome columns (scores) pass at ≥ x (default: 0.5)', finiteNumber)
    .option('--prompt-column <col>', 'CSV: prompt text column (for the router)')
    .option('--id-column <col>', 'CSV: item id column (default: row number)')
    .option('--category-column <col>', 'CSV: category column (a router feature)')
    .option('--task-column <col>', 'CSV: task column (a router feature)')
    .option('--exclude-prompts <file>', 'CSV: JSONL of prompts to drop (RouteLLM contaminated_prompts.jsonl)')
    .option('--bar <x>', 'quality bar, 0–1 (default: the config\'s, else 0.95)', unit)
    .addOption(new Option('--bar-mode <mode>', 'bar relative to frontier quality (parity) or absolute pass rate').choices(BAR_MODES))
    .option('--confidence <c>', 'confidence the bar must hold at (default: 0.95)', fraction)
    .addOption(new Option('--pattern <pattern>', 'routing pattern(s) to simulate').choices([...ROUTING_PATTERNS, 'all']).default('all'))
    .option('--gate <grader>', 'cascade: the grader that decides escalation (default: json-schema, valid-json or regex when present)')
    .option('--confidence-field <field>', 'confidence: the results field with the signal (default: confidence)')
    .option('--router-cost <usd>', 'classifier: the router’s own cost per request', usd)
    .option('--router-latency <ms>', 'classifier: the router’s own latency per request (default: config routing.routerLatencyMs, else 1 ms)', milliseconds(true))
    .option('--max-p95-latency <ms>', 'routes whose simulated p95 latency exceeds this are not eligible for the pick', milliseconds())
    .option('--folds <k>', 'router cross-validation folds (default: 5)', positiveInt)
    .option('--seed <n>', 'seed for folds, training and --holdout (default: 1)', nonNegativeInt)
    .option('--holdout <fraction>', 'share of items held out; the pick is reported on them; 0 = none (default: 0.3)', share)
    .option('--out <file>', 'write the policy file (what `tokor gate` reads)')
    .option('--out-router <file>', 'write the router model (for `tokor analyze --classifier`)')
    .option('--curve-csv <file>', 'write the cost–quality curve as CSV')
    .option('--apply <policy>', 'evaluate a saved policy on these results instead of choosing')
    .option('--config <file>', 'tokor.config.yaml (default: ./tokor.config.yaml if present)')
    .addOption(new Option('--format <format>', 'output format (html: one self-contained page)').choices([...OUTPUT_FORMATS, 'html']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  $ tokor calibrate               # bundled golden datasets (sample recordings)
  $ tokor calibrate --results results.jsonl --dataset golden.jsonl \\
      --out policy.json --out-router router.json
  $ tokor calibrate --results r.jsonl --bar 0.9 --bar-mode absolute \\
      --pattern cascade --gate valid-json
  $ tokor calibrate --results r.jsonl --holdout 0.3 --curve-csv curve.csv
  $ tokor calibrate --results r.jsonl --max-p95-latency 2000  # p95 ≤ 2 s only
  $ tokor calibrate --apply policy.json --dataset fresh.jsonl \\
      --results fresh-results.jsonl
  $ tokor calibrate --results-csv gsm8k_responses.csv --prompt-column prompt \\
      --tier-column cheap=mistralai/Mixtral-8x7B-Instruct-v0.1 \\
      --tier-column frontier=gpt-4-1106-preview \\
      --tier-cost cheap=0.24,frontier=24.7

Exit codes: 0 a route meets the bar (with --apply: the policy meets its bar),
1 none does, 2 bad input.`,
    )
    .action(async (flags: CalibrateCommandOptions & { format: OutputFormat | 'html' }) => {
      const { runCalibrate } = await import('../../app/calibrate.js');
      const { renderCalibrateRun } = await import('../../calibrate/render.js');
      const { checkOutputs, emit, startProgress, terminalWidth } = await import('../output.js');
      // Every file the run will write is checked before it starts: no policy written and then a failed router.
      await checkOutputs([
        { file: flags.out, flag: '--out' },
        { file: flags.outRouter, flag: '--out-router' },
        { file: flags.curveCsv, flag: '--curve-csv' },
      ]);
      const progress = await startProgress('calibrating…', flags.format);
      let run;
      try {
        run = await runCalibrate(flags, { onProgress: (m) => progress.update(m) });
      } finally {
        progress.stop();
      }
      for (const o of run.outputs) await emit(o.text, o.file);
      if (flags.format === 'html') {
        const { renderCalibrateHtml } = await import('../../report/html/index.js');
        const { calibrateJson } = await import('../../calibrate/render.js');
        await emit(await renderCalibrateHtml(calibrateJson(run)));
      } else await emit(renderCalibrateRun(run, flags.format, { width: terminalWidth() }));
      done(run.outcome);
    });
}
