import type { Done } from '../exit.js';
import type { Command } from 'commander';
import { list } from '../flags.js';
import type { DdlOptions } from '../../engines/athena/index.js';

export function defineAthena(program: Command, done: Done): void {
  const athena = program.command('athena').addHelpText(
    'after',
    `
Examples:
  $ tokor athena ddl --bucket my-logs --prefix bedrock \\
      --accounts 123456789012 --regions us-east-1,us-west-2 > table.sql
  $ tokor analyze --engine athena --table tokor.bedrock_invocations \\
      --output s3://my-athena-results/tokor/ --since 2026-03-01

Create the table once (run the DDL in Athena), then analyze the logs where they
are (docs/scale.md).`,
  );
  athena
    .command('ddl')
    .description('print the CREATE EXTERNAL TABLE for Bedrock model-invocation logs, with partition projection (review it, then run it in Athena)')
    .requiredOption('--bucket <name>', 'the S3 bucket Bedrock delivers invocation logs to')
    .option('--prefix <prefix>', 'the key prefix before AWSLogs/ (the logging configuration’s prefix)', '')
    .requiredOption('--accounts <ids>', 'AWS account IDs under AWSLogs/ (comma-separated, repeatable)', list)
    .requiredOption('--regions <names>', 'Regions under BedrockModelInvocationLogs/ (comma-separated, repeatable)', list)
    .option('--table <db.table>', 'the table to create', 'tokor.bedrock_invocations')
    .option('--start <YYYY/MM/DD/HH>', 'first hour projected (default: 2023/01/01/00)')
    .addHelpText(
      'after',
      `
Examples:
  $ tokor athena ddl --bucket my-logs --prefix bedrock \\
      --accounts 123456789012 --regions us-east-1,us-west-2
  $ tokor analyze --engine athena --table tokor.bedrock_invocations \\
      --workgroup primary --output s3://my-athena-results/tokor/ \\
      --since 2026-03-01 --until 2026-03-31`,
    )
    .action(async (flags: DdlOptions) => {
      const [{ athenaDdl }, { emit }] = await Promise.all([import('../../app/athena.js'), import('../output.js')]);
      await emit(athenaDdl({ bucket: flags.bucket, prefix: flags.prefix, table: flags.table, accounts: flags.accounts, regions: flags.regions, start: flags.start }));
      done('ok');
    });
}
