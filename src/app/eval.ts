/**
 * `tokor eval`: the context's config and catalog → tiers → datasets → one
 * model run (clients, cache, engine, judge) → results → summary. Callable
 * from tests: no printing, no exit; it returns the summary, the run's counts
 * and notes for the user. `evaluateToMemory` is the same run for other
 * commands (calibrate, gate): the bundled datasets on their recordings, the
 * result lines returned in memory.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderName } from '../providers/index.js';
import { InputError, UsageError } from '../errors.js';
import { errorGroupLines } from '../eval/engine/index.js';
import { isGraderType } from '../eval/graders/index.js';
import { resultKey } from '../eval/results.js';
import { runItems, type RunItem, type RunStats } from '../eval/runItems.js';
import { summarize, type EvalSummary, type RunCounts, type SummaryInput } from '../eval/summary.js';
import { checkBundledLadder, resolveJudgeTier, resolveTiers, tiersInLadderOrder, type TierFlags } from '../eval/tiers.js';
import type { EvalResult, GoldenDataset } from '../eval/types.js';
import { openResults, type ResultsWriter } from '../artifacts/results.js';
import { fsFailure } from '../io/fsErrors.js';
import { loadDataset } from '../io/goldenDatasets.js';
import { checkOutputs, lockOutput } from '../io/outputs.js';
import { RecordingWriter } from '../providers/replay.js';
import { SAMPLE_RECORDINGS_WHAT, type Provenance } from '../types.js';
import type { Context } from './context.js';
import { bundledGoldenDatasets, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, openModelRun, type RunHooks } from './models.js';
import { counted } from '../report/format.js';

/** Flags of `tokor eval`. Paths are relative to the context's working directory. */
export interface EvaluateOptions extends TierFlags {
  /** Dataset files; none → the bundled golden datasets, replayed unless --provider says otherwise. */
  datasets?: string[];
  provider?: ProviderName;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  out?: string;
  resume?: boolean;
  /** Replace an --out file that already holds results (without it, such a file is refused). */
  overwrite?: boolean;
  /** false = --no-cache. */
  cache?: boolean;
  cacheDir?: string;
  /** --record DIR: write live answers as recordings. */
  record?: string;
  /** replay: read recordings from DIR/<datasetId>/recordings/<tier>.jsonl. */
  recordings?: string;
  /** Grader for items that declare none. */
  grader?: string;
  env?: Record<string, string | undefined>;
}

export interface EvaluateHooks extends RunHooks {
  onStart?: (info: { total: number; resumed: number; tiers: string[]; datasets: string[] }) => void;
  /** Every result line as it is graded (what --out writes), in completion order. */
  onResult?: (r: EvalResult) => void;
}

export interface EvaluateOutcome {
  summary: EvalSummary;
  stats: RunStats;
  /** Things the user should know (stderr): resume counts, unpriced models, sample data. */
  notes: string[];
}

/** ok when every item ran, provider-failed when some could not, interrupted when stopped by the user. */
export function evalOutcome(o: { stats: RunStats }): 'ok' | 'provider-failed' | 'interrupted' {
  if (o.stats.stopped || o.stats.cancelled > 0) return 'interrupted';
  return o.stats.errors > 0 ? 'provider-failed' : 'ok';
}

/** Runs `tokor eval`. Throws UsageError/InputError for bad flags or inputs; item failures land in the results. */
export async function evaluate(ctx: Context, o: EvaluateOptions, hooks: EvaluateHooks = {}): Promise<EvaluateOutcome> {
  if (o.grader !== undefined && !isGraderType(o.grader)) throw new UsageError(`unknown grader "${o.grader}" for --grader`);
  if (o.resume && !o.out) throw new UsageError('--resume needs --out FILE (the results file to continue)');
  const limits = runLimits(o);
  if (o.resume && o.overwrite) throw new UsageError('--resume and --overwrite contradict each other: continue the results file, or replace it');
  // Before any work: the results file can be written, no other run writes it, and it is not someone's results.
  const outFile = o.out ? path.resolve(ctx.cwd, o.out) : undefined;
  if (outFile) await prepareResultsFile(outFile, o.out!, o);
  const lock = outFile ? lockOutput(outFile, '--out', o.out) : undefined;
  try {
    return await evaluateRun(ctx, o, hooks, { ...limits, outFile });
  } finally {
    lock?.release();
  }
}

function runLimits(o: Pick<EvaluateOptions, 'concurrency' | 'timeoutMs'>): { concurrency: number; timeoutMs: number } {
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got ${concurrency}`);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout must be positive, got ${timeoutMs}`);
  return { concurrency, timeoutMs };
}

