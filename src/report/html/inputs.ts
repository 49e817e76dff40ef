/**
 * Recognising and parsing the JSON the report is built from (the outputs of
 * analyze, eval, calibrate and costs). A file that is not what its flag says
 * is an InputError naming the file (exit 2). The CLI reads the files; these
 * functions take their text. Pure.
 */
import { InputError, at } from '../../errors.js';
import { wilson } from '../../stats/interval.js';
import { quantile } from '../../stats/quantile.js';
import { arr, firstStr, num, obj, str, type Obj } from './read.js';
import { jsonLines, parseJsonLine } from '../../artifacts/read.js';
import { checkResultLine } from '../../artifacts/results.js';
import { isSampleResult, SAMPLE_RECORDINGS_WHAT } from '../../types.js';

export type InputKind = 'analyze' | 'eval-summary' | 'eval-result' | 'calibrate' | 'calibrate-apply' | 'costs' | 'policy';

const KIND_NAMES: Record<InputKind, string> = {
  analyze: 'tokor analyze JSON',
  'eval-summary': 'tokor eval summary JSON',
  'eval-result': 'tokor eval results JSONL line',
  calibrate: 'tokor calibrate JSON',
  'calibrate-apply': 'tokor calibrate --apply JSON',
  costs: 'tokor costs JSON',
  policy: 'tokor policy file',
};

/** What a parsed JSON value looks like, by its keys. */
export function detectKind(v: unknown): InputKind | undefined {
  const o = obj(v);
  if (!o) return undefined;
  switch (o.kind) {
    case 'tokor-policy':
      return 'policy';
    case 'tokor-analyze':
      return 'analyze';
    case 'tokor-eval-summary':
      return 'eval-summary';
    case 'tokor-costs':
      return 'costs';
    case 'tokor-calibrate':
      return 'calibrate';
  }
  if (obj(o.distribution) && obj(o.cost)) return 'analyze';
  if (obj(o.bedrock)) return 'costs';
  if ('pick' in o && (obj(o.baselines) || Array.isArray(o.curve))) return 'calibrate';
  if (obj(o.baselines) && Array.isArray(o.curve)) return 'calibrate';
  if (num(o.quality) !== undefined && obj(o.frontier) && num(o.savingsPct) !== undefined) return 'calibrate-apply';
  const tiers = arr(o.tiers);
  if (tiers.length > 0 && tiers.every((t) => obj(t) && str(obj(t)!.tier) !== undefined && ('passRate' in obj(t)! || 'passed' in obj(t)!))) return 'eval-summary';
  if (Array.isArray(o.tiers) && o.tiers.length === 0 && 'byTask' in o) return 'eval-summary';
  if (str(o.tier) !== undefined && typeof o.pass === 'boolean' && str(o.itemId) !== undefined) return 'eval-result';
  return undefined;
}

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

/** The --format json outputs the report reads are at schemaVersion 1; analyze's at 2 (issue #14: measured or prior). */
const KNOWN_VERSION = 1;
const ANALYZE_VERSION = 2;

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

export function parseAnalyzeInput(text: string, file: string): Obj {
  return expectKind(parseJson(text, file, '--analyze'), file, ['analyze'], '--analyze', 'the output of `tokor analyze --format json` (keys cost, distribution, records)');
}

export function parseCalibrateInput(text: string, file: string): Obj {
  return expectKind(parseJson(text, file, '--calibrate'), file, ['calibrate', 'calibrate-apply'], '--calibrate', 'the output of `tokor calibrate --format json` (keys pick, baselines, curve)');
}

export function parseCostsInput(text: string, file: string): Obj {
  return expectKind(parseJson(text, file, '--costs'), file, ['costs'], '--costs', 'the output of `tokor costs --format json` (key bedrock)');
}

/**
 * --eval inputs: each file is an eval summary JSON (`tokor eval --format json`)
 * or a results JSONL (`tokor eval --out`). Summaries are kept one per file;
 * all results lines are pooled into one summary (one file per tier is usual).
 */
export function parseEvalInputs(files: { file: string; text: string }[]): Obj[] {
  const summaries: Obj[] = [];
  const results: Obj[] = [];
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
      summaries.push({ label: file, ...expectKind(whole, file, ['eval-summary'], '--eval', 'an eval summary JSON (`tokor eval --format json`) or a results JSONL (`tokor eval --out`)') });
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
      results.push(r.value as Obj);
    }
  }
  if (results.length > 0) summaries.unshift(summarizeEvalResults(results, resultFiles.join(', ')));
  return summaries;
}

