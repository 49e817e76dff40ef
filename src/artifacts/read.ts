/**
 * What every artifact reader shares: reading a file with one-line errors,
 * JSON with the line of a syntax error, and turning a schema's first issue
 * into one InputError: `file:line: key.path: what is wrong; what to do`.
 */
import { readFile } from 'node:fs/promises';
import { findNodeAtLocation, parse as parseLenient, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { InputError, at } from '../errors.js';
import { fsFailure } from '../io/fsErrors.js';
import { issueText, nonFiniteText } from '../issueText.js';

/** One artifact kind: its schema, the versions it reads and what to tell a user whose file does not fit. */
export interface ArtifactSpec<T> {
  /** "results line", "policy file", … for messages. */
  name: string;
  schema: z.ZodType<T>;
  /** The schemaVersion this tokor writes; newer ones are refused before anything else is checked. */
  version?: number;
  /** "what to do", appended to every message. */
  hint: string;
  /** The `kind` its documents carry, when they carry one: a document of another tokor kind is named as such. */
  kind?: readonly string[];
}

/**
 * The `kind` of every tokor JSON output → what it is, for a file given where
 * another artifact belongs (an analyze JSON to --policy): the message says what
 * the file is instead of judging it by the wrong schema.
 */
const TOKOR_KINDS: Readonly<Record<string, string>> = {
  'tokor-analyze': 'a tokor analyze JSON (`tokor analyze --format json`)',
  'tokor-policy': 'a tokor policy (`tokor calibrate --out`)',
  'tokor-router': 'a tokor router model (`tokor calibrate --out-router`)',
  'tokor-eval-summary': 'a tokor eval summary JSON (`tokor eval --format json`)',
  'tokor-costs': 'a tokor costs JSON (`tokor costs --format json`)',
  'tokor-drift': 'a tokor drift JSON (`tokor drift --format json`)',
  calibrate: 'a tokor calibrate JSON (`tokor calibrate --format json`)',
  apply: 'a tokor calibrate --apply JSON (`tokor calibrate --apply … --format json`)',
};

/** Where a value came from: a JSONL line (`line`), or a whole JSON file (`text`, to find the line of a key). */
export interface Origin {
  file: string;
  line?: number;
  text?: string;
}

/** Why a file cannot be read, in words ("no such file or directory", "permission denied"): the one wording, src/io/fsErrors.ts. */
export { fsReason } from '../io/fsErrors.js';

/** A file's bytes; otherwise one line: "file: cannot read the <what> (no such file or directory); check the path". */
async function readArtifactBytes(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw fsFailure(e, file, 'read', `the ${what}`);
  }
}

export async function readArtifactText(file: string, what: string): Promise<string> {
  return (await readArtifactBytes(file, what)).toString('utf8');
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Parses a whole JSON file. An empty file or a syntax error (NaN, a trailing
 * comma, a cut file) is an InputError at the line of the problem; `expected`
 * says what the file should be ("a `tokor calibrate --out` policy file").
 */
export function parseJsonFile(text: string, file: string, expected: string): unknown {
  if (text.trim() === '') throw new InputError(`empty file; expected ${expected}`, file);
  try {
    return JSON.parse(text);
  } catch {
    const { line, reason } = jsonSyntaxError(text);
    throw new InputError(`not valid JSON (${reason}); expected ${expected}`, at(file, line));
  }
}

/** Where and why JSON.parse failed, from a parser that reports offsets. */
export function jsonSyntaxError(text: string): { line?: number; reason: string } {
  const errors: ParseError[] = [];
  parseLenient(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return { reason: 'invalid JSON' };
  const token = text.slice(first.offset, first.offset + Math.min(first.length, 20));
  const what = READABLE_PARSE_ERRORS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error);
  return { line: lineAt(text, first.offset), reason: token ? `${what} at ${JSON.stringify(token)}` : what };
}

const READABLE_PARSE_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected value',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a "quoted" key',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'unexpected end of comment',
  UnexpectedEndOfString: 'the file ends inside a string',
  UnexpectedEndOfNumber: 'the file ends inside a number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'invalid character in a string',
};

/** The line of a key path in a JSON text: the deepest part of the path that exists. */
export function lineOfPath(text: string, path: readonly PropertyKey[]): number | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  const segments = path.filter((p): p is string | number => typeof p !== 'symbol');
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, segments.slice(0, n));
    if (node) {
      // A key's line is where its name is written.
      const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      return lineAt(text, offset);
    }
  }
  return undefined;
}

