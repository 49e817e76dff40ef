import type { Done } from '../exit.js';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { PROVIDERS } from '../../providers/index.js';
import { collect, list, nonNegativeInt, positiveInt } from '../flags.js';
import type { EvaluateOptions } from '../../app/eval.js';

const FORMATS = ['table', 'json', 'markdown', 'html'] as const;
const num = (lo: number, hi: number, what: string) => (v: string) => {
  const n = Number(v);
  if (!(n > lo && n <= hi)) throw new InvalidArgumentError(`expected ${what}`);
  return n;
};

export function defineEval(program: Command, done: Done): void {
  program
    .command('eval')
    .addOption(new Option('--tier <name|all>', 'tier(s) of the ladder to evaluate (comma-separated or all; repeatable)').argParser(list).default([], 'all'))
    .addOption(new Option('--dataset <file>', 'golden dataset JSONL (repeatable)').argParser(collect).default([], 'the bundled datasets, on their recordings'))
    .addOption(new Option('--provider <name>', 'provider for the selected tiers, or with --model an ad-hoc tier').choices(PROVIDERS))
    .option('--model <id>', 'model ID for an ad-hoc tier (no config needed)')
    .option('--region <region>', 'AWS region (bedrock)')
    .option('--profile <name>', 'AWS shared-config profile (bedrock)')
    .option('--endpoint-url <url>', 'endpoint override: a gateway, proxy or local stand-in (HTTP/1.1 ok)')
    .option('--concurrency <n>', 'requests in flight at most (backs off while throttled)', positiveInt, 8)
    .option('--timeout <seconds>', 'per-request timeout', num(0, 86_400, 'a number of seconds > 0'), 120)
    .option('--retries <n>', 'retries on throttling, 5xx and timeouts', nonNegativeInt, 6)
    .option('--out <file>', 'results JSONL, appended per item as it arrives')
    .option('--resume', 'continue --out: skip finished items, retry errored ones')
    .option('--overwrite', 'replace an --out file that already holds results (else refused)')
    .option('--no-cache', 'bypass the response cache (.tokor-cache/ or config cacheDir)')
    .option('--cache-dir <dir>', 'response cache directory')
    .option('--record <dir>', 'write live answers as recordings: DIR/<dataset>/recordings/<tier>.jsonl')
    .option('--recordings <dir>', 'replay from DIR/<dataset>/recordings/<tier>.jsonl instead of beside the dataset')
    .option('--grader <name>', 'grader for items that declare none (default: normalized-exact)')
    .option('--judge-tier <name>', 'tier that runs llm-judge graders (default: the frontier tier)')
    .option('--max-tokens <n>', 'maxTokens for every request', positiveInt)
    .option('--temperature <t>', 'temperature for every request', num(-1e-9, 2, 'a number from 0 to 2'))
    .option('--config <file>', 'tokor.config.yaml (default: ./tokor.config.yaml if present)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  $ tokor eval               # bundled datasets, recorded answers, every tier
  $ tokor eval --tier all --dataset my.jsonl --out results.jsonl
  $ tokor eval --provider bedrock --model us.amazon.nova-pro-v1:0 \\
      --dataset my.jsonl --region us-west-2
  $ tokor eval --provider openai --model gpt-4o-mini \\
      --endpoint-url http://localhost:4000/v1 --dataset my.jsonl
  $ tokor eval --dataset my.jsonl --out results.jsonl --resume  # after Ctrl-C

Exit codes: 0 the run completed (whatever the pass rate), 2 usage/input error,
3 items could not be run, 130 interrupted.`,
    )
    .action(async (f: EvalFlags) => {
      const [{ openContext }, { evaluate, evalOutcome }, { renderSummary, progressText }, out, { runInterruptible, resumeCommand, commandArgs, STOP_REQUESTS }] = await Promise.all([
        import('../../app/context.js'),
        import('../../app/eval.js'),
        import('../../eval/summary.js'),
        import('../output.js'),
        import('../interrupt.js'),
      ]);
      const ctx = await openContext({ config: f.config });
      const progress = await out.startProgress('eval: starting', f.format);
      try {
        const { value, interrupted, closing } = await runInterruptible(
          {
            stopping: STOP_REQUESTS,
            resumeHint: () => (f.out ? resumeCommand('eval', commandArgs('eval'), ['--overwrite']) : 'add --out FILE to keep results, and --resume to continue them'),
            say: (line) => progress.note(line),
          },
          (stopSignal) =>
            evaluate(
              ctx,
              { ...f, tier: f.tier.length ? f.tier.join(',') : 'all', datasets: f.dataset, timeoutMs: f.timeout * 1000, env: process.env },
              {
                stopSignal,
                onStart: ({ total, resumed }) => progress.update(`eval 0/${total}${resumed ? ` (${resumed} done before)` : ''}`),
                onProgress: (p) => progress.update(progressText('eval', p)),
              },
            ),
        );
        progress.stop();
        for (const n of value.notes) out.note(`tokor: ${n}`);
        if (f.format === 'html') {
          const { renderEvalHtml } = await import('../../report/html/index.js');
          await out.emit(await renderEvalHtml(value.summary));
        } else await out.emit(renderSummary(value.summary, f.format, { width: out.terminalWidth() }));
        for (const line of closing) out.note(line);
        done(interrupted ? 'interrupted' : evalOutcome(value));
      } finally {
        progress.stop();
      }
    });
}

type EvalFlags = Omit<EvaluateOptions, 'tier' | 'datasets' | 'timeoutMs' | 'env'> & { tier: string[]; dataset: string[]; timeout: number; config?: string; format: (typeof FORMATS)[number] };
