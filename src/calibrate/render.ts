/**
 * Renderers for `tokor calibrate`: table (terminal), json (the typed
 * contract), markdown and csv (the cost–quality curve). Pure: strings in,
 * strings out.
 */
import type { OutputFormat } from '../types.js';
import type { PolicyEvaluation } from './apply.js';
import type { Baseline } from './baselines.js';
import type { Calibration, CurvePoint, RouteSummary } from './calibrate.js';
import { renderChart } from './chart.js';
import type { CalibrateRun, HoldoutReport } from './calibrateRun.js';
import type { CalibrateReportJson } from '../artifacts/calibrateReport.js';
import { csv, mdCode, mdText, termSafe } from '../report/escape.js';
import { mdTable, ms, pct, usd, usdToPicodollar, int } from '../report/format.js';
import type { LatencySummary } from './latency.js';
import { DEFAULT_WIDTH, fitTable, wrapText } from '../report/table.js';
import { describeScopes } from './scopes.js';

function fmtThresholds(t: readonly number[]): string {
  return t.map((x) => String(Number(x.toPrecision(4)))).join(', ');
}

function shares(s: Record<string, number>, tiers: readonly string[]): string {
  return `${tiers.map((t) => Math.round((s[t] ?? 0) * 100)).join('/')}%`;
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

/** The JSON contract of a run. */
export function calibrateJson(run: CalibrateRun): CalibrateReportJson {
  if (run.kind === 'apply') {
    const p = run.policy;
    return {
      schemaVersion: 1,
      kind: 'apply',
      policy: { file: run.policyFile, pattern: p.pattern, thresholds: p.thresholds, ...(p.scopes ? { scopes: p.scopes } : {}), tiers: p.tiers, bar: p.bar, barMode: p.barMode, confidence: p.confidence, provenance: p.provenance },
      datasetId: run.datasetId,
      ...run.evaluation,
      notes: run.notes,
      provenance: run.provenance,
    };
  }
  return {
    kind: 'calibrate',
    ...run.report,
    holdout: run.holdout,
    outputs: run.outputs.map((o) => ({ what: o.what, file: o.file })),
    provenance: run.provenance,
  };
}

export function renderCalibrateRun(run: CalibrateRun, format: OutputFormat, opts: { width?: number } = {}): string {
  const width = opts.width ?? DEFAULT_WIDTH;
  if (format === 'json') return `${JSON.stringify(calibrateJson(run), usdToPicodollar, 2)}\n`;
  if (run.kind === 'apply') {
    if (format === 'csv') return applyCsv(run.evaluation, run.policy.tiers.map((t) => t.name), run.provenance.synthetic);
    return renderApply(run, format === 'markdown', width);
  }
  if (format === 'csv') return curveCsv(run.report, run.provenance.synthetic);
  return format === 'markdown' ? renderMarkdown(run) : renderTable(run, width);
}

/** Said beside the headline when the results are graded from bundled sample recordings. */
function sampleNote(run: CalibrateRun): string | undefined {
  return run.provenance.synthetic ? `Sample data: calibrated on ${run.provenance.what ?? 'bundled synthetic recordings'} — not measurements of the models.` : undefined;
}

function barText(r: { bar: number; barMode: string; confidence: number }): string {
  return `${pct(r.bar, r.bar * 100 === Math.round(r.bar * 100) ? 0 : 1)} ${r.barMode === 'relative' ? 'parity' : 'quality'} at ${pct(r.confidence, r.confidence * 100 === Math.round(r.confidence * 100) ? 0 : 1)} confidence`;
}

interface Row {
  label: string;
  quality: number;
  parity: number;
  costUsd: number;
  savingsPct: number;
  tierShares: Record<string, number>;
  latency?: LatencySummary | null;
}

function rows(r: Calibration): Row[] {
  const fq = r.baselines.frontier.quality;
  const b = (label: string, x: Baseline): Row => ({ label, quality: x.quality, parity: fq ? x.quality / fq : 0, costUsd: x.costUsd, savingsPct: x.savingsPct, tierShares: x.tierShares, ...(x.latency !== undefined ? { latency: x.latency } : {}) });
  const out: Row[] = [];
  if (r.pick) out.push({ label: `pick (${r.pick.pattern})`, quality: r.pick.quality, parity: r.pick.parity, costUsd: r.pick.costUsd, savingsPct: r.pick.savingsPct, tierShares: r.pick.tierShares, ...(r.pick.latency !== undefined ? { latency: r.pick.latency } : {}) });
  out.push(b('all frontier', r.baselines.frontier), b('all cheapest', r.baselines.cheapest));
  if (r.baselines.random) out.push(b(r.pick ? 'random, same shares' : 'random, best shares', r.baselines.random));
  out.push(b(r.baselines.oracle.meetsTarget ? 'oracle at the bar' : 'oracle (below bar)', r.baselines.oracle), b('oracle, max quality', r.baselines.oracleMaxQuality));
  return out;
}

function patternLine(p: Calibration['patterns'][number], r: Calibration): string {
  if (p.status === 'skipped') return `skipped: ${p.reason}`;
  const parts = [`${p.candidates} candidates`];
  if (p.best && p.best.savingsPct > 1e-9) parts.push(`best ${p.best.savingsPct.toFixed(1)}% cheaper (bound ${pct(p.best.lowerBound)}${p.best.latency ? `, ${latencyText(p.best.latency)}` : ''})`);
  else if (p.best) parts.push(`no saving route${p.bestOverLatency ? ' within the p95 limit' : ''} meets the bar`);
  else parts.push(`${r.latency?.maxP95Ms != null ? 'no route within the p95 limit meets the bar' : 'nothing meets the bar'} (best bound ${pct(p.bestBound?.lowerBound ?? 0)})`);
  if (p.apgr !== undefined && p.apgr !== null) parts.push(`APGR ${p.apgr.toFixed(3)}`);
  if (p.bestOverLatency) parts.push(`over the p95 limit: ${p.bestOverLatency.savingsPct.toFixed(1)}% cheaper at ${p.bestOverLatency.latency ? latencyText(p.bestOverLatency.latency) : 'unknown latency'}`);
  if (p.router) parts.push(`router OOF AUC ${p.router.oofAuc === null ? 'n/a' : p.router.oofAuc.toFixed(3)} (${p.router.folds}-fold)`);
  if (p.gate) parts.push(`gate ${p.gate} on ${pct(p.signalCoverage ?? 0, 0)} of items`);
  if (p.pattern === 'confidence' && p.signalCoverage !== undefined) parts.push(`confidence on ${pct(p.signalCoverage, 0)} of items`);
  const scopes = describeScopes(p);
  if (scopes) parts.push(scopes);
  return parts.join(' · ');
}

/** "p50 412 ms · p95 1,333 ms". */
function latencyText(l: LatencySummary): string {
  return `p50 ${ms(l.p50Ms)} · p95 ${ms(l.p95Ms)}`;
}

/** A table cell: "412 / 1,333 ms"; "unknown"; "—" for a row whose latency is not simulated. */
function latencyCell(l: LatencySummary | null | undefined): string {
  if (l === undefined) return '—';
  if (l === null) return 'unknown';
  return `${ms(l.p50Ms).replace(/ ms$/, '')}/${ms(l.p95Ms)}`;
}

/** Whether the report shows a latency column: every result carried its latency. */
function showsLatency(r: Calibration): boolean {
  return r.latency !== undefined && r.latency.unknownResults === 0;
}

/** The pick's routed latency in one line (what it adds per request; the limit it was chosen under). */
function pickLatencyLine(r: Calibration): string | null {
  const pick = r.pick;
  if (!pick || !r.latency) return null;
  if (!pick.latency) return `latency unknown: ${r.latency.unknownResults === 1 ? '1 result has' : `${int(r.latency.unknownResults)} results have`} no latencyMs (missing or 0)`;
  const extra = pick.routerLatencyMs !== undefined ? ` (router ${ms(pick.routerLatencyMs)} per request included)` : '';
  const limit = r.latency.maxP95Ms !== null ? ` ≤ limit ${ms(r.latency.maxP95Ms)}` : '';
  return `simulated latency ${latencyText(pick.latency)}${limit}${extra}`;
}

function routeTable(r: Calibration, width: number): string {
  const tiers = r.tiers.map((t) => t.name);
  const tierHead = tiers.join('/');
  const lat = showsLatency(r);
  return fitTable(
    [
      { head: 'route', fit: 'wrap', min: 19 },
      { head: 'quality', align: 'right' },
      { head: 'parity', align: 'right' },
      { head: 'cost', align: 'right' },
      { head: 'savings vs all-frontier', align: 'right' },
      ...(lat ? [{ head: 'latency p50/p95', align: 'right' as const, drop: 2 }] : []),
      { head: tierHead.length > 18 ? 'shares' : tierHead, drop: 1 },
    ],
    rows(r).map((row) => [row.label, pct(row.quality), pct(row.parity), usd(row.costUsd), `${row.savingsPct.toFixed(1)}%`, ...(lat ? [latencyCell(row.latency)] : []), shares(row.tierShares, tiers)]),
    { width },
  );
}

function renderTable(run: Extract<CalibrateRun, { kind: 'calibrate' }>, width: number): string {
  const r = run.report;
  const L: string[] = [];
  const para = (text: string, indent = '', hanging = '  ') => L.push(...wrapText(termSafe(indent + text), width, hanging));
  const held = run.holdout ? ` (+${int(run.holdout.items)} held out)` : '';
  para(`Calibrated ${r.datasetId}: ${int(r.n)} items${held} · tiers ${r.tiers.map((t) => t.name).join(' → ')} · bar ${barText(r)}`);
  L.push('');
  para(r.headline, '  ', '  ');
  const sample = sampleNote(run);
  if (sample) para(`⚠ ${sample}`, '  ', '  ');
  if (run.holdout) para(`${run.holdout.meetsBar ? '' : '⚠ '}${holdoutLine(run.holdout, r)}`, '  ', '  ');
  L.push('');
  if (r.pick) {
    para(`Pick: ${r.pick.pattern} · thresholds ${fmtThresholds(r.pick.thresholds)}${r.pick.gate ? ` · gate ${r.pick.gate}` : ''} · escalation ${pct(r.pick.escalationRate)}`);
    const lb = r.barMode === 'relative' ? `parity lower bound ${pct(r.pick.parityLower)}` : `quality lower bound ${pct(r.pick.qualityLower)}`;
    para(`${lb} ≥ ${pct(r.bar)}; quality ${pct(r.pick.quality)} (95% CI ${pct(r.pick.qualityCi95[0])}–${pct(r.pick.qualityCi95[1])})`, '  ');
    const latency = pickLatencyLine(r);
    if (latency) para(latency, '  ');
  }
  para(`Bound: ${r.bound}`, '  ');
  L.push('');
  L.push(routeTable(r, width));
  if (r.pick) {
    const parts = [];
    if (r.pick.apgr !== null) parts.push(`APGR ${r.pick.apgr.toFixed(3)} (random routing: 0.5)`);
    if (r.pick.oracleCapturedPct !== null) parts.push(`the pick captures ${r.pick.oracleCapturedPct.toFixed(1)}% of the oracle's savings`);
    if (parts.length) para(parts.join(' · '));
  }
  const chance = randomLine(r);
  if (chance) para(chance);
  L.push('');
  L.push('Patterns');
  for (const p of r.patterns) L.push(...wrapText(termSafe(`  ${pad(p.pattern, 11)} ${patternLine(p, r)}`), width, '              '));
  if (r.patterns.some((p) => p.curve.length)) {
    L.push('');
    L.push(renderChart(r, { width }));
  }
  if (r.notes.length) {
    L.push('');
    L.push('Notes');
    for (const n of r.notes) para(`- ${n}`, '  ', '    ');
  }
  if (run.outputs.length) {
    L.push('');
    for (const o of run.outputs) para(`wrote ${o.what}: ${o.file}`);
  }
  return `${L.join('\n')}\n`;
}

function holdoutLine(h: HoldoutReport, r: Calibration): string {
  const value = r.barMode === 'relative' ? `${pct(h.parity)} parity (one-sided 95% lower bound ${pct(h.parityLower95)})` : `${pct(h.quality)} quality, ${pct(h.parity)} parity`;
  return `Held out (${pct(h.fraction, 0)}, seed ${h.seed}, ${int(h.items)} items): ${h.savingsPct.toFixed(1)}% cheaper than all-frontier at ${value}; ${h.meetsBar ? 'the bar holds' : `breaks the bar of ${pct(r.bar)}`}`;
}

/** The pick against random routing at its own tier shares, in one line (null without a pick). */
function randomLine(r: Calibration): string | null {
  const x = r.randomAtShares;
  if (!r.pick || !x) return null;
  const lower = Number.isFinite(x.marginLowerPts) ? x.marginLowerPts.toFixed(1) : 'n/a';
  const verdict = x.routerBeatsRandom ? 'the router beats chance' : 'the router adds nothing measurable over chance: prefer the simpler policy';
  return `Random routing at the pick's shares: ${x.savingsPct.toFixed(1)}% cheaper at ${pct(x.parity)} parity; the pick's margin ${x.marginPts.toFixed(1)} parity points (95% lower bound ${lower}): ${verdict}`;
}

function renderMarkdown(run: Extract<CalibrateRun, { kind: 'calibrate' }>): string {
  const r = run.report;
  const L: string[] = [];
  L.push(`# tokor calibrate: ${mdText(r.datasetId)}`);
  L.push('');
  L.push(`**${mdText(r.headline)}**`);
  L.push('');
  const sample = sampleNote(run);
  if (sample) L.push(`> ⚠️ **${sample}**`, '');
  if (run.holdout) L.push(run.holdout.meetsBar ? mdText(holdoutLine(run.holdout, r)) : `> ⚠️ **${mdText(holdoutLine(run.holdout, r))}**`, '');
  L.push(`${int(r.n)} items · tiers ${r.tiers.map((t) => mdCode(t.name)).join(' → ')} · bar ${barText(r)}`);
  L.push('');
  if (r.pick) {
    const latency = pickLatencyLine(r);
    L.push(`Pick: **${mdText(r.pick.pattern)}**, thresholds ${fmtThresholds(r.pick.thresholds)}${r.pick.gate ? `, gate ${mdCode(r.pick.gate)}` : ''}; escalation ${pct(r.pick.escalationRate)}${latency ? `; ${mdText(latency)}` : ''}.`);
    L.push('');
  }
  L.push(`Bound: ${mdText(r.bound)}.`);
  L.push('');
  const tiers = r.tiers.map((t) => t.name);
  const lat = showsLatency(r);
  L.push(
    mdTable(
      ['route', 'quality', 'parity', 'cost', 'savings vs all-frontier', ...(lat ? ['latency p50/p95'] : []), tiers.join(' / ')],
      rows(r).map((row) => [row.label, pct(row.quality), pct(row.parity), usd(row.costUsd), `${row.savingsPct.toFixed(1)}%`, ...(lat ? [latencyCell(row.latency)] : []), shares(row.tierShares, tiers)]),
      lat ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5],
    ),
  );
  if (r.pick) {
    L.push('');
    L.push(`APGR ${r.pick.apgr === null ? 'n/a' : r.pick.apgr.toFixed(3)}; the pick captures ${r.pick.oracleCapturedPct === null ? 'n/a' : `${r.pick.oracleCapturedPct.toFixed(1)}%`} of the oracle's savings.`);
  }
  const chance = randomLine(r);
  if (chance) L.push('', mdText(chance));
  L.push('');
  L.push(mdTable(['pattern', 'result'], r.patterns.map((p) => [p.pattern, patternLine(p, r)])));
  if (r.patterns.some((p) => p.curve.length)) {
    L.push('');
    L.push('```text');
    L.push(renderChart(r));
    L.push('```');
  }
  if (r.notes.length) {
    L.push('');
    for (const n of r.notes) L.push(`- ${mdText(n)}`);
  }
  return `${L.join('\n')}\n`;
}

