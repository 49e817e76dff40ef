/**
 * --labels FILE: measured difficulty labels for a sample of requests, as CSV
 * (columns requestId|request_id|id and label|difficulty) or JSONL
 * ({"requestId": "...", "label": "easy"}), e.g. from `tokor label`.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { DIFFICULTIES, type Difficulty } from '../types.js';
import { InputError } from '../errors.js';

const ID_KEYS = ['requestId', 'request_id', 'id'];
const LABEL_KEYS = ['label', 'difficulty'];

export async function readLabelsFile(file: string): Promise<Map<string, Difficulty>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read labels: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  const labels = new Map<string, Difficulty>();
  const first = text.trimStart()[0];
  if (first === '{') {
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new InputError('not valid JSON', `${file}:${i + 1}`);
      }
      add(labels, pick(obj, ID_KEYS), pick(obj, LABEL_KEYS), `${file}:${i + 1}`);
    });
  } else {
    let rows: Record<string, string>[];
    try {
      rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    } catch (e) {
      throw new InputError(`not valid CSV: ${(e as Error).message}`, file);
    }
    const cols = Object.keys(rows[0] ?? {});
    if (!ID_KEYS.some((k) => cols.includes(k)) || !LABEL_KEYS.some((k) => cols.includes(k))) {
      throw new InputError(`needs a request ID column (${ID_KEYS.join('|')}) and a label column (${LABEL_KEYS.join('|')}); found ${cols.join(', ') || 'none'}`, file);
    }
    rows.forEach((row, i) => add(labels, pick(row, ID_KEYS), pick(row, LABEL_KEYS), `${file}:${i + 2}`));
  }
  if (labels.size === 0) throw new InputError('no labels found', file);
  return labels;
}

function pick(obj: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== '') return obj[k];
  return undefined;
}

function add(labels: Map<string, Difficulty>, id: unknown, label: unknown, where: string): void {
  if (typeof id !== 'string' && typeof id !== 'number') throw new InputError(`missing request ID (${ID_KEYS.join('|')})`, where);
  const l = String(label ?? '').toLowerCase();
  if (!(DIFFICULTIES as readonly string[]).includes(l)) throw new InputError(`label must be one of ${DIFFICULTIES.join(', ')}, got "${String(label)}"`, where);
  labels.set(String(id), l as Difficulty);
}