/** What evaluateToMemory returns: every result line of the run, in completion order, and the run's summary and notes. */
export interface MemoryEvaluation extends EvaluateOutcome {
  results: EvalResult[];
}

/**
 * The bundled golden datasets (or `datasets`) evaluated without a results
 * file: by default replayed from their recordings, uncached. For calibrate
 * and gate, which grade the bundled recordings on the fly.
 */
export async function evaluateToMemory(ctx: Context, o: Omit<EvaluateOptions, 'out' | 'resume' | 'overwrite' | 'record'> = {}, hooks: EvaluateHooks = {}): Promise<MemoryEvaluation> {
  const results: EvalResult[] = [];
  const outcome = await evaluateRun(ctx, { cache: false, ...o }, hooks, { ...runLimits(o), collect: (r) => results.push(r) });
  return { ...outcome, results };
}

/** Refuses a results file that already holds results unless --resume or --overwrite says what to do with them; checks it can be written. */
async function prepareResultsFile(file: string, shown: string, o: EvaluateOptions): Promise<void> {
  await checkOutputs([{ file, flag: '--out', display: shown }]);
  if (o.resume || o.overwrite) return;
  const size = await stat(file).then((s) => s.size, () => 0);
  if (size > 0) throw new UsageError(`${shown} already holds results: add --resume to continue that run, or --overwrite to replace it`);
}

interface RunSetup {
  concurrency: number;
  timeoutMs: number;
  /** The results file (locked and checked by the caller). */
  outFile?: string | undefined;
  /** Every result line, as it arrives. */
  collect?: (r: EvalResult) => void;
}

