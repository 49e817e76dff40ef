/**
 * The eval runner: sends every (item, tier) to its model with bounded,
 * adaptive concurrency, retries what is worth retrying, grades the answer and
 * hands each EvalResult to `onResult` as it arrives. Pure of process and
 * console: progress goes through `onProgress`; time, sleep and randomness are
 * injectable so tests are deterministic. Every model call — answers and
 * llm-judge verdicts — goes through one CallEngine (engine.ts: limiter,
 * attempt, retry policy with Retry-After, stop and abort signals).
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { DEFAULT_TIERS, tiersOf, type ProviderName, type TierConfig, type TokorConfig } from '../config/schema.js';
import { fsFailure } from '../io/fsErrors.js';
import { checkOutputs, lockOutput } from '../io/outputs.js';
import { InputError, UsageError } from '../errors.js';
import type { Catalog, PriceLookup } from '../pricing/index.js';
import { createClient } from '../providers/index.js';
import { RecordingWriter } from '../providers/replay.js';
import { ProviderError, type InvokeResult, type ModelClient, type Usage } from '../providers/types.js';
import { redactSecrets } from '../redact.js';
import { Cancelled, CallEngine, errorGroupLines, type ErrorGroup } from './engine.js';
import { cacheKey, toCached, ResponseCache, DEFAULT_CACHE_DIR, type ResponseStore } from './cache.js';
import { bundledDatasets, loadDataset } from './dataset.js';
import { gradeCaseNow, isGraderType, type CaseGrade, type GradeContext } from './graders/index.js';
import { openResults, resultKey, type ResultsWriter } from './results.js';
import { summarize, type EvalSummary, type RunCounts, type SummaryInput } from './summary.js';
import { RESULTS_SCHEMA_VERSION, type EvalResult, type GoldenCase, type GoldenDataset } from './types.js';
import { SAMPLE_RECORDINGS_WHAT, type Provenance } from '../types.js';

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
export type ItemGrader = (c: GoldenCase, output: string) => CaseGrade | Promise<CaseGrade>;

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
  /** Called with every live answer (used by --record). */
  onLiveResponse?: (item: RunItem, res: InvokeResult) => void;
  onProgress?: (p: RunProgress) => void;
  total?: number;
  /** Stop scheduling new items and retries; attempts in flight may finish. */
  stopSignal?: AbortSignal;
  /** Abort attempts in flight too. */
  abortSignal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /**
   * The run's call engine when it is shared (with the llm judge); else one is
   * made from the options above. Its signals, limiter and retry policy rule.
   */
  engine?: CallEngine;
}

export { AdaptiveLimiter, abortableSleep, backoffDelay, retryDelay, Cancelled, CallEngine, DEFAULT_BACKOFF, DEFAULT_RETRIES, type ErrorGroup } from './engine.js';

type ResultBody = Omit<EvalResult, 'schemaVersion' | 'datasetId' | 'itemId' | 'tier' | 'task' | 'category' | 'confidence' | 'invokedModel' | 'source'>;

/**
 * A results line for an item: identity, the body, then the item's task and
 * category. Built as one literal in a fixed key order (not a spread): every
 * line has the same keys in the same order, and the same object shape.
 */
function resultLine(item: RunItem, b: ResultBody): EvalResult {
  const r: EvalResult = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    datasetId: item.datasetId,
    itemId: item.case.id,
    tier: item.tier.name,
    model: b.model,
    pass: b.pass,
    score: b.score,
    inputTokens: b.inputTokens,
    outputTokens: b.outputTokens,
    cacheReadTokens: b.cacheReadTokens,
    cacheWriteTokens: b.cacheWriteTokens,
    costUsd: b.costUsd,
    latencyMs: b.latencyMs,
    output: b.output,
    graders: b.graders,
  };
  if (b.error !== undefined) r.error = b.error;
  if (item.case.task !== undefined) r.task = item.case.task;
  if (item.case.category !== undefined) r.category = item.case.category;
  return r;
}

