/**
 * One wording for file-system failures, so every command says "no such file"
 * rather than "ENOENT", names the path, and says what to do — on one line.
 */
import { InputError, RuntimeFailure, TokorError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  ETXTBSY: 'file busy',
  EINVAL: 'invalid argument',
};

type Direction = 'read' | 'write';

const ADVICE: Record<Direction, Record<string, string>> = {
  read: {
    ENOENT: 'check the path',
    EACCES: 'check its permissions',
    EPERM: 'check its permissions',
    EISDIR: 'name a file, not a directory',
    ENOTDIR: 'check the path',
    ENAMETOOLONG: 'check the path',
    ELOOP: 'check the symbolic links on the path',
    EMFILE: 'close other programs or raise the open-file limit (ulimit -n)',
    ENFILE: 'close other programs or raise the open-file limit (ulimit -n)',
  },
  write: {
    ENOENT: 'create the directory first, or choose another path',
    EACCES: 'choose a path you can write to, or fix its permissions',
    EPERM: 'choose a path you can write to, or fix its permissions',
    EISDIR: 'name a file, not a directory',
    ENOTDIR: 'check the path',
    EROFS: 'choose a path on a writable disk',
    ENOSPC: 'free some space, or write elsewhere',
    EDQUOT: 'free some space, or write elsewhere',
    EFBIG: 'write elsewhere',
    ENAMETOOLONG: 'choose a shorter path',
    EMFILE: 'close other programs or raise the open-file limit (ulimit -n)',
    ENFILE: 'close other programs or raise the open-file limit (ulimit -n)',
  },
};

/** Codes that are about the environment at run time (a full disk), not the path the user gave: exit 3. */
const RUNTIME_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EMFILE', 'ENFILE', 'EBUSY']);

/** The error code of a Node fs error, if any. */
export function fsCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "no such file or directory" for ENOENT …; the error's own message (first line) when the code is unknown. */
export function fsReason(e: unknown): string {
  const code = fsCode(e);
  if (code && REASONS[code]) return REASONS[code];
  const message = (e as Error | undefined)?.message ?? String(e);
  // Node's messages are "CODE: text, syscall 'path'": keep the text.
  return message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/s, '').split('\n')[0]!.trim() || (code ?? 'unknown error');
}

/**
 * A one-line error for a failed read or write of `file`:
 * "file: cannot write (read-only file system); choose a path on a writable disk".
 * Exit 2 for problems with the path the user named, 3 for a full disk and the like.
 */
export function fsFailure(e: unknown, file: string, direction: Direction, what?: string): TokorError {
  if (e instanceof TokorError) return e;
  const code = fsCode(e);
  const advice = code ? ADVICE[direction][code] : undefined;
  const verb = direction === 'read' ? 'cannot read' : 'cannot write';
  const message = `${verb}${what ? ` ${what}` : ''} (${fsReason(e)})${advice ? `; ${advice}` : ''}`;
  if (code && RUNTIME_CODES.has(code)) return new RuntimeFailure(`${file}: ${message}`, { cause: e });
  return new InputError(message, file, { cause: e });
}