function renderApply(run: Extract<CalibrateRun, { kind: 'apply' }>, markdown: boolean, width: number): string {
  const e = run.evaluation;
  const p = run.policy;
  const rel = p.barMode === 'relative';
  const value = rel ? e.parity : e.quality;
  const ci = rel ? e.parityCi95 : e.qualityCi95;
  const lb = rel ? e.parityLower : e.qualityLower;
  const tiers = p.tiers.map((t) => t.name);
  const L: string[] = [];
  const text = (s: string) => (markdown ? mdText(s) : s);
  const line = (s: string, indent = '') => (markdown ? L.push(s) : L.push(...wrapText(termSafe(indent + s), width, `${indent}  `)));
  const head = `Applied ${run.policyFile} (${p.pattern}, thresholds ${fmtThresholds(p.thresholds)}) to ${run.datasetId}: ${int(e.n)} items`;
  line(markdown ? `# ${text(head)}` : head);
  L.push('');
  const headline = `${e.savingsPct.toFixed(1)}% cheaper than all-frontier at ${pct(value)} ${rel ? 'parity' : 'quality'} (95% CI ${pct(ci[0])}–${pct(ci[1])})`;
  line(markdown ? `**${headline}**` : headline, '  ');
  const sample = sampleNote(run);
  if (sample) line(markdown ? `> ⚠️ **${sample}**` : `⚠ ${sample}`, '  ');
  L.push('');
  line(`bar ${barText(p)}: lower bound ${pct(lb)} — ${e.meetsBar ? 'meets the bar' : 'BELOW the bar'}`, markdown ? '' : '  ');
  line(`quality ${pct(e.quality)} (95% CI ${pct(e.qualityCi95[0])}–${pct(e.qualityCi95[1])}) · frontier ${pct(e.frontier.quality)}`, markdown ? '' : '  ');
  line(text(`cost ${usd(e.costUsd)} vs ${usd(e.frontier.costUsd)} all-frontier · shares ${tiers.join('/')} ${shares(e.tierShares, tiers)} · escalation ${pct(e.escalationRate)}`), markdown ? '' : '  ');
  if (e.latency !== undefined) line(text(e.latency ? `simulated latency ${latencyText(e.latency)}` : 'latency unknown: some results have no latencyMs (missing or 0)'), markdown ? '' : '  ');
  if (run.notes.length) {
    L.push('');
    for (const n of run.notes) line(markdown ? `- ${mdText(n)}` : `- ${n}`, markdown ? '' : '  ');
  }
  return `${L.join('\n')}\n`;
}

