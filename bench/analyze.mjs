#!/usr/bin/env node
// Analyze throughput against a floor measured in the same run: a bare Node
// loop that reads the same file's lines and JSON.parses each; and the DuckDB
// engine against DuckDB's own bare aggregation of the same file (read_json,
// GROUP BY model and team with token sums). Also peak RSS, each in its own process.
//
//   node bench/analyze.mjs [--size-mb 1024] [--file PATH] [--repeat N] [--clean]
//
// --file reads an existing Bedrock log in place (nothing is copied); otherwise a synthetic one is
// generated in bench/out/ and kept for the next run. --file may also be a folder of gzip objects as Bedrock
// delivers them (`scripts/gen-bedrock-logs.mjs --layout s3`): the floors then gunzip each object whole first,
// bare DuckDB reads the folder's `**/*.json.gz`, and MB/s counts decompressed bytes. --repeat runs every contender N times, round
// robin (floor, tokor, DuckDB, floor, …), and reports each one's median: the machine's load then
// falls on all of them alike. The load average is printed before and after: compare ratios within one
// run, not absolute figures across runs. CPU is the process's user + system time over all its threads
// (the load of other processes hardly changes it): on an idle machine, wall time ≈ CPU ÷ busy threads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { bareDuckdbQuery, child, finish, root, tokor } from './child.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizeMb = Number(arg('--size-mb', '1024'));
const repeat = Math.max(1, Number(arg('--repeat', '1')));
let file = arg('--file', undefined);
if (file) file = path.resolve(file);
else {
  const outDir = path.join(root, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  file = path.join(outDir, `bedrock-${sizeMb}mb.jsonl`);
  if (!existsSync(file) || statSync(file).size < sizeMb * 1e6 * 0.95) {
    // ~3.4 KB per record on average with --body-bytes 3000.
    const records = Math.ceil((sizeMb * 1e6) / 3400);
    console.log(`generating ${file} (${records.toLocaleString()} records)…`);
    const g = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-bedrock-logs.mjs'), '--layout', 'single', '--out', file, '--records', String(records), '--seed', '42', '--body-bytes', '3000'], { stdio: 'inherit' });
    if (g.status !== 0) process.exit(1);
  }
}
const tree = statSync(file).isDirectory();
/** A tree's gzip objects, in the order tokor reads them (sorted names, depth first). */
const objects = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? objects(path.join(dir, e.name)) : e.name.endsWith('.gz') ? [path.join(dir, e.name)] : []));
const gzFiles = tree ? objects(file) : [];
if (tree && gzFiles.length === 0) {
  console.error(`${file}: no .gz objects under it`);
  process.exit(2);
}
const bytes = tree ? gzFiles.reduce((n, f) => n + gunzipSync(readFileSync(f)).length, 0) : statSync(file).size;
const storedBytes = tree ? gzFiles.reduce((n, f) => n + statSync(f).size, 0) : bytes;

/** The floor: 1 MB reads decoded whole, split into lines, each JSON.parse'd. On a tree, each object gunzipped whole first. */
const floor = () =>
  child(
    tree
      ? `
  import { readFileSync } from 'node:fs';
  import { gunzipSync } from 'node:zlib';
  const t0 = process.hrtime.bigint();
  let lines = 0;
  for (const f of ${JSON.stringify(gzFiles)}) {
    for (const l of gunzipSync(readFileSync(f)).toString('utf8').split('\\n')) if (l) { JSON.parse(l); lines++; }
  }
  ${finish}
`
      : `
  import { createReadStream } from 'node:fs';
  const t0 = process.hrtime.bigint();
  let lines = 0, rest = '';
  const dec = new TextDecoder();
  for await (const chunk of createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 20 })) {
    const text = rest + dec.decode(chunk, { stream: true });
    const parts = text.split('\\n');
    rest = parts.pop();
    for (const l of parts) if (l) { JSON.parse(l); lines++; }
  }
  if (rest) { JSON.parse(rest); lines++; }
  ${finish}
`,
  );

