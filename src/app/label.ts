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
import type { ProviderName } from '../config/schema.js';
import { InputError, UsageError } from '../errors.js';
import { errorGroupLines } from '../eval/engine/index.js';
import { gradeCaseNow, isGraderType, type GradeContext } from '../eval/graders/index.js';
import { decideLabel, labelLine, requestKey, trafficCase, unlabelable, type SampleInfo } from '../eval/label.js';
import { runItems, type RunItem, type RunStats } from '../eval/runItems.js';
import { resolveJudgeTier, resolveTiers } from '../eval/tiers.js';
import type { EvalResult } from '../eval/types.js';
import { readTraffic } from '../engines/index.js';
import { checkOutputs, lockOutput } from '../io/outputs.js';
import type { Difficulty, LogFormat, TrafficRecord } from '../types.js';
import type { Context } from './context.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, openModelRun, type RunHooks } from './models.js';

export interface LabelOptions {
  out: string;
  /** Continue --out: keep its labels, label only the requests it does not have. */
  resume?: boolean;
  /** Replace an --out file that already holds labels (without it, such a file is refused). */
  overwrite?: boolean;
  logFormat?: LogFormat;
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
}

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
  if (o.resume && o.overwrite) throw new UsageError('--resume and --overwrite contradict each other: continue the labels file, or replace it');
  const outFile = path.resolve(ctx.cwd, o.out);
  // Before any work: --out can be written, no other run writes it, and it is not someone's labels.
  await checkOutputs([{ file: outFile, flag: '--out', display: o.out }]);
  if (!o.resume && !o.overwrite && (await stat(outFile).then((x) => x.size, () => 0)) > 0) {
    throw new UsageError(`${o.out} already holds labels: add --resume to continue that run, or --overwrite to replace it`);
  }
  const lock = lockOutput(outFile, '--out', o.out);
  try {
    return await labelLocked(ctx, paths, o, hooks, outFile);
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

async function labelLocked(ctx: Context, paths: string[], o: LabelOptions, hooks: LabelHooks, outFile: string): Promise<LabelOutcome> {
  const notes: string[] = [];
  const ladder = ctx.tiers();
  const grader = o.grader ?? 'llm-judge';
  if (!isGraderType(grader)) throw new UsageError(`unknown grader "${grader}" for --grader`);
  const flags = { provider: o.provider, region: o.region, profile: o.profile, endpointUrl: o.endpointUrl };
  const cheaper = resolveTiers(ladder, { ...flags, tier: o.tier ?? ladder.slice(0, -1).map((t) => t.name).join(','), maxTokens: o.maxTokens });
  if (cheaper.some((t) => t.provider === 'replay')) throw new UsageError('tokor label replays live requests: use a bedrock or openai provider');
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const judgeTier = grader.replace(/^(not-)+/, '') === 'llm-judge' ? resolveJudgeTier(ladder, { ...flags, judgeTier: o.judgeTier }, false) : undefined;
  const models = await openModelRun(
    ctx,
    { tiers: cheaper, judgeTier, concurrency, timeoutMs, retries: o.retries, cache: o.cache, cacheDir: o.cacheDir, env: o.env, onUnpriced: (m) => notes.push(`no price for ${m}: costUsd null`) },
    hooks,
  );
  const { runs } = models;
  const gradeCtx: GradeContext = models.judge ? { judge: models.judge } : {};

  const skipped = { noPrompt: 0, noAnswer: 0, unreadable: 0, failed: 0 };
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

  async function* plan(): AsyncGenerator<RunItem> {
    for await (const ev of readTraffic(paths, o.logFormat ? { format: o.logFormat } : {})) {
      if (ev.kind === 'skipped') {
        skipped.unreadable++;
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
      const key = String(seq++);
      pending.set(key, { record: r, results: new Map() });
      const c = trafficCase(key, r, grader);
      for (const t of runs) yield { datasetId: 'traffic', case: c, tier: t };
    }
  }

  let stats: RunStats;
  try {
    stats = await runItems(plan(), {
      concurrency,
      timeoutMs,
      engine: models.engine,
      ...(models.cache ? { cache: models.cache } : {}),
      grade: (c, output) => gradeCaseNow(c, output, gradeCtx),
      price: models.pricer,
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
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    });
  } finally {
    file.close();
    models.close();
  }
  const labeled = counts.easy + counts.moderate + counts.hard;
  if (resumed) notes.unshift(`resume: ${resumed} request(s) already labeled in ${o.out} kept${file.dropped ? `, ${file.dropped} cut line(s) dropped` : ''}`);
  if (labeled === 0 && skipped.failed === 0 && !stats.stopped && resumed === 0) {
    throw new InputError(
      `no request could be labeled: ${skipped.noPrompt} without a prompt body, ${skipped.noAnswer} without a logged answer, ${skipped.unreadable} unreadable (enable model invocation logging with text bodies)`,
      paths.join(', '),
    );
  }
  if (skipped.noPrompt) notes.push(`${skipped.noPrompt} record(s) without a prompt body skipped`);
  if (skipped.noAnswer) notes.push(`${skipped.noAnswer} record(s) without a logged answer skipped`);
  if (skipped.unreadable) notes.push(`${skipped.unreadable} unreadable record(s) skipped`);
  if (skipped.failed) notes.push(`${skipped.failed} request(s) could not be labeled: a tier failed to answer, or the judge failed${stats.errorGroups.length ? ':' : ''}`);
  if (stats.errorGroups.length) notes.push(...errorGroupLines(stats.errorGroups));
  const { judgeStats } = models;
  if (judgeStats.calls) notes.push(`llm-judge: ${judgeStats.calls} judge call(s), ${judgeStats.spentUsd.toFixed(4)} USD`);
  return { labeled, resumed, counts, skipped, stats, notes };
}
