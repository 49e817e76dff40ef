#!/usr/bin/env node
// Fuzzes tokor's traffic readers end to end, through the built package
// (dist/): Bedrock JSONL, OpenAI-style JSONL and CSV files, plain, with a BOM,
// gzip, gzip in two members, gzip with trailing junk and gzip cut short, whose
// lines are mutated: lines over the line limit, huge and malformed token
// counts, prototype names (__proto__, constructor) as keys and values,
// control characters, cut lines, garbage, blank lines, CRLF, exact
// duplicates, and in CSV broken quoting and wrong column counts. Every case
// is analyzed in-process and with two worker threads, and checked:
//   - no crash (an error other than "nothing usable" where the case has usable rows),
//   - read = valid + failed + invalid + duplicates, and read = the rows written
//     (lost rows when fewer, phantom rows when more),
//   - every untouched row is counted (never skipped), every copy of one is a duplicate,
//   - no NaN, no negative money, whole token counts,
//   - the expected file-level issue (trailing garbage, truncated after line N),
//   - worker threads and in-process give the same report and the same skipped lines.
// `npm test` runs a few thousand records of it (test/fuzz/readers.test.ts);
// this script runs as many as asked, each case in a child process with a
// watchdog (a case that does not finish in --timeout-ms is a hang), and prints
// the figures. See docs/analyze.md ("Fuzzing the readers").
//
//   npm run build && node scripts/fuzz.mjs [--cases 500] [--seed 1] [--timeout-ms 30000]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The line limit the fuzz runs analyze with (the default is 32 MiB; long-line mutations stay small this way). */
export const FUZZ_MAX_LINE = 4096;

const MUTATIONS = ['long', 'huge', 'proto', 'control', 'cut', 'duplicate', 'garbage', 'blank', 'crlf', 'quote', 'columns'];
const PROTO = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const HUGE = [2 ** 53 - 1, 2 ** 53, 1e20, -1, 1.5, '123', '9007199254740993', 1e308, 999_999_999_999, 0];
const MODELS = ['amazon.nova-lite-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-pro-v1:0', 'acme.unknown-v1:0'];
const OPENAI_MODELS = ['gpt-4o', 'gpt-4o-mini', 'acme-unknown'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1'];

/** A fast-check arbitrary of fuzz cases (plain data; buildCase turns one into bytes and expectations). */
export function caseArbitrary() {
  const row = fc.record({
    mutate: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...MUTATIONS) }),
    n: fc.nat({ max: 1_000_000 }),
    text: fc.string({ maxLength: 16, unit: 'binary' }),
  });
  return fc.record({
    format: fc.constantFrom('bedrock', 'openai', 'csv'),
    encoding: fc.constantFrom('plain', 'bom', 'gzip', 'gzip-members', 'gzip-junk', 'gzip-cut'),
    rows: fc.array(row, { minLength: 1, maxLength: 300, size: 'max' }),
    cut: fc.double({ min: 0.02, max: 0.98, noNaN: true }),
    junk: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    id: fc.nat(),
  });
}

const pick = (arr, n) => arr[n % arr.length];
const CONTROL = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u2028', '\u0085'];

function cleanRecord(format, i, n, id) {
  const reqId = `req-${id}-${i}`;
  const team = `t${n % 4}`;
  const failed = n % 23 === 0;
  if (format === 'bedrock') {
    return {
      schemaType: 'ModelInvocationLog',
      schemaVersion: '1.0',
      timestamp: `2025-11-0${1 + (n % 9)}T10:00:00Z`,
      region: pick(REGIONS, n),
      requestId: reqId,
      operation: 'Converse',
      modelId: pick(MODELS, n >> 3),
      input: { inputTokenCount: n % 5000, ...(n % 3 === 0 ? { cacheReadInputTokenCount: n % 700 } : {}) },
      output: { outputTokenCount: n % 900 },
      requestMetadata: { team },
      ...(failed ? { errorCode: 'ThrottlingException' } : {}),
    };
  }
  return {
    id: reqId,
    object: 'chat.completion',
    created: 1762164000 + (n % 100000),
    model: pick(OPENAI_MODELS, n >> 3),
    usage: { prompt_tokens: n % 5000, completion_tokens: n % 900 },
    metadata: { team },
    ...(failed ? { status: 'failure', error_information: { error_code: '429' } } : {}),
  };
}

