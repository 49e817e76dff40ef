#!/usr/bin/env node
// Do the two engines agree on a big log? Runs `tokor analyze --format json` in process and with
// --engine duckdb on the same file (through the built CLI) and compares what must be equal to the
// cent: record counts, token totals, the actual cost and the all-frontier counterfactual, and each
// model's requests, tokens and dollars. The label mix may differ (DuckDB labels a sample per stratum).
// With --athena, also --engine athena, through the real Athena client against the tests' local Athena
// (test/helpers/athena-server.ts, run here as its own process), which executes the SQL tokor sends in DuckDB.
//
//   node bench/equality.mjs [--file PATH] [--group-by team] [--athena]   (default: the log bench/analyze.mjs generates)
import { spawn, spawnSync } from 'node:child_process';
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

function analyze(extra, { paths = [file], env = process.env } = {}) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tokor.js'), 'analyze', ...paths, '--format', 'json', '--group-by', groupBy, ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env });
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

/** The local Athena over `file` as table logs.bench; resolves to its URL and a stop function. */
async function localAthena() {
  const bin = path.join(root, 'node_modules', '.bin', 'vite-node');
  const child = spawn(bin, [path.join(root, 'test', 'helpers', 'athena-serve.ts'), '--', 'logs.bench', file], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0].trim());
    });
    child.on('exit', (code) => reject(new Error(`local Athena exited (${code})`)));
  });
  return { url, stop: () => child.stdin.end() };
}

function compare(name, other) {
  const a = JSON.stringify(exact(inproc.report), null, 1);
  const b = JSON.stringify(exact(other.report), null, 1);
  console.log(`cost.actual: in process ${inproc.report.cost.actual}, ${name} ${other.report.cost.actual} (${other.seconds.toFixed(1)} s)`);
  if (a === b) {
    console.log(`  equal: counts, tokens, actual and all-frontier dollars, and every model's requests, tokens and dollars (${inproc.report.byModel.length} models)`);
    return;
  }
  const la = a.split('\n');
  const lb = b.split('\n');
  const at = la.findIndex((l, i) => l !== lb[i]);
  console.log(`  DIFFERENT, first at line ${at + 1}:\n  in process: ${la[at]}\n  ${name}: ${lb[at]}`);
  process.exitCode = 1;
}

const inproc = analyze([]);
console.log(`${file}: in process ${inproc.seconds.toFixed(1)} s`);
console.log(`records: ${JSON.stringify(inproc.report.records)}`);
compare('--engine duckdb', analyze(['--engine', 'duckdb']));
if (process.argv.includes('--athena')) {
  const athena = await localAthena();
  try {
    // Placeholder keys for the local endpoint: the SDK signs every request, nothing leaves 127.0.0.1.
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDLOCALBENCH', AWS_SECRET_ACCESS_KEY: 'local-bench-secret' };
    const args = ['--engine', 'athena', '--table', 'logs.bench', '--workgroup', 'bench', '--output', 's3://bench/results/', '--region', 'us-east-1', '--athena-endpoint-url', athena.url];
    compare('--engine athena (local)', analyze(args, { paths: [], env }));
  } finally {
    athena.stop();
  }
}