/** ["tiers", 0, "model"] → "tiers[0].model"; [] → "(top level)". */
export function keyPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** A short rendering of a bad value for messages. */
export function shown(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return nonFiniteText(v);
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}

/** The first problem of a value against a spec, or undefined when it fits. */
export interface Problem {
  path: PropertyKey[];
  /** "key.path: what is wrong; what to do". */
  message: string;
}

/**
 * Checks a value against an artifact spec. A schemaVersion newer than this
 * tokor's is reported first (and alone): the rest of such a file may mean
 * something else.
 */
export function checkArtifact<T>(spec: ArtifactSpec<T>, value: unknown): { ok: true; value: T } | { ok: false; problem: Problem } {
  const foreign = foreignKind(spec, value);
  if (foreign) return { ok: false, problem: { path: ['kind'], message: `this is ${foreign}, not a ${spec.name}; ${spec.hint}` } };
  if (spec.version !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = (value as { schemaVersion?: unknown }).schemaVersion;
    if (typeof v === 'number' && Number.isFinite(v) && v > spec.version) {
      return {
        ok: false,
        problem: { path: ['schemaVersion'], message: `schemaVersion: ${v} was written by a newer tokor (this one reads ${spec.version}); upgrade tokor` },
      };
    }
  }
  const r = spec.schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, problem: { path: [...issue.path], message: `${keyPath(issue.path)}: ${describeIssue(issue, value)}; ${spec.hint}` } };
}

/**
 * What a whole text is when it is one tokor JSON document (a pretty-printed
 * analyze JSON given where JSON lines belong, whose first line is "{"); else
 * undefined. For readers of JSON lines, when their first line is not JSON.
 */
export function tokorDocument(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const kind = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' && Object.hasOwn(TOKOR_KINDS, kind) ? TOKOR_KINDS[kind] : undefined;
}

/** What the value is when it is a tokor document of another kind than the spec's. */
function foreignKind(spec: ArtifactSpec<unknown>, value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(TOKOR_KINDS, kind) || spec.kind?.includes(kind)) return undefined;
  return TOKOR_KINDS[kind];
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const got = valueAt(root, issue.path);
  const missing = got === undefined && !hasKey(root, issue.path);
  const message = issueText(issue.message);
  if (missing && issue.code !== 'custom') return `missing (${message})`;
  const suffix = got === undefined || (typeof got === 'object' && got !== null) || message.includes(shown(got)) ? '' : ` (got ${shown(got)})`;
  return `${message}${suffix}`;
}

function hasKey(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(root, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.hasOwn(parent, path[path.length - 1]!);
}

/** The "file:line" of a problem: the JSONL line, else the line of the key in the JSON text, else the file. */
export function whereOf(origin: Origin, path: readonly PropertyKey[]): string {
  if (origin.line !== undefined) return at(origin.file, origin.line);
  if (origin.text !== undefined) return at(origin.file, lineOfPath(origin.text, path));
  return origin.file;
}

/** Parses a value with a spec or throws the one-line InputError. */
export function parseArtifact<T>(spec: ArtifactSpec<T>, value: unknown, origin: Origin): T {
  const r = checkArtifact(spec, value);
  if (r.ok) return r.value;
  throw new InputError(r.problem.message, whereOf(origin, r.problem.path));
}

/** A whole-file JSON artifact from its text: parse, validate. */
export function parseJsonArtifact<T>(spec: ArtifactSpec<T>, text: string, file: string): T {
  return parseArtifact(spec, parseJsonFile(text, file, `a ${spec.name}; ${spec.hint}`), { file, text });
}

/** A whole-file JSON artifact: read, parse, validate. */
export async function readJsonArtifact<T>(spec: ArtifactSpec<T>, file: string): Promise<T> {
  return parseJsonArtifact(spec, await readArtifactText(file, spec.name), file);
}

/** The non-empty lines of a text with their 1-based numbers (CRLF tolerated). */
export function* jsonLines(text: string): Generator<[number, string]> {
  let start = 0;
  let n = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    n++;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim()) yield [n, line];
    start = end + 1;
  }
}

/** One JSONL line as JSON, or an InputError at file:line. */
export function parseJsonLine(line: string, origin: { file: string; line: number }, expected: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    const { reason } = jsonSyntaxError(line);
    throw new InputError(`not valid JSON (${reason}); ${expected}`, at(origin.file, origin.line));
  }
}
