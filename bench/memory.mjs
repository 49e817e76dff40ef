#!/usr/bin/env node
// Peak RSS against input size: tokor analyze on each given input, in process (worker threads, the default)
// and with --engine duckdb, each run in its own process. Prints peak RSS per run and, from each input to the
// next larger one, how much RSS grew per million more records: what stays bounded levels off.
//
//   node bench/memory.mjs --file SMALL.jsonl --file MEDIUM.jsonl --file LARGE.jsonl,OTHER.jsonl [--engine inprocess|duckdb]
//
// An input of several comma-separated files is read in one run (logs of distinct requests make a larger one).
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tokor } from './child.mjs';

const files = [];
const engines = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--file') files.push(process.argv[++i].split(',').map((f) => path.resolve(f)));
  else if (process.argv[i] === '--engine') engines.push(process.argv[++i]);
}
if (files.length === 0) {
  console.error('usage: node bench/memory.mjs --file LOG.jsonl [--file BIGGER.jsonl …] [--engine inprocess|duckdb]');
  process.exit(2);
}
const size = (input) => input.reduce((n, f) => n + statSync(f).size, 0);
files.sort((a, b) => size(a) - size(b));
const cores = os.availableParallelism();
console.log(`${cores} cores; load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const engine of engines.length ? engines : ['inprocess', 'duckdb']) {
  const runs = files.map((input) => ({ name: input.map((f) => path.basename(f)).join('+'), mb: size(input) / 1e6, ...tokor(input, undefined, engine)() }));
  for (const r of runs) {
    console.log(`${engine.padEnd(10)} ${r.name.padEnd(28)} ${r.mb.toFixed(0).padStart(6)} MB ${r.lines.toLocaleString('en-US').padStart(10)} records  ${(r.ms / 1000).toFixed(1).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0).padStart(5)} MB`);
  }
  for (let i = 1; i < runs.length; i++) {
    const [a, z] = [runs[i - 1], runs[i]];
    const perMillion = ((z.maxRssMb - a.maxRssMb) / (z.lines - a.lines)) * 1e6;
    console.log(`${engine.padEnd(10)} ${a.name} → ${z.name}: peak RSS ${z.maxRssMb >= a.maxRssMb ? '+' : ''}${(z.maxRssMb - a.maxRssMb).toFixed(0)} MB for ${((z.lines - a.lines) / 1e6).toFixed(2)} M more records (${perMillion.toFixed(0)} MB per million)`);
  }
}