/** Runs every item; resolves when all finished or the run was stopped. Throws only when onResult or onProgress fails, or the plan itself throws (after the items in progress finish). */
export async function runItems(items: Iterable<RunItem> | AsyncIterable<RunItem>, opts: RunOptions): Promise<RunStats> {
  const now = opts.now ?? (() => performance.now());
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const own = !opts.engine;
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
    });
  const { limiter } = engine;
  const stop = engine.stop;
  const started = now();

  const stats: RunStats = {
    total: opts.total,
    done: 0,
    errors: 0,
    live: 0,
    cached: 0,
    replayed: 0,
    unpriced: 0,
    retries: 0,
    throttled: 0,
    costUsd: 0,
    spentUsd: 0,
    cancelled: 0,
    stopped: false,
    minLimit: concurrency,
    errorGroups: [],
  };
  let fatal: unknown;

  const progress = () => {
    if (!opts.onProgress) return;
    const elapsedMs = now() - started;
    const left = opts.total !== undefined ? Math.max(0, opts.total - stats.done) : undefined;
    opts.onProgress({
      total: opts.total,
      done: stats.done,
      errors: stats.errors,
      running: limiter.inFlight,
      limit: limiter.limit,
      costUsd: stats.costUsd,
      spentUsd: stats.spentUsd,
      retries: engine.stats.retries,
      throttled: engine.stats.throttled,
      elapsedMs,
      etaMs: left !== undefined && stats.done > 0 ? (elapsedMs / stats.done) * left : undefined,
    });
  };
  engine.onRetry = () => {
    try {
      progress();
    } catch (e) {
      fatal ??= e;
      engine.abortAll();
    }
  };

  const invoke = (item: RunItem): Promise<InvokeResult> => {
    const { tier } = item;
    return engine.call(tier, {
      input: item.case.input,
      ref: { datasetId: item.datasetId, itemId: item.case.id, datasetFile: item.datasetFile },
      maxTokens: tier.maxTokens,
      temperature: tier.temperature,
      stopSequences: tier.stopSequences,
    });
  };

  const runOne = async (item: RunItem): Promise<void> => {
    const { tier } = item;
    const replay = tier.client.provider === 'replay';
    let result: EvalResult;
    try {
      let res: InvokeResult | undefined;
      let source: EvalResult['source'] = replay ? 'replay' : 'live';
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
      if (key) {
        res = await opts.cache!.get(key);
        if (res) source = 'cache';
      }
      if (!res) {
        res = await invoke(item);
        if (source === 'live') {
          // Persist first: a run killed while grading does not pay for this answer again.
          // The cache is best effort: a full disk must not fail the item.
          if (key) await opts.cache!.set(key, toCached(res)).catch(() => undefined);
          try {
            opts.onLiveResponse?.(item, res);
          } catch (e) {
            // --record cannot write: the run stops (it is not this item's failure).
            fatal ??= e;
            engine.abortAll();
            throw new Cancelled();
          }
        }
      }
      const g = opts.grade(item.case, res.output);
      const graded = g instanceof Promise ? await g : g;
      const costUsd = opts.price(tier, res.invokedModel ?? res.model ?? tier.model, res.usage);
      result = resultLine(item, {
        model: res.model ?? tier.model,
        pass: graded.pass,
        score: graded.score,
        inputTokens: res.usage.inputTokens,
        outputTokens: res.usage.outputTokens,
        cacheReadTokens: res.usage.cacheReadTokens,
        cacheWriteTokens: res.usage.cacheWriteTokens,
        costUsd,
        latencyMs: res.latencyMs,
        output: res.output,
        graders: graded.graders,
      });
      if (res.confidence !== undefined) result.confidence = res.confidence;
      if (res.invokedModel && res.invokedModel !== tier.model) result.invokedModel = res.invokedModel;
      result.source = source;
      if (costUsd === null) stats.unpriced++;
      else {
        stats.costUsd += costUsd;
        if (source === 'live') stats.spentUsd += costUsd;
      }
      if (source === 'live') stats.live++;
      else if (source === 'cache') stats.cached++;
      else stats.replayed++;
    } catch (e) {
      if (e instanceof Cancelled) {
        stats.cancelled++;
        return;
      }
      result = resultLine(item, {
        model: tier.model,
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
      });
      result.source = replay ? 'replay' : 'live';
      stats.errors++;
    }
    try {
      opts.onResult(result, item);
    } catch (e) {
      fatal ??= e;
      engine.abortAll();
      return;
    }
    stats.done++;
    progress();
  };

  // Scheduling: `concurrency` lanes, each taking the next item from the plan
  // when its last one is done, so at most `concurrency` items are in progress
  // (attempts are further capped by the limiter). A sync plan is read without
  // a promise per item.
  const sync = Symbol.iterator in items;
  const iterator = sync ? (items as Iterable<RunItem>)[Symbol.iterator]() : (items as AsyncIterable<RunItem>)[Symbol.asyncIterator]();
  let planError: { error: unknown } | undefined;
  let exhausted = false;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (exhausted || planError) return;
      let next: IteratorResult<RunItem>;
      try {
        next = sync ? (iterator as Iterator<RunItem>).next() : await iterator.next();
      } catch (e) {
        planError ??= { error: e };
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      if (stop.signal.aborted) {
        // An item taken but not run: the run stopped before every item was scheduled.
        stats.stopped = true;
        return;
      }
      try {
        await runOne(next.value);
      } catch (e) {
        // runOne catches item failures; this is a failing hook (onProgress).
        fatal ??= e;
        engine.abortAll();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    if (own) engine.dispose();
  }
  if (planError) throw planError.error;
  if (stop.signal.aborted && (opts.total === undefined || stats.done + stats.cancelled < opts.total)) stats.stopped = true;
  stats.minLimit = limiter.minLimit;
  stats.retries = engine.stats.retries;
  stats.throttled = engine.stats.throttled;
  stats.errorGroups = engine.errors.top();
  if (fatal) throw fatal;
  return stats;
}