/** The same loop with each line decoded on its own (how tokor's reader decodes): ASCII lines become one-byte strings. */
const floorByLine = () =>
  child(
    tree
      ? `
  import { readFileSync } from 'node:fs';
  import { gunzipSync } from 'node:zlib';
  const t0 = process.hrtime.bigint();
  let lines = 0;
  const dec = new TextDecoder();
  for (const f of ${JSON.stringify(gzFiles)}) {
    const buf = gunzipSync(readFileSync(f));
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
      if (nl > pos) { JSON.parse(dec.decode(buf.subarray(pos, nl))); lines++; }
      pos = nl + 1;
    }
    if (pos < buf.length) { JSON.parse(dec.decode(buf.subarray(pos))); lines++; }
  }
  ${finish}
`
      : `
  import { createReadStream } from 'node:fs';
  const t0 = process.hrtime.bigint();
  let lines = 0, rest = Buffer.alloc(0);
  const dec = new TextDecoder();
  for await (const chunk of createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 20 })) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
      if (nl > pos) { JSON.parse(dec.decode(buf.subarray(pos, nl))); lines++; }
      pos = nl + 1;
    }
    rest = Buffer.from(buf.subarray(pos));
  }
  if (rest.length) { JSON.parse(dec.decode(rest)); lines++; }
  ${finish}
`,
  );

const duckBare = () =>
  child(`
  import { DuckDBInstance } from '@duckdb/node-api';
  const t0 = process.hrtime.bigint();
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const r = await c.runAndReadAll(${JSON.stringify(bareDuckdbQuery(tree ? path.join(file, '**', '*.json.gz') : file))});
  const lines = r.getRowObjects().reduce((a, x) => a + Number(x.n), 0);
  ${finish}
`);

const cores = os.availableParallelism();
const contenders = [
  ['floor: read lines + JSON.parse', floor],
  ['  (the same, each line decoded alone)', floorByLine],
  ['tokor analyze, one thread', tokor(file, 0)],
  [`tokor analyze, ${cores} workers (default ≥192 MiB)`, tokor(file, cores)],
  // As the CLI runs it: DuckDB's threads, and tokor's worker threads for the lines left to it and the sample.
  ['tokor analyze --engine duckdb', tokor(file, undefined, 'duckdb')],
  ['bare DuckDB: read_json + GROUP BY', duckBare],
];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const what = tree ? `${gzFiles.length} gzip objects, ${(storedBytes / 1e6).toFixed(0)} MB stored, ${(bytes / 1e6).toFixed(0)} MB decompressed` : `${(bytes / 1e6).toFixed(0)} MB`;
console.log(`input: ${file} (${what}), ${cores} cores, ${repeat} round${repeat === 1 ? '' : 's'}; load average before: ${load()}`);
const runs = contenders.map(() => []);
for (let round = 0; round < repeat; round++) {
  for (const [i, [, run]] of contenders.entries()) runs[i].push(run());
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a.ms - b.ms);
  return s[Math.floor((s.length - 1) / 2)];
};
const results = runs.map((rs) => ({ ...median(rs), maxRssMb: Math.max(...rs.map((r) => r.maxRssMb)) }));
const [base] = results;
const mbps = (x) => bytes / 1e6 / (x.ms / 1000);
const rps = (x) => x.lines / (x.ms / 1000);
for (const [i, [name]] of contenders.entries()) {
  const x = results[i];
  console.log(`${name.padEnd(44)} ${mbps(x).toFixed(1).padStart(7)} MB/s ${Math.round(rps(x)).toLocaleString('en-US').padStart(9)} rec/s  ${(mbps(x) / mbps(base)).toFixed(2).padStart(5)}× floor  peak RSS ${x.maxRssMb.toFixed(0).padStart(4)} MB  CPU ${(x.cpuMs / 1000).toFixed(1).padStart(6)} s (${(base.cpuMs / x.cpuMs).toFixed(2)}× floor)`);
}
const byName = (n) => results[contenders.findIndex(([name]) => name.startsWith(n))];
const duckEngine = byName('tokor analyze --engine duckdb');
const bare = byName('bare DuckDB');
console.log(`tokor --engine duckdb takes ${(duckEngine.ms / bare.ms).toFixed(2)}× the bare DuckDB query's time (target ≤ 1.2×)`);
const workers = byName(`tokor analyze, ${cores} worker`);
const byLine = byName('  (the same, each line');
// Both bare loops are "a Node loop reading lines and JSON.parse-ing each"; on a log whose 1 MB pieces hold any
// non-ASCII byte, the one decoding each line alone is much the faster (its ASCII lines parse as one-byte strings).
console.log(`tokor analyze (worker threads): ${(base.ms / workers.ms).toFixed(2)}× the floor, ${(byLine.ms / workers.ms).toFixed(2)}× the per-line loop`);
console.log(`target: tokor analyze (worker threads) ≥ 1.00× the floor, peak RSS ≤ 256 MB; load average after: ${load()}`);
if (process.argv.includes('--clean') && !arg('--file', undefined)) rmSync(file);
