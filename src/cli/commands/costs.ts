import type { Done } from '../exit.js';
import { type Command, Option } from 'commander';
import { OUTPUT_FORMATS, type OutputFormat } from '../../types.js';
import { GRANULARITIES, type Granularity } from '../../costs/dates.js';

interface CostsFlags {
  start?: string;
  end?: string;
  granularity?: Granularity;
  profile?: string;
  endpointUrl?: string;
  amortized?: boolean;
  net?: boolean;
  fromFile?: string[];
  format: OutputFormat | 'html';
  out?: string;
}

export function defineCosts(program: Command, done: Done): void {
  program
    .command('costs')
    .option('--start <date>', 'first day, YYYY-MM-DD (inclusive)')
    .option('--end <date>', 'end day, YYYY-MM-DD (exclusive, as Cost Explorer uses it: --end 2025-12-01 includes Nov 30)')
    .addOption(new Option('--granularity <g>', 'period size (default: DAILY live, inferred from --from-file)').choices(GRANULARITIES))
    .option('--profile <name>', 'AWS profile (default: the standard credential chain)')
    .option('--endpoint-url <url>', 'Cost Explorer endpoint (default: https://ce.us-east-1.amazonaws.com)')
    .option('--amortized', 'report AmortizedCost (Savings Plans/RIs spread over usage) instead of UnblendedCost; CUR: the Savings Plan and reservation effective costs, FOCUS: EffectiveCost')
    .option('--net', 'costs after discounts: Cost Explorer NetUnblendedCost / NetAmortizedCost; CUR 2.0 line_item_net_unblended_cost, or the net effective costs with --amortized')
    .option('--from-file <files...>', 'saved bills, any mix of sources (format detected per file; folders of export files too; docs/costs.md): offline, no AWS call')
    .addOption(new Option('--format <format>', 'output format (html: one self-contained page)').choices([...OUTPUT_FORMATS, 'html']).default('table'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addHelpText(
      'after',
      `
Dates: --end is exclusive. DAILY reaches back to the 1st of the month 13 months
ago; MONTHLY up to 38 months with Cost Explorer multi-year data enabled. Cost
Explorer charges $0.01 per request page.

Examples:
  $ tokor costs --start 2025-11-01 --end 2025-12-01   # November, by day, live
  $ tokor costs --start 2025-01-01 --end 2025-12-01 --granularity MONTHLY \\
      --profile billing
  $ aws ce get-cost-and-usage --granularity DAILY \\
      --time-period Start=2025-11-01,End=2025-12-01 \\
      --metrics UnblendedCost UsageQuantity \\
      --filter '{"Dimensions":{"Key":"RECORD_TYPE","Values":["Usage"]}}' \\
      --group-by Type=DIMENSION,Key=SERVICE Type=DIMENSION,Key=USAGE_TYPE \\
      > ce.json
  $ tokor costs --from-file ce.json --format json --out costs.json
  $ tokor costs --from-file cur2-export/ focus.csv.gz azure-actual-cost.csv \\
      anthropic-cost-report.json`,
    )
    .action(async (flags: CostsFlags) => {
      const { openContext } = await import('../../app/context.js');
      const { runCosts } = await import('../../app/costs.js');
      const { renderCosts } = await import('../../costs/render.js');
      const { checkOutputs, emit, note, startProgress, terminalWidth } = await import('../output.js');
      await checkOutputs([{ file: flags.out, flag: '--out' }]);
      const ctx = await openContext();
      const progress = flags.fromFile ? undefined : await startProgress('querying Cost Explorer…', flags.format);
      const report = await runCosts(ctx, {
        ...flags,
        files: flags.fromFile,
        endpoint: flags.endpointUrl,
        onProgress: (p) => progress?.update(`Cost Explorer: page ${p.page} (${p.groups} groups)${p.more ? ', more to come…' : ''}`),
      }).finally(() => progress?.stop());
      if (flags.format === 'html') {
        const { renderCostsHtml } = await import('../../report/html/index.js');
        await emit(await renderCostsHtml(report), flags.out);
      } else await emit(renderCosts(report, flags.format, { width: terminalWidth() }), flags.out);
      if (flags.format === 'json' || flags.format === 'csv') for (const n of report.notes) note(`tokor: ${n}`);
      done('ok');
    });
}
