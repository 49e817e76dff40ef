/**
 * `tokor label`: measured difficulty for a sample of real traffic. Each logged
 * request's input (system prompt + last user turn) is replayed on the cheaper
 * tiers of the ladder; each answer is graded against the logged answer of the
 * model that served the request (llm-judge on the judge tier by default, or
 * the grader given with --grader). The label: easy when the cheapest tier
 * holds, moderate when only a middle tier does, hard otherwise. Output: one
 * JSONL line per labeled request, the `--labels` file `tokor analyze` reads
 * (format in docs/labels.md). Uses the eval runner (concurrency, retries,
 * adaptive back-off, response cache); pure of process and console.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsCode, fsFailure } from '../io/fsErrors.js';
import { checkOutputs, lockOutput, writeOutput } from '../io/outputs.js';
import { CallEngine, errorGroupLines } from './engine.js';
import { loadConfig } from '../config/load.js';
import { tiersOf, type ProviderName } from '../config/schema.js';
import { InputError, UsageError } from '../errors.js';
import { readTraffic } from '../engines/index.js';
import { createClient } from '../providers/index.js';
import type { Difficulty, LogFormat, TrafficRecord } from '../types.js';
import { DEFAULT_CACHE_DIR, ResponseCache } from './cache.js';
import { gradeCaseNow, isGraderType, type GradeContext } from './graders/index.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_MS,
  makeJudge,
  makePricer,
  resolveTiers,
  runItems,
  tierRun,
  type RunItem,
  type RunProgress,
  type RunStats,
  type TierRun,
} from './runner.js';
import type { EvalResult, GoldenCase } from './types.js';
import { LABELS_SCHEMA_VERSION, labelLineJson, parseLabelLine, type LabelLine } from '../artifacts/labels.js';

export { LABELS_SCHEMA_VERSION, type LabelLine } from '../artifacts/labels.js';

export interface LabelOptions {
  out: string;
  /** Continue --out: keep its labels, label only the requests it does not have. */
  resume?: boolean;
  /** Replace an --out file that already holds labels (without it, such a file is refused). */
  overwrite?: boolean;
  config?: string;
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
  cwd?: string;
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

export interface LabelHooks {
  onProgress?: (p: RunProgress) => void;
  stopSignal?: AbortSignal;
  abortSignal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** easy when the first (cheapest) tier passes, moderate when a later replayed tier does, hard when none does. */
export function labelFor(passes: boolean[]): Difficulty {
  const first = passes.indexOf(true);
  return first === 0 ? 'easy' : first > 0 ? 'moderate' : 'hard';
}

/** 0 when every usable record was labeled, 3 when some could not be (provider errors), 130 when stopped. */
export function labelOutcome(o: LabelOutcome): 'ok' | 'provider-failed' | 'interrupted' {
  if (o.stats.stopped || o.stats.cancelled > 0) return 'interrupted';
  return o.skipped.failed > 0 ? 'provider-failed' : 'ok';
}

export async function labelTraffic(paths: string[], o: LabelOptions, hooks: LabelHooks = {}): Promise<LabelOutcome> {
  // Relative paths resolve against cwd; the CLI passes none and they resolve against the working directory.
  const cwd = path.resolve(o.cwd ?? '.');
  if (o.resume && o.overwrite) throw new UsageError('--resume and --overwrite contradict each other: continue the labels file, or replace it');
  const outFile = path.resolve(cwd, o.out);
  // Before any work: --out can be written, no other run writes it, and it is not someone's labels.
  await checkOutputs([{ file: outFile, flag: '--out', display: o.out }]);
  if (!o.resume && !o.overwrite && (await stat(outFile).then((x) => x.size, () => 0)) > 0) {
    throw new UsageError(`${o.out} already holds labels: add --resume to continue that run, or --overwrite to replace it`);
  }
  const lock = lockOutput(outFile, '--out', o.out);
  try {
    return await labelLocked(paths, o, hooks, cwd, outFile);
  } finally {
    lock.release();
  }
}

/** The requests an existing labels file already has (for --resume), and its good lines when a cut line must be dropped. */
async function readDone(outFile: string): Promise<{ done: Set<string>; keep: string[]; dropped: number }> {
  let text: string;
  try {
    text = await readFile(outFile, 'utf8');
  } catch (e) {
    if (fsCode(e) === 'ENOENT') return { done: new Set(), keep: [], dropped: 0 };
    throw fsFailure(e, outFile, 'read');
  }
  const done = new Set<string>();
  const keep: string[] = [];
  let dropped = 0;
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      done.add(parseLabelLine(JSON.parse(raw), outFile, i + 1).requestId);
      keep.push(raw);
    } catch {
      // A line cut by a killed run (or not a label line): dropped, its request labeled again.
      dropped++;
    }
  });
  return { done, keep, dropped };
}