/**
 * The cost–quality curve of every pattern, plus the baselines, as CSV. The last column, `sample_data`, is true on
 * every row when the results are graded from bundled sample recordings (a CSV carries no note beside its figures).
 */
export function curveCsv(r: Calibration, sample: boolean): string {
  const tiers = r.tiers.map((t) => t.name);
  const head = ['pattern', 'thresholds', 'quality', 'parity', 'lower_bound', 'cost_usd', 'savings_pct', 'escalation_rate', 'meets_bar', ...tiers.map((t) => `share_${t}`), 'p50_ms', 'p95_ms', 'sample_data'];
  const lines: (string | number | boolean)[][] = [head];
  const fq = r.baselines.frontier.quality;
  const add = (pattern: string, p: Omit<RouteSummary, 'pattern'> & { meetsBar?: boolean }): void => {
    lines.push([
      pattern,
      p.thresholds.join(';'),
      p.quality.toFixed(6),
      p.parity.toFixed(6),
      Number.isFinite(p.lowerBound) ? p.lowerBound.toFixed(6) : '',
      p.costUsd.toFixed(6),
      p.savingsPct.toFixed(4),
      p.escalationRate.toFixed(6),
      p.meetsBar === undefined ? '' : String(p.meetsBar),
      ...tiers.map((t) => (p.tierShares[t] ?? 0).toFixed(6)),
      p.latency ? p.latency.p50Ms : '',
      p.latency ? p.latency.p95Ms : '',
      sample,
    ]);
  };
  for (const p of r.patterns) for (const c of p.curve as CurvePoint[]) add(p.pattern, c);
  const base = (name: string, b: Baseline): void =>
    add(`baseline:${name}`, {
      thresholds: [],
      quality: b.quality,
      parity: fq ? b.quality / fq : 0,
      lowerBound: Number.NaN,
      costUsd: b.costUsd,
      savingsPct: b.savingsPct,
      tierShares: b.tierShares,
      escalationRate: 1 - (b.tierShares[tiers[0]!] ?? 0),
      latency: b.latency ?? null,
    });
  base('frontier', r.baselines.frontier);
  base('cheapest', r.baselines.cheapest);
  if (r.baselines.random) base('random', r.baselines.random);
  base('oracle', r.baselines.oracle);
  base('oracle-max-quality', r.baselines.oracleMaxQuality);
  return `${csv(lines)}\n`;
}

function applyCsv(e: PolicyEvaluation, tiers: string[], sample: boolean): string {
  const head = ['n', 'quality', 'quality_ci95_lo', 'quality_ci95_hi', 'quality_lower', 'parity', 'parity_lower', 'cost_usd', 'frontier_cost_usd', 'savings_pct', 'escalation_rate', 'meets_bar', ...tiers.map((t) => `share_${t}`), 'sample_data'];
  const row = [e.n, e.quality, e.qualityCi95[0], e.qualityCi95[1], e.qualityLower, e.parity, e.parityLower, e.costUsd, e.frontier.costUsd, e.savingsPct, e.escalationRate, e.meetsBar, ...tiers.map((t) => e.tierShares[t] ?? 0), sample];
  return `${csv([head, row.map((v) => (typeof v === 'number' ? Number(v.toPrecision(8)) : v))])}\n`;
}
