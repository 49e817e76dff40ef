/**
 * What `tokor eval` and `tokor label` both assemble from a Context, once per
 * run: the tiers' clients (from the provider registry), the pricer over the
 * context's catalog, the response cache, ONE CallEngine for answers and judge
 * calls (one limiter, one retry, one Halt) and the llm judge on it; plus the
 * bundled golden datasets, read once per context.
 */
import path from 'node:path';
import type { TierConfig } from '../config/schema.js';
import { DEFAULT_CACHE_DIR, type ResponseStore } from '../eval/cache.js';
import { CallEngine, type Sleep, type Timers } from '../eval/engine/index.js';
import { makeJudge, JUDGE_MAX_TOKENS, type JudgeStats } from '../eval/judge.js';
import { makePricer } from '../eval/pricer.js';
import { gradeCaseNow, type GradeContext } from '../eval/graders/index.js';
import type { ItemPricer, RunOptions, RunProgress, TierRun } from '../eval/runItems.js';
import { tierRun } from '../eval/tiers.js';
import type { GoldenDataset } from '../eval/types.js';
import { bundledDatasets, loadDataset } from '../io/goldenDatasets.js';
import { ResponseCache } from '../io/responseCache.js';
import { createClient } from '../providers/index.js';
import type { Context } from './context.js';

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 120_000;

/** What a caller of a model run can hook in: progress, the user's stop, and (tests) time and randomness. */
export interface RunHooks {
  onProgress?: (p: RunProgress) => void;
  /** Stop: no new requests; answers in flight are kept (the first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Abort: cut requests in flight too. */
  abortSignal?: AbortSignal;
  sleep?: Sleep;
  random?: () => number;
  timers?: Timers;
}

export interface ModelRunOptions {
  /** The resolved tiers to answer on. */
  tiers: TierConfig[];
  /** The resolved judge tier, when some grader is llm-judge. */
  judgeTier?: TierConfig | undefined;
  concurrency: number;
  timeoutMs: number;
  retries?: number | undefined;
  /** false = --no-cache. */
  cache?: boolean | undefined;
  /** --cache-dir (relative to the working directory; config cacheDir is relative to the config). */
  cacheDir?: string | undefined;
  /** replay: read recordings from DIR/<datasetId>/recordings/<tier>.jsonl. */
  recordingsDir?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
  /** A model without a price (once per model). */
  onUnpriced: (model: string) => void;
  /** --grader: the grader of items that declare none. */
  defaultGrader?: string | undefined;
}

/** The runItems options every model run gives: its limits, engine, cache, pricer, grading (with its judge) and progress. */
type ItemRunOptions = Pick<RunOptions, 'concurrency' | 'timeoutMs' | 'engine' | 'cache' | 'grade' | 'price' | 'onProgress'>;

export interface ModelRun {
  runs: TierRun[];
  engine: CallEngine;
  cache: ResponseStore | undefined;
  pricer: ItemPricer;
  judge: ((prompt: string) => Promise<string>) | undefined;
  judgeStats: JudgeStats;
  /** What runItems takes from this run; a command adds what it does with each result. */
  itemOptions: ItemRunOptions;
  /** Releases sockets and detaches from the caller's signals. */
  close(): void;
}

export async function openModelRun(ctx: Context, o: ModelRunOptions, hooks: RunHooks = {}): Promise<ModelRun> {
  const pricing = await import('../pricing/index.js');
  const pricer = makePricer(pricing, await ctx.catalog(), o.onUnpriced);
  const clientOpts = { concurrency: o.concurrency, env: o.env ?? {}, ...(o.recordingsDir ? { recordingsDir: o.recordingsDir } : {}) };
  const runs = await Promise.all(o.tiers.map(async (t) => tierRun(t, await createClient(t, clientOpts))));
  const closers: (() => void)[] = runs.map((r) => () => r.client.close?.());
  const cache = o.cache === false ? undefined : new ResponseCache(o.cacheDir ? path.resolve(ctx.cwd, o.cacheDir) : ctx.fromConfig(ctx.config.cacheDir ?? DEFAULT_CACHE_DIR));
  const engine = new CallEngine({ concurrency: o.concurrency, timeoutMs: o.timeoutMs, retries: o.retries, ...hooks });
  closers.push(() => engine.dispose());
  const judgeStats: JudgeStats = { calls: 0, spentUsd: 0 };
  let judge: ModelRun['judge'];
  if (o.judgeTier) {
    const jt = o.judgeTier;
    const existing = runs.find((r) => r.name === jt.name && r.client.provider === jt.provider && r.model === jt.model);
    const client = existing?.client ?? (await createClient(jt, clientOpts));
    if (!existing) closers.push(() => client.close?.());
    judge = makeJudge(tierRun({ ...jt, maxTokens: JUDGE_MAX_TOKENS, temperature: 0 }, client), { cache, engine, pricer, stats: judgeStats });
  }
  const gradeCtx: GradeContext = { ...(judge ? { judge } : {}), ...(o.defaultGrader ? { defaultGrader: o.defaultGrader } : {}) };
  const itemOptions: ItemRunOptions = {
    concurrency: o.concurrency,
    timeoutMs: o.timeoutMs,
    engine,
    ...(cache ? { cache } : {}),
    grade: (c, output) => gradeCaseNow(c, output, gradeCtx),
    price: pricer,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  };
  return { runs, engine, cache, pricer, judge, judgeStats, itemOptions, close: () => {
      for (const close of closers) close();
    } };
}

const bundled = new WeakMap<Context, Promise<GoldenDataset[]>>();

/** The bundled golden datasets (golden-datasets/<id>/dataset.jsonl), read once per context. */
export function bundledGoldenDatasets(ctx: Context): Promise<GoldenDataset[]> {
  let p = bundled.get(ctx);
  if (!p) bundled.set(ctx, (p = bundledDatasets().then((files) => Promise.all(files.map(loadDataset)))));
  return p;
}
