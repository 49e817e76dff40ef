/**
 * One small error taxonomy. `main.ts` catches everything: a TokorError prints
 * one line and exits with its code; anything else is a bug and keeps its stack.
 */

export const EXIT = {
  ok: 0,
  /** A quality bar or gate failed. */
  qualityFailed: 1,
  /** Usage, config or input error. */
  input: 2,
  /** Provider or runtime error. */
  runtime: 3,
  /** Stopped by the user (Ctrl-C). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class TokorError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flags or arguments. */
export class UsageError extends TokorError {
  constructor(message: string) {
    super(message, EXIT.input);
  }
}

/** Bad input data or config; `where` is "file:line" or "file" or a key path. */
export class InputError extends TokorError {
  readonly where: string | undefined;
  constructor(message: string, where?: string, options?: { cause?: unknown }) {
    super(where ? `${where}: ${message}` : message, EXIT.input, options);
    this.where = where;
  }
}

/** A provider, network or runtime failure that is not the user's input. */
export class RuntimeFailure extends TokorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.runtime, options);
  }
}

/** The user stopped the command (Ctrl-C) before it finished. */
export class Interrupted extends TokorError {
  constructor(message: string) {
    super(message, EXIT.interrupted);
  }
}

/** Formats "file:line". */
export function at(file: string, line?: number): string {
  return line === undefined ? file : `${file}:${line}`;
}

/**
 * A piece of the user's input quoted in a message: JSON-quoted (control
 * characters escaped), cut to `max` characters ending in "…" when longer, so
 * that one bad value in a large file never turns an error line into the file.
 */
export function quoteExcerpt(text: string, max = 60): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}

/**
 * `message` with every JSON-quoted string in it longer than `max` characters
 * cut by quoteExcerpt: for messages that quote input as JSON (csv-parse's
 * "value is …", a schema's "(got …)"), and for main.ts as a last guard.
 */
export function shortenQuotes(message: string, max = 60): string {
  return message.replace(/"(?:[^"\\\n]|\\.)*"/g, (quoted) => {
    if (quoted.length <= max + 2) return quoted;
    let text: string;
    try {
      text = JSON.parse(quoted) as string;
    } catch {
      return quoted;
    }
    return quoteExcerpt(text, max);
  });
}
