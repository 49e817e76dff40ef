#!/usr/bin/env node
// Do the two engines agree on a big log? Runs `tokor analyze --format json` in process and with
// --engine duckdb on the same file (through the built CLI) and compares what must be equal to the
// cent: record counts, token totals, the actual cost and the all-frontier counterfactual, and each
// model's requests, tokens and dollars. The label mix may differ (DuckDB labels a sample per stratum).
//
//   node bench/equality.mjs [--file PATH] [--group-by team]   (default: the log bench/analyze.mjs generates)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const file = path.resolve(arg('--file', path.join(root, 'bench', 'out', 'bedrock-1024mb.jsonl')));
if (!existsSync(file)) {
  console.error(`${file}: no such file; run node bench/analyze.mjs first (it generates it) or pass --file`);
  process.exit(2);
}
const groupBy = arg('--group-by', 'team');

function analyze(extra) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tokor.js'), 'analyze', file, '--format', 'json', '--group-by', groupBy, ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  return { report: JSON.parse(r.stdout), seconds: (Date.now() - t0) / 1000 };
}

/** What must not depend on the engine. */
const exact = (r) => ({
  records: r.records,
  tokens: r.tokens,
  costActual: r.cost.actual,
  frontierCounterfactual: r.cost.frontierCounterfactual,
  byModel: r.byModel.map((m) => ({ model: m.model, region: m.region, requests: m.requests, tokens: m.tokens, costUsd: m.costUsd, frontierCounterfactualUsd: m.frontierCounterfactualUsd })),
});

const inproc = analyze([]);
const duck = analyze(['--engine', 'duckdb']);
const a = JSON.stringify(exact(inproc.report), null, 1);
const b = JSON.stringify(exact(duck.report), null, 1);
console.log(`${file}: in process ${inproc.seconds.toFixed(1)} s, --engine duckdb ${duck.seconds.toFixed(1)} s`);
console.log(`records: ${JSON.stringify(inproc.report.records)}`);
console.log(`cost.actual: in process ${inproc.report.cost.actual}, duckdb ${duck.report.cost.actual}`);
if (a === b) {
  console.log(`equal: counts, tokens, actual and all-frontier dollars, and every model's requests, tokens and dollars (${inproc.report.byModel.length} models)`);
} else {
  const la = a.split('\n');
  const lb = b.split('\n');
  const at = la.findIndex((l, i) => l !== lb[i]);
  console.log(`DIFFERENT, first at line ${at + 1}:\n  in process: ${la[at]}\n  duckdb:     ${lb[at]}`);
  process.exitCode = 1;
}