// ------------------------------------------------------------------ evaluate
// The whole `tokor eval`: config → tiers → datasets → clients → run → summary.
// File I/O (datasets, results, cache, recordings) but still no process/console.

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 120_000;
/** maxTokens for judge calls. */
const JUDGE_MAX_TOKENS = 512;

/** Flags of `tokor eval` (and the parts `tokor label` shares). */
export interface EvaluateOptions {
  config?: string;
  /** Dataset files; none → the bundled golden datasets, replayed unless --provider says otherwise. */
  datasets?: string[];
  /** A tier name, a comma-separated list, or "all" (default). */
  tier?: string;
  provider?: ProviderName;
  model?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
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
  /** Tier that runs llm-judge graders (default: the ladder's last tier). */
  judgeTier?: string;
  maxTokens?: number;
  temperature?: number;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface EvaluateHooks {
  onStart?: (info: { total: number; resumed: number; tiers: string[]; datasets: string[] }) => void;
  onProgress?: (p: RunProgress) => void;
  stopSignal?: AbortSignal;
  abortSignal?: AbortSignal;
  sleep?: RunOptions['sleep'];
  random?: () => number;
}

export interface EvaluateOutcome {
  summary: EvalSummary;
  stats: RunStats;
  /** Things the user should know (stderr): resume counts, unpriced models, sample data. */
  notes: string[];
}

/** 0 when every item ran, 3 when some could not, 130 when stopped by the user. */
export function evalOutcome(o: { stats: RunStats }): 'ok' | 'provider-failed' | 'interrupted' {
  if (o.stats.stopped || o.stats.cancelled > 0) return 'interrupted';
  return o.stats.errors > 0 ? 'provider-failed' : 'ok';
}

/**
 * The tiers a run uses: the ladder's (all, one, or a comma list), or one
 * ad-hoc tier from --model; then --provider/--region/--profile/--endpoint-url
 * override each. `replayDefault` turns the provider to replay when no
 * --provider was given (bundled datasets with no --dataset).
 */
export function resolveTiers(ladder: TierConfig[], o: Pick<EvaluateOptions, 'tier' | 'provider' | 'model' | 'region' | 'profile' | 'endpointUrl' | 'maxTokens' | 'temperature'>, replayDefault = false): TierConfig[] {
  if (o.endpointUrl !== undefined) {
    try {
      new URL(o.endpointUrl);
    } catch {
      throw new UsageError(`--endpoint-url must be a URL, got "${o.endpointUrl}"`);
    }
  }
  const names = ladder.map((t) => t.name);
  let selected: TierConfig[];
  if (o.model !== undefined) {
    const name = o.tier && o.tier !== 'all' ? o.tier : 'adhoc';
    const base = ladder.find((t) => t.name === name);
    selected = [{ ...(base ?? { name, provider: o.provider ?? 'bedrock' }), model: o.model }];
  } else if (o.tier === undefined || o.tier === 'all') {
    selected = ladder;
  } else {
    selected = o.tier.split(',').map((n) => {
      const t = ladder.find((x) => x.name === n.trim());
      if (!t) throw new UsageError(`unknown tier "${n.trim()}" (tiers: ${names.join(', ')}, all); use --provider and --model for an ad-hoc tier`);
      return t;
    });
  }
  const provider = o.provider ?? (replayDefault ? 'replay' : undefined);
  return selected.map((t) => ({
    ...t,
    ...(provider ? { provider } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.endpointUrl !== undefined ? { endpointUrl: o.endpointUrl, ...((provider ?? t.provider) === 'openai' ? { baseUrl: o.endpointUrl } : {}) } : {}),
    ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
  }));
}

/** The parts of src/pricing the runner uses (imported lazily: the CLI only loads catalogs when it prices). */
export type PricingApi = Pick<typeof import('../pricing/index.js'), 'resolvePrice' | 'costOf' | 'moneyToUsd'>;

/** Prices answers from the catalog: priceAs, else the model that answered, else the tier's model. Null when none has a price. */
export function makePricer(pricing: PricingApi, catalog: Catalog, onUnpriced?: (model: string) => void): ItemPricer & { lookup(model: string, region?: string): PriceLookup | undefined } {
  const { resolvePrice, costOf, moneyToUsd } = pricing;
  const memo = new Map<string, PriceLookup | undefined>();
  const lookup = (model: string, region?: string) => {
    const k = `${model}\u0000${region ?? ''}`;
    if (!memo.has(k)) memo.set(k, resolvePrice(catalog, model, region));
    return memo.get(k);
  };
  const reported = new Set<string>();
  // The price an answer is billed at, per tier and answering model: resolved once.
  const resolved = new WeakMap<TierRun, Map<string, PriceLookup | undefined>>();
  const resolve = (tier: TierRun, answering: string): PriceLookup | undefined => {
    const candidates = [tier.priceAs, answering, tier.model].filter((m): m is string => Boolean(m));
    for (const m of candidates) {
      const hit = lookup(m, tier.region);
      if (hit) return hit;
    }
    const name = candidates[0] ?? answering;
    if (!reported.has(name)) {
      reported.add(name);
      onUnpriced?.(name);
    }
    return undefined;
  };
  const pricer = (tier: TierRun, answering: string, usage: Usage): number | null => {
    let byModel = resolved.get(tier);
    if (!byModel) resolved.set(tier, (byModel = new Map()));
    let hit = byModel.get(answering);
    if (hit === undefined && !byModel.has(answering)) byModel.set(answering, (hit = resolve(tier, answering)));
    if (!hit) return null;
    return moneyToUsd(costOf({ input: usage.inputTokens, output: usage.outputTokens, cacheRead: usage.cacheReadTokens, cacheWrite: usage.cacheWriteTokens }, hit.price));
  };
  return Object.assign(pricer, { lookup });
}

/** Runs `tokor eval`. Throws UsageError/InputError for bad flags or inputs; item failures land in the results. */
export async function evaluate(o: EvaluateOptions, hooks: EvaluateHooks = {}): Promise<EvaluateOutcome> {
  // Relative paths resolve against cwd; the CLI passes none and they resolve against the working directory.
  const cwd = path.resolve(o.cwd ?? '.');
  const env = o.env ?? {};
  const notes: string[] = [];
  const { config, baseDir, file: configFile } = await loadConfig(o.config ? path.resolve(cwd, o.config) : undefined, cwd);
  const ladder = tiersOf(config);
  if (o.grader !== undefined && !isGraderType(o.grader)) throw new UsageError(`unknown grader "${o.grader}" for --grader`);
  if (o.resume && !o.out) throw new UsageError('--resume needs --out FILE (the results file to continue)');
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got ${concurrency}`);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout must be positive, got ${timeoutMs}`);
  if (o.resume && o.overwrite) throw new UsageError('--resume and --overwrite contradict each other: continue the results file, or replace it');
  // Before any work: the results file can be written, no other run writes it, and it is not someone's results.
  const outFile = o.out ? path.resolve(cwd, o.out) : undefined;
  if (outFile) await prepareResultsFile(outFile, o.out!, o);
  const lock = outFile ? lockOutput(outFile, '--out', o.out) : undefined;
  try {
    return await evaluateLocked(o, hooks, { cwd, env, notes, config, configFile, baseDir, ladder, concurrency, timeoutMs, outFile });
  } finally {
    lock?.release();
  }
}

