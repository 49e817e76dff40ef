/**
 * `tokor label`: measured difficulty for sampled traffic. Each logged request
 * (with a prompt body and the logged answer) is replayed on the cheaper tiers
 * through the same model run as `tokor eval` (clients, cache, one engine, the
 * llm judge) and graded against the logged answer; its label (src/eval/label.ts)
 * is appended to the labels file as soon as its tiers are decided. Callable
 * from tests: no printing, no exit.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { LabelsFile } from '../artifacts/labels.js';
import type { ProviderName } from '../providers/index.js';
import { InputError, UsageError, at } from '../errors.js';
import { errorGroupLines } from '../eval/engine/index.js';
import { isGraderType } from '../eval/graders/index.js';
import { decideLabel, labelLine, requestKey, trafficCase, unlabelable, type SampleInfo } from '../eval/label.js';
import { allocate, clusterCosts, clustersOf, drawSample, expectedCost, sampleSizeForBudget, sampleUnit, type CostedTier, type SampleUnit } from '../eval/labelSample.js';
import { makePricer } from '../eval/pricer.js';
import type { TierConfig } from '../config/schema.js';
import type { LabelPlan } from '../report/labelPlan.js';
import { usd, counted } from '../report/format.js';
import { runItems, type RunItem, type RunStats } from '../eval/runItems.js';
import { resolveJudgeTier, resolveTiers } from '../eval/tiers.js';
import type { EvalResult } from '../eval/types.js';
import { readTraffic } from '../engines/index.js';
import { checkOutputs, lockOutput } from '../io/outputs.js';
import { sampleMarksOf, type Difficulty, type SkippedRecord, type TrafficRecord } from '../types.js';
import type { LogFormatName } from '../ingest/formats/index.js';
import type { CsvColumnMap } from '../ingest/index.js';
import type { Context } from './context.js';
import { provenanceOf } from './analyze.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, openModelRun, type RunHooks } from './models.js';

export interface LabelOptions {
  /** The labels file (required unless planning with --dry-run). */
  out?: string;
  /** Continue --out: keep its labels, label only the requests it does not have. */
  resume?: boolean;
  /** Replace an --out file that already holds labels (without it, such a file is refused). */
  overwrite?: boolean;
  logFormat?: LogFormatName;
  /** --map: the columns of CSV logs. */
  csvMap?: CsvColumnMap;
  /** Cheaper tiers to replay on, comma-separated (default: every tier but the last). */
  tier?: string;
  /** Grader comparing the replayed answer with the logged one (default llm-judge). */
  grader?: string;
  judgeTier?: string;
  provider?: ProviderName;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  cache?: boolean;
  cacheDir?: string;
  maxTokens?: number;
  env?: Record<string, string | undefined>;
  /** Measure a stratified sample of this many requests over the task clusters. */
  sample?: number;
  /** Measure the largest stratified sample whose expected cost stays within this many USD. */
  budget?: number;
}

/** `tokor label --dry-run`: the clusters, the sample and its expected cost; nothing is sent. */
export type PlanOptions = Omit<LabelOptions, 'out' | 'resume' | 'overwrite'>;

export interface LabelOutcome {
  labeled: number;
  /** Labels kept from the file by --resume. */
  resumed: number;
  counts: Record<Difficulty, number>;
  skipped: { noPrompt: number; noAnswer: number; unreadable: number; failed: number };
  stats: RunStats;
  notes: string[];
}

export type LabelHooks = RunHooks;

/** ok when every usable record was labeled, provider-failed when some could not be, interrupted when stopped. */
export function labelOutcome(o: LabelOutcome): 'ok' | 'provider-failed' | 'interrupted' {
  if (o.stats.stopped || o.stats.cancelled > 0) return 'interrupted';
  return o.skipped.failed > 0 ? 'provider-failed' : 'ok';
}

export async function labelTraffic(ctx: Context, paths: string[], o: LabelOptions, hooks: LabelHooks = {}): Promise<LabelOutcome> {
  checkSampleFlags(o);
  if (!o.out) throw new UsageError('--out FILE is required: the labels file to write (or --dry-run to see the sample and its cost first)');
  if (o.resume && o.overwrite) throw new UsageError('--resume and --overwrite contradict each other: continue the labels file, or replace it');
  const outFile = path.resolve(ctx.cwd, o.out);
  // Before any work: --out can be written, no other run writes it, and it is not someone's labels.
  await checkOutputs([{ file: outFile, flag: '--out', display: o.out }]);
  if (!o.resume && !o.overwrite && (await stat(outFile).then((x) => x.size, () => 0)) > 0) {
    throw new UsageError(`${o.out} already holds labels: add --resume to continue that run, or --overwrite to replace it`);
  }
  const lock = lockOutput(outFile, '--out', o.out);
  try {
    return await labelLocked(ctx, paths, { ...o, out: o.out }, hooks, outFile);
  } finally {
    lock.release();
  }
}

