/**
 * Runs (item, tier) units of work: each answer comes from the response cache
 * or one call through the run's CallEngine (limiter, attempt, the one retry,
 * the Halt), is graded and priced, and handed to `onResult` as one results
 * line as it arrives. Scheduling is runLanes'; stopping, aborting and a
 * failing hook all go through the engine's Halt. Pure of process and console:
 * progress goes through `onProgress`; time, sleep and randomness are injectable.
 */
import { redactSecrets } from '../redact.js';
import { cacheKey, toCached, type ResponseStore } from './cache.js';
import { Cancelled, CallEngine, runLanes, type ErrorGroup, type Sleep, type Timers } from './engine/index.js';
import type { CaseGrade } from './graders/index.js';
import { ProviderError, type InvokeResult, type ModelClient, type Usage } from './provider.js';
import { resultLine } from './resultLine.js';
import type { EvalResult, GoldenCase } from './types.js';

/** A tier as the runner uses it: a client plus inference parameters. */
export interface TierRun {
  name: string;
  /** The configured model ID (results record the model that answered when a provider says so). */
  model: string;
  client: ModelClient;
  /** For pricing (and error advice): the tier's region and its priceAs model. */
  region?: string;
  /** The AWS profile (error advice). */
  profile?: string;
  priceAs?: string;
  maxTokens?: number;
  temperature?: number;
  stopSequences?: string[];
}

/** One unit of work: an item of a dataset on a tier. */
export interface RunItem {
  datasetId: string;
  datasetFile?: string;
  case: GoldenCase;
  tier: TierRun;
}

/** Grades an answer; may answer at once (synchronous graders) or with a promise (llm-judge). */
type ItemGrader = (c: GoldenCase, output: string) => CaseGrade | Promise<CaseGrade>;

/** Cost in USD of one answer, or null when the model has no price (never a silent 0). */
export type ItemPricer = (tier: TierRun, answeringModel: string, usage: Usage) => number | null;

export interface RunProgress {
  total: number | undefined;
  done: number;
  errors: number;
  /** Attempts in flight and the adaptive limit on them. */
  running: number;
  limit: number;
  /** USD priced on all finished items (replayed and cached included). */
  costUsd: number;
  /** USD paid in this run (live calls only). */
  spentUsd: number;
  retries: number;
  throttled: number;
  elapsedMs: number;
  /** Estimated time left; undefined until an item finished or without a total. */
  etaMs: number | undefined;
}

export interface RunStats {
  total: number | undefined;
  /** Items with a result line (errors included). */
  done: number;
  errors: number;
  live: number;
  cached: number;
  replayed: number;
  /** Items whose model has no price: their costUsd is null. */
  unpriced: number;
  retries: number;
  throttled: number;
  costUsd: number;
  spentUsd: number;
  /** Items not finished because the run was stopped or aborted (no result line: resume runs them). */
  cancelled: number;
  /** The run was stopped before every item was scheduled. */
  stopped: boolean;
  /** Lowest adaptive limit reached. */
  minLimit: number;
  /** Calls that failed for good (items and judge), grouped by cause, most frequent first. */
  errorGroups: ErrorGroup[];
}

export interface RunOptions {
  /** Most items in progress and the starting (and highest) limit on attempts in flight. */
  concurrency: number;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** Retries after the first attempt (default 6). */
  retries?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Adaptive concurrency on throttling (default on). */
  adaptive?: boolean;
  /** Response cache; undefined = no cache. Never used for replay. */
  cache?: ResponseStore;
  grade: ItemGrader;
  price: ItemPricer;
  /** Called once per finished item, in completion order. A throw stops the run and is rethrown. */
  onResult: (r: EvalResult, item: RunItem) => void;
  /** Called with every live answer (used by --record). A throw stops the run and is rethrown. */
  onLiveResponse?: (item: RunItem, res: InvokeResult) => void;
  onProgress?: (p: RunProgress) => void;
  total?: number;
  /** Stop scheduling new items and retries; attempts in flight may finish. */
  stopSignal?: AbortSignal;
  /** Abort attempts in flight too. */
  abortSignal?: AbortSignal;
  sleep?: Sleep;
  random?: () => number;
  timers?: Timers;
  now?: () => number;
  /**
   * The run's call engine when it is shared (with the llm judge); else one is
   * made from the options above. Its Halt, limiter and retry policy rule.
   */
  engine?: CallEngine;
}

