/**
 * Reads tokor.config.yaml (or .json): defaults < file < flags. Errors name the
 * file, line and column, and the key path.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { InputError } from '../errors.js';
import { validateConfig, type TokorConfig } from './schema.js';

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
  if (!file) return { config: validateConfig({}).config!, baseDir: cwd };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  return { config: parseConfigText(text, file), file, baseDir: path.dirname(path.resolve(file)) };
}

/** Parses and validates config text; `file` is only used in messages. */
export function parseConfigText(text: string, file: string): TokorConfig {
  const { doc, lineCounter } = parseYaml(text, file);
  const { config, issues } = validateConfig(doc.toJS());
  if (config) return config;
  const first = issues[0]!;
  const where = locate(doc, lineCounter, first.path, file);
  const keyPath = first.path.length ? first.path.join('.') : '(top level)';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new InputError(`${keyPath}: ${first.message}${more}`, where);
}

/** Parses YAML (JSON is YAML) with line/column errors. */
export function parseYaml(text: string, file: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new InputError(`invalid YAML: ${err.message.split('\n')[0]}`, where);
  }
  return { doc, lineCounter };
}

/** The file:line:col of a key path in the document, as near as it exists. */
export function locate(doc: Document, lc: LineCounter, keyPath: (string | number)[], file: string): string {
  let node: unknown = doc.contents;
  let best: Node | undefined = node as Node | undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      best = (pair.key as Node) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      best = (node as Node) ?? best;
    } else break;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return file;
  const { line, col } = lc.linePos(offset);
  return `${file}:${line}:${col}`;
}
