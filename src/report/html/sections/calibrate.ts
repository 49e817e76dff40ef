/**
 * The routing section, from the `tokor calibrate --format json` report (a
 * calibration or an --apply evaluation), typed by its schema
 * (src/artifacts/calibrateReport.ts): the figures shown are the ones
 * calibrate certified, never recomputed. Pure.
 */
import type { CalibrateReportJson, CalibrationReportJson } from '../../../artifacts/calibrateReport.js';
import { curveSpec, type CurvePoint, type MarkedPoint } from '../charts.js';
import { fmtCount, fmtPct, fmtShare, fmtShareInterval, fmtUsd } from '../format.js';
import { describeShares, fmtThreshold, isSample, readPick } from '../headline.js';
import { html, type SafeHtml } from '../html.js';
import { figure, section, table, type Cell } from '../page.js';
import type { RenderContext } from './context.js';

/** Most candidate points a pattern keeps in the chart (evenly thinned by cost beyond that). */
const MAX_CANDIDATES = 250;

/** Every threshold tried, per pattern (`patterns[].curve`). */
export function readCurve(c: CalibrateReportJson): CurvePoint[] {
  if (c.kind !== 'calibrate') return [];
  return c.patterns.flatMap((p) => p.curve.map((o) => ({ pattern: o.pattern, thresholds: o.thresholds.map(fmtThreshold).join(', '), quality: o.quality, costUsd: o.costUsd })));
}

function byPattern(points: CurvePoint[]): Map<string, CurvePoint[]> {
  const m = new Map<string, CurvePoint[]>();
  for (const p of points) {
    if (!m.has(p.pattern)) m.set(p.pattern, []);
    m.get(p.pattern)!.push(p);
  }
  return m;
}

/** Per pattern, the points no cheaper point beats on quality: the best quality reachable at each cost. */
export function paretoFront(points: CurvePoint[]): CurvePoint[] {
  return [...byPattern(points).values()].flatMap((ps) => {
    const sorted = [...ps].sort((a, b) => a.costUsd - b.costUsd || b.quality - a.quality);
    const front: CurvePoint[] = [];
    for (const p of sorted) if (front.length === 0 || p.quality > front[front.length - 1]!.quality) front.push(p);
    return front;
  });
}

function thin(points: CurvePoint[]): CurvePoint[] {
  return [...byPattern(points).values()].flatMap((ps) => {
    if (ps.length <= MAX_CANDIDATES) return ps;
    const sorted = [...ps].sort((a, b) => a.costUsd - b.costUsd);
    const step = (sorted.length - 1) / (MAX_CANDIDATES - 1);
    return Array.from({ length: MAX_CANDIDATES }, (_, i) => sorted[Math.round(i * step)]!);
  });
}

function evenly<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
}

function calibrateReading(c: CalibrateReportJson): string {
  const pick = readPick(c);
  if (!pick) return `No threshold kept the quality bar of ${fmtShare(c.kind === 'calibrate' ? c.bar : c.policy.bar)}; the curve shows what each threshold would give.`;
  const oracleSavings = c.kind === 'calibrate' ? c.baselines.oracle.savingsPct : undefined;
  const thresholds = pick.thresholds.length ? `, threshold ${pick.thresholds.map(fmtThreshold).join(', ')}` : '';
  let s = `The pick (${pick.pattern}${thresholds}) keeps ${fmtShare(pick.quality)} quality (all-frontier ${fmtShare(pick.frontierQuality)}) at ${fmtPct(pick.savingsPct, 1)} lower cost than all-frontier`;
  if (oracleSavings !== undefined && oracleSavings > 0) s += `; the oracle would save ${fmtPct(oracleSavings, 0)}, so the pick captures ${fmtPct((pick.savingsPct / oracleSavings) * 100, 0)} of the achievable savings`;
  return `${s}.`;
}

