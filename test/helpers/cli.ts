/**
 * The one way tests run the CLI as users do: the built bin/tokor.js (kept fresh by
 * test/setup/build.ts) in a child process, capturing stdout, stderr and the exit code.
 * Terminal runs (a real pty, Ctrl-C) go through test/helpers/pty.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'tokor.js');

export interface CliResult {
  code: number | null;
  /** The signal that ended the CLI (code null), for a test's failure message. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory (default: the repository). */
  cwd?: string;
  /** Merged over the base environment; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  /**
   * Start from a clean environment instead of the test's: PATH only, HOME = cwd, and
   * no AWS or OpenAI settings from the developer's shell (no config or credential files,
   * no instance metadata).
   */
  clean?: boolean;
  /** Run through a wrapper command: [cmd, ...args] before `node bin/tokor.js`. */
  prefix?: string[];
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its output is read. */
  done: Promise<CliResult>;
}

function environment(opts: CliOptions): NodeJS.ProcessEnv {
  const cwd = opts.cwd ?? ROOT;
  const base: NodeJS.ProcessEnv = opts.clean
    ? {
        PATH: process.env.PATH ?? '',
        HOME: cwd,
        AWS_CONFIG_FILE: path.join(cwd, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(cwd, 'no-aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      }
    : { ...process.env };
  const env: NodeJS.ProcessEnv = { ...base, NO_COLOR: '1', CI: '1' };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts the CLI and returns at once: for tests that act while it runs (signals, servers that hold a request). */
export function startCli(args: string[], opts: CliOptions = {}): CliRun {
  const [cmd, ...pre] = opts.prefix ?? [];
  const argv = [process.execPath, BIN, ...args];
  const child = cmd ? spawn(cmd, [...pre, ...argv], spawnOpts(opts)) : spawn(argv[0]!, argv.slice(1), spawnOpts(opts));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  child.stdin!.end(opts.input ?? '');
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

function spawnOpts(opts: CliOptions) {
  return { cwd: opts.cwd ?? ROOT, env: environment(opts), stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'] };
}

/** Runs the CLI to the end. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}
