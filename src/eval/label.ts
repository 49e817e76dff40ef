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
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { tiersOf, type ProviderName } from '../config/schema.js';
import { InputError, UsageError } from '../errors.js';
import { readTraffic } from '../ingest/index.js';
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
import { LABELS_SCHEMA_VERSION, labelLineJson, type LabelLine } from '../artifacts/labels.js';

export { LABELS_SCHEMA_VERSION, type LabelLine } from '../artifacts/labels.js';

export interface LabelOptions {
  out: string;
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
export function labelExitCode(o: LabelOutcome): 0 | 3 | 130 {
  if (o.stats.stopped || o.stats.cancelled > 0) return 130;
  return o.skipped.failed > 0 ? 3 : 0;
}

export async function labelTraffic(paths: string[], o: LabelOptions, hooks: LabelHooks = {}): Promise<LabelOutcome> {
  // Relative paths resolve against cwd; the CLI passes none and they resolve against the working directory.
  const cwd = path.resolve(o.cwd ?? '.');
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
  const catalog = await pricing.loadCatalog({
    ...(config.catalog ? { extra: [path.resolve(baseDir, config.catalog)] } : {}),
    ...(config.modelMap ? { modelMap: config.modelMap } : {}),
  });
  const pricer = makePricer(pricing, catalog, (m) => notes.push(`no price for ${m}: costUsd null`));
  const clientOpts = { concurrency, env };
  const runs: TierRun[] = cheaper.map((t) => tierRun(t, createClient(t, clientOpts)));
  const closers = runs.map((r) => () => r.client.close?.());
  const cache = o.cache === false ? undefined : new ResponseCache(path.resolve(o.cacheDir ? cwd : baseDir, o.cacheDir ?? config.cacheDir ?? DEFAULT_CACHE_DIR));

  const judgeStats = { calls: 0, spentUsd: 0 };
  const ctx: GradeContext = {};
  if (grader.replace(/^(not-)+/, '') === 'llm-judge') {
    const name = o.judgeTier ?? ladder[ladder.length - 1]!.name;
    const base = ladder.find((t) => t.name === name);
    if (!base) throw new UsageError(`unknown judge tier "${name}" (tiers: ${ladder.map((t) => t.name).join(', ')})`);
    const jt = resolveTiers([base], { tier: name, provider: o.provider, region: o.region, profile: o.profile, endpointUrl: o.endpointUrl })[0]!;
    const client = createClient(jt, clientOpts);
    closers.push(() => client.close?.());
    ctx.judge = makeJudge(tierRun(jt, client), { cache, timeoutMs, retries: o.retries, sleep: hooks.sleep, random: hooks.random, signal: hooks.abortSignal, pricer, stats: judgeStats });
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

  const outFile = path.resolve(cwd, o.out);
  let fd: number;
  try {
    fd = openSync(outFile, 'w');
  } catch (e) {
    throw new InputError(`cannot write labels: ${(e as Error).message}`, o.out);
  }
  let stats: RunStats;
  try {
    stats = await runItems(plan(), {
      concurrency,
      timeoutMs,
      ...(o.retries !== undefined ? { retries: o.retries } : {}),
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
        const firstPass = ordered.findIndex((x) => !x.error && x.pass);
        const firstError = ordered.findIndex((x) => x.error);
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
        writeSync(fd, labelLineJson(line));
      },
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.stopSignal ? { stopSignal: hooks.stopSignal } : {}),
      ...(hooks.abortSignal ? { abortSignal: hooks.abortSignal } : {}),
      ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
      ...(hooks.random ? { random: hooks.random } : {}),
    });
  } finally {
    closeSync(fd);
    for (const close of closers) close();
  }
  const labeled = counts.easy + counts.moderate + counts.hard;
  if (labeled === 0 && skipped.failed === 0 && !stats.stopped) {
    throw new InputError(
      `no request could be labeled: ${skipped.noPrompt} without a prompt body, ${skipped.noAnswer} without a logged answer, ${skipped.unreadable} unreadable (enable model invocation logging with text bodies)`,
      paths.join(', '),
    );
  }
  if (skipped.noPrompt) notes.push(`${skipped.noPrompt} record(s) without a prompt body skipped`);
  if (skipped.noAnswer) notes.push(`${skipped.noAnswer} record(s) without a logged answer skipped`);
  if (skipped.unreadable) notes.push(`${skipped.unreadable} unreadable record(s) skipped`);
  if (skipped.failed) notes.push(`${skipped.failed} request(s) could not be labeled: a tier failed to answer (see provider errors)`);
  if (judgeStats.calls) notes.push(`llm-judge: ${judgeStats.calls} judge call(s), ${judgeStats.spentUsd.toFixed(4)} USD`);
  return { labeled, counts, skipped, stats, notes };
}
