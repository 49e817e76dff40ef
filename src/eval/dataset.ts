/**
 * Golden dataset reader: JSONL, one item per line, in tokor's own format or
 * in the Amazon Bedrock model-evaluation prompt-dataset format or as OpenAI
 * Evals samples. The format is documented in docs/datasets.md.
 */
import { basename, dirname, extname } from 'node:path';
import { at, InputError } from '../errors.js';
import type { SourceLocation } from '../types.js';
import { checkGraderSpec } from './graders/index.js';
import type { CaseInput, ChatMessage, GoldenCase, GraderSpec } from './types.js';

const DATASET_FORMATS = ['tokor', 'bedrock', 'openai-evals'] as const;
type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** The optional first line of a dataset file: settings for every item. */
export interface DatasetHeader {
  /** Overrides the id taken from the folder or file name. */
  datasetId?: string;
  /** Declares the format; otherwise detected from the first item. */
  format?: DatasetFormat;
  /** Wraps every item's prompt: `{{input}}` is the prompt, `{{name}}` an item's vars.name. */
  template?: string;
  /** System prompt for items that have none. */
  system?: string;
  /** Graders for items that declare none. */
  graders?: GraderSpec[];
  description?: string;
}

const HEADER_KEYS = ['datasetId', 'format', 'template', 'system', 'graders', 'description'] as const;
const ITEM_KEYS = ['id', 'prompt', 'messages', 'input'];

export interface ParseOptions {
  /** The file's format; ids are optional in the bedrock and openai-evals formats (default: line-<n>). */
  format?: DatasetFormat;
  header?: DatasetHeader;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which format an item line is in, from its keys. */
function detectDatasetFormat(o: Obj): DatasetFormat {
  if ('referenceResponse' in o || 'modelResponses' in o) return 'bedrock';
  if (('input' in o || 'ideal' in o) && !('prompt' in o) && !('messages' in o)) return 'openai-evals';
  return 'tokor';
}

function isHeader(o: Obj): boolean {
  return !ITEM_KEYS.some((k) => k in o) && HEADER_KEYS.some((k) => k in o);
}

/** Text of a message content: a string, or Bedrock/OpenAI-style content parts with `text`. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.map((p) => (typeof p === 'string' ? p : isObject(p) && typeof p.text === 'string' ? p.text : undefined));
    if (texts.every((t) => t !== undefined)) return texts.join('');
  }
  return undefined;
}

/** Reads a chat message list; a leading system message becomes the system prompt. */
function parseMessages(raw: unknown, where: string): { system?: string; messages: ChatMessage[] } {
  if (!Array.isArray(raw) || raw.length === 0) throw new InputError('"messages" must be a non-empty list of {role, content}', where);
  let system: string | undefined;
  const messages: ChatMessage[] = [];
  raw.forEach((m, i) => {
    if (!isObject(m)) throw new InputError(`messages[${i}] must be an object {role, content}`, where);
    const content = contentText(m.content);
    if (content === undefined) throw new InputError(`messages[${i}].content must be text`, where);
    if (m.role === 'system') {
      if (messages.length > 0) throw new InputError(`messages[${i}]: a system message must come first`, where);
      system = system === undefined ? content : `${system}\n\n${content}`;
    } else if (m.role === 'user' || m.role === 'assistant') {
      messages.push({ role: m.role, content });
    } else {
      const got = m.role === undefined ? 'it has none' : `got ${JSON.stringify(m.role)}`;
      throw new InputError(`messages[${i}].role must be "user", "assistant" or "system", ${got}`, where);
    }
  });
  if (messages.length === 0) throw new InputError('"messages" has no user message', where);
  if (messages[messages.length - 1]?.role !== 'user') throw new InputError('the last message must be from the user', where);
  return system === undefined ? { messages } : { system, messages };
}

/** Fills a template: {{input}} and {{id}}/{{task}}/{{category}}, else the item's vars. */
function applyTemplate(template: string, text: string, o: Obj, id: string, where: string): string {
  const vars = isObject(o.vars) ? o.vars : {};
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_m, rawKey: string) => {
    const key = rawKey.startsWith('vars.') ? rawKey.slice(5) : rawKey;
    if (key === 'input') return text;
    if (key in vars) {
      const v = vars[key];
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
    if (key === 'id') return id;
    if ((key === 'task' || key === 'category') && typeof o[key] === 'string') return o[key];
    throw new InputError(`the template uses {{${rawKey}}} but the item has no vars.${key}`, where);
  });
}

