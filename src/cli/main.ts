/**
 * argv → command → exit code. The one place errors are caught: a TokorError
 * prints one line and sets its exit code; anything else is a bug and shows
 * its stack. `--debug` shows the stack for every error.
 */
import { CommanderError } from 'commander';
import { EXIT, TokorError, shortenQuotes } from '../errors.js';
import { buildProgram, COMMAND_NAMES } from './program.js';
import { getExitCode, type Outcome } from './exit.js';
import { redactSecrets } from '../redact.js';
import { termSafeText } from '../report/escape.js';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let outcome: Outcome = 'ok';
  const program = await buildProgram((o) => {
    outcome = o;
  }, argv);
  try {
    await program.parseAsync(helpOfUnknownCommand(argv));
    return getExitCode(outcome);
  } catch (err) {
    return reportError(err, debug);
  }
}

/**
 * `tokor help NAME` for a command that does not exist is parsed as `tokor NAME`:
 * commander would print the whole root help on stderr; this gives the one-line
 * unknown-command error, with its suggestion, that `tokor NAME` gives.
 */
function helpOfUnknownCommand(argv: string[]): string[] {
  const [node = '', bin = '', first, name, ...rest] = argv;
  if (first !== 'help' || name === undefined || name.startsWith('-') || COMMAND_NAMES.includes(name)) return argv;
  return [node, bin, name, ...rest];
}

export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (help, version or a usage error).
    return err.exitCode === 0 ? EXIT.ok : EXIT.input;
  }
  if (err instanceof TokorError) {
    process.stderr.write(termSafeText(redactSecrets(`tokor: ${boundedMessage(err.message)}\n`)));
    if (debug && err.stack) process.stderr.write(termSafeText(redactSecrets(`${err.stack}\n`)));
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  if (isBrokenPipe(e)) return EXIT.ok;
  process.stderr.write(termSafeText(redactSecrets(`tokor: internal error: ${e.message}\n${e.stack ?? ''}\n`)));
  return EXIT.runtime;
}

/** Longest line of an error message; beyond it the line is cut (…). */
const MAX_ERROR_LINE = 1000;
/** Longest JSON-quoted string kept whole: a model ARN or a path fits, a file's contents do not. */
const MAX_QUOTED = 200;

/**
 * A user-facing message kept short whatever input it quotes: JSON-quoted text
 * over MAX_QUOTED characters cut to an excerpt, and any line still longer than
 * MAX_ERROR_LINE cut. The places that quote file contents cut them to 60
 * characters already; this is the guard for the rest.
 */
function boundedMessage(message: string): string {
  return shortenQuotes(message, MAX_QUOTED)
    .split('\n')
    .map((line) => (line.length > MAX_ERROR_LINE ? `${line.slice(0, MAX_ERROR_LINE)}… (cut)` : line))
    .join('\n');
}

function isBrokenPipe(e: Error): boolean {
  return (e as NodeJS.ErrnoException).code === 'EPIPE';
}

/** Entry point used by bin/tokor.js. */
export async function run(argv: string[]): Promise<void> {
  // The AWS SDK warns on every Node 20 process; tokor supports Node 20, and stderr stays clean.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const code = await main(argv);
  process.exitCode = code;
  // An interrupted command ends now: a read it abandoned (stdin, a pipe) must not keep it alive.
  if (code === EXIT.interrupted) process.exit(code);
}
