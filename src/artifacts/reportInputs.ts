/**
 * The files `tokor report` reads (analyze, eval, calibrate and costs JSON
 * outputs, eval results JSONL), checked: a wrong file gets one line naming
 * what it looks like and which flag or command takes it.
 */
import { InputError, at } from '../errors.js';
import { detectKind, KIND_NAMES, summarizeEvalResults, type EvalInput, type InputKind } from '../report/html/inputs.js';
import { obj, str, type Obj } from '../report/html/read.js';
import { jsonLines, parseJsonLine } from './read.js';
import { parseEvalSummary } from './evalSummary.js';
import { checkResultLine, type ResultLine } from './results.js';
import { ANALYZE_SCHEMA_VERSION } from '../analyze/report.js';
import { parseAnalyzeReport, type AnalyzeReportJson } from './analyzeReport.js';

/** Which `tokor report` flag reads each kind of file (policy files are not report inputs). */
const KIND_FLAG: Record<InputKind, string | undefined> = {
  analyze: '--analyze',
  'eval-summary': '--eval',
  'eval-result': '--eval',
  calibrate: '--calibrate',
  'calibrate-apply': '--calibrate',
  costs: '--costs',
  policy: undefined,
};

/** What to do with a file of this kind given to the wrong flag. */
function rightFlag(kind: InputKind): string {
  const flag = KIND_FLAG[kind];
  return flag ? `give it to ${flag}` : 'a policy is read by `tokor gate --policy` and `tokor calibrate --apply`, not by `tokor report`';
}

/** Files tokor reads elsewhere that are not report inputs: raw logs and bills. */
function rawInputHint(v: unknown): string | undefined {
  const o = obj(v);
  if (!o) return undefined;
  if (o.schemaType === 'ModelInvocationLog' || (str(o.modelId) !== undefined && (obj(o.input) || obj(o.output)))) {
    return 'it looks like a Bedrock invocation log: run `tokor analyze FILE --format json --out analyze.json` and give analyze.json to --analyze';
  }
  if (Array.isArray(o.ResultsByTime)) return 'it looks like a Cost Explorer response: run `tokor costs --from-file FILE --format json --out costs.json` and give costs.json to --costs';
  return undefined;
}

/**
 * The file as one JSON value. A file of JSON lines (eval results, a traffic
 * log) fails JSON.parse after its first line: then its first line says what it
 * is and which flag or command takes it.
 */
function parseJson(text: string, file: string, flag: string): unknown {
  if (text.trim() === '') throw new InputError('empty file; expected JSON', file);
  try {
    return JSON.parse(text);
  } catch (e) {
    const first = text.split('\n').find((l) => l.trim() !== '');
    let line: unknown;
    try {
      line = first === undefined ? undefined : JSON.parse(first);
    } catch {
      line = undefined;
    }
    const kind = detectKind(line);
    if (kind) {
      const what = kind === 'eval-result' ? 'tokor eval results (JSON lines, `tokor eval --out`)' : `JSON lines of ${KIND_NAMES[kind]}`;
      throw new InputError(`${flag} expects one JSON document, but this file holds ${what}; ${rightFlag(kind)}`, file);
    }
    const raw = rawInputHint(line);
    if (raw) throw new InputError(`${flag} expects a tokor JSON report, but ${raw}`, file);
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lineNo = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new InputError(`not valid JSON (${msg})`, at(file, lineNo));
  }
}

/** The --format json outputs the report reads are at schemaVersion 1; analyze's at ANALYZE_SCHEMA_VERSION (3: sessions and cache-aware ceilings). */
const KNOWN_VERSION = 1;
const ANALYZE_VERSION = ANALYZE_SCHEMA_VERSION;

