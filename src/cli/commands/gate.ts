import type { Done } from '../exit.js';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { GATE_FORMATS, type GateFormat } from '../../gate/types.js';
import { collect } from '../flags.js';

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

interface GateFlags {
  policy?: string;
  results?: string[];
  dataset?: string[];
  base?: string;
  floor?: number;
  confidence?: number;
  maxSavingsDrop?: number;
  minSavings?: number;
  maxShareDrift?: number;
  maxP95Latency?: number;
  traffic?: string[];
  map?: string[];
  minCoverage?: number;
  maxPsi?: number;
  driftAlpha?: number;
  junit?: string;
  markdown?: string;
  format: GateFormat;
}

export function defineGate(program: Command, done: Done): void {
  program
    .command('gate')
    .option('--policy <file>', 'tokor.config.yaml or a `tokor calibrate --out` policy.json (default: the bundled default policy)')
    .option('--results <files...>', 'eval results JSONL (default: the bundled golden datasets, graded from their recordings)')
    .option('--dataset <files...>', 'the golden dataset(s) the results are for (prompts, tags); every result must be for one of them')
    .option('--base <file>', "the target branch's policy: show before → after; --max-savings-drop also checks against it")
    .option('--floor <x>', 'override every floor for this run (0–1)', number)
    .option('--confidence <c>', 'override every confidence level for this run (e.g. 0.95)', number)
    .option('--max-savings-drop <pct>', 'fail when realized savings fall more than this many points below the policy\'s certified savings (a calibrate policy; default 10) and, with --base, below the base policy\'s', number)
    .option('--max-share-drift <pts>', "fail when a tier's share moved beyond sampling error and by more than this many points from the share the policy was certified with", number)
    .option('--min-savings <pct>', 'fail when savings against all-frontier fall below this percentage', number)
    .option('--max-p95-latency <ms>', "fail when the routed p95 latency of the whole population, or of a scope without its own maxP95LatencyMs, exceeds this (default: the config's gate.maxP95LatencyMs, else the policy's)", number)
    .option('--traffic <files...>', "production traffic (logs or `tokor analyze --format json` files): fail when it drifted from the policy's golden set or the set covers too little of it (docs/drift.md)")
    .option('--map <spec>', '--traffic: CSV column mapping: comma-separated FIELD=COLUMN pairs, e.g. model=model_id,input=prompt_tokens (repeatable; as tokor analyze --map)', collect)
    .option('--min-coverage <share>', "--traffic: minimum share of requests in task clusters the golden set has (default: the policy's drift.minCoverage, else 0.8)", number)
    .option('--max-psi <psi>', "--traffic: the PSI a measure may reach: below it the measure is stable; at or above it, it drifts when its test is significant too (default: the policy's drift.maxPsi, else 0.2)", number)
    .option('--drift-alpha <rate>', "--traffic: false-alarm rate of the drift tests (default: the policy's drift.alpha, else 0.01)", number)
    .option('--junit <file>', 'also write JUnit XML (one test case per scope and check)')
    .option('--markdown <file>', 'also write a Markdown summary for a pull-request comment')
    .addOption(new Option('--format <format>', 'stdout format').choices(GATE_FORMATS).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  $ tokor gate          # the bundled default policy on the bundled golden sets
  $ tokor gate --policy tokor.config.yaml --results results.jsonl \\
      --markdown gate.md --junit gate.xml
  $ tokor gate --policy policy.json --results r.jsonl --dataset golden.jsonl \\
      --floor 0.97
  $ tokor gate --policy tokor.config.yaml --base base.tokor.config.yaml \\
      --results r.jsonl --max-savings-drop 5
  $ tokor gate --policy policy.json --results r.jsonl --traffic analyze.json \\
      --min-coverage 0.9

A \`tokor calibrate --out\` policy carries the savings it was certified with: the
gate fails when the realized savings fall more than --max-savings-drop points
(default: 10) below them. Results of another dataset than the calibration one
(a held-out or newer set) are gated with a note. Its certified tier shares are
printed next to the observed ones; a tier whose share differs beyond sampling
error (two-proportion z-test, 95%) is flagged, and --max-share-drift fails on
it.

Exit codes: 0 every floor holds, 1 a floor, savings or latency check failed,
2 bad input.`,
    )
    .action(async (flags: GateFlags) => {
      const { runGate } = await import('../../app/gate.js');
      const { renderGate, renderGateJunit, renderGateMarkdown } = await import('../../gate/render.js');
      const { outcomeOf } = await import('../../gate/verdict.js');
      const { checkOutputs, emit, note, startProgress, terminalWidth } = await import('../output.js');
      await checkOutputs([
        { file: flags.junit, flag: '--junit' },
        { file: flags.markdown, flag: '--markdown' },
      ]);
      const progress = await startProgress('reading the policy and results…', flags.format);
      let run;
      try {
        const { maxP95Latency, map, ...rest } = flags;
        const csvMap = map ? (await import('../../ingest/index.js')).parseCsvMap(map.join(',')) : undefined;
        run = await runGate({ ...rest, ...(maxP95Latency !== undefined ? { maxP95LatencyMs: maxP95Latency } : {}), ...(csvMap ? { csvMap } : {}), onProgress: (m) => progress.update(m) });
      } finally {
        progress.stop();
      }
      const v = run.verdict;
      for (const n of run.notes) note(`tokor: ${n}`);
      if (flags.format !== 'table') for (const w of v.warnings) note(`tokor: warning: ${w}`);
      if (flags.junit) await emit(renderGateJunit(v), flags.junit);
      if (flags.markdown) await emit(renderGateMarkdown(v), flags.markdown);
      await emit(renderGate(v, flags.format, { width: terminalWidth() }));
      done(outcomeOf(v));
    });
}
