/**
 * `tokor athena ddl`: the CREATE EXTERNAL TABLE over a bucket of Bedrock
 * model-invocation logs, which users review and run themselves. One string
 * column, `line`: each log line whole (the engine's SQL parses it, so one
 * table serves every model's body shape). Partition projection follows the
 * path Bedrock writes — AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/ —
 * so no crawler or MSCK REPAIR is needed, and a query that bounds `datehour`
 * (tokor's --since/--until) reads only those hours.
 */
import { InputError } from '../../errors.js';

export interface DdlOptions {
  bucket: string;
  /** Key prefix before AWSLogs/ ('' when the logs sit at the bucket's root). */
  prefix: string;
  /** db.table */
  table: string;
  accounts: string[];
  regions: string[];
  /** First hour projected, YYYY/MM/DD/HH (default 2023/01/01/00). */
  start?: string;
}

const PARTITION_COLUMNS = { account: 'account', region: 'log_region', hour: 'datehour' } as const;

const TABLE = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

export function checkTableName(table: string): string {
  if (!TABLE.test(table)) throw new InputError(`--table ${table}: give it as database.table (letters, digits, _)`);
  return table;
}

export function athenaDdl(o: DdlOptions): string {
  checkTableName(o.table);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(o.bucket)) throw new InputError(`--bucket ${o.bucket}: not an S3 bucket name (no s3:// and no path: put the path in --prefix)`);
  const prefix = o.prefix.replace(/^\/+|\/+$/g, '');
  if (/['\\]/.test(prefix)) throw new InputError(`--prefix ${o.prefix}: quotes and backslashes are not allowed`);
  for (const a of o.accounts) if (!/^\d{12}$/.test(a)) throw new InputError(`--accounts: ${a} is not a 12-digit AWS account ID`);
  for (const r of o.regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new InputError(`--regions: ${r} is not an AWS Region name (e.g. us-east-1)`);
  if (o.accounts.length === 0 || o.regions.length === 0) throw new InputError('--accounts and --regions name the account and Region folders Bedrock writes under AWSLogs/');
  const start = o.start ?? '2023/01/01/00';
  if (!/^\d{4}\/\d{2}\/\d{2}\/\d{2}$/.test(start)) throw new InputError(`--start ${start}: give the first hour as YYYY/MM/DD/HH`);
  const base = `s3://${o.bucket}/${prefix ? `${prefix}/` : ''}AWSLogs`;
  const { account, region, hour } = PARTITION_COLUMNS;
  const [db, name] = o.table.split('.');
  return `-- Bedrock model-invocation logs as one line per row, for tokor analyze --engine athena --table ${o.table}.
-- Review, then run it in Athena (the database must exist: CREATE DATABASE IF NOT EXISTS ${db};).
CREATE EXTERNAL TABLE IF NOT EXISTS ${db}.${name} (
  line string
)
PARTITIONED BY (${account} string, ${region} string, ${hour} string)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\001' LINES TERMINATED BY '\\n'
STORED AS TEXTFILE
LOCATION '${base}/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.${account}.type' = 'enum',
  'projection.${account}.values' = '${o.accounts.join(',')}',
  'projection.${region}.type' = 'enum',
  'projection.${region}.values' = '${o.regions.join(',')}',
  'projection.${hour}.type' = 'date',
  'projection.${hour}.format' = 'yyyy/MM/dd/HH',
  'projection.${hour}.range' = '${start},NOW',
  'projection.${hour}.interval' = '1',
  'projection.${hour}.interval.unit' = 'HOURS',
  'storage.location.template' = '${base}/\${${account}}/BedrockModelInvocationLogs/\${${region}}/\${${hour}}/'
);
`;
}

/** The partition filter for --since/--until (days, inclusive, UTC): the hours Athena reads. */
export function hourFilter(since?: string, until?: string): string {
  const parts: string[] = [];
  const day = (flag: string, d: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) throw new InputError(`${flag} ${d}: give a day as YYYY-MM-DD`);
    return d.replace(/-/g, '/');
  };
  if (since) parts.push(`${PARTITION_COLUMNS.hour} >= '${day('--since', since)}/00'`);
  if (until) parts.push(`${PARTITION_COLUMNS.hour} <= '${day('--until', until)}/23'`);
  return parts.join(' AND ');
}
