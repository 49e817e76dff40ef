#!/usr/bin/env node
// The floors of an exact push-down to DuckDB, against DuckDB's own bare aggregation, each query alone in a
// DuckDB of its own with tokor's settings (2 threads, 768 MB, no insertion order), round robin, medians:
//
//   node bench/duckdb-floors.mjs --file bench/out/bedrock-1024mb.jsonl [--repeat 3]
//
// - bare: read_json (types detected) + GROUP BY model and team with token sums (as `npm run bench`);
// - lines: the file split into lines alone (how tokor's staging pass reads it: read_csv, one column, 8 MiB buffers);
// - linesLong: the same with the buffers of a log holding a longer line (64 MiB);
// - linesParsed: those lines parsed with the structure of the paths tokor reads (from_json), nothing else;
// - stage: tokor's whole staging pass (stagedQueries().stage, built from dist/: `npm run build` first);
// - typed45: DuckDB's own JSON reader given those paths as typed columns (each value JSON text; no line text,
//   a streamed record's array body left out by ignore_errors), each column counted;
// - typed45text: the same, every value turned into text; typed45agg: the same, grouped by model with a count summed;
// and, outside DuckDB, labeling (on this thread) as many of the file's first lines as `tokor analyze --engine duckdb`
// samples from the 1.27 GB bench log at the default --label-sample (--label-lines, default 42,079): what tokor does
// with the sample besides reading it.
// CPU is this process's user + system time over all threads while the query runs; the ratios are to bare's CPU.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { bareDuckdbQuery, root } from './child.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const file = path.resolve(arg('--file', path.join(root, 'bench/out/bedrock-1024mb.jsonl')));
const repeat = Math.max(1, Number(arg('--repeat', '3')));
const labelLines = Number(arg('--label-lines', '42079'));
const load = (p) => import(pathToFileURL(path.join(root, p)).href);
const { stagedQueries } = await load('dist/engines/sql/aggregation.js');
const { DUCKDB, lit } = await load('dist/engines/sql/dialect.js');
const { DuckDBInstance } = await import('@duckdb/node-api');
const { labelLine } = await load('dist/engines/sql/labelSample.js');
const { labelerFor } = await load('dist/analyze/labelerFor.js');

const { LINE_BYTES, LONG_LINE_BYTES, linesSql } = await load('dist/engines/duckdb/lines.js');
const lines = linesSql([file], LINE_BYTES);
const q = stagedQueries(DUCKDB, `SELECT filename AS file, line FROM ${lines}`, { groupBy: ['team'], perStratum: 1000, seed: 1, promptBounds: [] }, 'tokor_records');
const structureLit = q.stage.match(/TRY\(from_json\(line, ('(?:[^']|'')*')\)\)/)[1];
const structure = JSON.parse(structureLit.slice(1, -1).replace(/''/g, "'"));
const typeOf = (v) => (typeof v === 'string' ? v : Array.isArray(v) ? `${typeOf(v[0])}[]` : `STRUCT(${Object.entries(v).map(([k, t]) => `"${k}" ${typeOf(t)}`).join(', ')})`);
const columns = `{${Object.entries(structure).map(([k, t]) => `${lit(k)}: ${lit(typeOf(t))}`).join(', ')}}`;
const typed = `read_json(${lit(file)}, format = 'newline_delimited', ignore_errors = true, columns = ${columns})`;
const queries = {
  bare: bareDuckdbQuery(file),
  lines: `SELECT count(*) FROM ${lines}`,
  linesLong: `SELECT count(*) FROM ${linesSql([file], LONG_LINE_BYTES)}`,
  linesParsed: `SELECT count(*) FROM (SELECT TRY(from_json(line, ${structureLit})) AS f FROM ${lines}) WHERE f IS NOT NULL`,
  stage: q.stage,
  typed45: `SELECT ${Object.keys(structure).map((k) => `count("${k}")`).join(', ')} FROM ${typed}`,
  typed45text: `SELECT sum(length(CAST(COLUMNS(*) AS VARCHAR))) FROM ${typed}`,
  typed45agg: `SELECT "modelId", count(*) AS n, sum(TRY_CAST("input"."inputTokenCount" AS BIGINT)) AS i FROM ${typed} GROUP BY ALL`,
};

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const runs = {};
for (let r = 0; r < repeat; r++) {
  for (const [name, sql] of Object.entries(queries)) {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '768MB', preserve_insertion_order: 'false' });
    const conn = await instance.connect();
    const wall = performance.now();
    const c = cpu();
    await conn.run(sql);
    (runs[name] ??= []).push([(performance.now() - wall) / 1000, cpu() - c]);
    conn.closeSync();
    instance.closeSync();
  }
}
const sample = [];
for await (const l of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (sample.length >= labelLines) break;
  if (l !== '') sample.push(l);
}
const labeler = labelerFor(undefined);
for (let r = 0; r < repeat; r++) {
  const wall = performance.now();
  const c = cpu();
  let n = 0;
  for (const l of sample) n += labelLine(l, labeler, { groupBy: [] }).length;
  if (n < sample.length) throw new Error(`${sample.length - n} lines did not parse`);
  (runs[`label ${sample.length}`] ??= []).push([(performance.now() - wall) / 1000, cpu() - c]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const bareCpu = median(runs.bare.map((x) => x[1]));
console.log(`${file}, ${repeat} rounds; medians (wall, CPU), CPU against bare's`);
for (const [name, v] of Object.entries(runs)) {
  const c = median(v.map((x) => x[1]));
  console.log(`${name.padEnd(12)} wall ${median(v.map((x) => x[0])).toFixed(2)} s  CPU ${c.toFixed(2)} s  ${(c / bareCpu).toFixed(2)}× bare`);
}