/** Refuses a results file that already holds results unless --resume or --overwrite says what to do with them; checks it can be written. */
async function prepareResultsFile(file: string, shown: string, o: EvaluateOptions): Promise<void> {
  await checkOutputs([{ file, flag: '--out', display: shown }]);
  if (o.resume || o.overwrite) return;
  const size = await stat(file).then((s) => s.size, () => 0);
  if (size > 0) throw new UsageError(`${shown} already holds results: add --resume to continue that run, or --overwrite to replace it`);
}

interface EvaluateContext {
  cwd: string;
  env: Record<string, string | undefined>;
  notes: string[];
  config: TokorConfig;
  configFile: string | undefined;
  baseDir: string;
  ladder: TierConfig[];
  concurrency: number;
  timeoutMs: number;
  outFile: string | undefined;
}

async function evaluateLocked(o: EvaluateOptions, hooks: EvaluateHooks, ctx: EvaluateContext): Promise<EvaluateOutcome> {
  const { cwd, env, notes, config, configFile, baseDir, ladder, concurrency, timeoutMs, outFile } = ctx;
  const bundled = !o.datasets || o.datasets.length === 0;
  const files = bundled ? await bundledDatasets() : o.datasets!.map((f) => path.resolve(cwd, f));
  if (files.length === 0) throw new InputError('no bundled golden datasets found; pass --dataset FILE');
  const datasets: GoldenDataset[] = [];
  for (const f of files) datasets.push(await loadDataset(f));
  const ids = new Set<string>();
  for (const d of datasets) {
    if (ids.has(d.id)) throw new InputError(`two datasets have the id "${d.id}"; give one a "datasetId" header`, d.file);
    ids.add(d.id);
  }
  const tiers = resolveTiers(ladder, o, bundled);
  if (bundled && o.provider === undefined) checkBundledLadder(tiers, configFile ? path.relative(cwd, configFile) || configFile : undefined);
  if (tiers.some((t) => t.provider === 'replay') && bundled) notes.push('replaying the bundled recordings: they are sample data, not measurements of the models');
  const provenance: Provenance = tiers.some((t) => t.provider === 'replay') && bundled && !o.recordings ? { synthetic: true, what: SAMPLE_RECORDINGS_WHAT } : { synthetic: false };

  const pricing = await import('../pricing/index.js');
  const catalog = await (await import('../config/catalog.js')).loadCatalog({
    ...(config.catalog ? { extra: [path.resolve(baseDir, config.catalog)] } : {}),
    ...(config.modelMap ? { modelMap: config.modelMap } : {}),
  });
  const pricer = makePricer(pricing, catalog, (m) => notes.push(`no price for ${m}: its items have costUsd null (add it to a catalog file or modelMap)`));
  const clientOpts = { concurrency, env, ...(o.recordings ? { recordingsDir: path.resolve(cwd, o.recordings) } : {}) };
  const runs: TierRun[] = tiers.map((t) => tierRun(t, createClient(t, clientOpts)));
  const cache = o.cache === false ? undefined : new ResponseCache(path.resolve(o.cacheDir ? cwd : baseDir, o.cacheDir ?? config.cacheDir ?? DEFAULT_CACHE_DIR));

  // The judge for llm-judge graders: --judge-tier, else the frontier tier, with the same overrides; none on replay.
  const usesJudge = o.grader?.replace(/^(not-)+/, '') === 'llm-judge' || datasets.some((d) => d.cases.some((c) => c.graders?.some((g) => g.type.replace(/^(not-)+/, '') === 'llm-judge')));
  const judgeStats = { calls: 0, spentUsd: 0 };
  const closers: (() => void)[] = runs.map((r) => () => r.client.close?.());
  // One engine for answers and judge calls: one limiter, one retry policy, one stop signal.
  const engine = new CallEngine({ concurrency, timeoutMs, retries: o.retries, stopSignal: hooks.stopSignal, abortSignal: hooks.abortSignal, sleep: hooks.sleep, random: hooks.random });
  closers.push(() => engine.dispose());
  let judge: GradeContext['judge'];
  if (usesJudge) {
    const judgeTier = resolveJudgeTier(ladder, o, bundled);
    if (judgeTier.provider !== 'replay') {
      const existing = runs.find((r) => r.name === judgeTier.name && r.client.provider === judgeTier.provider && r.model === judgeTier.model);
      const client = existing?.client ?? createClient(judgeTier, clientOpts);
      if (!existing) closers.push(() => client.close?.());
      const jr = tierRun({ ...judgeTier, maxTokens: JUDGE_MAX_TOKENS, temperature: 0 }, client);
      judge = makeJudge(jr, { cache, engine, pricer, stats: judgeStats });
    } else {
      notes.push('llm-judge graders need a live judge tier (--judge-tier with a bedrock or openai provider): on replay they fail as grader errors');
    }
  }
  const gradeCtx: GradeContext = { ...(judge ? { judge } : {}), ...(o.grader ? { defaultGrader: o.grader } : {}) };

  let writer: ResultsWriter | undefined;
  let finished = new Map<string, EvalResult>();
  if (outFile) {
    const opened = await openResults(outFile, { resume: Boolean(o.resume) });
    writer = opened.writer;
    finished = opened.finished;
    if (o.resume) notes.push(`resume: ${opened.finished.size} finished result(s) kept${opened.dropped ? `, ${opened.dropped} line(s) dropped (errored, cut or unreadable) and re-run` : ''}`);
  }
  const recordDir = o.record ? path.resolve(cwd, o.record) : undefined;
  if (recordDir) await mkdir(recordDir, { recursive: true }).catch((e: unknown) => Promise.reject(fsFailure(e, o.record!, 'write', 'recordings')));
  const recorder = recordDir ? new RecordingWriter(recordDir) : undefined;

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
  hooks.onStart?.({ total, resumed, tiers: runs.map((r) => r.name), datasets: datasets.map((d) => d.id) });

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
    stats = await runItems(plan(), {
      concurrency,
      timeoutMs,
      engine,
      ...(cache ? { cache } : {}),
      grade: (c, output) => gradeCaseNow(c, output, gradeCtx),
      price: pricer,
      onResult: (r) => {
        writer?.write(r);
        collected.push(compactResult(r));
      },
      ...(recorder ? { onLiveResponse: (item: RunItem, res: InvokeResult) => recorder.record({ datasetId: item.datasetId, itemId: item.case.id }, item.tier.name, item.tier.model, res) } : {}),
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      total,
    });
  } finally {
    recorder?.close();
    for (const close of closers) close();
    await writer?.close();
  }
  if (judgeStats.calls) notes.push(`llm-judge: ${judgeStats.calls} judge call(s), ${judgeStats.spentUsd.toFixed(4)} USD (not in item costs)`);
  const run: RunCounts = {
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
    bar: config.quality?.bar ?? 0.95,
    barMode: config.quality?.barMode ?? 'relative',
    datasets: datasets.map((d) => ({ id: d.id, file: d.file, items: d.cases.length })),
    run,
    ...(o.out ? { resultsFile: o.out } : {}),
    provenance,
  });
  if (stats.errors) notes.push(`${stats.errors} item run(s) could not be run (the error of each is in ${o.out ?? 'the results: use --out FILE to keep them'}):`);
  const judgeFailures = stats.errorGroups.filter((g) => g.purpose === 'judge').reduce((n, g) => n + g.count, 0);
  if (judgeFailures) notes.push(`${judgeFailures} llm-judge call(s) failed (their items are graded as grader errors):`);
  if (stats.errorGroups.length) notes.push(...errorGroupLines(stats.errorGroups));
  return { summary, stats, notes };
}

