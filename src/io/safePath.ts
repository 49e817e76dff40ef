/**
 * Paths built from data (dataset IDs, tier names, model IDs) under a directory
 * the user named: each name becomes one path segment that cannot climb out
 * (`..`, `/`, `\`, NUL, control characters are percent-encoded), and the
 * joined path is checked to stay inside the directory.
 */
import path from 'node:path';
import { InputError } from '../errors.js';

/**
 * One file-name-safe segment for a name from data: letters, digits, `.`, `_`,
 * `-` stay as they are (so ordinary IDs keep their names), every other byte —
 * and a leading dot — is %XX; "", "." and ".." are encoded whole. Distinct
 * names stay distinct.
 */
export function pathSegment(name: string): string {
  if (name === '' || name === '.' || name === '..') return [...Buffer.from(name || '\0')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  let out = '';
  for (const b of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(b);
    // A leading dot is encoded too: data never makes a hidden file (or "..").
    out += /[A-Za-z0-9_-]/.test(c) || (c === '.' && out !== '') ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `dir` joined with segments made safe by pathSegment; throws if the result would leave `dir`. */
export function pathWithin(dir: string, ...names: string[]): string {
  const root = path.resolve(dir);
  const full = path.join(root, ...names.map(pathSegment));
  const rel = path.relative(root, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) throw new InputError(`refusing to write outside ${dir}: ${names.join('/')}`, dir);
  return full;
}
