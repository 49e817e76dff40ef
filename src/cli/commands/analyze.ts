import type { Done } from '../exit.js';
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { LABELER_NAMES, type LabelerName } from '../../types.js';
import { LOG_FORMAT_NAMES } from '../../ingest/formats/index.js';
import { collect, list, nonNegativeInt, positiveInt, fraction, parseTiersFlag } from '../flags.js';
import { InputError, UsageError } from '../../errors.js';
import { ENGINE_NAMES } from '../../engines/types.js';
import { counted } from '../../report/format.js';

const ANALYZE_FORMATS = ['table', 'json', 'csv', 'markdown', 'html'] as const;

/**
 * The most --workers a run may ask for: each worker holds its own parser and
 * buffers (about 11 MB each: 64 workers peaked at 942 MB on the bundled sample,
 * 8 at 250 MB), and 1,000 were killed for memory without a word. 64, or 2
 * per core on a larger machine.
 */
function workerCount(value: string): number {
  const n = nonNegativeInt(value);
  const most = Math.max(64, 2 * availableParallelism());
  if (n > most) throw new InvalidArgumentError(`expected at most ${most} worker threads (64 or 2 per core: each holds its own parser and buffers, about 11 MB)`);
  return n;
}

/** File issues that leave part of a file unread (a truncated or corrupt gzip, a .gz that is not gzip). */
const UNREAD_FILE_KINDS: ReadonlySet<string> = new Set(['truncated', 'corrupt', 'not-gzip']);