async function evaluateRun(ctx: Context, o: EvaluateOptions, hooks: EvaluateHooks, setup: RunSetup): Promise<EvaluateOutcome> {
  const { concurrency, timeoutMs, outFile } = setup;
  const notes: string[] = [];
  let writer: ResultsWriter | undefined;
  try {
    const ladder = ctx.tiers();
    const bundled = !o.datasets || o.datasets.length === 0;
    const datasets = bundled ? await bundledGoldenDatasets(ctx) : await Promise.all(o.datasets!.map((f) => loadDataset(path.resolve(ctx.cwd, f))));
    if (datasets.length === 0) throw new InputError('no bundled golden datasets found; pass --dataset FILE');
    checkDistinctIds(datasets);
    const tiers = resolveTiers(ladder, o, { replayDefault: bundled });
    if (bundled && o.provider === undefined) checkBundledLadder(tiers, ctx.configFile ? path.relative(ctx.cwd, ctx.configFile) || ctx.configFile : undefined);
    const replayed = tiers.some((t) => t.provider === 'replay') && bundled;
    if (replayed) notes.push('replaying the bundled recordings: they are sample data, not measurements of the models');
    const provenance: Provenance = replayed && !o.recordings ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false };

    // The judge for llm-judge graders: --judge-tier, else the frontier tier, with the same overrides; none on replay.
    const usesJudge = isJudge(o.grader) || datasets.some((d) => d.cases.some((c) => c.graders?.some((g) => isJudge(g.type))));
    let judgeTier = usesJudge ? resolveJudgeTier(ladder, o, bundled) : undefined;
    if (judgeTier?.provider === 'replay') {
      notes.push('llm-judge graders need a live judge tier (--judge-tier with a bedrock or openai provider): on replay they fail as grader errors');
      judgeTier = undefined;
    }
    const models = await openModelRun(
      ctx,
      {
        tiers,
        judgeTier,
        concurrency,
        timeoutMs,
        retries: o.retries,
        cache: o.cache,
        cacheDir: o.cacheDir,
        recordingsDir: o.recordings ? path.resolve(ctx.cwd, o.recordings) : undefined,
        env: o.env,
        onUnpriced: (m) => notes.push(`no price for ${m}: its items have costUsd null (add it to a catalog file or modelMap)`),
        defaultGrader: o.grader,
      },
      hooks,
    );
    const { runs } = models;
    let finished = new Map<string, EvalResult>();
    if (outFile) {
      let opened: Awaited<ReturnType<typeof openResults>>;
      try {
        opened = await openResults(outFile, { resume: Boolean(o.resume) });
      } catch (e) {
        models.close();
        throw e;
      }
      writer = opened.writer;
      finished = opened.finished;
      if (o.resume) notes.push(`resume: ${counted(opened.finished.size, 'finished result')} kept${opened.dropped ? `, ${counted(opened.dropped, 'line')} dropped (errored, cut or unreadable) and re-run` : ''}`);
    }

    let recorder: RecordingWriter | undefined;
    const collected: SummaryInput[] = [];
    let total = 0;
    for (const d of datasets) {
      for (const c of d.cases) {
        for (const t of runs) {
          const prior = finished.get(resultKey({ datasetId: d.id, itemId: c.id, tier: t.name }));
          if (prior) collected.push(compactResult(prior));
          else total++;
        }
      }
    }
    const resumed = collected.length;
    function* plan(): Generator<RunItem> {
      for (const d of datasets) {
        for (const c of d.cases) {
          for (const t of runs) {
            if (finished.has(resultKey({ datasetId: d.id, itemId: c.id, tier: t.name }))) continue;
            yield { datasetId: d.id, datasetFile: d.file, case: c, tier: t };
          }
        }
      }
    }

    let stats: RunStats;
    try {
      if (o.record) {
        const recordDir = path.resolve(ctx.cwd, o.record);
        await mkdir(recordDir, { recursive: true }).catch((e: unknown) => Promise.reject(fsFailure(e, o.record!, 'write', 'recordings')));
        recorder = new RecordingWriter(recordDir);
      }
      hooks.onStart?.({ total, resumed, tiers: runs.map((r) => r.name), datasets: datasets.map((d) => d.id) });
      stats = await runItems(plan(), {
        ...models.itemOptions,
        onResult: (r) => {
          writer?.write(r);
          setup.collect?.(r);
          hooks.onResult?.(r);
          collected.push(compactResult(r));
        },
        ...(recorder ? { onLiveResponse: (item: RunItem, res) => recorder!.record({ datasetId: item.datasetId, itemId: item.case.id }, item.tier.name, item.tier.model, res) } : {}),
        total,
      });
    } finally {
      recorder?.close();
      models.close();
    }
    const { judgeStats } = models;
    if (judgeStats.calls) notes.push(`llm-judge: ${counted(judgeStats.calls, 'judge call')}, ${judgeStats.spentUsd.toFixed(4)} USD (not in item costs)`);
    const counts: RunCounts = {
      total: total + resumed,
      done: stats.done,
      errors: stats.errors,
      live: stats.live,
      cached: stats.cached,
      replayed: stats.replayed,
      resumed,
      unpriced: stats.unpriced,
      retries: stats.retries,
      throttled: stats.throttled,
      spentUsd: stats.spentUsd + judgeStats.spentUsd,
      cancelled: stats.cancelled + (stats.stopped ? total - stats.done - stats.cancelled : 0),
      stopped: stats.stopped,
    };
    const summary = summarize(collected, {
      tierOrder: tiersInLadderOrder(ladder, runs),
      models: Object.fromEntries(runs.map((r) => [r.name, r.model])),
      bar: ctx.config.quality?.bar ?? 0.95,
      barMode: ctx.config.quality?.barMode ?? 'relative',
      datasets: datasets.map((d) => ({ id: d.id, file: d.file, items: d.cases.length })),
      run: counts,
      ...(o.out ? { resultsFile: o.out } : {}),
      provenance,
    });
    if (stats.errors) notes.push(`${counted(stats.errors, 'item run')} could not be run (the error of each is in ${o.out ?? 'the results: use --out FILE to keep them'}):`);
    const judgeFailures = stats.errorGroups.filter((g) => g.purpose === 'judge').reduce((n, g) => n + g.count, 0);
    if (judgeFailures) notes.push(`${counted(judgeFailures, 'llm-judge call')} failed (their items are graded as grader errors):`);
    if (stats.errorGroups.length) notes.push(...errorGroupLines(stats.errorGroups));
    return { summary, stats, notes };
  } finally {
    await writer?.close();
  }
}

function isJudge(grader: string | undefined): boolean {
  return grader?.replace(/^(not-)+/, '') === 'llm-judge';
}

function checkDistinctIds(datasets: readonly GoldenDataset[]): void {
  const ids = new Set<string>();
  for (const d of datasets) {
    if (ids.has(d.id)) throw new InputError(`two datasets have the id "${d.id}"; give one a "datasetId" header`, d.file);
    ids.add(d.id);
  }
}

/** A result without its output text and grader details: what the summary needs. */
function compactResult(r: EvalResult): SummaryInput {
  return {
    datasetId: r.datasetId,
    itemId: r.itemId,
    tier: r.tier,
    model: r.model,
    pass: r.pass,
    score: r.score,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    costUsd: r.costUsd,
    latencyMs: r.latencyMs,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.task !== undefined ? { task: r.task } : {}),
    ...(r.category !== undefined ? { category: r.category } : {}),
  };
}

;
