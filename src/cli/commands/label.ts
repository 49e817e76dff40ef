import type { Done } from '../exit.js';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { PROVIDERS } from '../../providers/index.js';
import { LOG_FORMAT_NAMES } from '../../ingest/formats/index.js';
import { collect, list, nonNegativeInt, positiveInt } from '../flags.js';
import type { LabelOptions } from '../../app/label.js';
import { shellCommand } from '../interrupt.js';
import { counted } from '../../report/format.js';

export function defineLabel(program: Command, done: Done): void {
  program
    .command('label')
    .argument('<paths...>', 'sampled traffic logs (files or directories, .gz ok; - for stdin) with prompt and answer bodies')
    .option('--out <file>', 'labels JSONL ({requestId, label, tiers, cluster, weight}) for tokor analyze --labels')
    .option('--sample <n>', 'measure a stratified sample of N requests over the task clusters', positiveInt)
    .option('--budget <usd>', 'measure the largest stratified sample whose expected cost stays within USD', positiveUsd)
    .option('--dry-run', 'print the task clusters, the sample per cluster and the expected cost per tier; send nothing')
    .addOption(new Option('--format <format>', 'output format of --dry-run').choices(PLAN_FORMATS).default('table'))
    .option('--resume', 'continue --out: keep its labels, label only the requests it lacks')
    .option('--overwrite', 'replace an --out file that already holds labels (else refused)')
    .addOption(new Option('--log-format <format>', 'force the log format (default: detected per file)').choices(LOG_FORMAT_NAMES))
    .option('--map <spec>', 'CSV column mapping: comma-separated FIELD=COLUMN pairs, e.g. model=model_id,input=prompt_tokens (repeatable; as tokor analyze --map)', collect)
    .option('--tier <names>', 'cheaper tiers to replay on, cheapest first, comma-separated, repeatable (default: all but the frontier)', list)
    .option('--grader <name>', 'grader comparing each answer with the logged one (default: llm-judge)')
    .option('--judge-tier <name>', 'tier that runs the llm-judge (default: the frontier tier)')
    .addOption(new Option('--provider <name>', 'provider for the replayed tiers and the judge').choices(PROVIDERS))
    .option('--region <region>', 'AWS region (bedrock)')
    .option('--profile <name>', 'AWS shared-config profile (bedrock)')
    .option('--endpoint-url <url>', 'endpoint override (HTTP/1.1 ok)')
    .option('--concurrency <n>', 'requests in flight at most', positiveInt, 8)
    .option('--timeout <seconds>', 'per-request timeout in seconds', positiveInt, 120)
    .option('--retries <n>', 'retries on throttling, 5xx and timeouts', nonNegativeInt, 6)
    .option('--max-tokens <n>', 'maxTokens for replayed requests', positiveInt)
    .option('--no-cache', 'bypass the response cache')
    .option('--cache-dir <dir>', 'response cache directory')
    .option('--config <file>', 'tokor.config.yaml (default: ./tokor.config.yaml if present)')
    .addHelpText(
      'after',
      `
Examples:
  # the clusters, the sample per cluster and its expected cost; nothing is sent
  $ tokor label logs/ --sample 400 --dry-run
  $ tokor label logs/ --sample 400 --out labels.jsonl  # a stratified sample
  $ tokor label logs/ --budget 5 --out labels.jsonl    # as many as $5 buys
  # every request, graded by the llm-judge on the frontier tier
  $ tokor label sample.jsonl.gz --out labels.jsonl
  $ tokor label logs/ --grader token-f1 --out labels.jsonl
  $ tokor analyze logs/ --labels labels.jsonl

Records without a prompt body or a logged answer are skipped and counted.
Format: docs/labels.md.`,
    )
    .action(async (paths: string[], f: LabelFlags) => {
      const [{ openContext }, { labelTraffic, labelOutcome, planLabel }, { progressText }, out, { runInterruptible, resumeCommand, commandArgs, STOP_REQUESTS }, { parseCsvMap }] = await Promise.all([
        import('../../app/context.js'),
        import('../../app/label.js'),
        import('../../eval/summary.js'),
        import('../output.js'),
        import('../interrupt.js'),
        import('../../ingest/index.js'),
      ]);
      const ctx = await openContext({ config: f.config });
      const { map, tier, ...rest } = f;
      const o = { ...rest, ...(tier ? { tier: tier.join(',') } : {}), ...(map ? { csvMap: parseCsvMap(map.join(',')) } : {}), timeoutMs: f.timeout * 1000 };
      if (f.dryRun) {
        const { renderLabelPlan } = await import('../../report/labelPlan.js');
        const plan = await planLabel(ctx, paths, o);
        await out.emit(renderLabelPlan(plan, f.format, { width: out.terminalWidth() }));
        out.note(`tokor: nothing was sent. To measure: ${measureCommand(commandArgs('label'))}`);
        done('ok');
        return;
      }
      const progress = await out.startProgress('label: starting');
      try {
        const { value, interrupted, closing } = await runInterruptible(
          { stopping: STOP_REQUESTS, resumeHint: () => resumeCommand('label', commandArgs('label'), ['--overwrite']), say: (line) => progress.note(line) },
          (stopSignal) => labelTraffic(ctx, paths, { ...o, env: process.env }, { stopSignal, onProgress: (p) => progress.update(progressText('label', p)) }),
        );
        progress.stop();
        for (const n of value.notes) out.note(`tokor: ${n}`);
        const { easy, moderate, hard } = value.counts;
        out.note(`tokor: ${counted(value.labeled, 'request')} labeled (easy ${easy}, moderate ${moderate}, hard ${hard}) → ${f.out}`);
        for (const line of closing) out.note(line);
        done(interrupted ? 'interrupted' : labelOutcome(value));
      } finally {
        progress.stop();
      }
    });
}

type LabelFlags = Omit<LabelOptions, 'timeoutMs' | 'env' | 'csvMap' | 'tier'> & { map?: string[]; tier?: string[]; timeout: number; config?: string; dryRun?: boolean; format: (typeof PLAN_FORMATS)[number] };

const PLAN_FORMATS = ['table', 'json'] as const;

function positiveUsd(v: string): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected an amount in USD above 0');
  return n;
}

/** The dry run's command line without --dry-run (and its --format), with --out when it had none. */
function measureCommand(argv: readonly string[]): string {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dry-run') continue;
    if (argv[i] === '--format') {
      i++;
      continue;
    }
    if (argv[i]!.startsWith('--format=')) continue;
    args.push(argv[i]!);
  }
  if (!args.some((a) => a === '--out' || a.startsWith('--out='))) args.push('--out', 'labels.jsonl');
  return shellCommand('label', args);
}
