/**
 * The CLI's only writer: reports to stdout (or --out), progress to stderr.
 * Spinners appear only on a terminal, never in --format json or in CI.
 */
import { writeFile } from 'node:fs/promises';
import { RuntimeFailure } from '../errors.js';

/** Writes a rendered report to `out` (a file) or stdout. */
export async function emit(text: string, out?: string): Promise<void> {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (out && out !== '-') {
    try {
      await writeFile(out, body);
    } catch (e) {
      throw new RuntimeFailure(`cannot write ${out}: ${(e as Error).message}`);
    }
    return;
  }
  await new Promise<void>((resolve, reject) => process.stdout.write(body, (err) => (err ? reject(err) : resolve())));
}

/** One line to stderr: warnings and notes that are not the report. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, succeed() {}, fail() {}, stop() {} };

/** Whether a spinner may be shown: stderr is a TTY, not JSON, not CI. */
export function spinnerAllowed(format?: string): boolean {
  return Boolean(process.stderr.isTTY) && format !== 'json' && !process.env.CI;
}

/** A spinner on stderr (ora, loaded lazily) or a silent stand-in. */
export async function startProgress(text: string, format?: string): Promise<Progress> {
  if (!spinnerAllowed(format)) return silent;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    succeed: (t) => void spinner.succeed(t),
    fail: (t) => void spinner.fail(t),
    stop: () => void spinner.stop(),
  };
}

/** Terminal width for tables, with a sane default when not a TTY. */
export function terminalWidth(): number {
  return process.stdout.columns && process.stdout.columns > 40 ? process.stdout.columns : 120;
}
