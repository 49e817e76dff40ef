/**
 * Runs the built CLI in a real pseudo-terminal, as a person at a terminal
 * would: `script` (util-linux, in Debian's essential bsdutils) allocates the
 * pty; what the test writes to script's stdin is typed at the terminal, so
 * "\x03" is a real Ctrl-C that the terminal's line discipline turns into
 * SIGINT for the foreground process. CI is removed from the environment so
 * the spinner shows, as it does for a person.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './cli.js';

export interface PtyRun {
  /** Types at the terminal. */
  type(text: string): void;
  /** Everything the terminal showed so far, escape sequences removed. */
  screen(): string;
  exit: Promise<number | null>;
  kill(): void;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function requireScript(): void {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('the pseudo-terminal tests need `script` (util-linux, Debian package bsdutils)');
}

export function runInPty(args: string[], opts: { cwd: string; env?: Record<string, string>; size?: 'sized' | 'unsized' }): PtyRun {
  // A pty starts at 0×0, as `script` in a pipeline leaves it; a person's terminal has a size.
  const stty = opts.size === 'unsized' ? '' : 'stty cols 120 rows 40 2>/dev/null; ';
  const command = `${stty}exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI' && !k.startsWith('VITEST')) env[k] = v;
  Object.assign(env, { TERM: 'xterm', NO_COLOR: '1', SHELL: '/bin/sh', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, opts.env ?? {});
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    type: (text) => void child.stdin.write(text),
    // eslint-disable-next-line no-control-regex
    screen: () => out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n'),
    exit,
    kill: () => void child.kill('SIGKILL'),
  };
}
