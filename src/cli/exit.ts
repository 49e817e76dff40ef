/**
 * What a command run came to → its exit code. Pure and exhaustive: the one
 * table of exit codes (README "Exit codes"); commands never write literals.
 */
import { EXIT, type ExitCode } from '../errors.js';

export type Outcome =
  /** Done; every check that was asked for passed. */
  | 'ok'
  /** A quality bar, gate or policy check failed (the report says which). */
  | 'bar-failed'
  /** The input could not be used (a config with problems, logs with nothing priced). */
  | 'unusable-input'
  /** A provider or the runtime failed for some items. */
  | 'provider-failed'
  /** Stopped by Ctrl-C; what was done is kept. */
  | 'interrupted';

const CODES = {
  ok: EXIT.ok,
  'bar-failed': EXIT.qualityFailed,
  'unusable-input': EXIT.input,
  'provider-failed': EXIT.runtime,
  interrupted: EXIT.interrupted,
} as const satisfies Record<Outcome, ExitCode>;

/** How a command's action reports its outcome to main(). */
export type Done = (outcome: Outcome) => void;

export function getExitCode(outcome: Outcome): ExitCode {
  return CODES[outcome];
}