/** The pick against random routing at its own tier shares, and on the held-out items; in words. */
function checksReading(c: CalibrationReportJson): string[] {
  const out: string[] = [];
  const r = c.randomAtShares;
  if (c.pick && r) {
    const lower = r.marginLowerPts !== null && Number.isFinite(r.marginLowerPts) ? r.marginLowerPts.toFixed(1) : '—';
    out.push(
      r.routerBeatsRandom
        ? `Against random routing at the pick's tier shares (${fmtPct(r.savingsPct, 1)} savings at ${fmtShare(r.parity)} parity), the pick's parity is ${r.marginPts.toFixed(1)} points higher (95% lower bound ${lower}).`
        : `The ${c.pick.pattern} pick is not measurably better than random routing at its tier shares (${fmtPct(r.savingsPct, 1)} savings at ${fmtShare(r.parity)} parity; margin ${r.marginPts.toFixed(1)} points, 95% lower bound ${lower}): its savings come from the shares alone, so prefer the simpler policy.`,
    );
  }
  const h = c.holdout;
  if (h) {
    out.push(
      `On ${h.items} held-out items the pick saves ${fmtPct(h.savingsPct, 1)} at ${fmtShare(h.parity)} parity (one-sided 95% lower bound ${fmtShare(h.parityLower95)}): ${h.meetsBar ? 'the bar holds' : `the held-out result breaks the bar of ${fmtShare(c.bar)}`}.`,
    );
  }
  return out;
}