async function labelLocked(paths: string[], o: LabelOptions, hooks: LabelHooks, cwd: string, outFile: string): Promise<LabelOutcome> {
  const notes: string[] = [];
  const { config, baseDir } = await loadConfig(o.config ? path.resolve(cwd, o.config) : undefined, cwd);
  const ladder = tiersOf(config);
  const grader = o.grader ?? 'llm-judge';
  if (!isGraderType(grader)) throw new UsageError(`unknown grader "${grader}" for --grader`);
  const cheaper = resolveTiers(ladder, { tier: o.tier ?? ladder.slice(0, -1).map((t) => t.name).join(','), provider: o.provider, region: o.region, profile: o.profile, endpointUrl: o.endpointUrl, maxTokens: o.maxTokens });
  if (cheaper.some((t) => t.provider === 'replay')) throw new UsageError('tokor label replays live requests: use a bedrock or openai provider');
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = o.env ?? {};

  const pricing = await import('../pricing/index.js');
  const catalog = await (await import('../config/catalog.js')).loadCatalog({
    ...(config.catalog ? { extra: [path.resolve(baseDir, config.catalog)] } : {}),
    ...(config.modelMap ? { modelMap: config.modelMap } : {}),
  });
  const pricer = makePricer(pricing, catalog, (m) => notes.push(`no price for ${m}: costUsd null`));
  const clientOpts = { concurrency, env };
  const runs: TierRun[] = cheaper.map((t) => tierRun(t, createClient(t, clientOpts)));
  const closers = runs.map((r) => () => r.client.close?.());
  const cache = o.cache === false ? undefined : new ResponseCache(path.resolve(o.cacheDir ? cwd : baseDir, o.cacheDir ?? config.cacheDir ?? DEFAULT_CACHE_DIR));

  const judgeStats = { calls: 0, spentUsd: 0 };
  // One engine for answers and judge calls: one limiter, one retry policy, one stop signal.
  const engine = new CallEngine({ concurrency, timeoutMs, retries: o.retries, stopSignal: hooks.stopSignal, abortSignal: hooks.abortSignal, sleep: hooks.sleep, random: hooks.random });
  closers.push(() => engine.dispose());
  const ctx: GradeContext = {};
  if (grader.replace(/^(not-)+/, '') === 'llm-judge') {
    const name = o.judgeTier ?? ladder[ladder.length - 1]!.name;
    const base = ladder.find((t) => t.name === name);
    if (!base) throw new UsageError(`unknown judge tier "${name}" (tiers: ${ladder.map((t) => t.name).join(', ')})`);
    const jt = resolveTiers([base], { tier: name, provider: o.provider, region: o.region, profile: o.profile, endpointUrl: o.endpointUrl })[0]!;
    const client = createClient(jt, clientOpts);
    closers.push(() => client.close?.());
    ctx.judge = makeJudge(tierRun(jt, client), { cache, engine, pricer, stats: judgeStats });
  }

  const skipped = { noPrompt: 0, noAnswer: 0, unreadable: 0, failed: 0 };
  const counts: Record<Difficulty, number> = { easy: 0, moderate: 0, hard: 0 };
  // Requests in progress: the runner finishes their tiers in any order.
  const pending = new Map<string, { record: TrafficRecord; results: Map<string, EvalResult> }>();
  let seq = 0;

  async function* plan(): AsyncGenerator<RunItem> {
    for await (const ev of readTraffic(paths, o.logFormat ? { format: o.logFormat } : {})) {
      if (ev.kind === 'skipped') {
        skipped.unreadable++;
        continue;
      }
      const r = ev.record;
      if (prior.done.has(r.requestId ?? `${r.source.file}:${r.source.line}`)) {
        resumed++;
        continue;
      }
      if (!r.prompt) {
        skipped.noPrompt++;
        continue;
      }
      if (r.outputText === undefined || r.outputText === '') {
        skipped.noAnswer++;
        continue;
      }
      const key = String(seq++);
      pending.set(key, { record: r, results: new Map() });
      const c: GoldenCase = {
        id: key,
        input: { ...(r.system ? { system: r.system } : {}), messages: [{ role: 'user', content: r.prompt }] },
        expected: r.outputText,
        reference: r.outputText,
        graders: [{ type: grader }],
      };
      for (const t of runs) yield { datasetId: 'traffic', case: c, tier: t };
    }
  }

  const prior = o.resume ? await readDone(outFile) : { done: new Set<string>(), keep: [], dropped: 0 };
  let resumed = 0;
  // A cut last line is dropped before appending (the file is replaced atomically).
  if (prior.dropped) await writeOutput(outFile, prior.keep.map((l) => `${l}\n`).join(''));
  let fd: number;
  try {
    fd = openSync(outFile, o.resume ? 'a' : 'w');
  } catch (e) {
    throw fsFailure(e, o.out, 'write', 'labels');
  }
  let stats: RunStats;
  try {
    stats = await runItems(plan(), {
      concurrency,
      timeoutMs,
      engine,
      ...(cache ? { cache } : {}),
      grade: (c, output) => gradeCaseNow(c, output, ctx),
      price: pricer,
      onResult: (res) => {
        const p = pending.get(res.itemId);
        if (!p) return;
        p.results.set(res.tier, res);
        if (p.results.size < runs.length) return;
        pending.delete(res.itemId);
        const ordered = runs.map((t) => p.results.get(t.name)!);
        // A tier whose answer could not be judged (the judge failed) is as undecided as one that did not answer.
        const undecided = (x: EvalResult) => Boolean(x.error) || x.graders.some((g) => g.reason.startsWith('grader error:'));
        const firstPass = ordered.findIndex((x) => !undecided(x) && x.pass);
        const firstError = ordered.findIndex(undecided);
        // Undecidable when a tier cheaper than the first pass (or any, when none passed) could not run.
        if (firstError >= 0 && (firstPass < 0 || firstError < firstPass)) {
          skipped.failed++;
          return;
        }
        const label = labelFor(ordered.map((x) => !x.error && x.pass));
        counts[label]++;
        const line: LabelLine = {
          schemaVersion: LABELS_SCHEMA_VERSION,
          requestId: p.record.requestId ?? `${p.record.source.file}:${p.record.source.line}`,
          label,
          tiers: Object.fromEntries(
            ordered.map((x) => [x.tier, { model: x.model, pass: x.pass, score: x.score, costUsd: x.costUsd, ...(x.graders[0]?.reason ? { reason: x.graders[0].reason } : {}) }]),
          ),
          servedBy: p.record.modelId,
          source: `${p.record.source.file}:${p.record.source.line}`,
        };
        try {
          writeSync(fd, labelLineJson(line));
        } catch (e) {
          throw fsFailure(e, o.out, 'write', 'labels');
        }
      },
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    });
  } finally {
    closeSync(fd);
    for (const close of closers) close();
  }
  const labeled = counts.easy + counts.moderate + counts.hard;
  if (resumed) notes.unshift(`resume: ${resumed} request(s) already labeled in ${o.out} kept${prior.dropped ? `, ${prior.dropped} cut line(s) dropped` : ''}`);
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
  if (judgeStats.calls) notes.push(`llm-judge: ${judgeStats.calls} judge call(s), ${judgeStats.spentUsd.toFixed(4)} USD`);
  return { labeled, resumed, counts, skipped, stats, notes };
}
