/**
 * `tokor drift`'s outputs: a terminal table, Markdown, and the JSON contract
 * (built by the app; serialized here). Pure: strings in, strings out.
 */
import type { DriftJson } from '../artifacts/drift.js';
import { mdCode, termSafe } from '../report/escape.js';
import { capRows, int, md, mdTable, pct, counted } from '../report/format.js';
import { DEFAULT_WIDTH, fitTable, wrapText } from '../report/table.js';
import type { ClusterShare, DriftMeasure } from './compare.js';

export const DRIFT_FORMATS = ['table', 'json', 'markdown'] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

const MAX_ROWS = 10;

export const MEASURE_NAMES = { clusterMix: 'task-cluster mix', score: 'labeler score', promptLength: 'prompt length' } as const satisfies Record<DriftMeasure, string>;

export function renderDrift(r: DriftJson, format: DriftFormat, opts: { width?: number } = {}): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  if (format === 'markdown') return renderDriftMarkdown(r);
  return renderDriftTable(r, opts.width ?? DEFAULT_WIDTH);
}

/** The one-line verdict. */
function driftHeadline(r: DriftJson): string {
  const drifted = r.measures.filter((m) => m.drifted).map((m) => MEASURE_NAMES[m.measure]);
  const cov = `golden-set coverage ${pct(r.coverage.requestShare)} of requests${r.coverage.spendShare !== null ? ` (${pct(r.coverage.spendShare)} of spend)` : ''}`;
  if (r.stable) return `Stable: no measure drifted; ${cov} ≥ ${pct(r.thresholds.minCoverage, 0)}.`;
  const parts = [];
  if (drifted.length) parts.push(`${drifted.join(', ')} drifted`);
  if (!r.coverage.pass) parts.push(`${cov} < ${pct(r.thresholds.minCoverage, 0)}`);
  return `DRIFT: ${parts.join('; ')}.`;
}

/** Clusters named in one line (gate's messages): the uncovered ones, then the moved ones. */
export function driftedClusterNames(r: Pick<DriftJson, 'coverage' | 'moved'>, max = 5): string[] {
  const names: string[] = [];
  for (const c of r.coverage.uncovered) names.push(`${c.signature} "${c.text}" (new: ${pct(c.currentShare)} of requests)`);
  for (const c of r.moved) if (c.baselineShare > 0) names.push(`${c.signature} "${c.text}" (${pct(c.baselineShare)} → ${pct(c.currentShare)})`);
  return names.slice(0, max);
}

function sides(r: DriftJson): string {
  const one = (s: DriftJson['baseline']) => `${s.files.join(', ')} (${s.kind}: ${int(s.requests)} requests, ${int(s.clusters)} clusters)`;
  return `Baseline ${one(r.baseline)} · current ${one(r.current)}`;
}

function thresholdsLine(r: DriftJson): string {
  const t = r.thresholds;
  return `A measure drifts when its chi-square p-value < ${fmt(t.alpha / r.measures.length)} (alpha ${t.alpha} over ${r.measures.length} tests, ${t.from.alpha}) and its PSI ≥ ${t.maxPsi} (${t.from.maxPsi}); coverage must be ≥ ${pct(t.minCoverage, 0)} (${t.from.minCoverage}).`;
}

function fmt(p: number): string {
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(1);
  return p < 0.01 ? p.toPrecision(2) : p.toFixed(3);
}

function sampleLine(r: DriftJson): string | undefined {
  return r.provenance.synthetic ? `Sample data: ${r.provenance.what ?? 'bundled synthetic data'}.` : undefined;
}

function measureRows(r: DriftJson): string[][] {
  return r.measures.map((m) => [MEASURE_NAMES[m.measure], m.psi.toFixed(3), `${m.statistic.toFixed(1)} (${m.df})`, fmt(m.pValue), m.drifted ? 'DRIFTED' : 'stable']);
}

function clusterShareRows(rows: readonly ClusterShare[], withSpend: boolean): string[][] {
  return rows.map((c) => [c.signature, c.text, pct(c.baselineShare), pct(c.currentShare), ...(withSpend ? [c.spendShare === null ? '—' : pct(c.spendShare)] : [])]);
}

