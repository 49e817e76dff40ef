/**
 * The commander program. Each command file defines its flags and help, and
 * imports its core lazily inside the action. Only the command being run is
 * defined in full: the others are listed by name, usage and description
 * (COMMANDS), so that no command pays at start-up for another's flags (the
 * log-format, provider and routing-pattern choices come from their registries).
 */
import { Command, Help, type Option } from 'commander';
import { VERSION } from '../version.js';
import { quoteExcerpt, UsageError } from '../errors.js';
import type { Done } from './exit.js';
import { accumulates } from './flags.js';

type Define = (program: Command, done: Done) => void;

/**
 * Every top-level command: its description (the one place it is written),
 * the term `tokor --help` lists (test/cli/program.test.ts holds it to the
 * full definition) and the module that defines its flags. One file defines
 * both `config` and `init`.
 */
const COMMANDS: Readonly<Record<string, { term: string; description: string; define: () => Promise<Define> }>> = {
  analyze: {
    term: 'analyze [options] [paths...]',
    description: 'price and label traffic logs: difficulty mix, all-frontier counterfactual, savings ceiling',
    define: async () => (await import('./commands/analyze.js')).defineAnalyze,
  },
  prices: {
    term: 'prices [options]',
    description: 'list the model prices tokor knows (USD per 1M tokens), or show how one model ID is priced',
    define: async () => (await import('./commands/prices.js')).definePrices,
  },
  eval: {
    term: 'eval [options]',
    description: 'run golden datasets against each tier, grade every answer, write every result',
    define: async () => (await import('./commands/eval.js')).defineEval,
  },
  label: {
    term: 'label [options] <paths...>',
    description: 'measure request difficulty: replay sampled traffic on the cheaper tiers and grade against the logged answers',
    define: async () => (await import('./commands/label.js')).defineLabel,
  },
  calibrate: {
    term: 'calibrate [options]',
    description: 'choose routing thresholds that keep the quality bar at a stated confidence, from eval results of ≥ 2 tiers',
    define: async () => (await import('./commands/calibrate.js')).defineCalibrate,
  },
  gate: {
    term: 'gate [options]',
    description: 'fail CI when a routing policy would break a quality floor: re-simulates it on golden results, per scope',
    define: async () => (await import('./commands/gate.js')).defineGate,
  },
  config: { term: 'config', description: 'work with tokor.config.yaml', define: async () => (await import('./commands/config.js')).defineConfig },
  init: {
    term: 'init [options]',
    description: 'write a commented starter tokor.config.yaml for your gateway',
    define: async () => (await import('./commands/config.js')).defineConfig,
  },
  costs: {
    term: 'costs [options]',
    description: 'billed LLM spend from your bills (Cost Explorer, CUR 2.0, FOCUS, Google Cloud, Azure, Anthropic, OpenAI), by model, token kind and period',
    define: async () => (await import('./commands/costs.js')).defineCosts,
  },
  report: {
    term: 'report [options]',
    description: 'build one self-contained HTML report (no scripts, no network) from tokor JSON outputs',
    define: async () => (await import('./commands/report.js')).defineReport,
  },
  drift: {
    term: 'drift [options]',
    description: 'compare current traffic with the set a policy was certified on: task-cluster mix, labeler score, prompt length, golden-set coverage',
    define: async () => (await import('./commands/drift.js')).defineDrift,
  },
  athena: {
    term: 'athena',
    description: 'Amazon Athena over Bedrock invocation logs in S3 (docs/scale.md)',
    define: async () => (await import('./commands/athena.js')).defineAthena,
  },
};

/** Every top-level command's name. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** The commands `argv` runs: the first word (after `help`, the one it asks about), or every command with `all`. */
function commandsToDefine(argv: readonly string[] | 'all'): string[] {
  if (argv === 'all') return Object.keys(COMMANDS);
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : [];
}

/**
 * The program for `argv` (process.argv form); each command's action reports
 * its outcome through `done`. `'all'` defines every command in full.
 */