const CSV_HEADER = 'request_id,model,input_tokens,output_tokens,team,prompt';
const csvSafe = (s) => s.replace(/[",\r\n]/g, ' ');
/** One mutated JSON line; returns [line, kind] where kind says what the line must become ('any' = unspecified). */
function mutateJson(format, rec, m, n, text) {
  switch (m) {
    case 'long':
      return [JSON.stringify({ ...rec, padding: 'x'.repeat(FUZZ_MAX_LINE + 1 + (n % 3000)) }), 'invalid'];
    case 'huge': {
      const v = pick(HUGE, n);
      if (format === 'bedrock') return [JSON.stringify({ ...rec, input: { ...rec.input, inputTokenCount: v } }), 'any'];
      return [JSON.stringify({ ...rec, usage: { ...rec.usage, prompt_tokens: v } }), 'any'];
    }
    case 'proto': {
      const k = pick(PROTO, n);
      // JSON.parse keeps "__proto__" as an own key, as in a log line.
      const meta = JSON.parse(`{${JSON.stringify(k)}: ${JSON.stringify(pick(PROTO, n >> 2))}, "team": ${JSON.stringify(pick(PROTO, n >> 4))}}`);
      const withMeta = format === 'bedrock' ? { ...rec, requestMetadata: meta } : { ...rec, metadata: meta };
      if (n % 3 === 0) return [JSON.stringify(format === 'bedrock' ? { ...withMeta, errorCode: k } : { ...withMeta, status: 'failure', error_information: { error_code: k } }), 'any'];
      if (n % 3 === 1) return [JSON.stringify({ ...withMeta, [format === 'bedrock' ? 'modelId' : 'model']: k }), 'any'];
      return [JSON.stringify(withMeta), 'any'];
    }
    case 'control': {
      const c = pick(CONTROL, n) + pick(CONTROL, n >> 5);
      if (n % 2 === 0) {
        const key = format === 'bedrock' ? 'modelId' : 'model';
        return [JSON.stringify({ ...rec, [key]: `${rec[key]}${c}`, [format === 'bedrock' ? 'requestMetadata' : 'metadata']: { team: `t${c}x` } }), 'any'];
      }
      // Raw control characters in the line (never a newline: that would make another line).
      const raw = JSON.stringify(rec);
      const at = n % raw.length;
      return [raw.slice(0, at) + c.replace(/\n/g, '\u000b') + raw.slice(at), 'any'];
    }
    case 'cut': {
      const raw = JSON.stringify(rec);
      return [raw.slice(0, 1 + (n % (raw.length - 1))), 'invalid'];
    }
    case 'garbage':
      return [`@${text.replace(/[\r\n]/g, ' ')}`, 'invalid'];
    default:
      return [JSON.stringify(rec), 'clean'];
  }
}

function csvCells(i, n, id, text) {
  const prompt = n % 5 === 0 ? `"${csvSafe(text)}, ""quoted"" part"` : csvSafe(text);
  return [`req-${id}-${i}`, pick(MODELS, n >> 3), String(n % 5000), String(n % 900), `t${n % 4}`, prompt];
}

/** One mutated CSV row (from its 6 cells). */
function mutateCsv(cells, m, n, text) {
  const row = cells.join(',');
  switch (m) {
    case 'long':
      return [`${row}${'x'.repeat(FUZZ_MAX_LINE + 1 + (n % 3000))}`, 'invalid'];
    case 'huge':
      cells[2] = String(pick(['9007199254740993', '1e20', '-1', '1.5', '99999999999999999999', '9007199254740991'], n));
      return [cells.join(','), 'any'];
    case 'proto':
      cells[4] = pick(PROTO, n);
      if (n % 2) cells[1] = pick(PROTO, n >> 1);
      return [cells.join(','), 'any'];
    case 'control':
      cells[4] = `t${pick(CONTROL, n).replace(/[\n\r",]/g, '\u0001')}`;
      // A bare CR inside a quoted field is data, not a line break.
      if (n % 2) cells[5] = '"before\rafter"';
      return [cells.join(','), 'any'];
    case 'quote': {
      const v = n % 4;
      if (v === 0) cells[1] = `"${cells[1]}`; // unclosed
      else if (v === 1) cells[4] = 'a"b'; // a quote inside an unquoted field
      else if (v === 2) cells[1] = `"${cells[1]}"\u00a0`; // junk after the closing quote
      else cells[4] = `"t${n % 4}`; // unclosed in the middle
      return [cells.join(','), 'invalid'];
    }
    case 'columns':
      return [n % 2 ? cells.slice(0, 4).join(',') : `${row},extra`, 'invalid'];
    case 'cut':
      return [row.slice(0, 1 + (n % (row.length - 1))), 'any'];
    case 'garbage':
      return [`@${text.replace(/[\r\n",]/g, ' ')}`, 'invalid'];
    default:
      return [row, 'clean'];
  }
}

/**
 * A case's file (name, bytes) and what analyze must make of it: `lines` are
 * its data lines by number with the outcome each must have, `expectedRead`
 * the rows analyze must count, `issue` the file-level issue expected.
 */
export function buildCase(spec) {
  const { format, encoding, id } = spec;
  const rows = spec.rows.map((r) => ({ ...r }));
  // CSV: a broken quote (or a row cut inside quotes) is always followed by an untouched row, where reading
  // must resume; two broken rows in a row could legitimately read as one record spanning two lines.
  for (let i = 0; i < rows.length; i++) {
    if (format !== 'csv' && rows[i].mutate === 'quote') rows[i].mutate = 'columns';
    if (format !== 'csv' && rows[i].mutate === 'columns') rows[i].mutate = 'cut';
    if (format === 'csv' && (rows[i].mutate === 'quote' || rows[i].mutate === 'cut') && i + 1 < rows.length) rows[i + 1].mutate = null;
  }
  if (!rows.some((r) => r.mutate === null)) rows[0].mutate = null;
  const texts = [];
  /** Per data line: 'clean' (must count as valid or failed), 'invalid', 'duplicate', 'any', 'blank'. */
  const kinds = [];
  const cleanSoFar = [];
  if (format === 'csv') {
    texts.push(CSV_HEADER);
    kinds.push('header');
  }
  rows.forEach((r, i) => {
    if (r.mutate === 'blank') {
      texts.push(r.n % 2 ? '' : '   ');
      kinds.push('blank');
      return;
    }
    if (r.mutate === 'duplicate' && cleanSoFar.length > 0) {
      texts.push(cleanSoFar[r.n % cleanSoFar.length]);
      kinds.push('duplicate');
      return;
    }
    let line;
    let kind;
    if (format === 'csv') [line, kind] = mutateCsv(csvCells(i, r.n, id, r.text), r.mutate, r.n, r.text);
    else [line, kind] = mutateJson(format, cleanRecord(format, i, r.n, id), r.mutate, r.n, r.text);
    if (r.mutate === 'crlf') line += '\r';
    if (kind === 'clean') cleanSoFar.push(line);
    texts.push(line);
    kinds.push(kind);
  });
  const text = (encoding === 'bom' ? '\uFEFF' : '') + texts.join('\n') + '\n';
  const body = Buffer.from(text);
  let bytes = body;
  let issue;
  let readable = texts.length;
  if (encoding === 'gzip') bytes = gzipSync(body);
  else if (encoding === 'gzip-members') {
    const at = Math.floor(body.length * spec.cut);
    bytes = Buffer.concat([gzipSync(body.subarray(0, at)), gzipSync(body.subarray(at))]);
  } else if (encoding === 'gzip-junk') {
    const junk = Buffer.from(spec.junk);
    if (junk[0] === 0x1f || junk[0] === 0) junk[0] = 0x4a;
    bytes = Buffer.concat([gzipSync(body), junk]);
    issue = { kind: 'trailing-garbage' };
  } else if (encoding === 'gzip-cut') {
    const gz = gzipSync(body);
    bytes = gz.subarray(0, Math.max(1, Math.min(gz.length - 1, Math.floor(gz.length * spec.cut))));
    let out = Buffer.alloc(0);
    try {
      out = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      /* cut inside the header: nothing decompresses */
    }
    // Whole lines only: the one the cut falls in is not read.
    readable = out.length === 0 ? 0 : out.toString('latin1').split('\n').length - 1;
    issue = { kind: 'truncated', line: readable + 1 };
  }
  const name = `case-${format}.${format === 'csv' ? 'csv' : 'jsonl'}${encoding.startsWith('gzip') ? '.gz' : ''}`;
  const lines = kinds.map((kind, i) => ({ line: i + 1, kind })).filter((l, i) => i < readable && l.kind !== 'blank' && l.kind !== 'header');
  // A CSV cut inside its header has no rows at all.
  const headerRead = format !== 'csv' || readable >= 1;
  return {
    spec,
    name,
    bytes,
    format,
    records: rows.length,
    lines: headerRead ? lines : [],
    expectedRead: headerRead ? lines.length : 0,
    issue,
  };
}

let dist;
async function loadDist() {
  if (!dist) {
    const [{ runAnalyze }, { builtinCatalog }, { DEFAULT_TIERS }] = await Promise.all([
      import(pathToFileURL(join(ROOT, 'dist/app/analyze.js')).href),
      import(pathToFileURL(join(ROOT, 'dist/pricing/index.js')).href),
      import(pathToFileURL(join(ROOT, 'dist/config/schema.js')).href),
    ]);
    dist = { runAnalyze, catalog: builtinCatalog(), tiers: DEFAULT_TIERS };
  }
  return dist;
}

/** Analyzes a built case (written to a temporary file) with `workers` threads (0 = in-process). */
export async function runCase(c, workers) {
  const { runAnalyze, catalog, tiers } = await loadDist();
  const dir = mkdtempSync(join(tmpdir(), 'tokor-fuzz-'));
  const file = join(dir, c.name);
  writeFileSync(file, c.bytes);
  const skips = [];
  try {
    const report = await runAnalyze({ paths: [file], catalog, tiers, groupBy: ['team'], workers, maxLineBytes: FUZZ_MAX_LINE, onSkip: (s) => skips.push({ ...s, file: c.name, reason: s.reason.replaceAll(file, c.name) }) });
    return { report: JSON.parse(JSON.stringify(report).replaceAll(JSON.stringify(file).slice(1, -1), c.name)), skips };
  } catch (e) {
    return { error: { message: String(e?.message ?? e).replaceAll(file, c.name), exitCode: e?.exitCode, stack: e?.exitCode === undefined ? e?.stack : undefined }, skips };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MONEY_KEY = /usd$|^actual$|^frontierCounterfactual$|^routedCeiling$|^costIfAllUsd$/i;

/** Every number finite; money (…Usd, cost.*) never negative. Returns the offending paths. */
function badNumbers(v, path = '', out = []) {
  if (typeof v === 'number') {
    const key = path.slice(path.lastIndexOf('.') + 1);
    if (!Number.isFinite(v)) out.push(`${path} = ${v}`);
    else if (MONEY_KEY.test(key) && v < 0) out.push(`${path} = ${v} (negative money)`);
  } else if (Array.isArray(v)) v.forEach((x, i) => {
    badNumbers(x, `${path}[${i}]`, out);
  });
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) badNumbers(x, `${path}.${k}`, out);
  return out;
}

/**
 * Checks one case's two runs. Returns the figures: crashes (0/1), lostRows,
 * phantomRows, and `problems` (one line each; empty when all held).
 */
export function checkCase(c, inProc, threads) {
  const problems = [];
  let crashes = 0;
  let lostRows = 0;
  let phantomRows = 0;
  const mustCount = c.lines.filter((l) => l.kind === 'clean').length > 0;
  for (const [mode, r] of [
    ['in-process', inProc],
    ['workers', threads],
  ]) {
    if (r.error) {
      const nothingUsable = r.error.exitCode === 2 && /no records found|no usable records/.test(r.error.message);
      if (!(nothingUsable && !mustCount)) {
        crashes = 1;
        problems.push(`${mode}: ${r.error.exitCode === undefined ? 'crash' : `exit ${r.error.exitCode}`}: ${r.error.message}`);
      }
      continue;
    }
    const x = r.report.records;
    if (x.read !== x.valid + x.failed + x.invalid + x.duplicates) problems.push(`${mode}: read ${x.read} ≠ valid + failed + invalid + duplicates (${JSON.stringify(x)})`);
    if (x.read < c.expectedRead) {
      lostRows = Math.max(lostRows, c.expectedRead - x.read);
      problems.push(`${mode}: ${c.expectedRead - x.read} row(s) lost (read ${x.read} of ${c.expectedRead})`);
    }
    if (x.read > c.expectedRead) {
      phantomRows = Math.max(phantomRows, x.read - c.expectedRead);
      problems.push(`${mode}: ${x.read - c.expectedRead} phantom row(s) (read ${x.read} of ${c.expectedRead})`);
    }
    const skipped = new Map(r.skips.filter((s) => s.kind !== 'file').map((s) => [s.line, s.kind]));
    const wronglySkipped = c.lines.filter((l) => l.kind === 'clean' && skipped.has(l.line));
    if (wronglySkipped.length) {
      lostRows = Math.max(lostRows, wronglySkipped.length);
      problems.push(`${mode}: untouched line(s) ${wronglySkipped.map((l) => l.line).join(', ')} skipped`);
    }
    for (const l of c.lines) {
      if (l.kind === 'invalid' && skipped.get(l.line) !== 'invalid') problems.push(`${mode}: line ${l.line} should be skipped as invalid`);
      if (l.kind === 'duplicate' && skipped.get(l.line) !== 'duplicate') problems.push(`${mode}: line ${l.line} should be dropped as a duplicate`);
    }
    if (x.invalid + x.duplicates !== r.skips.filter((s) => s.kind !== 'file').length) problems.push(`${mode}: --skipped lists ${r.skips.length} lines for ${x.invalid + x.duplicates} skips`);
    for (const b of badNumbers(r.report)) problems.push(`${mode}: ${b}`);
    for (const [k, t] of Object.entries(r.report.tokens)) if (!Number.isInteger(t) || t < 0) problems.push(`${mode}: tokens.${k} = ${t}`);
    if (c.issue) {
      const got = r.report.fileIssues.find((f) => f.kind === c.issue.kind);
      if (!got) problems.push(`${mode}: no ${c.issue.kind} file issue (got ${JSON.stringify(r.report.fileIssues)})`);
      else if (c.issue.line !== undefined && got.line !== c.issue.line) problems.push(`${mode}: ${c.issue.kind} at line ${got.line}, expected ${c.issue.line}`);
    }
  }
  if (!inProc.error && !threads.error) {
    if (JSON.stringify(inProc.report) !== JSON.stringify(threads.report)) problems.push('worker threads and in-process reports differ');
    if (JSON.stringify(inProc.skips) !== JSON.stringify(threads.skips)) problems.push('worker threads and in-process skipped lines differ');
  } else if (Boolean(inProc.error) !== Boolean(threads.error) || inProc.error?.message !== threads.error?.message) {
    problems.push(`worker threads and in-process end differently: ${inProc.error?.message ?? 'ok'} / ${threads.error?.message ?? 'ok'}`);
  }
  return { crashes, lostRows, phantomRows, problems };
}

/** Builds, runs (in-process and with two workers) and checks one case. */
export async function fuzzOne(spec) {
  const c = buildCase(spec);
  const inProc = await runCase(c, 0);
  const threads = await runCase(c, 2);
  return { records: c.records, name: c.name, encoding: spec.encoding, ...checkCase(c, inProc, threads) };
}

// ------------------------------------------------------------------ runner

async function child() {
  process.on('message', async (m) => {
    if (m.type !== 'case') return;
    try {
      process.send({ type: 'result', index: m.index, result: await fuzzOne(m.spec) });
    } catch (e) {
      process.send({ type: 'result', index: m.index, result: { records: m.spec.rows.length, crashes: 1, lostRows: 0, phantomRows: 0, problems: [`harness: ${e?.stack ?? e}`] } });
    }
  });
  process.send({ type: 'ready' });
}

async function main() {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '500' }, seed: { type: 'string', default: '1' }, 'timeout-ms': { type: 'string', default: '30000' } } });
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  const timeoutMs = Number(values['timeout-ms']);
  const specs = fc.sample(caseArbitrary(), { numRuns: cases, seed });
  const totals = { cases: 0, records: 0, crashes: 0, hangs: 0, lostRows: 0, phantomRows: 0, failedCases: 0 };
  const failures = [];
  const started = Date.now();
  let worker;
  const spawnChild = () =>
    new Promise((res) => {
      worker = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      worker.once('message', () => res());
    });
  await spawnChild();
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    const result = await new Promise((res) => {
      const timer = setTimeout(() => {
        worker.removeAllListeners('message');
        worker.kill('SIGKILL');
        res({ records: spec.rows.length, crashes: 0, hang: true, lostRows: 0, phantomRows: 0, problems: [`hang: no result in ${timeoutMs} ms`] });
      }, timeoutMs);
      worker.once('message', (m) => {
        clearTimeout(timer);
        res(m.result);
      });
      worker.send({ type: 'case', index: i, spec });
    });
    if (result.hang) {
      totals.hangs++;
      await spawnChild();
    }
    totals.cases++;
    totals.records += result.records;
    totals.crashes += result.crashes;
    totals.lostRows += result.lostRows;
    totals.phantomRows += result.phantomRows;
    if (result.problems.length) {
      totals.failedCases++;
      if (failures.length < 20) failures.push({ index: i, spec: { ...spec, rows: `${spec.rows.length} rows` }, problems: result.problems.slice(0, 5) });
    }
    if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1}/${specs.length} cases, ${totals.records.toLocaleString('en-US')} records, ${totals.failedCases} failed\n`);
  }
  worker.kill();
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`fuzzed ${totals.cases.toLocaleString('en-US')} cases, ${totals.records.toLocaleString('en-US')} records (seed ${seed}, ${seconds} s), each in-process and with 2 worker threads:`);
  console.log(`  crashes ${totals.crashes} · hangs ${totals.hangs} · lost rows ${totals.lostRows} · phantom rows ${totals.phantomRows} · cases with any failed check ${totals.failedCases}`);
  for (const f of failures) console.log(`  case ${f.index}: ${JSON.stringify(f.spec)}\n    ${f.problems.join('\n    ')}`);
  process.exitCode = totals.failedCases || totals.hangs ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--child')) await child();
  else await main();
}
