/**
 * `tokor analyze` as a function: read the labels and router files, read and
 * aggregate the traffic through an engine, build the report. Callable from
 * tests and the programmatic API: no printing, no exit; it returns the report.
 */
import os from 'node:os';
import path from 'node:path';
import type { TierConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { promptBounds, resolvePrice, type Catalog } from '../pricing/index.js';
import { SAMPLE_LOGS_WHAT, SAMPLE_RECORDS_WHAT, SOME_SAMPLE_RECORDS_WHAT, type Provenance, type SampleMarks } from '../types.js';
import type { LogFormatName } from '../ingest/formats/index.js';
import type { CsvColumnMap } from '../ingest/index.js';
import { SAMPLE_LOGS } from '../paths.js';
import { readLabels } from '../artifacts/labels.js';
import { readRouterModel } from '../artifacts/router.js';
import { openSkippedFile } from '../artifacts/skipped.js';
import { checkOutputs } from '../io/outputs.js';
import { claudeCodeProjectDirs } from '../io/claudeCodeDirs.js';
import { GROUP_DIMENSIONS, UNTAGGED } from '../analyze/facts.js';
import { buildAnalyzeReport, type AnalyzeReport } from '../analyze/report.js';
import { DEFAULT_ENGINE, ENGINES, type AthenaOptions, type EngineName, type ReadProgress, type ScanRequest, type SkipEntry } from '../engines/index.js';
import type { Context } from './context.js';
import { shippedRouterModel } from '../classify/shipped.js';
import type { LabelerName } from '../types.js';

/** What `tokor analyze` was asked, flags already parsed. */
export interface AnalyzeRequest {
  /** Log files, folders, '-' for stdin; none: the bundled sample (or, with claudeCode, Claude Code's transcripts). */
  paths: string[];
  /**
   * --claude-code: also read Claude Code's own transcript folders, `$CLAUDE_CONFIG_DIR/projects` (a comma-separated
   * list of config dirs too) or else `~/.claude/projects` and `~/.config/claude/projects` (src/io/claudeCodeDirs.ts).
   */
  claudeCode?: boolean;
  logFormat?: LogFormatName;
  csvMap?: CsvColumnMap;
  /** --tiers; the config's ladder otherwise. */
  tiers?: TierConfig[];
  /** --labels FILE: measured labels. */
  labels?: string;
  /** --classifier FILE: a router model instead of the heuristic labeler. */
  classifier?: string;
  /** --labeler: the built-in scorer when no --classifier is given (default heuristic; routellm = the shipped model). */
  labeler?: LabelerName;
  /** --group-by; the config's groupBy, else team. */
  groupBy?: string[];
  /** --session-key: the requestMetadata key that names a request's session; the config's sessionKey otherwise. */
  sessionKey?: string;
  sample?: { size: number; seed: number };
  confidence?: number;
  strict?: boolean;
  /** --skipped FILE: every skipped line. */
  skipped?: string;
  workers?: number;
  /** --dedupe-keys: de-duplication keys held in memory by the in-process engine. */
  dedupeKeys?: number;
  /** --out FILE: checked writable before any work. */
  out?: string;
  engine?: EngineName;
  /** Add the cost per UTC day and model (`byDay`): set when a bill is reconciled (--bill). */
  byDay?: boolean;
  /** --label-sample: records labeled per stratum by engines that aggregate where the data lives. */
  labelSample?: number;
  /** --seed: the seed of --sample and of the engines' stratified sample. */
  seed?: number;
  /** --engine athena: --table, --workgroup, --output, --since, --until, --region, --athena-endpoint-url (and --profile). */
  athena?: AthenaOptions;
}

export interface AnalyzeHooks {
  onProgress?: (p: ReadProgress) => void;
  /** A warning for stderr (a --group-by tag no record has). */
  onNote?: (line: string) => void;
  /** Stops reading (Ctrl-C). */
  signal?: AbortSignal;
}

export interface AnalyzeRun {
  report: AnalyzeReport;
  /** The inputs as messages name them. */
  where: string;
  /** Why the run is unusable although a report was built (valid requests, none priced): exit 2 after the report. */
  unusable?: string;
}

/** `tokor analyze` over a Context: config, catalog and tiers from it. */
export async function analyze(ctx: Context, req: AnalyzeRequest, hooks: AnalyzeHooks = {}): Promise<AnalyzeRun> {
  const catalog = await ctx.catalog();
  const tiers = ctx.tiers(req.tiers);
  const given = req.claudeCode ? [...req.paths, ...(await claudeCodeInputs())] : req.paths;
  // Athena reads its --table: no paths, and no bundled sample in their place.
  const paths = given.length ? given.map((p) => (p === '-' ? p : ctx.fromCwd(p))) : req.engine === 'athena' ? [] : [sampleLogsFrom(ctx.cwd)];
  await checkOutputs([{ file: req.out, flag: '--out' }]);
  const skipped = req.skipped ? await openSkippedFile(ctx.fromCwd(req.skipped)) : undefined;
  const byDefault = req.groupBy === undefined && ctx.config.groupBy === undefined;
  let report: AnalyzeReport;
  try {
    report = await runAnalyze({
      paths,
      catalog,
      tiers,
      format: req.logFormat,
      csvMap: req.csvMap,
      strict: req.strict,
      groupBy: req.groupBy ?? (ctx.config.groupBy ? [ctx.config.groupBy] : ['team']),
      // A tag no record has is usually a typo; for the default (team) only say so when the logs have other tags.
      onUntaggedGroup: (dim, keys) => {
        if (byDefault && keys.length === 0) return;
        const seen = keys.length ? `tag keys seen: ${keys.join(', ')}` : 'the records carry no tags (requestMetadata)';
        hooks.onNote?.(`tokor: warning: --group-by ${dim}: no record has a "${dim}" tag, so every record is ${UNTAGGED}; ${seen}`);
      },
      sessionKey: req.sessionKey ?? ctx.config.sessionKey,
      labelsFile: req.labels === undefined ? undefined : ctx.fromCwd(req.labels),
      classifierFile: req.classifier === undefined ? undefined : ctx.fromCwd(req.classifier),
      ...(req.labeler ? { labeler: req.labeler } : {}),
      sample: req.sample,
      workers: req.workers,
      ...(req.dedupeKeys !== undefined ? { dedupeKeys: req.dedupeKeys } : {}),
      onReread: async ({ keptKeys, repeatedKeys }) => {
        await skipped?.restart();
        hooks.onNote?.(
          `tokor: ${repeatedKeys === 1 ? '1 request key repeats' : `${repeatedKeys.toLocaleString('en-US')} request keys repeat`} beyond the ${keptKeys.toLocaleString('en-US')} held in memory (--dedupe-keys): reading the logs a second time to drop those duplicates`,
        );
      },
      confidence: req.confidence,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      onSkip: skipped?.write,
      engine: req.engine,
      labelSample: req.engine && req.engine !== 'inprocess' ? { perStratum: req.labelSample, seed: req.seed ?? 1 } : undefined,
      athena: req.athena,
      // The bundled sample is no traffic to measure: the suggested `tokor label` names the user's logs.
      inputs: given.length ? given : ['<logs>'],
      ...(req.byDay ? { byDay: true } : {}),
    });
  } finally {
    await skipped?.close();
  }
  const where = req.engine === 'athena' && req.athena ? `athena:${req.athena.table}` : paths.map((p) => (p === '-' ? '<stdin>' : p)).join(', ');
  const unusable = nothingPriced(report);
  return { report, where, ...(unusable ? { unusable } : {}) };
}

/** Claude Code's transcript folders on this machine; an InputError naming where it looked when there is none. */
async function claudeCodeInputs(): Promise<string[]> {
  const dirs = await claudeCodeProjectDirs(process.env, os.homedir());
  if (dirs.found.length === 0) {
    const fix = dirs.from === 'CLAUDE_CONFIG_DIR' ? 'check CLAUDE_CONFIG_DIR (config dirs, comma-separated)' : 'set CLAUDE_CONFIG_DIR to your Claude Code config dir, or give the transcript folder as a path';
    throw new InputError(`no Claude Code transcripts: no projects folder in ${dirs.looked.join(', ')}; ${fix}`, '--claude-code');
  }
  return dirs.found;
}

/** The lower-level entry (programmatic API, benchmarks): catalog and tiers given, files named. */
export interface AnalyzeOptions {
  paths: string[];
  catalog: Catalog;
  tiers: TierConfig[];
  format?: LogFormatName;
  csvMap?: CsvColumnMap;
  strict?: boolean;
  groupBy?: string[];
  /** The requestMetadata key that names a request's session (else Claude Code sessionId, else conversation chaining). */
  sessionKey?: string;
  labelsFile?: string;
  classifierFile?: string;
  /** The built-in scorer when no classifierFile is given (default heuristic). */
  labeler?: LabelerName;
  sample?: { size: number; seed: number };
  workers?: number;
  /** De-duplication keys held in memory by the in-process engine (ScanRequest.dedupeKeys). */
  dedupeKeys?: number;
  /** Before the in-process engine reads the logs a second time (ScanRequest.onReread). */
  onReread?: ScanRequest['onReread'];
  confidence?: number;
  onProgress?: (p: ReadProgress) => void;
  /**
   * Called for each --group-by tag that no record carries (every record
   * "(untagged)": often a typo), with the tag keys the records do have.
   */
  onUntaggedGroup?: (dim: string, keysSeen: string[]) => void;
  /** Every skipped line (invalid, duplicate, file-level break), in input order: `--skipped FILE`. */
  onSkip?: (s: SkipEntry) => void;
  /** Lines longer than this many bytes are skipped unread (default MAX_LINE_BYTES, 32 MiB). */
  maxLineBytes?: number;
  /** The DuckDB engine's line reader's buffers (ScanRequest.lineBytes; smaller in tests). */
  lineBytes?: ScanRequest['lineBytes'];
  /** Stops reading (Ctrl-C). */
  signal?: AbortSignal;
  engine?: EngineName;
  labelSample?: { perStratum?: number; seed: number };
  athena?: AthenaOptions;
  /** The inputs as the user named them (for the `tokor label` command the report suggests); default: paths. */
  inputs?: string[];
  /** Add the cost per UTC day and model (`byDay`). */
  byDay?: boolean;
}

export async function runAnalyze(opts: AnalyzeOptions): Promise<AnalyzeReport> {
  const measured = opts.labelsFile ? await readLabels(opts.labelsFile) : undefined;
  const router = opts.classifierFile ? await readRouterModel(opts.classifierFile) : opts.labeler === 'routellm' ? shippedRouterModel() : undefined;
  const groupBy = opts.groupBy ?? [];
  const engine = ENGINES[opts.engine ?? DEFAULT_ENGINE];
  const scan = await engine.scan({
    paths: opts.paths,
    format: opts.format,
    csvMap: opts.csvMap,
    strict: opts.strict,
    groupBy,
    measured,
    sessionKey: opts.sessionKey,
    // The tiers' context windows are bounds too: a prompt over one is routed past that tier.
    promptBounds: promptBounds(opts.catalog, tierKeys(opts.catalog, opts.tiers)),
    router,
    sample: opts.sample,
    workers: opts.workers,
    ...(opts.dedupeKeys !== undefined ? { dedupeKeys: opts.dedupeKeys } : {}),
    ...(opts.onReread ? { onReread: opts.onReread } : {}),
    onProgress: opts.onProgress,
    onSkip: opts.onSkip,
    maxLineBytes: opts.maxLineBytes,
    ...(opts.lineBytes ? { lineBytes: opts.lineBytes } : {}),
    signal: opts.signal,
    labelSample: opts.labelSample,
    athena: opts.athena,
  });
  const where = opts.paths.map((p) => (p === '-' ? '<stdin>' : p)).join(', ');
  if (scan.acc.read === 0) {
    const issue = scan.acc.fileIssues.find((f) => f.kind !== 'repeated-path');
    throw new InputError(`no records found: ${issue ? issue.message : 'the input is empty'}`, where);
  }
  if (scan.acc.valid === 0 && scan.acc.failed === 0) {
    const ex = scan.acc.invalidExamples[0];
    const n = scan.acc.invalid;
    throw new InputError(`no usable records: ${n === 1 ? 'the one record was invalid' : `all ${n.toLocaleString('en-US')} were invalid`}${ex ? ` (${n === 1 ? '' : 'first: '}${ex.file}:${ex.line}: ${ex.reason})` : ''}`, where);
  }
  const report = buildAnalyzeReport(scan.acc, {
    catalog: opts.catalog,
    tiers: opts.tiers,
    labeler: opts.classifierFile ? `classifier ${opts.classifierFile}` : opts.labeler === 'routellm' ? 'shipped RouteLLM-trained' : 'heuristic',
    files: scan.files,
    formats: scan.formats,
    bytesRead: scan.bytesRead,
    sample: scan.sample,
    ...(scan.scan ? { scan: scan.scan } : {}),
    ...(scan.labelSample ? { labelSample: scan.labelSample } : {}),
    confidence: opts.confidence,
    provenance: provenanceOf(scan.files, scan.acc.sampleMarks),
    inputs: opts.inputs ?? opts.paths,
    ...(opts.byDay ? { byDay: true } : {}),
    ...(opts.sessionKey !== undefined ? { sessionKey: opts.sessionKey } : {}),
  });
  for (const dim of groupBy) {
    if ((GROUP_DIMENSIONS as readonly string[]).includes(dim)) continue;
    const rows = report.byGroup.filter((g) => g.groupBy === dim);
    if (rows.length > 0 && rows.every((g) => g.group === UNTAGGED)) opts.onUntaggedGroup?.(dim, [...scan.acc.untaggedTagKeys].sort());
  }
  return report;
}

/**
 * The bundled sample as a path from `cwd` when it lies below it (a checkout: `fixtures/sample`), so that the
 * report, and a page made of it, name the files it read without the machine's folders; else absolute.
 */
function sampleLogsFrom(cwd: string): string {
  const rel = path.relative(cwd, SAMPLE_LOGS);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : SAMPLE_LOGS;
}

/**
 * Synthetic when any file read is inside the bundled sample (fixtures/sample), or is that folder itself; else
 * when records carry the synthetic logs' tag (the sample through stdin or copied elsewhere, a generated log).
 */
export function provenanceOf(files: readonly string[], marks?: SampleMarks, sampleDir: string = SAMPLE_LOGS): Provenance {
  const dir = path.resolve(sampleDir);
  const inside = files.filter((f) => {
    const p = path.resolve(f);
    return p === dir || p.startsWith(dir + path.sep);
  }).length;
  if (inside > 0) {
    const what = SAMPLE_LOGS_WHAT;
    return { synthetic: true, what: inside === files.length ? what : `${inside} of ${files.length} files are ${what}` };
  }
  if (!marks?.marked) return { synthetic: false };
  return { synthetic: true, what: marks.unmarked === 0 ? SAMPLE_RECORDS_WHAT : SOME_SAMPLE_RECORDS_WHAT };
}

/** The reason to exit 2 after the report: valid requests, none of them priced (so every figure is $0). */
function nothingPriced(report: { records: { valid: number; priced: number }; unpricedModels: { model: string; requests: number }[] }): string | undefined {
  if (report.records.valid === 0 || report.records.priced > 0) return undefined;
  const names = report.unpricedModels.slice(0, 3).map((u) => u.model);
  const more = report.unpricedModels.length > 3 ? ` and ${report.unpricedModels.length - 3} more` : '';
  return `nothing could be priced: no price for ${names.join(', ')}${more}; add them with --catalog FILE or modelMap in tokor.config.yaml (\`tokor prices --model ID\` shows how an ID resolves)`;
}

export type { AnalyzeReport } from '../analyze/report.js';

/** The price keys of the tiers' models (what the report prices them as). */
function tierKeys(catalog: Catalog, tiers: readonly TierConfig[]): string[] {
  return tiers.flatMap((t) => resolvePrice(catalog, t.priceAs ?? t.model)?.price.key ?? []);
}