function renderDriftTable(r: DriftJson, width: number = DEFAULT_WIDTH): string {
  const out: string[] = [];
  const para = (text: string) => out.push(...wrapText(termSafe(text), width));
  para(driftHeadline(r));
  const sample = sampleLine(r);
  if (sample) para(`⚠ ${sample}`);
  para(sides(r));
  out.push('');
  out.push(
    fitTable(
      [{ head: 'Measure' }, { head: 'PSI', align: 'right' }, { head: 'χ² (df)', align: 'right' }, { head: 'p-value', align: 'right' }, { head: 'Verdict' }],
      measureRows(r),
      { width },
    ),
  );
  para(thresholdsLine(r));
  out.push('');
  const c = r.coverage;
  para(`Golden-set coverage: ${pct(c.requestShare)} of requests${c.spendShare !== null ? `, ${pct(c.spendShare)} of spend` : ''} fall in clusters the baseline has; ${int(c.uncoveredClusters)} cluster${c.uncoveredClusters === 1 ? '' : 's'} of the traffic ${c.uncoveredClusters === 1 ? 'is' : 'are'} absent from it.`);
  const withSpend = r.current.spendUsd !== null;
  if (c.uncovered.length) {
    const cap = capRows(c.uncovered, MAX_ROWS);
    out.push('', 'Clusters absent from the baseline (most requests first)');
    out.push(fitTable([{ head: 'Cluster' }, { head: 'Template', fit: 'wrap', min: 16 }, { head: 'Baseline', align: 'right' }, { head: 'Current', align: 'right' }, ...(withSpend ? [{ head: 'Spend', align: 'right' as const }] : [])], clusterShareRows(cap.shown, withSpend), { width }));
    if (cap.hidden || c.uncoveredClusters > c.uncovered.length) out.push(`(${c.uncoveredClusters - cap.shown.length} more: --format json for up to ${c.uncovered.length})`);
  }
  const moved = r.moved.filter((m) => m.baselineShare > 0);
  if (moved.length) {
    const cap = capRows(moved, MAX_ROWS);
    out.push('', 'Clusters whose share moved beyond sampling error');
    out.push(fitTable([{ head: 'Cluster' }, { head: 'Template', fit: 'wrap', min: 16 }, { head: 'Baseline', align: 'right' }, { head: 'Current', align: 'right' }, ...(withSpend ? [{ head: 'Spend', align: 'right' as const }] : [])], clusterShareRows(cap.shown, withSpend), { width }));
    if (cap.hidden) out.push(`(${cap.hidden} more: --format json for all)`);
  }
  if (r.notes.length) {
    out.push('');
    for (const n of r.notes) para(`Note: ${n}`);
  }
  return out.join('\n');
}

export function renderDriftMarkdown(r: DriftJson): string {
  const L: string[] = [];
  L.push(`# tokor drift: ${r.stable ? 'stable' : 'DRIFT'}`, '', driftHeadline(r), '');
  const sample = sampleLine(r);
  if (sample) L.push(`> ${sample}`, '');
  L.push(sides(r), '');
  L.push(mdTable(['Measure', 'PSI', 'χ² (df)', 'p-value', 'Verdict'], measureRows(r), [1, 2, 3]), '');
  L.push(thresholdsLine(r), '');
  const c = r.coverage;
  L.push(`**Golden-set coverage:** ${pct(c.requestShare)} of requests${c.spendShare !== null ? `, ${pct(c.spendShare)} of spend` : ''}; ${counted(c.uncoveredClusters, 'cluster')} absent from the baseline.`, '');
  const withSpend = r.current.spendUsd !== null;
  const table = (rows: readonly ClusterShare[]) =>
    mdTable(['Cluster', 'Template', 'Baseline', 'Current', ...(withSpend ? ['Spend'] : [])], clusterShareRows(rows.slice(0, 20), withSpend).map(([sig, text, ...rest]) => [md(mdCode(sig!, { inTable: true })), text!, ...rest]), withSpend ? [2, 3, 4] : [2, 3]);
  if (c.uncovered.length) L.push('## Clusters absent from the baseline', '', table(c.uncovered), '');
  const moved = r.moved.filter((m) => m.baselineShare > 0);
  if (moved.length) L.push('## Clusters whose share moved', '', table(moved), '');
  for (const n of r.notes) L.push(`- ${n}`);
  return `${L.join('\n').trimEnd()}\n`;
}