/** A request to label: its record, and where its label stands for more traffic (a sampled run). */
interface Pending {
  record: TrafficRecord;
  sample?: SampleInfo | undefined;
  results: Map<string, EvalResult>;
}

async function labelLocked(ctx: Context, paths: string[], o: LabelOptions & { out: string }, hooks: LabelHooks, outFile: string): Promise<LabelOutcome> {
  const notes: string[] = [];
  const grader = o.grader ?? 'llm-judge';
  if (!isGraderType(grader)) throw new UsageError(`unknown grader "${grader}" for --grader`);
  const { cheaper, judgeTier } = labelTiers(ctx, o, grader);
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sampling = o.sample !== undefined || o.budget !== undefined;
  // A sampled run reads the traffic first (the clusters need all of it), then draws its sample.
  const drawn = sampling ? await drawLabelSample(ctx, paths, o, grader) : undefined;
  if (drawn) notes.push(`sample: ${drawn.plan.sampleSize} of ${counted(drawn.plan.requests, 'request')} in ${counted(drawn.plan.clusters.length, 'task cluster')} (${drawn.plan.sizedBy}), expected cost ${usd(drawn.plan.totalUsd)}`);
  const models = await openModelRun(
    ctx,
    { tiers: cheaper, judgeTier, concurrency, timeoutMs, retries: o.retries, cache: o.cache, cacheDir: o.cacheDir, env: o.env, onUnpriced: (m) => notes.push(`no price for ${m}: costUsd null`) },
    hooks,
  );
  const { runs } = models;

  const skipped = { noPrompt: 0, noAnswer: 0, unreadable: 0, failed: 0 };
  let firstUnreadable: SkippedRecord | undefined;
  const counts: Record<Difficulty, number> = { easy: 0, moderate: 0, hard: 0 };
  // Requests in progress: the runner finishes their tiers in any order.
  const pending = new Map<string, Pending>();
  let seq = 0;
  let resumed = 0;
  let file: LabelsFile;
  try {
    file = await LabelsFile.open(outFile, o.out, { resume: Boolean(o.resume) });
  } catch (e) {
    models.close();
    throw e;
  }

  const schedule = (r: TrafficRecord, sample: SampleInfo): RunItem[] => {
    const key = String(seq++);
    pending.set(key, { record: r, sample, results: new Map() });
    const c = trafficCase(key, r, grader);
    return runs.map((t) => ({ datasetId: 'traffic', case: c, tier: t }));
  };
  async function* streamed(): AsyncGenerator<RunItem> {
    for await (const ev of readTraffic(paths, trafficOptions(o))) {
      if (ev.kind === 'skipped') {
        skipped.unreadable++;
        firstUnreadable ??= ev.skipped;
        continue;
      }
      const r = ev.record;
      if (file.done.has(requestKey(r))) {
        resumed++;
        continue;
      }
      const why = unlabelable(r);
      if (why) {
        skipped[why]++;
        continue;
      }
      // Every request is measured: each label stands for itself.
      yield* schedule(r, { cluster: sampleUnit(r).cluster, weight: 1 });
    }
  }
  function* sampled(d: DrawnSample): Generator<RunItem> {
    for (const { record, sample } of d.chosen) {
      if (file.done.has(requestKey(record))) {
        resumed++;
        continue;
      }
      yield* schedule(record, sample);
    }
  }
  if (drawn) Object.assign(skipped, drawn.plan.skipped);
  const plan = drawn ? sampled(drawn) : streamed();

  let stats: RunStats;
  try {
    stats = await runItems(plan, {
      ...models.itemOptions,
      onResult: (res) => {
        const p = pending.get(res.itemId);
        if (!p) return;
        p.results.set(res.tier, res);
        if (p.results.size < runs.length) return;
        pending.delete(res.itemId);
        const ordered = runs.map((t) => p.results.get(t.name)!);
        const label = decideLabel(ordered);
        if (label === undefined) {
          skipped.failed++;
          return;
        }
        counts[label]++;
        file.write(labelLine(p.record, ordered, label, p.sample));
      },
      ...(drawn ? { total: drawn.chosen.filter((c) => !file.done.has(requestKey(c.record))).length * runs.length } : {}),
    });
  } finally {
    file.close();
    models.close();
  }
  const labeled = counts.easy + counts.moderate + counts.hard;
  if (resumed) notes.unshift(`resume: ${counted(resumed, 'request')} already labeled in ${o.out} kept${file.dropped ? `, ${counted(file.dropped, 'cut line')} dropped` : ''}`);
  if (labeled === 0 && skipped.failed === 0 && !stats.stopped && resumed === 0) {
    throw nothingToLabel(skipped, firstUnreadable, paths);
  }
  if (skipped.noPrompt) notes.push(`${counted(skipped.noPrompt, 'record')} without a prompt body skipped`);
  if (skipped.noAnswer) notes.push(`${counted(skipped.noAnswer, 'record')} without a logged answer skipped`);
  if (skipped.unreadable) notes.push(`${counted(skipped.unreadable, 'unreadable record')} skipped`);
  if (skipped.failed) notes.push(`${counted(skipped.failed, 'request')} could not be labeled: a tier failed to answer, or the judge failed${stats.errorGroups.length ? ':' : ''}`);
  if (stats.errorGroups.length) notes.push(...errorGroupLines(stats.errorGroups));
  const { judgeStats } = models;
  if (judgeStats.calls) notes.push(`llm-judge: ${counted(judgeStats.calls, 'judge call')}, ${judgeStats.spentUsd.toFixed(4)} USD`);
  return { labeled, resumed, counts, skipped, stats, notes };
}

