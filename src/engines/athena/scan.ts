/**
 * The Athena engine (`--engine athena --table db.table`): the same SQL
 * aggregation (../sql/aggregation.ts, Trino dialect) run where the logs are,
 * over the table `tokor athena ddl` prints, with partition pruning on
 * --since/--until. Two queries (aggregate, then sample and the lines tokor
 * parses itself); their bytes scanned and what Athena charges for them go into
 * the report.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { InputError } from '../../errors.js';
import { ATHENA_SCAN_PRICE, scanCost } from '../../pricing/scan/scanCost.js';
import type { AthenaOptions, ScanRequest, ScanResult } from '../types.js';
import { aggregationQueries } from '../sql/aggregation.js';
import { DEFAULT_PER_STRATUM, refuseInProcessOnly, scanResult, toAccumulator, uncountableCopies, type ComplexLine } from '../sql/collect.js';
import { TRINO, ident } from '../sql/dialect.js';
import { checkTableName, hourFilter } from './ddl.js';
import { runAthenaQuery, streamAthenaQuery } from './query.js';

export function createAthenaClient(o: Pick<AthenaOptions, 'region' | 'endpoint' | 'profile'>): AthenaClient {
  // The SDK warns on every run that its 2027 releases need Node 22: not actionable for tokor users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new AthenaClient({
    ...(o.region ? { region: o.region } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: 10_000, requestTimeout: 120_000 }),
  });
}

export async function scanAthena(req: ScanRequest): Promise<ScanResult> {
  refuseInProcessOnly(req, 'athena');
  const o = req.athena;
  if (!o?.table) throw new InputError('--engine athena needs --table database.table (the table `tokor athena ddl` prints)');
  if (req.paths.length) throw new InputError('--engine athena reads the --table, not paths: drop the paths, or use --engine duckdb for files and s3:// paths');
  if (o.output !== undefined && !/^s3:\/\/[^/]+/.test(o.output)) throw new InputError(`--output ${o.output}: give the s3:// location for Athena's result files`);
  const table = checkTableName(o.table)
    .split('.')
    .map(ident)
    .join('.');
  const filter = hourFilter(o.since, o.until);
  const source = `SELECT "$path" AS file, CAST(NULL AS BIGINT) AS pos, line FROM ${table}${filter ? ` WHERE ${filter}` : ''}`;
  const perStratum = req.labelSample?.perStratum ?? DEFAULT_PER_STRATUM;
  const seed = req.labelSample?.seed ?? 1;
  const q = aggregationQueries(TRINO, source, { groupBy: req.groupBy, perStratum, seed, promptBounds: req.promptBounds ?? [] });
  const client = createAthenaClient(o);
  try {
    const target = { workgroup: o.workgroup, output: o.output };
    const hooks = { signal: req.signal, sleep: o.sleep };
    const aggregate = await runAthenaQuery(client, q.aggregate, target, hooks);
    // Copies the aggregate cannot de-duplicate as tokor does, counted by the aggregate itself (no second scan).
    const conflicting = aggregate.rows.reduce((n, r) => n + Number(r.conflicting ?? 0) + Number(r.mixed ?? 0), 0);
    if (conflicting > 0) throw uncountableCopies('Athena', conflicting, 'analyze those logs with --engine inprocess');
    const lines = await streamAthenaQuery(client, q.lines, target, hooks);
    // The sample's lines are labeled as their pages come (none is kept); the lines tokor parses itself come
    // mixed with them, and are kept to be read after the sample, grouped by file in name order (Athena has no
    // line numbers).
    const complexRows: { file: string; text: string }[] = [];
    async function* sample(): AsyncGenerator<string> {
      for await (const l of lines.rows) {
        if (l.part === 'sample') yield l.line ?? '';
        else complexRows.push({ file: l.file ?? '', text: l.line ?? '' });
      }
    }
    const complex = (): ComplexLine[] => {
      const fileNames = [...new Set(complexRows.map((r) => r.file))].sort();
      return complexRows.map((r) => ({ file: r.file, fileIndex: fileNames.indexOf(r.file), line: 0, text: r.text })).sort((a, b) => a.fileIndex - b.fileIndex);
    };
    const { acc, labeled, estimated } = await toAccumulator({ rows: aggregate.rows, sample: sample(), complex, perStratum }, req);
    const bytes = [aggregate.bytesScanned, lines.bytesScanned];
    const result = scanResult(acc, [`athena:${o.table}`], bytes.reduce((a, b) => a + b, 0), labeled, estimated, seed);
    result.formats = { bedrock: 1 };
    result.scan = { engine: 'athena', queries: bytes.length, bytesScanned: bytes.reduce((a, b) => a + b, 0), cost: scanCost(bytes), price: ATHENA_SCAN_PRICE };
    return result;
  } finally {
    client.destroy();
  }
}
