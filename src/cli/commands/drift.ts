import type { Done } from '../exit.js';
import { type Command, Option } from 'commander';
import { DRIFT_FORMATS, type DriftFormat } from '../../drift/render.js';
import { LOG_FORMAT_NAMES } from '../../ingest/formats/index.js';
import type { DriftRequest } from '../../app/drift.js';
import { collect, finiteNumber } from '../flags.js';

interface DriftFlags extends DriftRequest {
  config?: string;
  catalog?: string[];
  map?: string[];
  markdown?: string;
  out?: string;
  format: DriftFormat;
}

export function defineDrift(program: Command, done: Done): void {
  program
    .command('drift')
    .requiredOption('--baseline <file>', 'what the policy was certified on: a golden dataset (JSONL), a policy (calibrate policy.json or tokor.config.yaml → its dataset), traffic logs, or a `tokor analyze --format json` file')
    .requiredOption('--current <files...>', 'the traffic now: log files or folders, or `tokor analyze --format json` files (their trafficProfile)')
    .option('--dataset <files...>', "a policy baseline's golden dataset(s) when they are not bundled")
    .option('--alpha <rate>', 'family-wise false-alarm rate of the three tests, each tested at alpha ÷ 3 (default: 0.01)', finiteNumber)
    .option('--max-psi <psi>', 'the population-stability index a measure may reach: below it the measure is stable; at or above it, it drifts when its test is significant too (default: 0.2)', finiteNumber)
    .option('--min-coverage <share>', 'fail when fewer than this share of requests fall in clusters the baseline has (default: 0.8)', finiteNumber)
    .addOption(new Option('--log-format <format>', 'force the log format of --current/--baseline logs (default: detected per file)').choices(LOG_FORMAT_NAMES))
    .option('--map <spec>', 'CSV column mapping: comma-separated FIELD=COLUMN pairs, e.g. model=model_id,input=prompt_tokens (repeatable; as tokor analyze --map)', collect)
    .option('--config <file>', 'tokor.config.yaml for prices (default: ./tokor.config.yaml if present)')
    .option('--catalog <files...>', 'extra price catalogs for the spend of each cluster')
    .option('--markdown <file>', 'also write a Markdown summary (a pull-request comment)')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--format <format>', 'output format').choices(DRIFT_FORMATS).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  $ tokor drift --baseline golden-datasets/support-triage/dataset.jsonl \\
      --current ./AWSLogs
  $ tokor drift --baseline policy.json --current analyze.json --format markdown
  $ tokor drift --baseline last-quarter.json --current this-week.json \\
      --min-coverage 0.9

Each measure gets a population-stability index and a chi-square test of
homogeneity (sparse cells pooled); it drifts when the test is significant at
alpha ÷ 3 AND its PSI reaches --max-psi (a PSI below --max-psi is a shift too
small to matter, however significant). Thresholds: flags, else the policy's
\`drift\` section, else the defaults (docs/drift.md).

Exit codes: 0 stable, 1 drift or coverage below the threshold, 2 bad input.`,
    )
    .action(async (flags: DriftFlags) => {
      const [{ openContext }, { runDrift }, { renderDrift, renderDriftMarkdown }, { checkOutputs, emit, note, terminalWidth }, { parseCsvMap }] = await Promise.all([
        import('../../app/context.js'),
        import('../../app/drift.js'),
        import('../../drift/render.js'),
        import('../output.js'),
        import('../../ingest/index.js'),
      ]);
      await checkOutputs([
        { file: flags.markdown, flag: '--markdown' },
        { file: flags.out, flag: '--out' },
      ]);
      const ctx = await openContext({ ...(flags.config ? { config: flags.config } : {}), ...(flags.catalog ? { catalog: flags.catalog } : {}) });
      const { map, ...request } = flags;
      const run = await runDrift(ctx, { ...request, ...(map ? { csvMap: parseCsvMap(map.join(',')) } : {}) });
      for (const n of run.notes) note(`tokor: ${n}`);
      if (flags.markdown) await emit(renderDriftMarkdown(run.json), flags.markdown);
      await emit(renderDrift(run.json, flags.format, { width: terminalWidth() }), flags.out);
      done(run.json.stable ? 'ok' : 'bar-failed');
    });
}
