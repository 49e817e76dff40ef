/**
 * The inputs of `tokor drift` and `tokor gate --traffic`: read the baseline (a golden dataset, a policy → its dataset,
 * traffic logs or an analyze JSON) and the current traffic (logs or analyze
 * JSONs), profile each, compare. Returns the verdict and the JSON contract;
 * the command renders. Shared with `tokor gate --traffic`.
 */
import { open, stat } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import { heuristicLabeler } from '../classify/heuristic.js';
import type { DriftThresholdsConfig } from '../config/schema.js';
import { DRIFT_SCHEMA_VERSION, type DriftJson } from '../artifacts/drift.js';
import { parseAnalyzeReport } from '../artifacts/analyzeReport.js';
import { parseJsonFile, readArtifactText } from '../artifacts/read.js';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds, type DriftVerdict, type ThresholdSource } from '../drift/compare.js';
import { addToProfile, boundProfile, finishProfile, newProfileAcc, type PriceOf, type TrafficProfile } from '../drift/profile.js';
import { caseProfileFacts, mergeProfiles, profileLabelInput, recordProfileFacts, recordSpendFacts } from '../drift/sources.js';
import { readTraffic } from '../engines/index.js';
import { bundledDatasets, loadDataset } from '../io/goldenDatasets.js';
import { promptBounds, resolvePrice, type Catalog } from '../pricing/index.js';
import type { GoldenDataset } from '../eval/types.js';
import { countSampleMark, type Provenance, type SampleMarks } from '../types.js';
import type { LogFormatName } from '../ingest/formats/index.js';
import type { CsvColumnMap } from '../ingest/index.js';
import { provenanceOf } from './analyze.js';
import type { GatePolicy } from '../gate/types.js';

type InputKind = 'dataset' | 'policy' | 'logs' | 'analyze';

/** One side of the comparison, profiled. */
export interface DriftSide {
  files: string[];
  kind: InputKind;
  profile: TrafficProfile;
  provenance: Provenance;
  /** Thresholds a policy baseline carries. */
  thresholds?: DriftThresholdsConfig;
  notes: string[];
}