export function defineAnalyze(program: Command, done: Done): void {
  program
    .command('analyze')
    .argument('[paths...]', 'log files or directories (walked recursively, .gz ok); - for stdin; default: the bundled sample')
    .addOption(new Option('--log-format <format>', 'force the log format (default: detected per file)').choices(LOG_FORMAT_NAMES))
    .option('--claude-code', "also read Claude Code's transcripts: $CLAUDE_CONFIG_DIR/projects (comma-separated dirs too), else ~/.claude/projects and ~/.config/claude/projects")
    .option('--map <spec>', 'CSV column mapping: comma-separated FIELD=COLUMN pairs (model, input, output, cacheRead, …; tag.NAME=COLUMN for a tag), e.g. model=model_id,input=prompt_tokens (repeatable)', collect)
    .option('--tiers <spec>', 'tier ladder, cheapest first: cheap=MODEL,mid=MODEL,frontier=MODEL')
    .option('--config <file>', 'tokor.config.yaml (default: ./tokor.config.yaml if present)')
    .option('--catalog <file>', 'extra price catalog (JSON or YAML) that extends or overrides the built-in one (repeatable)', collect)
    .option('--labels <file>', 'measured labels (CSV or JSONL of request id → easy|moderate|hard), e.g. from tokor label')
    .option('--classifier <file>', 'router model from tokor calibrate --out-router (default: the --labeler)')
    .addOption(new Option('--labeler <name>', 'built-in difficulty scorer: heuristic (fast, at chance on public data) or routellm (the shipped model trained on RouteLLM results: better on GSM8K/MMLU-like prompts, slower); docs/labeling.md').choices(LABELER_NAMES))
    .option('--group-by <dims>', 'breakdowns: team, app, role, model, day, region or any requestMetadata key (comma-separated, repeatable)', list)
    .option('--session-key <key>', 'requestMetadata key that names a request\'s session (default: Claude Code sessionId, else conversation chaining)')
    .option('--sample <n>', 'analyze a seeded uniform sample of n records', positiveInt)
    .option('--seed <n>', 'seed for --sample', nonNegativeInt, 1)
    .option('--confidence <level>', 'confidence level for intervals', fraction, 0.95)
    .option('--bill <files...>', 'reconcile with billed spend over the same days: saved bills of any source tokor reads (docs/costs.md), or "live" (Cost Explorer)')
    .option('--cost-explorer <file|live>', 'alias of --bill: a saved GetCostAndUsage response, or "live"')
    .option('--amortized', 'with --bill: read the bill at amortized cost (Cost Explorer AmortizedCost, FOCUS EffectiveCost, CUR effective costs)')
    .option('--net', 'with --bill: CUR 2.0 exports at their net (after-discount) cost columns')
    .option('--profile <name>', 'AWS profile for --cost-explorer live and --engine athena')
    .option('--endpoint-url <url>', 'Cost Explorer endpoint for --cost-explorer live')
    .option('--strict', 'stop at the first bad record (exit 2)')
    .option('--skipped <file>', 'write every skipped line (file, line, kind, reason) to FILE: JSON lines, or CSV when FILE ends in .csv')
    .option('--workers <n>', 'worker threads, 0 = none, at most 64 or 2 per core (default: one per core from 192 MiB of input, a .gz file\'s size counted 10×)', workerCount)
    .option('--dedupe-keys <n>', 'request keys held in memory for exact de-duplication; beyond them keys go to a temporary file, and if one repeats there the logs are read twice (default: 2097152 keys, 48 MiB)', positiveInt)
    .addOption(new Option('--engine <name>', 'where the logs are aggregated: inprocess (this process), duckdb (embedded DuckDB: local files, globs, s3://), athena (the --table in Amazon Athena); docs/scale.md').choices(ENGINE_NAMES).default('inprocess'))
    .option('--label-sample <n>', 'with --engine duckdb|athena: records labeled per stratum (model, Region, group); larger strata are estimated from them (default: 1000)', positiveInt)
    .option('--table <db.table>', 'with --engine athena: the table `tokor athena ddl` creates')
    .option('--workgroup <name>', 'with --engine athena: the workgroup queries run in (default: primary)')
    .option('--output <s3-url>', 'with --engine athena: where Athena writes result files (default: the workgroup’s)')
    .option('--since <YYYY-MM-DD>', 'with --engine athena: first day read (UTC; partition pruning)')
    .option('--until <YYYY-MM-DD>', 'with --engine athena: last day read (UTC; partition pruning)')
    .option('--region <region>', 'with --engine athena: the Athena Region (default: from the AWS environment)')
    .option('--athena-endpoint-url <url>', 'with --engine athena: an Athena-compatible endpoint')
    .addOption(new Option('--format <format>', 'output format').choices(ANALYZE_FORMATS).default('table'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ tokor analyze                  # the bundled sample (synthetic Bedrock logs)
  $ tokor analyze ./AWSLogs --group-by team,app  # an S3 export, synced locally
  $ tokor analyze --claude-code --group-by project  # this machine's Claude Code
  $ aws s3 cp s3://my-logs/AWSLogs/one-object.json.gz - | tokor analyze -
  $ tokor analyze usage.csv \\
      --map model=model_id,input=prompt_tokens,output=completion_tokens
  $ tokor analyze logs/ --labels labels.jsonl --format json --out analyze.json
  $ tokor analyze logs/ --cost-explorer ce.json  # reconcile with the bill
  $ tokor analyze logs/ --bill cur2-export/      # …or a CUR 2.0 / FOCUS folder

aws s3 cp streams one object to stdout (not --recursive); for a tree, run
aws s3 sync first and give the folder.`,
    )
    .action(async (paths: string[], flags: AnalyzeFlags) => {
      const [{ openContext }, { analyze }, { renderAnalyze }, { parseCsvMap }, { emit, note, startProgress, terminalWidth }, { trapInterrupt }, { analyzeProgressText }] = await Promise.all([
        import('../../app/context.js'),
        import('../../app/analyze.js'),
        import('../../report/analyze.js'),
        import('../../ingest/index.js'),
        import('../output.js'),
        import('../interrupt.js'),
        import('../progress.js'),
      ]);
      const inapplicable = inapplicableFlags(flags);
      if (inapplicable) throw new UsageError(inapplicable);
      const ctx = await openContext({ config: flags.config, catalog: flags.catalog });
      const progress = await startProgress('reading logs…', flags.format);
      // Ctrl-C stops reading; the scan throws Interrupted (exit 130). A second Ctrl-C exits at once.
      const interrupt = trapInterrupt({ stopping: 'stopping: no more reading', say: (line) => progress.note(line) });
      const started = Date.now();
      let run;
      try {
        run = await analyze(
          ctx,
          {
            paths,
            ...(flags.claudeCode ? { claudeCode: true } : {}),
            logFormat: flags.logFormat,
            csvMap: flags.map ? parseCsvMap(flags.map.join(',')) : undefined,
            tiers: flags.tiers ? parseTiersFlag(flags.tiers) : undefined,
            labels: flags.labels,
            classifier: flags.classifier,
            ...(flags.labeler ? { labeler: flags.labeler } : {}),
            groupBy: flags.groupBy,
            sessionKey: flags.sessionKey,
            sample: flags.sample ? { size: flags.sample, seed: flags.seed } : undefined,
            confidence: flags.confidence,
            strict: flags.strict,
            skipped: flags.skipped,
            workers: flags.workers,
            ...(flags.dedupeKeys !== undefined ? { dedupeKeys: flags.dedupeKeys } : {}),
            byDay: Boolean(flags.costExplorer || flags.bill),
            engine: flags.engine,
            labelSample: flags.labelSample,
            seed: flags.seed,
            ...(flags.engine === 'athena'
              ? {
                  athena: {
                    table: flags.table ?? '',
                    workgroup: flags.workgroup,
                    output: flags.output,
                    since: flags.since,
                    until: flags.until,
                    region: flags.region,
                    endpoint: flags.athenaEndpointUrl,
                    profile: flags.profile,
                  },
                }
              : {}),
          },
          { signal: interrupt.signal, onProgress: (p) => progress.update(() => analyzeProgressText(p, Date.now() - started)), onNote: (line) => progress.note(line) },
        );
      } finally {
        progress.stop();
        interrupt.dispose();
      }
      const { report } = run;
      const reconciliation = flags.costExplorer || flags.bill ? await (await import('../../app/costs.js')).attachReconciliation(report, { ...flags, catalog: await ctx.catalog() }) : undefined;
      if (flags.format === 'html') {
        const { renderAnalyzeHtml } = await import('../../report/html/index.js');
        await emit(await renderAnalyzeHtml(report, {}, reconciliation ? { reconciliation } : {}), flags.out);
      } else {
        await emit(renderAnalyze(report, flags.format, { width: terminalWidth() }), flags.out);
      }
      if (flags.format !== 'json') {
        // A file that could not be read to its end is said where skipped lines are: the report alone is easy to miss.
        for (const issue of report.fileIssues) if (UNREAD_FILE_KINDS.has(issue.kind)) note(`tokor: ${issue.message}`);
        if (report.records.invalid) note(`tokor: skipped ${counted(report.records.invalid, 'invalid record')}; see the report for reasons`);
      }
      if (run.unusable) throw new InputError(run.unusable, run.where);
      done('ok');
    });
}

/** The flags that only mean something with --engine athena, as the user spells them. */
const ATHENA_FLAGS = [
  ['table', '--table'],
  ['workgroup', '--workgroup'],
  ['output', '--output'],
  ['since', '--since'],
  ['until', '--until'],
  ['region', '--region'],
  ['athenaEndpointUrl', '--athena-endpoint-url'],
] as const;

/**
 * Flags given where they do nothing, said before any work: `--since` without
 * `--engine athena` would read the whole files as if no day had been asked
 * for (and `--table` without it, the bundled sample), `--amortized` without a
 * bill changes no figure.
 */
function inapplicableFlags(flags: Pick<AnalyzeFlags, 'engine' | 'labelSample' | 'amortized' | 'net' | 'bill' | 'costExplorer' | (typeof ATHENA_FLAGS)[number][0]>): string | undefined {
  const athenaOnly = ATHENA_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (flags.engine !== 'athena' && athenaOnly.length) {
    const days = athenaOnly.some((f) => f === '--since' || f === '--until') ? '; to read some days in process, give the files of those days' : '';
    return `${athenaOnly.join(', ')} ${athenaOnly.length > 1 ? 'apply' : 'applies'} with --engine athena only (the Athena table and its day partitions)${days}`;
  }
  if (flags.engine === 'inprocess' && flags.labelSample !== undefined) return '--label-sample applies with --engine duckdb or athena only: in process every record is labeled';
  const billFlags = [flags.amortized ? '--amortized' : '', flags.net ? '--net' : ''].filter(Boolean);
  if (billFlags.length && !flags.bill && !flags.costExplorer) return `${billFlags.join(' and ')} ${billFlags.length > 1 ? 'read' : 'reads'} the bill given with --bill or --cost-explorer: give one, or drop ${billFlags.length > 1 ? 'them' : 'it'}`;
  return undefined;
}

interface AnalyzeFlags {
  logFormat?: (typeof LOG_FORMAT_NAMES)[number];
  claudeCode?: boolean;
  map?: string[];
  tiers?: string;
  config?: string;
  catalog?: string[];
  labels?: string;
  classifier?: string;
  labeler?: LabelerName;
  groupBy?: string[];
  sessionKey?: string;
  sample?: number;
  seed: number;
  confidence: number;
  costExplorer?: string;
  bill?: string[];
  amortized?: boolean;
  net?: boolean;
  profile?: string;
  endpointUrl?: string;
  strict?: boolean;
  skipped?: string;
  workers?: number;
  dedupeKeys?: number;
  engine: (typeof ENGINE_NAMES)[number];
  labelSample?: number;
  table?: string;
  workgroup?: string;
  output?: string;
  since?: string;
  until?: string;
  region?: string;
  athenaEndpointUrl?: string;
  format: (typeof ANALYZE_FORMATS)[number];
  out?: string;
}
