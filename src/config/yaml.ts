/** YAML (and JSON, which is YAML) text → document, with file:line:col for errors and key paths. Pure. */
import { createRequire } from 'node:module';
import type { Alias, Document, LineCounter, Node } from 'yaml';
import { InputError } from '../errors.js';

/**
 * The yaml package, loaded when a YAML or JSON file (a config, a user catalog) is first parsed: loading it took
 * about 45 ms, which every command paid at start for the price catalog's module even with no such file.
 */
let loaded: typeof import('yaml') | undefined;
const yaml = () => (loaded ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** Parses YAML (JSON is YAML) with line/column errors. */
export function parseYaml(text: string, file: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter, parseDocument, visit } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? (err.pos ? lineCounter.linePos(err.pos[0]) : undefined);
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new InputError(`invalid YAML: ${err.message.split('\n')[0]}`, where);
  }
  // An alias without its anchor (*name before &name, or none) parses, but fails when the document becomes values.
  let unresolved: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      unresolved = node;
      return visit.BREAK;
    },
  });
  if (unresolved) {
    const offset = unresolved.range?.[0];
    const pos = offset !== undefined ? lineCounter.linePos(offset) : undefined;
    throw new InputError(`invalid YAML: the alias *${unresolved.source} has no anchor &${unresolved.source} before it`, pos ? `${file}:${pos.line}:${pos.col}` : file);
  }
  try {
    doc.toJS();
  } catch (e) {
    // Aliases past the expansion limit (a "billion laughs" document).
    throw new InputError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, file);
  }
  return { doc, lineCounter };
}

/** The file:line:col of a key path in the document, as near as it exists. */
export function locate(doc: Document, lc: LineCounter, keyPath: (string | number)[], file: string): string {
  const { isMap, isSeq } = yaml();
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
