/**
 * The CLI's only writer: reports to stdout (or --out), progress to stderr.
 * Spinners appear only on a terminal, never in --format json or in CI.
 */
import { writeOutput } from '../io/outputs.js';
import { redactSecrets } from '../redact.js';
import { termSafe, termSafeText } from '../report/escape.js';
import { resolveWidth } from '../report/table.js';

export { checkOutputs } from '../io/outputs.js';

/**
 * Writes a rendered report to `out` (a file, replaced atomically: a temporary
 * file beside it, then a rename) or stdout. Commands check their output paths
 * with checkOutputs before they start working.
 */
export async function emit(text: string, out?: string): Promise<void> {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (out && out !== '-') return writeOutput(out, body);
  await new Promise<void>((resolve, reject) => process.stdout.write(body, (err) => (err ? reject(err) : resolve())));
}

/** One line to stderr: warnings and notes that are not the report. Credentials a server echoed are redacted; control characters from data are shown as escapes. */
export function note(message: string): void {
  process.stderr.write(`${termSafeText(redactSecrets(message))}\n`);
}

export interface Progress {
  /** The spinner's new text; a function is called only when there is a spinner to show it (a reader's progress comes once a block). */
  update(text: string | (() => string)): void;
  /** A line to stderr above the spinner (which is redrawn below it). */
  note(line: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, note, succeed() {}, fail() {}, stop() {} };

/** Whether a spinner may be shown: stderr is a TTY, not JSON, not CI. */
function spinnerAllowed(format?: string, stream: { isTTY?: boolean; columns?: number } = process.stderr): boolean {
  // A terminal that reports no width (a pty nobody sized, e.g. `script` in a pipeline) would send ora into
  // an endless loop of line clears: it divides the spinner's width by the columns. No spinner there.
  return Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && format !== 'json' && !process.env.CI;
}

/** A spinner on stderr (ora, loaded lazily) or a silent stand-in. */
export async function startProgress(text: string, format?: string): Promise<Progress> {
  if (!spinnerAllowed(format)) return silent;
  const { default: ora } = await import('ora');
  // discardStdin off: ora's stdin discarder sets the terminal to raw mode (so
  // Ctrl-C is no longer SIGINT) and then never reads stdin: Ctrl-C was lost.
  const spinner = ora({ text, stream: process.stderr, discardStdin: false }).start();
  return {
    update: (t) => {
      spinner.text = termSafe(typeof t === 'function' ? t() : t);
    },
    note: (line) => {
      const spinning = spinner.isSpinning;
      if (spinning) spinner.clear();
      note(line);
      if (spinning) spinner.render();
    },
    succeed: (t) => void spinner.succeed(t),
    fail: (t) => void spinner.fail(t),
    stop: () => void spinner.stop(),
  };
}

/** Width tables and prose fit: $COLUMNS, else the terminal's, else 100 (see resolveWidth). */
export function terminalWidth(): number {
  return resolveWidth(process.env.COLUMNS, process.stdout.isTTY ? process.stdout.columns : undefined);
}
