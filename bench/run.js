#!/usr/bin/env node
// npm run bench: every benchmark in one command, each in its own process so
// that one's memory does not colour another's. Figures are ratios against a
// baseline measured in the same run, never absolute targets in tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// Flags go to every benchmark; a flag's value (`--file PATH`, `--size-mb 400`, `--repeat 3`) goes with it.
const VALUE_FLAGS = new Set(['--file', '--size-mb', '--repeat']);
const only = [];
const passThrough = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (!args[i].startsWith('-')) only.push(args[i]);
  else if (VALUE_FLAGS.has(args[i]) && i + 1 < args.length) passThrough.push(args[i], args[++i]);
  else passThrough.push(args[i]);
}
const benches = ['analyze', 'eval', 'calibrate'].filter((b) => only.length === 0 || only.includes(b));

let failed = 0;
for (const name of benches) {
  const file = path.join(here, `${name}.mjs`);
  if (!existsSync(file)) {
    console.log(`\n## ${name}: no benchmark (bench/${name}.mjs missing)`);
    failed++;
    continue;
  }
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, [file, ...passThrough], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
