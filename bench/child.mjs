// What the analyze benchmarks share: a contender runs in a child process of its own (its memory and CPU
// are its own) and prints one JSON line: time, lines read, peak RSS and CPU over all its threads.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs an ES module script in a child process and returns the last line it printed, parsed. */
export function child(script) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** DuckDB's own bare aggregation of a log, the benchmarks' DuckDB baseline: read_json (types detected), GROUP BY model and team with token sums. */
export const bareDuckdbQuery = (file) =>
  `SELECT modelId, requestMetadata.team AS team, count(*) AS n, sum(input.inputTokenCount) AS i, sum(output.outputTokenCount) AS o FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited') GROUP BY ALL`;

/** The end of every contender's script: prints what `child` returns (`t0` and `lines` set by the script). */
export const finish = `
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const ru = process.resourceUsage();
  console.log(JSON.stringify({ ms, lines, maxRssMb: ru.maxRSS / 1024, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000 }));`;

/** tokor analyze on `file` (a path, or several) as the CLI runs it (--group-by team), through the built dist: in process or with DuckDB. */
export const tokor = (file, workers, engine = 'inprocess') => () =>
  child(`
  import { runAnalyze } from './dist/app/analyze.js';
  import { loadCatalog } from './dist/config/catalog.js';
  import { DEFAULT_TIERS } from './dist/config/schema.js';
  const catalog = await loadCatalog();
  const t0 = process.hrtime.bigint();
  const r = await runAnalyze({ paths: ${JSON.stringify([file].flat())}, catalog, tiers: DEFAULT_TIERS, groupBy: ['team'], ...(${workers} === undefined ? {} : { workers: ${workers} }), engine: '${engine}', ...('${engine}' === 'inprocess' ? {} : { labelSample: { seed: 1 } }) });
  const lines = r.records.read;
  ${finish}
`);