/** --sample and --budget take positive numbers. */
function checkSampleFlags(o: Pick<LabelOptions, 'sample' | 'budget'>): void {
  if (o.sample !== undefined && !(Number.isInteger(o.sample) && o.sample > 0)) throw new UsageError(`--sample must be a positive whole number of requests, got ${o.sample}`);
  if (o.budget !== undefined && !(Number.isFinite(o.budget) && o.budget > 0)) throw new UsageError(`--budget must be an amount in USD above 0, got ${o.budget}`);
}

/** The cheaper tiers that replay requests, and the judge tier when the grader is llm-judge. */
function labelTiers(ctx: Context, o: PlanOptions, grader: string): { cheaper: TierConfig[]; judgeTier: TierConfig | undefined } {
  const ladder = ctx.tiers();
  const flags = { provider: o.provider, region: o.region, profile: o.profile, endpointUrl: o.endpointUrl };
  const cheaper = resolveTiers(ladder, { ...flags, tier: o.tier ?? ladder.slice(0, -1).map((t) => t.name).join(','), maxTokens: o.maxTokens }, { adHoc: false });
  if (cheaper.some((t) => t.provider === 'replay')) throw new UsageError('tokor label replays live requests: use a bedrock or openai provider');
  const judgeTier = grader.replace(/^(not-)+/, '') === 'llm-judge' ? resolveJudgeTier(ladder, { ...flags, judgeTier: o.judgeTier }, false) : undefined;
  return { cheaper, judgeTier };
}

/** The drawn sample: the plan (what --dry-run shows) and the chosen requests, in traffic order, with their cluster and weight. */
interface DrawnSample {
  plan: LabelPlan;
  chosen: { record: TrafficRecord; sample: SampleInfo }[];
}

/**
 * `tokor label --dry-run`: reads the traffic, groups it into task clusters,
 * sizes and draws the sample (every request without --sample/--budget) and
 * prices measuring it per tier from the logged tokens. Sends nothing.
 */
export async function planLabel(ctx: Context, paths: string[], o: PlanOptions): Promise<LabelPlan> {
  checkSampleFlags(o);
  const grader = o.grader ?? 'llm-judge';
  if (!isGraderType(grader)) throw new UsageError(`unknown grader "${grader}" for --grader`);
  return (await drawLabelSample(ctx, paths, o, grader)).plan;
}