async function curveFigure(c: CalibrateReportJson, ctx: RenderContext): Promise<SafeHtml> {
  const pick = readPick(c);
  const points: MarkedPoint[] = [];
  const rows: Cell[][] = [];
  type Latency = { p50Ms: number; p95Ms: number } | null | undefined;
  const latencies: Latency[] = [];
  const baselines: [string, { quality: number; costUsd: number; savingsPct?: number; latency?: Latency } | null][] =
    c.kind === 'calibrate'
      ? [
          ['All frontier', c.baselines.frontier],
          ['All cheapest', c.baselines.cheapest],
          ['Random routing', c.baselines.random],
          ['Oracle', c.baselines.oracle],
        ]
      : [['All frontier', { ...c.frontier, savingsPct: 0 }]];
  for (const [name, b] of baselines) {
    if (!b) continue;
    points.push({ name, quality: b.quality, costUsd: b.costUsd, kind: 'baseline' });
    rows.push([name, fmtShare(b.quality), fmtShareInterval(undefined), fmtUsd(b.costUsd), fmtPct(b.savingsPct)]);
    latencies.push(b.latency);
  }
  if (pick) {
    points.push({ name: 'Pick', quality: pick.quality, costUsd: pick.costUsd, kind: 'pick' });
    rows.unshift([`Pick: ${pick.pattern}${pick.thresholds.length ? ` @ ${pick.thresholds.map(fmtThreshold).join(', ')}` : ''}`, fmtShare(pick.quality), fmtShareInterval(pick.qualityCi95), fmtUsd(pick.costUsd), fmtPct(pick.savingsPct)]);
    latencies.unshift(c.kind === 'calibrate' ? c.pick?.latency : undefined);
  }
  // The routed path's simulated latency (calibrate's p50/p95), when the results carried it.
  const policyColumns = [{ label: 'Policy' }, { label: 'Quality', num: true }, { label: '95% CI', num: true }, { label: 'Cost', num: true }, { label: 'Savings vs all-frontier', num: true }];
  if (latencies.some((l) => l)) {
    policyColumns.push({ label: 'Latency p50 / p95', num: true });
    rows.forEach((r, i) => {
      const l = latencies[i];
      r.push(l ? `${fmtCount(l.p50Ms)} / ${fmtCount(l.p95Ms)} ms` : '—');
    });
  }
  const checks: Cell[][] = [];
  if (c.kind === 'calibrate' && c.pick && c.randomAtShares) {
    const r = c.randomAtShares;
    checks.push(['Random routing at the pick’s shares', fmtShare(r.parity), fmtPct(r.savingsPct), r.routerBeatsRandom ? `pick +${r.marginPts.toFixed(1)} pts` : 'router adds nothing measurable']);
  }
  if (c.kind === 'calibrate' && c.holdout) {
    const h = c.holdout;
    checks.push([`Held out (${h.items} items)`, `${fmtShare(h.parity)} (≥ ${fmtShare(h.parityLower95)})`, fmtPct(h.savingsPct), h.meetsBar ? 'bar holds' : 'breaks the bar']);
  }
  const cheapest = c.kind === 'calibrate' ? c.baselines.cheapest : undefined;
  const frontier = c.kind === 'calibrate' ? c.baselines.frontier : c.frontier;
  const randomLine = cheapest
    ? [
        { costUsd: cheapest.costUsd, quality: cheapest.quality },
        { costUsd: frontier.costUsd, quality: frontier.quality },
      ]
    : [];
  const curve = readCurve(c);
  const front = paretoFront(curve);
  const shown = thin(curve);
  const notes: string[] = [];
  notes.push('Faint points: every threshold tried; line: the best quality reachable at each cost, per pattern.');
  if (randomLine.length) notes.push('Dashed line: random routing between the cheapest tier and the frontier at every frontier share.');
  if (c.kind === 'calibrate') notes.push(`Bound used for the bar: ${c.bound}.`);
  if (c.kind === 'calibrate') notes.push(...checksReading(c));
  // A per-scope pick: each scope's route, as certified.
  const scoped = c.kind === 'calibrate' && c.pick ? c.patterns.find((p) => p.pattern === c.pick!.pattern && p.scopes) : undefined;
  if (scoped?.scopes) notes.push(`Per ${scoped.scopeBy}: ${scoped.scopes.map((x) => `${x.value ?? '(none)'} → ${x.certified && x.savingsPct > 1e-9 ? (x.tier ?? 'router') : 'frontier'} (${x.items} items)`).join(', ')}; items of any other ${scoped.scopeBy} go to the frontier.`);
  notes.push(...c.notes.slice(0, 5));
  if (shown.length < curve.length) notes.push(`Chart thinned to ${shown.length} of ${curve.length} candidate points (the front is drawn in full).`);
  const sample = evenly(front, 15);
  const chart = points.length || curve.length ? await ctx.chart('curve', curveSpec(shown, front, points, randomLine)) : undefined;
  return figure({
    id: 'fig-curve',
    title: 'Cost–quality curve',
    reading: calibrateReading(c),
    chart,
    table: html`${table(policyColumns, rows, { emphasize: (i) => Boolean(pick) && i === 0 })}${
      checks.length ? table([{ label: 'Check' }, { label: 'Parity', num: true }, { label: 'Savings', num: true }, { label: 'Verdict' }], checks, { caption: 'The pick against chance and on items it was not chosen on' }) : ''
    }${
      pick?.tierShares.length
        ? table([{ label: 'Tier' }, { label: 'Share of requests', num: true }], pick.tierShares.map(([t, s]) => [t, fmtShare(s)]), { caption: `Pick sends ${describeShares(pick.tierShares)}` })
        : ''
    }${
      sample.length
        ? table(
            [{ label: 'Pattern' }, { label: 'Thresholds', num: true }, { label: 'Quality', num: true }, { label: 'Cost', num: true }],
            sample.map((p) => [p.pattern, p.thresholds, fmtShare(p.quality), fmtUsd(p.costUsd)]),
            { caption: front.length > sample.length ? `Best quality per cost: ${sample.length} of ${front.length} points on the front (${curve.length} thresholds tried)` : `Best quality per cost (${curve.length} thresholds tried)` },
          )
        : ''
    }`,
    notes,
  });
}

export async function calibrateSection(c: CalibrateReportJson, ctx: RenderContext): Promise<SafeHtml> {
  const sample = isSample(c) ? ' Sample data: the results are the bundled golden datasets’ synthetic recorded answers, not measurements of the models.' : '';
  return section('routing', 'Routing: the threshold that keeps the bar', `Routing patterns simulated on golden-dataset results (tokor calibrate); costs are those of the dataset, not of the traffic.${sample}`, [await curveFigure(c, ctx)]);
}
