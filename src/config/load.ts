/**
 * Reads tokor.config.yaml (or .json): defaults < file < flags. Errors name the
 * file, line and column, and the key path.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { locate, parseYaml } from './yaml.js';
import { InputError, quoteExcerpt, shortenQuotes } from '../errors.js';
import { fsFailure } from '../io/fsErrors.js';
import { PROVIDERS } from '../providers/index.js';
import { validateConfig, type ConfigVocabulary, type TokorConfig } from './schema.js';

export const CONFIG_FILE_NAMES = ['tokor.config.yaml', 'tokor.config.yml', 'tokor.config.json'];

export interface LoadedConfig {
  config: TokorConfig;
  /** The file it came from, or undefined for defaults. */
  file?: string;
  /** Directory relative paths in the config resolve against. */
  baseDir: string;
}

/** Finds the config: an explicit path, else tokor.config.yaml in cwd, else defaults. */
export async function loadConfig(explicit?: string, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = explicit ?? CONFIG_FILE_NAMES.map((n) => path.join(cwd, n)).find((p) => existsSync(p));
  if (!file) return { config: validateConfig({}, await vocabularyFor({})).config!, baseDir: cwd };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new InputError('config file not found', file) : fsFailure(e, file, 'read', 'config');
  }
  return { config: await parseConfigText(text, file), file, baseDir: path.dirname(path.resolve(file)) };
}

/** One problem in a config file, located. */
export interface ConfigProblem {
  /** "file:line:col" (or "file" when the key is absent). */
  where: string;
  /** "scopes[0].floor", or "(top level)". */
  keyPath: string;
  message: string;
}

/** Parses and validates config text; `file` is only used in messages. Throws the first problem. */
export async function parseConfigText(text: string, file: string): Promise<TokorConfig> {
  const { config, problems } = await checkConfigText(text, file);
  if (config) return config;
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new InputError(`${first.keyPath}: ${first.message}${more}`, first.where);
}

/**
 * Validates config text and returns every problem (for `tokor config check`).
 * Malformed YAML still throws an InputError with line and column.
 */
export async function checkConfigText(text: string, file: string): Promise<{ config?: TokorConfig; problems: ConfigProblem[] }> {
  const { doc, lineCounter } = parseYaml(text, file);
  const raw: unknown = doc.toJS();
  const { config, issues } = validateConfig(raw, await vocabularyFor(raw));
  if (config) return { config, problems: [] };
  const problems = issues.map((issue) => {
    const got = valueAt(doc, issue.path);
    const text = typeof got === 'string' ? quoteExcerpt(got) : typeof got === 'number' && !Number.isFinite(got) ? sourceAt(doc, issue.path, got) : JSON.stringify(got);
    const mismatch = got === undefined || issue.path.length === 0 ? undefined : typeMismatch(issue.message, got);
    const shown = mismatch || got === undefined || typeof got === 'object' || issue.message.startsWith('unknown key') || issue.message.includes(JSON.stringify(got)) ? '' : ` (got ${text})`;
    const message =
      issue.path.length === 0 && /expected object/.test(issue.message)
        ? 'expected a mapping of config keys (key: value)'
        : got === undefined && issue.message.startsWith('Invalid input: expected')
          ? `missing (${issue.message})`
          : mismatch !== undefined
            ? `${mismatch}${typeof got === 'object' ? '' : ` (${text})`}`
            : issue.message;
    // A key or value of the file quoted in a message is cut short: one line per problem.
    return { where: locate(doc, lineCounter, issue.path, file), keyPath: formatKeyPath(issue.path), message: shortenQuotes(`${message}${shown}`) };
  });
  return { problems };
}

/** What the YAML calls each kind of value zod names. */
const YAML_KINDS: Readonly<Record<string, string>> = { array: 'a list', object: 'a mapping', record: 'a mapping', string: 'a string', number: 'a number', boolean: 'true or false', null: 'an empty value' };

/**
 * zod's "Invalid input: expected array, received object" in the file's words:
 * "expected a list (one "- " line per entry), got a mapping"; undefined for any other message.
 */
function typeMismatch(message: string, got: unknown): string | undefined {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (!m) return undefined;
  const [, expected = '', received = ''] = m;
  const list = expected === 'array' ? ' (one "- " line per entry)' : '';
  const gotKind = got === null ? YAML_KINDS.null : (YAML_KINDS[received] ?? received);
  return `expected ${YAML_KINDS[expected] ?? expected}${list}, got ${gotKind}`;
}

/** ["scopes", 0, "floor"] → "scopes[0].floor". */
export function formatKeyPath(keyPath: (string | number)[]): string {
  if (!keyPath.length) return '(top level)';
  // A key is the file's text: a long one (a whole line of prose) is cut.
  const cut = (k: string) => (k.length > 60 ? `${k.slice(0, 60)}…` : k);
  return keyPath.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? cut(k) : `.${cut(k)}`)).join('');
}

/** A scalar as the file spells it (.inf, 1e309, .nan): JSON has no name for a number that is not finite. */
function sourceAt(doc: Document, keyPath: (string | number)[], v: number): string {
  try {
    const node = doc.getIn(keyPath, true) as { source?: unknown } | undefined;
    if (typeof node?.source === 'string' && node.source) return node.source;
  } catch {
    // falls through to the YAML name
  }
  return Number.isNaN(v) ? '.nan' : v < 0 ? '-.inf' : '.inf';
}

function valueAt(doc: Document, keyPath: (string | number)[]): unknown {
  try {
    const v = doc.getIn(keyPath);
    return v && typeof v === 'object' && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : v;
  } catch {
    return undefined;
  }
}

/**
 * The registries' names a config may use: the providers, and the routing
 * patterns with their facts. The patterns load only for a config that routes
 * (they bring the calibration code along).
 */
export async function vocabularyFor(raw: unknown): Promise<ConfigVocabulary> {
  const routes = typeof raw === 'object' && raw !== null && 'routing' in raw;
  const patterns = routes ? (await import('../calibrate/patterns/index.js')).PATTERN_FACTS : {};
  return { providers: PROVIDERS, patterns };
}
