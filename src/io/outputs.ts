/**
 * Writing what a command produces: every output path is checked before the
 * work starts (so an unwritable --out fails at once with exit 2, not after an
 * hour of work), reports are written to a temporary file beside the target
 * and renamed over it (a full disk or a kill never leaves half a file in
 * place of a good one), and files that a run appends to for a long time
 * (eval results, labels) are locked so two runs do not both pay for every item.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { access, constants, open, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UsageError } from '../errors.js';
import { fsCode, fsFailure } from './fsErrors.js';

/** An output a command will write: its path and the flag that named it (for messages). */
export interface OutputPath {
  file: string | undefined;
  flag: string;
  /** The path as the user wrote it, for messages (default: file). */
  display?: string | undefined;
}

/**
 * Checks that every output can be written, before any work: the directory
 * exists and takes a new file (probed by creating and removing one), the
 * target is not a directory and, if it exists, is writable. Two flags naming
 * one file are a usage error. `-` (stdout) and undefined are skipped.
 */
export async function checkOutputs(outputs: readonly OutputPath[]): Promise<void> {
  const seen = new Map<string, string>();
  for (const { file, flag, display } of outputs) {
    if (file === undefined || file === '-') continue;
    const abs = path.resolve(file);
    const shown = display ?? file;
    const other = seen.get(abs);
    if (other) throw new UsageError(`${other} and ${flag} both name ${shown}: give each its own file`);
    seen.set(abs, flag);
    await checkOutput(file, shown);
  }
}

async function checkOutput(file: string, shown: string): Promise<void> {
  const s = await stat(file).catch((e: unknown) => (fsCode(e) === 'ENOENT' ? undefined : Promise.reject(fsFailure(e, shown, 'write'))));
  if (s?.isDirectory()) throw fsFailure(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), shown, 'write');
  if (s) await access(file, constants.W_OK).catch((e: unknown) => Promise.reject(fsFailure(e, shown, 'write')));
  // The temporary file goes beside the target: probe that a new file can be made there.
  const probe = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.probe`);
  let handle;
  try {
    handle = await open(probe, 'wx');
  } catch (e) {
    if (fsCode(e) !== 'EEXIST') throw fsFailure(e, shown, 'write');
  }
  await handle?.close();
  await unlink(probe).catch(() => undefined);
}

/** Writes `text` to `file` through a temporary file beside it and a rename; one-line errors. */
export async function writeOutput(file: string, text: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(file, typeof text === 'string' ? text : Buffer.from(text));
  } catch (e) {
    throw fsFailure(e, file, 'write');
  }
}

/** A held lock on an output file; release() is idempotent and also runs at process exit. */
export interface OutputLock {
  readonly file: string;
  release(): void;
}

/**
 * Takes `<file>.lock` (created exclusively, holding pid and host) so a second
 * run on the same output refuses instead of paying for every item again. A
 * lock left by a run that died on this host (its pid is gone) is taken over.
 * A lock from another host cannot be checked: the message says how to clear it.
 */
export function lockOutput(file: string, flag: string, display = file): OutputLock {
  const lockFile = `${file}.lock`;
  const host = hostname();
  // The lock appears whole or not at all: written to a file of our own, then hard-linked into place.
  const own = `${lockFile}.${process.pid}`;
  try {
    writeFileSync(own, `${JSON.stringify({ pid: process.pid, host, started: new Date().toISOString() })}\n`);
  } catch (e) {
    throw fsFailure(e, own, 'write', 'the lock file');
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(own, lockFile);
        break;
      } catch (e) {
        if (fsCode(e) !== 'EEXIST' || attempt > 0) throw fsFailure(e, lockFile, 'write', 'the lock file');
      }
      const holder = readHolder(lockFile);
      if (holder && (holder.host !== host || isAlive(holder.pid))) {
        const who = holder.host === host ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
        throw new UsageError(`${display} is being written by another tokor run (${who}): wait for it to finish, give ${flag} another file, or delete ${display}.lock if no run is active`);
      }
      // Left by a run that is gone (killed), or unreadable: take it over.
      try {
        unlinkSync(lockFile);
      } catch (err) {
        if (fsCode(err) !== 'ENOENT') throw fsFailure(err, lockFile, 'write', 'the stale lock file');
      }
    }
  } finally {
    try {
      unlinkSync(own);
    } catch {
      /* gone */
    }
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      unlinkSync(lockFile);
    } catch {
      /* already gone */
    }
  };
  // A forced exit (second Ctrl-C) still removes the lock.
  process.on('exit', release);
  return { file: lockFile, release };
}

function readHolder(lockFile: string): { pid: number; host: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof v.pid === 'number' && typeof v.host === 'string' ? { pid: v.pid, host: v.host } : undefined;
  } catch {
    // Unreadable (locks appear whole, so not one being written): treated as stale.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return fsCode(e) === 'EPERM';
  }
}