/**
 * The bundled recordings are answers of the default ladder's models: replaying
 * them for tiers configured with other models would report the wrong models.
 */
function checkBundledLadder(tiers: TierConfig[], configFile: string | undefined): void {
  const differs = tiers.filter((t) => DEFAULT_TIERS.find((d) => d.name === t.name)?.model !== t.model);
  if (!differs.length) return;
  const yours = differs.map((t) => `${t.name}: ${t.model}`).join(', ');
  throw new UsageError(
    `${configFile ? `${configFile} sets tiers` : 'the tiers'} (${yours}) that the bundled sample recordings do not cover: add --dataset FILE to evaluate them (or --provider replay to replay the sample recordings anyway)`,
  );
}

/** A tier config and its client as the runner uses them. */
export function tierRun(t: TierConfig, client: ModelClient): TierRun {
  return {
    name: t.name,
    model: t.model,
    client,
    ...(t.region ? { region: t.region } : {}),
    ...(t.profile ? { profile: t.profile } : {}),
    ...(t.priceAs ? { priceAs: t.priceAs } : {}),
    ...(t.maxTokens !== undefined ? { maxTokens: t.maxTokens } : {}),
    ...(t.temperature !== undefined ? { temperature: t.temperature } : {}),
  };
}

function tiersInLadderOrder(ladder: TierConfig[], runs: TierRun[]): string[] {
  const names = ladder.map((t) => t.name);
  return runs.map((r) => r.name).sort((a, b) => (names.indexOf(a) === -1 ? 1e9 : names.indexOf(a)) - (names.indexOf(b) === -1 ? 1e9 : names.indexOf(b)));
}