function expectKind(v: unknown, file: string, want: InputKind[], flag: string, hint: string): Obj {
  const kind = detectKind(v);
  const version = obj(v)?.schemaVersion;
  const known = kind === 'analyze' ? ANALYZE_VERSION : KNOWN_VERSION;
  if (typeof version === 'number' && version > known) {
    throw new InputError(`schemaVersion: ${version} was written by a newer tokor (this one reads ${known}); upgrade tokor`, file);
  }
  if (kind && want.includes(kind)) return v as Obj;
  const raw = kind ? undefined : rawInputHint(v);
  if (raw) throw new InputError(`${flag} expects ${hint}, but ${raw}`, file);
  const looks = kind ? ` (it looks like a ${KIND_NAMES[kind]}: ${rightFlag(kind)})` : '';
  throw new InputError(`not a ${KIND_NAMES[want[0]!]}${looks}; ${flag} expects ${hint}`, file);
}

/**
 * An analyze JSON, recognised by its kind and checked with its schema
 * (src/artifacts/analyzeReport.ts): an older analyze JSON fails at its
 * schemaVersion, naming the file and line.
 */
export function parseAnalyzeInput(text: string, file: string): AnalyzeReportJson {
  const v = expectKind(parseJson(text, file, '--analyze'), file, ['analyze'], '--analyze', 'the output of `tokor analyze --format json` (keys cost, distribution, records)');
  return parseAnalyzeReport(v, { file, text });
}

/** A calibrate report's JSON, recognised by its `kind`; the calibrate report schema (artifacts/calibrateReport.ts) checks the rest. */
export function parseCalibrateInput(text: string, file: string): Obj {
  return expectKind(parseJson(text, file, '--calibrate'), file, ['calibrate', 'calibrate-apply'], '--calibrate', 'the output of `tokor calibrate --format json` (kind "calibrate" or "apply")');
}

export function parseCostsInput(text: string, file: string): Obj {
  return expectKind(parseJson(text, file, '--costs'), file, ['costs'], '--costs', 'the output of `tokor costs --format json` (key bedrock)');
}

/**
 * --eval inputs: each file is an eval summary JSON (`tokor eval --format json`)
 * or a results JSONL (`tokor eval --out`). Summaries are kept one per file;
 * all results lines are pooled into one summary (one file per tier is usual).
 */
export function parseEvalInputs(files: { file: string; text: string }[]): EvalInput[] {
  const summaries: EvalInput[] = [];
  const results: ResultLine[] = [];
  const resultFiles: string[] = [];
  for (const { file, text } of files) {
    if (text.trim() === '') throw new InputError('empty file; --eval expects an eval summary JSON or results JSONL', file);
    let whole: unknown;
    let parsed = false;
    try {
      whole = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
    const kind = parsed ? detectKind(whole) : undefined;
    if (parsed && kind !== 'eval-result') {
      const summary = expectKind(whole, file, ['eval-summary'], '--eval', 'an eval summary JSON (`tokor eval --format json`) or a results JSONL (`tokor eval --out`)');
      // The summary eval wrote, checked against its contract (src/artifacts/evalSummary.ts).
      summaries.push({ label: file, ...parseEvalSummary(summary, { file, text }) });
      continue;
    }
    resultFiles.push(file);
    for (const [line, raw] of jsonLines(text)) {
      const where = at(file, line);
      const v = parseJsonLine(raw, { file, line }, '--eval expects an eval summary JSON or a results JSONL');
      const k = detectKind(v);
      if (k !== undefined && k !== 'eval-result') {
        throw new InputError(`not a tokor eval result (it looks like a ${KIND_NAMES[k]}: ${rightFlag(k)}); --eval expects an eval summary JSON or a results JSONL`, where);
      }
      const rawHint = k ? undefined : rawInputHint(v);
      if (rawHint) throw new InputError(`--eval expects eval results, but ${rawHint}`, where);
      // The results schema every reader uses (src/artifacts/results.ts).
      const r = checkResultLine(v);
      if (!r.ok) throw new InputError(r.problem.message, where);
      results.push(r.value);
    }
  }
  if (results.length > 0) summaries.unshift(summarizeEvalResults(results, resultFiles.join(', ')));
  return summaries;
}