async function drawLabelSample(ctx: Context, paths: string[], o: PlanOptions, grader: string): Promise<DrawnSample> {
  const { cheaper, judgeTier } = labelTiers(ctx, o, grader);
  const skipped = { noPrompt: 0, noAnswer: 0, unreadable: 0 };
  let firstUnreadable: SkippedRecord | undefined;
  const records: TrafficRecord[] = [];
  const units: (SampleUnit & { tokens: TrafficRecord['tokens'] })[] = [];
  const seen = new Set<string>();
  const files: string[] = [];
  for await (const ev of readTraffic(paths, { ...trafficOptions(o), onFile: (file) => files.push(file) })) {
    if (ev.kind === 'skipped') {
      skipped.unreadable++;
      firstUnreadable ??= ev.skipped;
      continue;
    }
    const r = ev.record;
    const why = unlabelable(r);
    if (why) {
      skipped[why]++;
      continue;
    }
    const unit = sampleUnit(r);
    // One label per request ID: a request logged twice is one unit.
    if (seen.has(unit.key)) continue;
    seen.add(unit.key);
    records.push(r);
    units.push({ ...unit, tokens: r.tokens });
  }
  if (units.length === 0) {
    throw nothingToLabel(skipped, firstUnreadable, paths);
  }
  // What measuring costs per tier, priced from each request's logged tokens.
  const pricing = await import('../pricing/index.js');
  const pricer = makePricer(pricing, await ctx.catalog());
  const costed: CostedTier[] = [
    ...cheaper.map((t) => ({ tier: t.name, model: t.model, role: 'replay' as const, price: pricer.lookup(t.priceAs ?? t.model, t.region)?.price })),
    ...(judgeTier ? [{ tier: judgeTier.name, model: judgeTier.model, role: 'judge' as const, price: pricer.lookup(judgeTier.priceAs ?? judgeTier.model, judgeTier.region)?.price }] : []),
  ];
  const costs = clusterCosts(units, costed);
  const costOfSizes = (sizes: ReadonlyMap<string, number>) => expectedCost(costs, sizes, costed.length).total;
  let n = units.length;
  const sizedBy: string[] = [];
  if (o.sample !== undefined) {
    n = Math.min(n, o.sample);
    sizedBy.push(`--sample ${o.sample}`);
  }
  if (o.budget !== undefined) {
    const unpriced = costed.filter((t) => !t.price);
    if (unpriced.length) throw new UsageError(`--budget needs a price for every tier it pays for; no price for ${unpriced.map((t) => t.model).join(', ')} (add it to a catalog file or modelMap, or use --sample N)`);
    n = Math.min(n, sampleSizeForBudget(units, pricing.usdToMoney(o.budget), costOfSizes));
    sizedBy.push(`--budget ${usd(o.budget)}`);
  }
  const sizes = allocate(units, n);
  const chosenKeys = drawSample(units, sizes);
  const clusters = clustersOf(units, sizes);
  const weights = new Map(clusters.map((c) => [c.signature, c.weight]));
  const chosen = units.flatMap((u, i) => (chosenKeys.has(u.key) ? [{ record: records[i]!, sample: { cluster: u.cluster, weight: weights.get(u.cluster)! } }] : []));
  const expected = expectedCost(costs, sizes, costed.length);
  const plan: LabelPlan = {
    kind: 'tokor-label-plan',
    requests: units.length,
    sampleSize: chosen.length,
    sizedBy: sizedBy.length ? sizedBy.join(', ') : 'every request',
    clusters,
    costs: costed.map((t, i) => ({ tier: t.tier, model: t.model, role: t.role, usd: t.price ? pricing.moneyToUsd(expected.byTier[i]!) : null })),
    totalUsd: pricing.moneyToUsd(expected.total),
    skipped,
    provenance: provenanceOf(files, sampleMarksOf(records)),
  };
  return { plan, chosen };
}

/** How the traffic is read: --log-format and --map. */
function trafficOptions(o: PlanOptions): Parameters<typeof readTraffic>[1] {
  return { ...(o.logFormat ? { format: o.logFormat } : {}), ...(o.csvMap ? { csvMap: o.csvMap } : {}) };
}

/**
 * Why nothing could be labeled. Advice about text bodies only when records
 * lacked them; unreadable lines are named by the first one (file:line: reason).
 */
function nothingToLabel(skipped: { noPrompt: number; noAnswer: number; unreadable: number }, firstUnreadable: SkippedRecord | undefined, paths: string[]): InputError {
  const counts = [
    ...(skipped.noPrompt ? [`${skipped.noPrompt} without a prompt body`] : []),
    ...(skipped.noAnswer ? [`${skipped.noAnswer} without a logged answer`] : []),
    ...(skipped.unreadable ? [`${counted(skipped.unreadable, 'unreadable line')}, the first ${firstUnreadable ? firstProblem(firstUnreadable) : 'unnamed'}`] : []),
  ];
  const advice =
    skipped.noPrompt || skipped.noAnswer
      ? 'label replays logged prompts and grades against logged answers: give logs with text bodies (Bedrock: model invocation logging with text delivery)'
      : 'give traffic logs tokor reads (docs/inputs.md)';
  return new InputError(`no request could be labeled: ${counts.length ? counts.join(', ') : 'no records'}; ${advice}`, paths.join(', '));
}

/** "file:line: reason", or the reason alone when it names the file (a truncated gzip). */
function firstProblem(s: SkippedRecord): string {
  return s.reason.startsWith(s.source.file) ? s.reason : `${at(s.source.file, s.source.line)}: ${s.reason}`;
}