function resolveJudgeTier(ladder: TierConfig[], o: EvaluateOptions, bundled: boolean): TierConfig {
  const name = o.judgeTier ?? ladder[ladder.length - 1]!.name;
  const t = ladder.find((x) => x.name === name);
  if (!t) throw new UsageError(`unknown judge tier "${name}" (tiers: ${ladder.map((x) => x.name).join(', ')})`);
  // The judge follows the run's endpoint/region/profile; on a replayed bundled run it stays live only if --provider says so.
  return resolveTiers([t], { tier: t.name, provider: o.provider, region: o.region, profile: o.profile, endpointUrl: o.endpointUrl }, bundled)[0]!;
}

/**
 * A judge function: one prompt → the judge's text, cached, and called through
 * the run's engine like items (same limiter, retries, Retry-After and stop
 * signal). A stopped run rejects with Cancelled, which the grader passes on so
 * the item is left for --resume rather than graded as a failure.
 */
export function makeJudge(jr: TierRun, o: { cache?: ResponseStore | undefined; engine: CallEngine; pricer: ItemPricer; stats: { calls: number; spentUsd: number } }): (prompt: string) => Promise<string> {
  return async (prompt) => {
    const input = { messages: [{ role: 'user' as const, content: prompt }] };
    const key = o.cache
      ? cacheKey({ provider: jr.client.provider, model: jr.client.model, ...(jr.client.endpoint ? { endpoint: jr.client.endpoint } : {}), maxTokens: JUDGE_MAX_TOKENS, temperature: 0, input })
      : undefined;
    const hit = key ? await o.cache!.get(key) : undefined;
    if (hit) return hit.output;
    const res = await o.engine.call(jr, { input, maxTokens: JUDGE_MAX_TOKENS, temperature: 0 }, 'judge');
    o.stats.calls++;
    o.stats.spentUsd += o.pricer(jr, res.invokedModel ?? res.model ?? jr.model, res.usage) ?? 0;
    if (key) await o.cache!.set(key, toCached(res)).catch(() => undefined);
    return res.output;
  };
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