/** Runs every item; resolves when all finished or the run was stopped. Throws only when onResult, onLiveResponse or onProgress fails, or the plan itself throws (after the items in progress finish). */
export async function runItems(items: Iterable<RunItem> | AsyncIterable<RunItem>, opts: RunOptions): Promise<RunStats> {
  const now = opts.now ?? (() => performance.now());
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const engine =
    opts.engine ??
    new CallEngine({
      concurrency,
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      backoff: opts.backoff,
      adaptive: opts.adaptive,
      stopSignal: opts.stopSignal,
      abortSignal: opts.abortSignal,
      sleep: opts.sleep,
      random: opts.random,
      timers: opts.timers,
    });
  const { limiter, halt } = engine;
  const tally = new Tally(opts.total, concurrency);
  const started = now();

  const progress = () => {
    if (!opts.onProgress) return;
    const elapsedMs = now() - started;
    const left = opts.total !== undefined ? Math.max(0, opts.total - tally.done) : undefined;
    opts.onProgress({
      total: opts.total,
      done: tally.done,
      errors: tally.errors,
      running: limiter.inFlight,
      limit: limiter.limit,
      costUsd: tally.costUsd,
      spentUsd: tally.spentUsd,
      retries: engine.stats.retries,
      throttled: engine.stats.throttled,
      elapsedMs,
      etaMs: left !== undefined && tally.done > 0 ? (elapsedMs / tally.done) * left : undefined,
    });
  };
  engine.onRetry = () => {
    try {
      progress();
    } catch (e) {
      halt.fail(e, 'abort');
    }
  };

  const runOne = async (item: RunItem): Promise<void> => {
    let result: EvalResult;
    try {
      result = await answer(item, engine, opts);
    } catch (e) {
      if (e instanceof Cancelled) {
        tally.cancelled++;
        return;
      }
      result = failedLine(item, e);
    }
    tally.add(result);
    // A throw here (the results file cannot be written) ends the run: runLanes hands it to the Halt.
    opts.onResult(result, item);
    tally.done++;
    progress();
  };

  let stoppedEarly: boolean;
  try {
    ({ stoppedEarly } = await runLanes(items, concurrency, runOne, halt));
  } finally {
    if (!opts.engine) engine.dispose();
  }
  halt.rethrow();
  const stats = tally.stats();
  stats.stopped = stoppedEarly || (halt.stopping && (opts.total === undefined || stats.done + stats.cancelled < opts.total));
  stats.minLimit = limiter.minLimit;
  stats.retries = engine.stats.retries;
  stats.throttled = engine.stats.throttled;
  stats.errorGroups = engine.errors.top();
  return stats;
}

/** One item's results line: from the cache, or one call through the engine; graded and priced. Rejects with Cancelled when the run stops. */
async function answer(item: RunItem, engine: CallEngine, opts: RunOptions): Promise<EvalResult> {
  const { tier } = item;
  const replay = tier.client.provider === 'replay';
  let source: NonNullable<EvalResult['source']> = replay ? 'replay' : 'live';
  const key =
    opts.cache && !replay
      ? cacheKey({
          provider: tier.client.provider,
          model: tier.client.model,
          endpoint: tier.client.endpoint,
          maxTokens: tier.maxTokens,
          temperature: tier.temperature,
          stopSequences: tier.stopSequences,
          input: item.case.input,
        })
      : undefined;
  let res: InvokeResult | undefined = key ? await opts.cache!.get(key) : undefined;
  if (res) source = 'cache';
  else {
    res = await engine.call(tier, {
      input: item.case.input,
      ref: { datasetId: item.datasetId, itemId: item.case.id, datasetFile: item.datasetFile },
      maxTokens: tier.maxTokens,
      temperature: tier.temperature,
      stopSequences: tier.stopSequences,
    });
    if (source === 'live') {
      // Persist first: a run killed while grading does not pay for this answer again.
      // The cache is best effort: a full disk must not fail the item.
      if (key) await opts.cache!.set(key, toCached(res)).catch(() => undefined);
      try {
        opts.onLiveResponse?.(item, res);
      } catch (e) {
        // --record cannot write: the run ends (it is not this item's failure).
        engine.halt.fail(e, 'abort');
        throw new Cancelled();
      }
    }
  }
  const g = opts.grade(item.case, res.output);
  const graded = g instanceof Promise ? await g : g;
  return resultLine(item, {
    model: res.model ?? tier.model,
    pass: graded.pass,
    score: graded.score,
    inputTokens: res.usage.inputTokens,
    outputTokens: res.usage.outputTokens,
    cacheReadTokens: res.usage.cacheReadTokens,
    cacheWriteTokens: res.usage.cacheWriteTokens,
    costUsd: opts.price(tier, res.invokedModel ?? res.model ?? tier.model, res.usage),
    latencyMs: res.latencyMs,
    output: res.output,
    graders: graded.graders,
    ...(res.confidence !== undefined ? { confidence: res.confidence } : {}),
    ...(res.invokedModel && res.invokedModel !== tier.model ? { invokedModel: res.invokedModel } : {}),
    source,
  });
}

/** The line of an item that could not be run (or graded): pass false, the error, nothing else. */
function failedLine(item: RunItem, e: unknown): EvalResult {
  return resultLine(item, {
    model: item.tier.model,
    pass: false,
    score: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    latencyMs: 0,
    output: '',
    graders: [],
    error: e instanceof ProviderError ? e.message : redactSecrets(`grading failed: ${(e as Error)?.message ?? String(e)}`),
    source: item.tier.client.provider === 'replay' ? 'replay' : 'live',
  });
}

/** What the finished lines add up to. */
class Tally {
  done = 0;
  errors = 0;
  live = 0;
  cached = 0;
  replayed = 0;
  unpriced = 0;
  costUsd = 0;
  spentUsd = 0;
  cancelled = 0;

  constructor(
    private readonly total: number | undefined,
    private readonly concurrency: number,
  ) {}

  add(r: EvalResult): void {
    if (r.error !== undefined) {
      this.errors++;
      return;
    }
    if (r.costUsd === null) this.unpriced++;
    else {
      this.costUsd += r.costUsd;
      if (r.source === 'live') this.spentUsd += r.costUsd;
    }
    if (r.source === 'live') this.live++;
    else if (r.source === 'cache') this.cached++;
    else this.replayed++;
  }

  stats(): RunStats {
    return {
      total: this.total,
      done: this.done,
      errors: this.errors,
      live: this.live,
      cached: this.cached,
      replayed: this.replayed,
      unpriced: this.unpriced,
      retries: 0,
      throttled: 0,
      costUsd: this.costUsd,
      spentUsd: this.spentUsd,
      cancelled: this.cancelled,
      stopped: false,
      minLimit: this.concurrency,
      errorGroups: [],
    };
  }
}
