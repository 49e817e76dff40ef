import type { Done } from '../exit.js';
import { type Command, Option } from 'commander';
import { OUTPUT_FORMATS, type OutputFormat } from '../../types.js';
import { collect } from '../flags.js';

interface PricesFlags {
  model?: string;
  region?: string;
  provider?: string;
  catalog?: string[];
  config?: string;
  format: OutputFormat;
  out?: string;
}

export function definePrices(program: Command, done: Done): void {
  program
    .command('prices')
    .option('--model <id>', 'a model ID, profile ID or ARN: show how it resolves (exit 2 if it has no price)')
    .option('--region <region>', 'AWS region to price in (e.g. eu-central-1)')
    .option('--provider <name>', 'only this provider: bedrock, azure-openai, vertex, or one from --catalog')
    .option('--catalog <file>', 'extra price catalog (JSON or YAML) that extends or overrides the built-in one (repeatable)', collect)
    .option('--config <file>', 'tokor.config.yaml (default: ./tokor.config.yaml if present)')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ tokor prices                          # every built-in price, with sources
  $ tokor prices --provider bedrock --region eu-central-1
  $ tokor prices --model us.anthropic.claude-sonnet-4-5-20250929-v1:0 \\
      --region us-west-2
  # an application inference profile ARN: tokor says how to map it to a model
  $ tokor prices --model \\
      arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2
  $ tokor prices --catalog my-prices.yaml --format json  # your rates merged in`,
    )
    .action(async (opts: PricesFlags) => {
      const [{ openContext }, { prices }, { renderPrices, renderResolutionAs }, { checkOutputs, emit, terminalWidth }] = await Promise.all([
        import('../../app/context.js'),
        import('../../app/prices.js'),
        import('../../pricing/listPrices.js'),
        import('../output.js'),
      ]);
      await checkOutputs([{ file: opts.out, flag: '--out' }]);
      const result = await prices(await openContext({ config: opts.config, catalog: opts.catalog }), opts);
      const width = terminalWidth();
      await emit(result.kind === 'list' ? renderPrices(result.rows, opts.format, { width }) : renderResolutionAs(result.resolution, opts.format, { width }), opts.out);
      done('ok');
    });
}