export async function buildProgram(done: Done = () => {}, argv: readonly string[] | 'all' = 'all'): Promise<Command> {
  const listed = new WeakSet<Command>();
  const program = new Command('tokor')
    .description('Find the share of your LLM bill spent on over-powered models, prove it with evals, and keep the fix safe.')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .exitOverride()
    .configureHelp({ subcommandTerm: (cmd) => (listed.has(cmd) ? COMMANDS[cmd.name()]!.term : new Help().subcommandTerm(cmd)), optionDescription });
  program.addHelpText(
    'after',
    `
Examples:
  $ tokor analyze                     # the bundled sample of Bedrock logs
  $ tokor analyze ./AWSLogs --group-by team --format markdown
  $ tokor eval --tier all             # bundled golden sets, recorded answers
  $ tokor calibrate --results results.jsonl --out policy.json
  $ tokor gate --policy policy.json   # in CI: exit 1 if a quality floor breaks
  $ tokor costs --from-file ce.json   # billed spend from a Cost Explorer file
  $ tokor drift --baseline policy.json --current ./AWSLogs  # vs the golden set

Exit codes: 0 ok, 1 quality bar or gate failed, 2 usage/config/input error,
3 provider/runtime error.`,
  );
  const defines = new Set(await Promise.all(commandsToDefine(argv).map((name) => COMMANDS[name]!.define())));
  for (const define of defines) define(program, done);
  // The rest are listed (help, suggestions for a mistyped name) but not defined.
  const defined = new Map(program.commands.map((c) => [c.name(), c]));
  for (const [name, { description }] of Object.entries(COMMANDS)) {
    const full = defined.get(name);
    if (full) {
      full.description(description);
      continue;
    }
    const stub = new Command(name).description(description);
    listed.add(stub);
    program.addCommand(stub);
  }
  const order = Object.keys(COMMANDS);
  (program.commands as Command[]).sort((a, b) => order.indexOf(a.name()) - order.indexOf(b.name()));
  // Subcommands inherit exitOverride so that main() maps usage errors to exit 2.
  for (const cmd of program.commands) cmd.exitOverride();
  oneLineUsageErrors(program);
  refuseRepeats(program);
  return program;
}

/**
 * An option's help line, with every default and choice written one way,
 * `(choices: a, b, default: x)`: commander quotes strings (`default: "table"`)
 * where descriptions write `(default: 0.95)`. Otherwise commander's rules: a
 * boolean flag shows no default.
 */
function optionDescription(option: Option): string {
  const plain = (v: unknown) => (typeof v === 'string' ? v || 'none' : JSON.stringify(v));
  const extra: string[] = [];
  if (option.argChoices) extra.push(`choices: ${option.argChoices.join(', ')}`);
  if (option.defaultValue !== undefined && (option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean'))) {
    extra.push(`default: ${option.defaultValueDescription ?? plain(option.defaultValue)}`);
  }
  return extra.length ? `${option.description} (${extra.join(', ')})`.trim() : option.description;
}

/**
 * commander's usage errors (an unknown option or command, a bad or missing
 * value) as tokor prints every other error: one line on stderr, after
 * `tokor:`, with commander's suggestion and the help page to read, instead of
 * commander's two or three lines (`error: …`, `(Did you mean …?)`, a hint).
 */
function oneLineUsageErrors(cmd: Command): void {
  const helpCommand = [...commandPath(cmd), '--help'].join(' ');
  cmd.configureOutput({ outputError: (message, write) => write(usageErrorLine(message, helpCommand)) });
  for (const sub of cmd.commands) oneLineUsageErrors(sub);
}

function commandPath(cmd: Command): string[] {
  return cmd.parent ? [...commandPath(cmd.parent), cmd.name()] : [cmd.name()];
}

/** `error: unknown option '--formt'\n(Did you mean --format?)\n` → `tokor: unknown option '--formt'; did you mean --format? (see tokor analyze --help)\n`. */
function usageErrorLine(message: string, helpCommand: string): string {
  const lines = message
    .replace(/^error:\s*/, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const text = lines
    .map((l, i) => {
      const suggestion = /^\(Did you mean (.+)\)$/.exec(l);
      return suggestion ? `${i ? '; ' : ''}did you mean ${suggestion[1]}` : `${i ? ' ' : ''}${l}`;
    })
    .join('');
  return `tokor: ${text} (see ${helpCommand})\n`;
}

/**
 * A flag that takes one value and is given twice is an error, not last-one-wins:
 * `--config a.yaml --config b.yaml` would otherwise read b.yaml alone without a
 * word. Flags that take several values (variadic, or an accumulating argParser
 * from flags.ts) collect every repeat instead.
 */
function refuseRepeats(cmd: Command): void {
  for (const option of cmd.options) {
    if (!(option.required || option.optional) || option.variadic || accumulates(option.parseArg)) continue;
    let first: string | undefined;
    let seen = false;
    cmd.on(`option:${option.name()}`, (value: string | undefined) => {
      if (seen) {
        const given = [first, value].map((v) => (v === undefined ? '(no value)' : quoteExcerpt(v))).join(', then ');
        throw new UsageError(`${option.long ?? option.flags} was given twice (${given}); it takes one value: give it once`);
      }
      seen = true;
      first = value;
    });
  }
  for (const sub of cmd.commands) refuseRepeats(sub);
}