const LADDER_ORDER = ['cheap', 'mid', 'frontier'];

/**
 * Per-tier pass rates (Wilson 95% CI), mean score, cost and latency from
 * results lines, in the shape of the eval summary JSON. Items that could not be
 * run (`error`) are counted apart, not as failures; a repeated item (a resumed
 * run) counts once, the last line wins.
 */
export function summarizeEvalResults(results: Obj[], label?: string): Obj {
  const latest = new Map<string, Obj>();
  for (const r of results) latest.set(JSON.stringify([str(r.datasetId) ?? '', str(r.itemId), str(r.tier)]), r);
  const byTier = new Map<string, Obj[]>();
  const byTask = new Map<string, Obj[]>();
  const datasets = new Set<string>();
  for (const r of latest.values()) {
    const tier = str(r.tier)!;
    if (!byTier.has(tier)) byTier.set(tier, []);
    byTier.get(tier)!.push(r);
    const task = firstStr(r, ['task', 'category', 'datasetId']) ?? '(all)';
    const key = JSON.stringify([task, tier]);
    if (!byTask.has(key)) byTask.set(key, []);
    byTask.get(key)!.push(r);
    const ds = str(r.datasetId);
    if (ds) datasets.add(ds);
  }
  const tiers = [...byTier.entries()].map(([tier, rows]) => tierStats(tier, rows));
  const rank = (t: string) => {
    const i = LADDER_ORDER.indexOf(t);
    return i < 0 ? LADDER_ORDER.length : i;
  };
  tiers.sort((a, b) => {
    const ra = rank(a.tier as string);
    const rb = rank(b.tier as string);
    if (ra !== rb) return ra - rb;
    const ca = num(a.costPerItemUsd) ?? Number.POSITIVE_INFINITY;
    const cb = num(b.costPerItemUsd) ?? Number.POSITIVE_INFINITY;
    return ca - cb;
  });
  const tierIndex = new Map(tiers.map((t, i) => [t.tier as string, i]));
  const taskRows = [...byTask.entries()]
    .map(([key, rows]) => {
      const [task, tier] = JSON.parse(key) as [string, string];
      const s = tierStats(tier, rows);
      return { task, tier, items: s.items, passed: s.passed, passRate: s.passRate, ci95: s.ci95, costUsd: s.costUsd };
    })
    .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : (tierIndex.get(a.tier) ?? 0) - (tierIndex.get(b.tier) ?? 0)));
  const sample = [...latest.values()].some((r) => isSampleResult(r));
  return {
    schemaVersion: 1,
    kind: 'tokor-eval-summary',
    label: label ?? 'results',
    computedFrom: 'results',
    provenance: sample ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false },
    datasets: [...datasets].sort().map((id) => ({ id })),
    tiers,
    byTask: taskRows,
  };
}

function tierStats(tier: string, rows: Obj[]): Obj & { tier: string } {
  const ran = rows.filter((r) => !str(r.error));
  const errors = rows.length - ran.length;
  const passed = ran.filter((r) => r.pass === true).length;
  const scores = ran.map((r) => num(r.score)).filter((n): n is number => n !== undefined);
  const costs = ran.map((r) => num(r.costUsd));
  const priced = costs.filter((n): n is number => n !== undefined);
  const costUsd = priced.reduce((a, b) => a + b, 0);
  const lat = ran.map((r) => num(r.latencyMs)).filter((n): n is number => n !== undefined);
  const models = [...new Set(rows.map((r) => str(r.model)).filter((m): m is string => Boolean(m)))];
  const items = ran.length;
  return {
    tier,
    model: models.join(', '),
    items,
    passed,
    passRate: items > 0 ? passed / items : null,
    ci95: wilson(passed, items),
    meanScore: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    costUsd: priced.length > 0 ? costUsd : null,
    costPerItemUsd: priced.length > 0 ? costUsd / priced.length : null,
    latencyP50Ms: lat.length > 0 ? quantile(lat, 0.5) : null,
    latencyP95Ms: lat.length > 0 ? quantile(lat, 0.95) : null,
    errors,
    unpriced: costs.length - priced.length,
  };
}
