/** The routing section, from `tokor calibrate --format json` (or `--apply`). Pure. */
import { curveSpec, type CurvePoint, type MarkedPoint } from '../charts.js';
import { fmtPct, fmtShare, fmtShareInterval, fmtUsd, toInterval } from '../format.js';
import { describeShares, fmtThreshold, isSample, readPick } from '../headline.js';
import { html, type SafeHtml } from '../html.js';
import { figure, section, table, type Cell } from '../page.js';
import { arr, num, obj, str, type Obj } from '../read.js';
import type { RenderContext } from './context.js';

const BASELINES: [string, string][] = [
  ['frontier', 'All frontier'],
  ['cheapest', 'All cheapest'],
  ['random', 'Random routing'],
  ['oracle', 'Oracle'],
];

/** Most candidate points a pattern keeps in the chart (evenly thinned by cost beyond that). */
const MAX_CANDIDATES = 250;

function thresholdsText(o: Obj): string {
  const one = (t: unknown) => (num(t) !== undefined ? fmtThreshold(num(t)!) : (str(t) ?? '?'));
  if (Array.isArray(o.thresholds)) return o.thresholds.map(one).join(', ');
  return o.threshold === undefined ? '' : one(o.threshold);
}

/** Curve points from `curve` (the documented contract) or from `patterns[].curve` (per pattern). */
export function readCurve(c: Obj): CurvePoint[] {
  const rows: { pattern?: string; point: unknown }[] = [
    ...arr(c.curve).map((point) => ({ point })),
    ...arr(c.patterns).flatMap((p) => arr(obj(p)?.curve).map((point) => ({ pattern: str(obj(p)?.pattern), point }))),
  ];
  return rows.flatMap(({ pattern, point }) => {
    const o = obj(point);
    const quality = num(o?.quality);
    const costUsd = num(o?.costUsd);
    if (!o || quality === undefined || costUsd === undefined) return [];
    return [{ pattern: str(o.pattern) ?? pattern ?? 'routing', thresholds: thresholdsText(o), quality, costUsd }];
  });
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

export function calibrateReading(c: Obj): string {
  const pick = readPick(c);
  const baselines = obj(c.baselines) ?? {};
  const oracle = obj(baselines.oracle);
  const oracleSavings = num(oracle?.savingsPct);
  if (!pick) {
    const bar = num(c.bar);
    return `No threshold kept the quality bar${bar !== undefined ? ` of ${fmtShare(bar)}` : ''}; the curve shows what each threshold would give.`;
  }
  let s = `The pick${pick.pattern ? ` (${pick.pattern}` : ''}${pick.thresholds.length ? `${pick.pattern ? ', ' : ' ('}threshold ${pick.thresholds.map(fmtThreshold).join(', ')})` : pick.pattern ? ')' : ''} keeps ${fmtShare(pick.quality)} quality${
    pick.frontierQuality !== undefined ? ` (all-frontier ${fmtShare(pick.frontierQuality)})` : ''
  } at ${fmtPct(pick.savingsPct, 1)} lower cost than all-frontier`;
  if (oracleSavings !== undefined && oracleSavings > 0) s += `; the oracle would save ${fmtPct(oracleSavings, 0)}, so the pick captures ${fmtPct((pick.savingsPct / oracleSavings) * 100, 0)} of the achievable savings`;
  return `${s}.`;
}

async function curveFigure(c: Obj, ctx: RenderContext): Promise<SafeHtml> {
  const pick = readPick(c);
  // A --apply result carries only the frontier beside its evaluation.
  const baselines: Obj = { ...(obj(c.frontier) ? { frontier: c.frontier } : {}), ...(obj(c.baselines) ?? {}) };
  const points: MarkedPoint[] = [];
  const rows: Cell[][] = [];
  for (const [key, name] of BASELINES) {
    const b = obj(baselines[key]);
    if (!b) continue;
    const quality = num(b.quality);
    const costUsd = num(b.costUsd);
    if (quality !== undefined && costUsd !== undefined) points.push({ name, quality, costUsd, kind: 'baseline' });
    rows.push([name, fmtShare(quality), fmtShareInterval(toInterval(b.qualityCi95)), fmtUsd(costUsd), fmtPct(num(b.savingsPct))]);
  }
  if (pick) {
    if (pick.costUsd !== undefined) points.push({ name: 'Pick', quality: pick.quality, costUsd: pick.costUsd, kind: 'pick' });
    rows.unshift([`Pick${pick.pattern ? `: ${pick.pattern}` : ''}${pick.thresholds.length ? ` @ ${pick.thresholds.map(fmtThreshold).join(', ')}` : ''}`, fmtShare(pick.quality), fmtShareInterval(pick.qualityCi95), fmtUsd(pick.costUsd), fmtPct(pick.savingsPct)]);
  }
  const cheapest = obj(baselines.cheapest);
  const frontier = obj(baselines.frontier);
  const randomLine =
    cheapest && frontier && num(cheapest.quality) !== undefined && num(cheapest.costUsd) !== undefined && num(frontier.quality) !== undefined && num(frontier.costUsd) !== undefined
      ? [
          { costUsd: num(cheapest.costUsd)!, quality: num(cheapest.quality)! },
          { costUsd: num(frontier.costUsd)!, quality: num(frontier.quality)! },
        ]
      : [];
  const curve = readCurve(c);
  const front = paretoFront(curve);
  const shown = thin(curve);
  const notes: string[] = [];
  notes.push('Faint points: every threshold tried; line: the best quality reachable at each cost, per pattern.');
  if (randomLine.length) notes.push('Dashed line: random routing between the cheapest tier and the frontier at every frontier share.');
  const bound = str(c.bound) ?? str(c.boundUsed) ?? str(obj(c.pick)?.bound);
  if (bound) notes.push(`Bound used for the bar: ${bound}.`);
  for (const n of arr(c.notes).slice(0, 5)) if (str(n)) notes.push(str(n)!);
  if (shown.length < curve.length) notes.push(`Chart thinned to ${shown.length} of ${curve.length} candidate points (the front is drawn in full).`);
  const sample = evenly(front, 15);
  const chart = points.length || curve.length ? await ctx.chart('curve', curveSpec(shown, front, points, randomLine)) : undefined;
  return figure({
    id: 'fig-curve',
    title: 'Cost–quality curve',
    reading: calibrateReading(c),
    chart,
    table: html`${table([{ label: 'Policy' }, { label: 'Quality', num: true }, { label: '95% CI', num: true }, { label: 'Cost', num: true }, { label: 'Savings vs all-frontier', num: true }], rows, { emphasize: (i) => Boolean(pick) && i === 0 })}${
      pick && pick.tierShares.length
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

export async function calibrateSection(c: Obj, ctx: RenderContext): Promise<SafeHtml> {
  const sample = isSample(c) ? ' Sample data: the results are the bundled golden datasets’ synthetic recorded answers, not measurements of the models.' : '';
  return section('routing', 'Routing: the threshold that keeps the bar', `Routing patterns simulated on golden-dataset results (tokor calibrate); costs are those of the dataset, not of the traffic.${sample}`, [await curveFigure(c, ctx)]);
}
