/** YAML (and JSON, which is YAML) text → document, with file:line:col for errors and key paths. Pure. */
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { InputError } from '../errors.js';

/** Parses YAML (JSON is YAML) with line/column errors. */
export function parseYaml(text: string, file: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? (err.pos ? lineCounter.linePos(err.pos[0]) : undefined);
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
