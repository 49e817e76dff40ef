/** The routing section, from `tokor calibrate --format json` (or `--apply`). Pure. */
import { curveSpec, type CurvePoint, type MarkedPoint } from '../charts.js';
import { fmtPct, fmtShare, fmtShareInterval, fmtUsd, toInterval } from '../format.js';
import { describeShares, readPick } from '../headline.js';
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

/** Most points a curve keeps per pattern in the chart (evenly thinned beyond that). */
const MAX_CURVE_POINTS = 300;

export function readCurve(c: Obj): CurvePoint[] {
  return arr(c.curve).flatMap((p) => {
    const o = obj(p);
    const quality = num(o?.quality);
    const costUsd = num(o?.costUsd);
    if (!o || quality === undefined || costUsd === undefined) return [];
    const thresholds = Array.isArray(o.thresholds) ? o.thresholds.map(num) : [];
    return [{ pattern: str(o.pattern) ?? 'routing', threshold: num(o.threshold) ?? thresholds[0] ?? 0, quality, costUsd }];
  });
}

function thin(points: CurvePoint[]): CurvePoint[] {
  const byPattern = new Map<string, CurvePoint[]>();
  for (const p of points) {
    if (!byPattern.has(p.pattern)) byPattern.set(p.pattern, []);
    byPattern.get(p.pattern)!.push(p);
  }
  return [...byPattern.values()].flatMap((ps) => {
    if (ps.length <= MAX_CURVE_POINTS) return ps;
    const step = (ps.length - 1) / (MAX_CURVE_POINTS - 1);
    return Array.from({ length: MAX_CURVE_POINTS }, (_, i) => ps[Math.round(i * step)]!);
  });
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
  let s = `The pick${pick.pattern ? ` (${pick.pattern}` : ''}${pick.thresholds.length ? `${pick.pattern ? ', ' : ' ('}threshold ${pick.thresholds.join(', ')})` : pick.pattern ? ')' : ''} keeps ${fmtShare(pick.quality)} quality${
    pick.frontierQuality !== undefined ? ` (all-frontier ${fmtShare(pick.frontierQuality)})` : ''
  } at ${fmtPct(pick.savingsPct, 0)} lower cost`;
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
    rows.unshift([`Pick${pick.pattern ? `: ${pick.pattern}` : ''}${pick.thresholds.length ? ` @ ${pick.thresholds.join(', ')}` : ''}`, fmtShare(pick.quality), fmtShareInterval(pick.qualityCi95), fmtUsd(pick.costUsd), fmtPct(pick.savingsPct)]);
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
  const shown = thin(curve);
  const notes: string[] = [];
  if (randomLine.length) notes.push('Dashed line: random routing between the cheapest tier and the frontier at every frontier share.');
  const bound = str(c.bound) ?? str(c.boundUsed) ?? str(obj(c.pick)?.bound);
  if (bound) notes.push(`Bound used for the bar: ${bound}.`);
  if (shown.length < curve.length) notes.push(`Chart thinned to ${shown.length} of ${curve.length} curve points.`);
  const sample = curve.length > 15 ? Array.from({ length: 15 }, (_, i) => curve[Math.round((i * (curve.length - 1)) / 14)]!) : curve;
  const chart = points.length || shown.length ? await ctx.chart('curve', curveSpec(shown, points, randomLine)) : undefined;
  return figure({
    id: 'fig-curve',
    title: 'Cost–quality curve',
    reading: calibrateReading(c),
    chart,
    table: html`${table([{ label: 'Policy' }, { label: 'Quality', num: true }, { label: '95% CI', num: true }, { label: 'Cost', num: true }, { label: 'Savings', num: true }], rows, { emphasize: (i) => Boolean(pick) && i === 0 })}${
      pick && pick.tierShares.length
        ? table([{ label: 'Tier' }, { label: 'Share of requests', num: true }], pick.tierShares.map(([t, s]) => [t, fmtShare(s)]), { caption: `Pick sends ${describeShares(pick.tierShares)}` })
        : ''
    }${
      sample.length
        ? table(
            [{ label: 'Pattern' }, { label: 'Threshold', num: true }, { label: 'Quality', num: true }, { label: 'Cost', num: true }],
            sample.map((p) => [p.pattern, String(p.threshold), fmtShare(p.quality), fmtUsd(p.costUsd)]),
            { caption: curve.length > sample.length ? `Curve: ${sample.length} of ${curve.length} points, evenly spaced` : 'Curve' },
          )
        : ''
    }`,
    notes,
  });
}

export async function calibrateSection(c: Obj, ctx: RenderContext): Promise<SafeHtml> {
  return section('routing', 'Routing: the threshold that keeps the bar', 'Routing patterns simulated on golden-dataset results (tokor calibrate); costs are those of the dataset, not of the traffic.', [await curveFigure(c, ctx)]);
}
