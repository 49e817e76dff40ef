#!/usr/bin/env node
// Analyze throughput against a floor measured in the same run: a bare Node
// loop that reads the same file's lines and JSON.parses each; and the DuckDB
// engine against DuckDB's own bare aggregation of the same file (read_json,
// GROUP BY model and team with token sums). Also peak RSS, each in its own process.
//   node bench/analyze.mjs [--size-mb 1024] [--clean]   (the generated log is kept in bench/out/ for the next run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizeMb = Number(arg('--size-mb', '1024'));
const outDir = path.join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `bedrock-${sizeMb}mb.jsonl`);

if (!existsSync(file) || statSync(file).size < sizeMb * 1e6 * 0.95) {
  // ~3.4 KB per record on average with --body-bytes 3000.
  const records = Math.ceil((sizeMb * 1e6) / 3400);
  console.log(`generating ${file} (${records.toLocaleString()} records)…`);
  const g = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-bedrock-logs.mjs'), '--layout', 'single', '--out', file, '--records', String(records), '--seed', '42', '--body-bytes', '3000'], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(1);
}
const bytes = statSync(file).size;

function child(script) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const baseline = child(`
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
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, lines, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
`);

const run = (workers, engine = 'inprocess') =>
  child(`
  import { runAnalyze } from './dist/app/analyze.js';
  import { loadCatalog } from './dist/config/catalog.js';
  import { DEFAULT_TIERS } from './dist/config/schema.js';
  const catalog = await loadCatalog();
  const t0 = process.hrtime.bigint();
  const r = await runAnalyze({ paths: [${JSON.stringify(file)}], catalog, tiers: DEFAULT_TIERS, groupBy: ['team'], workers: ${workers}, engine: '${engine}', ...('${engine}' === 'inprocess' ? {} : { labelSample: { seed: 1 } }) });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, lines: r.records.read, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
`);

const single = run(0);
const parallel = run(os.availableParallelism());
const duckEngine = run(0, 'duckdb');
const duckBare = child(`
  import { DuckDBInstance } from '@duckdb/node-api';
  const t0 = process.hrtime.bigint();
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const r = await c.runAndReadAll(\`SELECT modelId, requestMetadata.team AS team, count(*) AS n, sum(input.inputTokenCount) AS i, sum(output.outputTokenCount) AS o
    FROM read_json(${JSON.stringify(JSON.stringify(file)).slice(1, -1).replace(/"/g, "'")}, format = 'newline_delimited') GROUP BY ALL\`);
  const lines = r.getRowObjects().reduce((a, x) => a + Number(x.n), 0);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, lines, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
`);
const mbps = (x) => bytes / 1e6 / (x.ms / 1000);
const rps = (x) => x.lines / (x.ms / 1000);
const row = (name, x) => `${name.padEnd(34)} ${mbps(x).toFixed(1).padStart(8)} MB/s ${Math.round(rps(x)).toLocaleString('en-US').padStart(10)} rec/s  ${(mbps(x) / mbps(baseline)).toFixed(2).padStart(5)}×  peak RSS ${x.maxRssMb.toFixed(0)} MB`;
console.log(`input: ${(bytes / 1e6).toFixed(0)} MB, ${baseline.lines.toLocaleString('en-US')} lines, ${os.availableParallelism()} cores`);
console.log(row('floor: read lines + JSON.parse', baseline));
console.log(row('tokor analyze, in-process', single));
console.log(row(`tokor analyze, ${os.availableParallelism()} worker threads`, parallel));
console.log(row('tokor analyze --engine duckdb', duckEngine));
console.log(row('bare DuckDB: read_json + GROUP BY', duckBare));
console.log(`tokor --engine duckdb takes ${(duckEngine.ms / duckBare.ms).toFixed(2)}× the bare DuckDB query's time (target ≤ 1.2×)`);
console.log(`target: in-process ≥ 1.00× the floor, peak RSS ≤ 256 MB`);
if (process.argv.includes("--clean")) rmSync(file);