/** Flag checks that need no file. */
export function checkDriftOptions(o: { alpha?: number | undefined; maxPsi?: number | undefined; minCoverage?: number | undefined }, alphaFlag = '--alpha'): void {
  if (o.alpha !== undefined && !(o.alpha > 0 && o.alpha < 1)) throw new UsageError(`${alphaFlag} is a false-alarm rate between 0 and 1 (e.g. 0.01), got ${o.alpha}`);
  if (o.maxPsi !== undefined && !(o.maxPsi >= 0)) throw new UsageError(`--max-psi must be ≥ 0 (e.g. 0.2), got ${o.maxPsi}`);
  if (o.minCoverage !== undefined && !(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new UsageError(`--min-coverage is a share between 0 and 1 (0.8 = 80%), got ${o.minCoverage}`);
}

/** Flags over the policy's thresholds over the defaults, with where each came from. */
export function resolveThresholds(flags: Partial<DriftThresholds>, policy?: DriftThresholdsConfig): { thresholds: DriftThresholds; from: Record<keyof DriftThresholds, ThresholdSource> } {
  const keys = ['alpha', 'maxPsi', 'minCoverage'] as const;
  const thresholds = { ...DEFAULT_DRIFT_THRESHOLDS };
  const from = { alpha: 'default', maxPsi: 'default', minCoverage: 'default' } as Record<keyof DriftThresholds, ThresholdSource>;
  for (const k of keys) {
    if (flags[k] !== undefined) {
      thresholds[k] = flags[k];
      from[k] = 'flag';
    } else if (policy?.[k] !== undefined) {
      thresholds[k] = policy[k];
      from[k] = 'policy';
    }
  }
  return { thresholds, from };
}

export function driftJson(v: DriftVerdict, baseline: DriftSide, current: DriftSide, from: Record<keyof DriftThresholds, ThresholdSource>): DriftJson {
  const side = (s: DriftSide) => ({ files: s.files, kind: s.kind, requests: s.profile.requests, clusters: s.profile.clusters.length + (s.profile.rest?.clusters ?? 0), labeler: s.profile.labeler, spendUsd: s.profile.spendUsd });
  const synthetic = [baseline, current].filter((s) => s.provenance.synthetic);
  return {
    schemaVersion: DRIFT_SCHEMA_VERSION,
    kind: 'tokor-drift',
    stable: v.stable,
    baseline: side(baseline),
    current: side(current),
    thresholds: { ...v.thresholds, from },
    measures: v.measures,
    coverage: v.coverage,
    moved: v.moved,
    notes: v.notes,
    provenance: synthetic.length ? { synthetic: true, what: synthetic.map((s) => s.provenance.what).join('; ') } : { synthetic: false },
  };
}

export interface ReadOptions {
  catalog: Catalog;
  logFormat?: LogFormatName | undefined;
  /** --map: the columns of CSV logs. */
  csvMap?: CsvColumnMap | undefined;
  datasets?: string[] | undefined;
  /** Reads a policy baseline (app/gate.ts loadGatePolicy). */
  loadPolicy?: ((file: string, shown: string) => Promise<GatePolicy>) | undefined;
}

/** Profiles the files of one side; several files must all be traffic (logs or analyze JSONs). */
export async function readSide(files: string[], shown: string[], role: 'baseline' | 'current', o: ReadOptions): Promise<DriftSide> {
  const kinds = await Promise.all(files.map((f) => kindOf(f, o.logFormat)));
  const notes: string[] = [];
  if (files.length > 1 || role === 'current') {
    const bad = kinds.findIndex((k) => k === 'dataset' || k === 'policy');
    if (bad >= 0 && role === 'current') throw new InputError(`${kinds[bad] === 'dataset' ? 'a golden dataset' : 'a policy'} is a baseline, not current traffic; give traffic logs or a \`tokor analyze --format json\` file`, shown[bad]);
  }
  const kind = kinds[0]!;
  if (kind === 'dataset') return datasetSide([await loadDataset(files[0]!)], shown, 'dataset');
  if (kind === 'policy') {
    if (!o.loadPolicy) throw new InputError('a policy is a baseline, not current traffic', shown[0]);
    const policy = await o.loadPolicy(files[0]!, shown[0]!);
    const datasets = await datasetsOfPolicy(policy, shown[0]!, o.datasets);
    return datasetSide(datasets, [shown[0]!, ...datasets.map((d) => d.file)], 'policy', policy.drift);
  }
  const profiles: TrafficProfile[] = [];
  let provenance: Provenance = { synthetic: false };
  const logs = files.filter((_, i) => kinds[i] === 'logs');
  if (logs.length) {
    const read = await profileLogs(logs, o, notes);
    profiles.push(read.profile);
    provenance = provenanceOf(logs, read.marks);
  }
  for (const [i, f] of files.entries()) {
    if (kinds[i] !== 'analyze') continue;
    const text = await readArtifactText(f, 'analyze JSON');
    const value = parseJsonFile(text, shown[i]!, 'a `tokor analyze --format json` file');
    profiles.push(parseAnalyzeReport(value, { file: shown[i]!, text }).trafficProfile);
    const p = (value as { provenance?: Provenance }).provenance;
    if (p?.synthetic) provenance = { synthetic: true, ...(p.what ? { what: p.what } : {}) };
  }
  return { files: shown, kind: kinds.every((k) => k === 'analyze') ? 'analyze' : 'logs', profile: mergeProfiles(profiles), provenance, notes };
}

async function profileLogs(paths: string[], o: ReadOptions, notes: string[]): Promise<{ profile: TrafficProfile; marks: SampleMarks }> {
  const acc = newProfileAcc();
  const marks = { marked: 0, unmarked: 0 };
  const bounds = promptBounds(o.catalog);
  let skipped = 0;
  let first: string | undefined;
  for await (const ev of readTraffic(paths, { ...(o.logFormat ? { format: o.logFormat } : {}), ...(o.csvMap ? { csvMap: o.csvMap } : {}) })) {
    if (ev.kind === 'skipped') {
      skipped++;
      first ??= `${ev.skipped.source.file}:${ev.skipped.source.line}: ${ev.skipped.reason}`;
      continue;
    }
    const r = ev.record;
    if (r.errorCode) continue;
    countSampleMark(marks, r);
    const score = heuristicLabeler.label(profileLabelInput({ prompt: r.prompt, system: r.system, maxTokens: r.maxTokens, inputTokens: r.tokens.input + r.tokens.cacheRead + r.tokens.cacheWrite })).score;
    addToProfile(acc, recordProfileFacts(r, score), recordSpendFacts(r, bounds));
    boundProfile(acc);
  }
  const where = paths.join(', ');
  if (acc.requests === 0) throw new InputError(`no usable traffic records${first ? ` (first skipped: ${first})` : ''}; give traffic logs tokor reads (docs/inputs.md), a golden dataset, a policy or an analyze JSON`, where);
  if (skipped) notes.push(`${skipped} line${skipped === 1 ? '' : 's'} skipped (first: ${first})`);
  return { profile: finishProfile(acc, heuristicLabeler.name, memoPrice(o.catalog)), marks };
}

function memoPrice(catalog: Catalog): PriceOf {
  const memo = new Map<string, ReturnType<PriceOf>>();
  return (modelId, region) => {
    const k = `${modelId}\u0000${region}`;
    if (!memo.has(k)) memo.set(k, resolvePrice(catalog, modelId, region || undefined)?.price);
    return memo.get(k);
  };
}

/** A policy's golden datasets: --dataset files, else the bundled datasets its provenance names (or `fallbackIds`). */
export async function datasetsOfPolicy(policy: GatePolicy, shown: string, explicit?: string[], fallbackIds: string[] = []): Promise<GoldenDataset[]> {
  if (explicit?.length) return Promise.all(explicit.map((f) => loadDataset(f)));
  const id = policy.routing.provenance?.datasetId ?? '';
  const wanted = id ? id.split('+') : fallbackIds;
  if (!wanted.length) throw new InputError('the policy names no golden dataset (provenance.datasetId is empty); give the dataset it was certified on with --dataset FILE, or as --baseline', shown);
  const found: GoldenDataset[] = [];
  for (const f of await bundledDatasets()) {
    const d = await loadDataset(f);
    if (wanted.includes(d.id)) found.push(d);
  }
  const missing = wanted.filter((w) => !found.some((d) => d.id === w));
  if (missing.length) throw new InputError(`the policy was certified on dataset ${missing.map((m) => `"${m}"`).join(', ')}, which is not bundled; give its file with --dataset FILE`, shown);
  return found;
}

/** Golden datasets as one side: every item one request, scored by the heuristic labeler. */
export function datasetSide(datasets: readonly GoldenDataset[], files: string[], kind: 'dataset' | 'policy', thresholds?: DriftThresholdsConfig): DriftSide {
  const acc = newProfileAcc();
  for (const d of datasets) for (const c of d.cases) addToProfile(acc, caseProfileFacts(c, heuristicLabeler));
  return { files, kind, profile: finishProfile(acc, heuristicLabeler.name), provenance: { synthetic: false }, ...(thresholds ? { thresholds } : {}), notes: [] };
}

const DATASET_KEYS = ['id', 'prompt', 'messages', 'input', 'referenceResponse', 'ideal', 'datasetId', 'template', 'graders'];
const TRAFFIC_KEYS = ['modelId', 'model', 'schemaType', 'usage', 'requestId', 'request_id', 'timestamp', 'resourceSpans', 'startTime'];

/**
 * What a file is, from its name and first line: a folder, '-', .gz or any
 * other line-oriented file whose first JSON line is a log record → logs; a
 * .yaml config or a JSON policy → policy; an analyze JSON → analyze; a JSONL
 * whose first line is a golden item (or a dataset header) → dataset.
 */
async function kindOf(file: string, logFormat?: LogFormatName): Promise<InputKind> {
  if (file === '-' || logFormat) return 'logs';
  let st;
  try {
    st = await stat(file);
  } catch {
    throw new InputError('file not found; give a golden dataset, a policy, traffic logs or a `tokor analyze --format json` file', file);
  }
  if (st.isDirectory()) return 'logs';
  const lower = file.toLowerCase();
  if (lower.endsWith('.gz')) return 'logs';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'policy';
  const head = await readHead(file, 65536);
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  if (lower.endsWith('.json') && trimmed.startsWith('{')) {
    const kind = /"kind"\s*:\s*"(tokor-[a-z-]+)"/.exec(head)?.[1];
    if (kind === 'tokor-analyze') return 'analyze';
    if (kind === 'tokor-policy') return 'policy';
  }
  const firstLine = trimmed.split('\n', 1)[0]!.trim();
  let obj: unknown;
  try {
    obj = JSON.parse(firstLine);
  } catch {
    return 'logs';
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'logs';
  const keys = Object.keys(obj);
  if (keys.some((k) => TRAFFIC_KEYS.includes(k))) return 'logs';
  if (keys.some((k) => DATASET_KEYS.includes(k))) return 'dataset';
  return 'logs';
}

async function readHead(file: string, bytes: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
