/**
 * Ctrl-C for long commands (eval, label, analyze), one state machine for all:
 * - the first Ctrl-C aborts `signal`: the command stops scheduling new work,
 *   lets what is in flight finish, keeps every result it wrote, prints how to
 *   continue (`--resume …`) and exits 130;
 * - a second Ctrl-C exits at once with 130 (results already written stay
 *   whole: every line is written in one call), after printing the same hint.
 *
 * Ctrl-C must reach us as SIGINT: the spinner is started with ora's
 * `discardStdin: false`, because ora's stdin discarder puts the terminal in
 * raw mode (so ^C is no longer a signal) and then never reads stdin, which
 * swallowed every Ctrl-C while a spinner was shown.
 */
import { EXIT } from '../errors.js';

export interface InterruptOptions {
  /** What the first Ctrl-C prints (after "tokor: "). */
  stopping: string;
  /** How to continue, printed when the run ends interrupted or on the forced exit (e.g. "tokor eval … --resume"). */
  resumeHint?: () => string | undefined;
  /** Writes a line to the user (the spinner's note, so it is not drawn over). */
  say: (line: string) => void;
  /** Ends the process; tests of the state machine pass their own. */
  exit?: (code: number) => void;
  /** The process to listen on (tests pass an EventEmitter). */
  on?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export interface Interrupt {
  /** Aborted by the first Ctrl-C: stop starting new work. */
  readonly signal: AbortSignal;
  readonly interrupted: boolean;
  /** The closing lines for an interrupted run: what was kept and how to continue. */
  closing(): string[];
  dispose(): void;
}

/** Listens for SIGINT until dispose(). */
export function trapInterrupt(o: InterruptOptions): Interrupt {
  const stop = new AbortController();
  const target = o.on ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const hint = (): string[] => {
    const h = o.resumeHint?.();
    return h ? [`tokor: to continue: ${h}`] : [];
  };
  const onSigint = (): void => {
    if (stop.signal.aborted) {
      for (const line of hint()) o.say(line);
      o.say('tokor: interrupted again: exiting now');
      exit(EXIT.interrupted);
      return;
    }
    o.say(`tokor: ${o.stopping} (Ctrl-C again to quit at once)`);
    stop.abort(new DOMException('interrupted by the user', 'AbortError'));
  };
  target.on('SIGINT', onSigint);
  return {
    signal: stop.signal,
    get interrupted() {
      return stop.signal.aborted;
    },
    closing: () => (stop.signal.aborted ? hint() : []),
    dispose: () => void target.off('SIGINT', onSigint),
  };
}

/** What the first Ctrl-C says in commands that send requests (eval, label). */
export const STOP_REQUESTS = 'stopping: no new requests; answers in flight are kept';

export interface Interrupted<T> {
  value: T;
  /** The first Ctrl-C came during the run. */
  interrupted: boolean;
  /** Lines to print after the report: how to continue an interrupted run. */
  closing: string[];
}

/**
 * Runs `work` with Ctrl-C trapped (see trapInterrupt): `work` gets the signal
 * the first Ctrl-C aborts, and the trap is removed when it settles. The one
 * way eval and label (and any long command) handle Ctrl-C.
 */
export async function runInterruptible<T>(o: InterruptOptions, work: (signal: AbortSignal) => Promise<T>): Promise<Interrupted<T>> {
  const trap = trapInterrupt(o);
  try {
    const value = await work(trap.signal);
    return { value, interrupted: trap.interrupted, closing: trap.closing() };
  } finally {
    trap.dispose();
  }
}

/**
 * The command line that continues an interrupted run: `argv` (the user's
 * arguments after the command name) with `--resume` added once, quoted for a
 * POSIX shell where needed.
 */
export function resumeCommand(command: string, argv: readonly string[], drop: readonly string[] = []): string {
  const args = argv.filter((a) => !drop.includes(a));
  if (!args.includes('--resume')) args.push('--resume');
  return shellCommand(command, args);
}

/** `tokor <command> <args…>` quoted for a POSIX shell where needed. */
export function shellCommand(command: string, args: readonly string[]): string {
  return ['tokor', command, ...args].map(shellQuote).join(' ');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The arguments the user gave after the command's name (`tokor --debug eval a b` → [a, b]). */
export function commandArgs(command: string, argv: readonly string[] = process.argv): string[] {
  const i = argv.indexOf(command, 2);
  return i < 0 ? [] : argv.slice(i + 1);
}