function templated(input: CaseInput, o: Obj, id: string, header: DatasetHeader | undefined, where: string): CaseInput {
  const template = header?.template;
  const withSystem = input.system === undefined && header?.system !== undefined ? { ...input, system: header.system } : input;
  if (template === undefined) return withSystem;
  const messages = [...withSystem.messages];
  const lastIdx = messages.length - 1;
  const last = messages[lastIdx];
  if (!last) return withSystem;
  messages[lastIdx] = { role: last.role, content: applyTemplate(template, last.content, o, id, where) };
  return { ...withSystem, messages };
}

function stringOrUndefined(o: Obj, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InputError(`"${key}" must be a string`, where);
  return v;
}

function parseGraders(raw: unknown, where: string): GraderSpec[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((g, i) => {
    if (typeof g === 'string' && g !== '') return { type: g };
    if (!isObject(g) || typeof g.type !== 'string' || g.type === '') {
      throw new InputError(`graders[${i}] must be a grader type or an object with a "type"`, where);
    }
    return g as GraderSpec;
  });
}

/** The key path of the first number JSON.parse could not hold (1e309 becomes Infinity), if any. */
function nonFiniteAt(v: unknown, path: string): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path || '(top level)';
  if (v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const found = nonFiniteAt(x, Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Turns one parsed JSONL line into a GoldenCase; throws InputError with file:line. */
export function parseDatasetLine(obj: unknown, loc: SourceLocation, opts: ParseOptions = {}): GoldenCase {
  const where = at(loc.file, loc.line);
  if (!isObject(obj)) throw new InputError('each line must be a JSON object', where);
  const overflow = nonFiniteAt(obj, '');
  if (overflow !== undefined) throw new InputError(`${overflow}: a number outside the double range (±1.8e308)`, where);
  const format = detectDatasetFormat(obj);
  // Bedrock and OpenAI Evals files carry no ids and may hold prompt-only lines (judge datasets).
  const idOptional = format !== 'tokor' || (opts.format !== undefined && opts.format !== 'tokor');

  let id: string;
  if (typeof obj.id === 'string' && obj.id.trim() !== '') id = obj.id;
  else if (typeof obj.id === 'number' && Number.isFinite(obj.id)) id = String(obj.id);
  else if (obj.id === undefined && idOptional) id = `line-${loc.line}`;
  else if (obj.id === undefined) throw new InputError('missing "id" (every item needs a unique id; Bedrock and OpenAI Evals files may omit it)', where);
  else throw new InputError('"id" must be a non-empty string or a number', where);

  let input: CaseInput;
  let expected: unknown = obj.expected;
  let reference = stringOrUndefined(obj, 'reference', where);
  if (format === 'openai-evals') {
    if (typeof obj.input === 'string') input = { messages: [{ role: 'user', content: obj.input }] };
    else if (Array.isArray(obj.input)) input = parseMessages(obj.input, where);
    else throw new InputError('missing input: "input" must be a prompt string or a list of chat messages', where);
    if (obj.ideal !== undefined && expected === undefined) {
      const ideal = obj.ideal;
      if (typeof ideal !== 'string' && !(Array.isArray(ideal) && ideal.length > 0 && ideal.every((x) => typeof x === 'string'))) {
        throw new InputError('"ideal" must be a string or a list of strings', where);
      }
      expected = ideal;
      reference ??= Array.isArray(ideal) ? ideal[0] : ideal;
    }
  } else {
    const system = stringOrUndefined(obj, 'system', where);
    if (typeof obj.prompt === 'string' && obj.prompt !== '') {
      if (obj.messages !== undefined) throw new InputError('give either "prompt" or "messages", not both', where);
      input = { messages: [{ role: 'user', content: obj.prompt }] };
    } else if (obj.messages !== undefined) {
      const parsed = parseMessages(obj.messages, where);
      if (parsed.system !== undefined && system !== undefined) throw new InputError('give the system prompt once: "system" or a system message', where);
      input = parsed;
    } else if (obj.prompt !== undefined) {
      throw new InputError('"prompt" must be a non-empty string', where);
    } else {
      throw new InputError('missing input: give "prompt" (a string) or "messages" (a chat)', where);
    }
    if (system !== undefined) input = { ...input, system };
    if (format === 'bedrock' && obj.referenceResponse !== undefined) {
      if (typeof obj.referenceResponse !== 'string') throw new InputError('"referenceResponse" must be a string', where);
      if (expected === undefined) expected = obj.referenceResponse;
      reference ??= obj.referenceResponse;
    }
  }

  const graders = parseGraders(obj.graders, where) ?? opts.header?.graders;
  const tags = obj.tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
    throw new InputError('"tags" must be a list of strings', where);
  }
  if (!idOptional && expected === undefined && (graders === undefined || graders.length === 0) && reference === undefined) {
    throw new InputError('nothing to grade against: give "expected" and/or "graders"', where);
  }

  const c: GoldenCase = { id, input: templated(input, obj, id, opts.header, where) };
  if (expected !== undefined) c.expected = expected;
  if (graders && graders.length > 0) c.graders = graders;
  const task = stringOrUndefined(obj, 'task', where);
  const category = stringOrUndefined(obj, 'category', where);
  if (task !== undefined) c.task = task;
  if (category !== undefined) c.category = category;
  if (tags !== undefined) c.tags = tags as string[];
  if (reference !== undefined) c.reference = reference;

  for (const g of c.graders ?? []) {
    const problem = checkGraderSpec(g, c, where);
    if (problem) throw new InputError(`grader ${problem}`, where);
  }
  return c;
}

function parseHeader(o: Obj, where: string): DatasetHeader {
  const unknown = Object.keys(o).filter((k) => !(HEADER_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new InputError(`unknown header key "${unknown[0]}" (header keys: ${HEADER_KEYS.join(', ')})`, where);
  const h: DatasetHeader = {};
  for (const k of ['datasetId', 'template', 'system', 'description'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim() === '') throw new InputError(`header "${k}" must be a non-empty string`, where);
    h[k] = v;
  }
  if (o.format !== undefined) {
    if (!(DATASET_FORMATS as readonly unknown[]).includes(o.format)) throw new InputError(`header "format" must be one of ${DATASET_FORMATS.join(', ')}`, where);
    h.format = o.format as DatasetFormat;
  }
  if (o.graders !== undefined) h.graders = parseGraders(o.graders, where);
  return h;
}

/** Dataset id: header datasetId, else the folder of a `<id>/dataset.jsonl`, else the file name without extension. */
export function datasetIdOf(file: string, header?: DatasetHeader): string {
  if (header?.datasetId) return header.datasetId;
  const name = basename(file);
  if (/^dataset\.(jsonl|ndjson|json)$/i.test(name)) {
    const folder = basename(dirname(file));
    if (folder && folder !== '.' && folder !== '/') return folder;
  }
  return basename(name, extname(name));
}

/** Parses a whole JSONL text (what loadDataset does after reading the file). */
export function parseDataset(text: string, file: string): { header?: DatasetHeader; cases: GoldenCase[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const cases: GoldenCase[] = [];
  const firstLine = new Map<string, number>();
  let header: DatasetHeader | undefined;
  let format: DatasetFormat | undefined;
  let seenContent = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const where = at(file, line);
    const trimmed = raw.trim();
    if (trimmed === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (e) {
      throw new InputError(`malformed JSON: ${(e as Error).message}`, where);
    }
    if (!seenContent) {
      seenContent = true;
      if (isObject(obj) && isHeader(obj)) {
        header = parseHeader(obj, where);
        format = header.format;
        return;
      }
    }
    if (format === undefined && isObject(obj)) format = detectDatasetFormat(obj);
    const opts: ParseOptions = format === undefined ? {} : { format };
    if (header) opts.header = header;
    const c = parseDatasetLine(obj, { file, line }, opts);
    const prev = firstLine.get(c.id);
    if (prev !== undefined) throw new InputError(`duplicate id "${c.id}" (first at line ${prev})`, where);
    firstLine.set(c.id, line);
    cases.push(c);
  });
  if (cases.length === 0) throw new InputError('the dataset has no items', file);
  return header ? { header, cases } : { cases };
}
