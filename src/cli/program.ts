/**
 * The commander program. Each command file defines its flags and help here and
 * imports its core lazily inside the action, so `tokor --help` starts fast.
 */
import { Command } from 'commander';
import { defineAnalyze } from './commands/analyze.js';
import { definePrices } from './commands/prices.js';
import { defineEval } from './commands/eval.js';
import { defineLabel } from './commands/label.js';
import { defineCalibrate } from './commands/calibrate.js';
import { defineGate } from './commands/gate.js';
import { defineConfig } from './commands/config.js';
import { defineCosts } from './commands/costs.js';
import { defineReport } from './commands/report.js';
import { defineDrift } from './commands/drift.js';
import { defineAthena } from './commands/athena.js';
import { VERSION } from '../version.js';
import type { Done } from './exit.js';

/** The program; each command's action reports its outcome through `done`. */
export function buildProgram(done: Done = () => {}): Command {
  const program = new Command('tokor')
    .description('Find the share of your LLM bill spent on over-powered models, prove it with evals, and keep the fix safe.')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  program.addHelpText(
    'after',
    `
Examples:
  $ tokor analyze                          # the bundled sample of Bedrock invocation logs
  $ tokor analyze ./AWSLogs --group-by team --format markdown
  $ tokor eval --tier all                  # bundled golden datasets, recorded responses
  $ tokor calibrate --results results.jsonl --out policy.json
  $ tokor gate --policy policy.json        # in CI: exit 1 if the quality floor breaks
  $ tokor costs --from-file ce.json        # billed Bedrock spend from Cost Explorer
  $ tokor drift --baseline policy.json --current ./AWSLogs   # traffic vs the golden set

Exit codes: 0 ok, 1 quality bar or gate failed, 2 usage/config/input error, 3 provider/runtime error.`,
  );
  for (const define of [defineAnalyze, definePrices, defineEval, defineLabel, defineCalibrate, defineGate, defineConfig, defineCosts, defineReport, defineDrift, defineAthena]) {
    define(program, done);
  }
  // Subcommands inherit exitOverride so that main() maps usage errors to exit 2.
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}
