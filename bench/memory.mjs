#!/usr/bin/env node
// Peak RSS against input size: tokor analyze on each given Bedrock log, in process (worker threads, the
// default) and with --engine duckdb, each run in its own process. Prints peak RSS per run and, between the
// smallest and the largest input, how much RSS grew per million records: what stays bounded and what grows.
//
//   node bench/memory.mjs --file SMALL.jsonl --file MEDIUM.jsonl --file LARGE.jsonl [--engine inprocess|duckdb]
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tokor } from './child.mjs';

const files = [];
const engines = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--file') files.push(path.resolve(process.argv[++i]));
  else if (process.argv[i] === '--engine') engines.push(process.argv[++i]);
}
if (files.length === 0) {
  console.error('usage: node bench/memory.mjs --file LOG.jsonl [--file BIGGER.jsonl …] [--engine inprocess|duckdb]');
  process.exit(2);
}
files.sort((a, b) => statSync(a).size - statSync(b).size);
const cores = os.availableParallelism();
console.log(`${cores} cores; load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const engine of engines.length ? engines : ['inprocess', 'duckdb']) {
  const runs = files.map((file) => ({ file, mb: statSync(file).size / 1e6, ...tokor(file, undefined, engine)() }));
  for (const r of runs) {
    console.log(`${engine.padEnd(10)} ${path.basename(r.file).padEnd(28)} ${r.mb.toFixed(0).padStart(6)} MB ${r.lines.toLocaleString('en-US').padStart(10)} records  ${(r.ms / 1000).toFixed(1).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0).padStart(5)} MB`);
  }
  if (runs.length > 1) {
    const [a, z] = [runs[0], runs[runs.length - 1]];
    const perMillion = ((z.maxRssMb - a.maxRssMb) / (z.lines - a.lines)) * 1e6;
    console.log(`${engine.padEnd(10)} peak RSS grew ${(z.maxRssMb - a.maxRssMb).toFixed(0)} MB for ${((z.lines - a.lines) / 1e6).toFixed(2)} M more records (${perMillion.toFixed(0)} MB per million)`);
  }
}
