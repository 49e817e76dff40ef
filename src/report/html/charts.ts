/**
 * Vega-Lite specs for the report's charts, rendered to SVG strings at
 * generation time with vega's headless View (renderer 'none', no canvas).
 *
 * Safety rules kept by every spec builder here:
 * - text from logs (model IDs, team names, tiers) appears only in `data.values`,
 *   never in field names, titles, sort arrays, scale domains or expressions,
 *   because vega compiles those into code; data values are drawn as text and
 *   escaped by vega's SVG writer;
 * - data is inline; the View gets a loader that refuses every load, so a spec
 *   can never reach the network or the file system.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Loader } from 'vega';

/** The system font stack, unquoted so that it survives attribute escaping unchanged. */
export const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif';

export const COLORS = {
  easy: '#2a9d8f',
  moderate: '#e9a23b',
  hard: '#d1495b',
  total: '#3d5a80',
  decrease: '#2a9d8f',
  increase: '#d1495b',
  bar: '#3d5a80',
  billed: '#3d5a80',
  explained: '#98c1d9',
  muted: '#6b7280',
  pick: '#111827',
} as const;

/** Colours for an ordered tier ladder, cheapest first. */
export function tierColor(index: number, count: number): string {
  const ladder = ['#2a9d8f', '#e9a23b', '#d1495b', '#7b2cbf', '#3d5a80'];
  if (count <= 1) return ladder[2]!;
  if (count === 2) return index === 0 ? ladder[0]! : ladder[2]!;
  return ladder[Math.min(index, ladder.length - 1)]!;
}

const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 6,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal' as const,
    labelColor: '#374151',
    titleColor: '#374151',
    gridColor: '#e5e7eb',
    domainColor: '#9ca3af',
    tickColor: '#9ca3af',
    labelLimit: 220,
  },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' as const, labelLimit: 160 },
  text: { fontSize: 11, color: '#111827' },
};

export class ChartLoadRefused extends Error {}

const REFUSED = 'tokor report charts use inline data only; refused to load';

function refuse(what: string): Promise<never> {
  return Promise.reject(new ChartLoadRefused(`${REFUSED} ${what}`));
}

/** A vega loader that never fetches or reads anything. */
const NO_LOADER: Loader = {
  load: (uri) => refuse(uri),
  sanitize: (uri) => refuse(uri),
  http: (uri) => refuse(uri),
  file: (name) => refuse(name),
};

/**
 * Advance widths of Helvetica/Arial (per 1000 em) for ASCII 32–126. Without a
 * canvas vega estimates every character at 0.8 em, which truncates axis labels
 * at half their real length and reserves space that is never used; these
 * widths (scaled up a little for wider system fonts such as DejaVu Sans) keep
 * labels whole and layouts tight.
 */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const FONT_SCALE = 1.18;

interface TextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number;
}

function rawTextWidth(item: TextItem, text: string): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? 1.07 : 1;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? ASCII_WIDTHS[code - 32]! : 600;
  }
  return (units / 1000) * size * FONT_SCALE * bold;
}

/** vega's textMetrics.width contract: the width of the text as drawn, i.e. after truncation to item.limit. */
export function measureText(item: TextItem, text: unknown): number {
  const t = text == null ? '' : String(text).trim();
  const w = rawTextWidth(item, t);
  return item.limit && item.limit > 0 && w >= item.limit ? item.limit : w;
}

let libs: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;

function loadLibs(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  libs ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => {
    // vega supports a user-defined width function in place of canvas measurement (vl-convert does the same).
    (vega as unknown as { textMetrics: { width: typeof measureText } }).textMetrics.width = measureText;
    return [vega, vl] as [typeof import('vega'), typeof import('vega-lite')];
  });
  return libs;
}

export interface RenderedChart {
  svg: string;
  width: number;
  height: number;
  /** Warnings from vega-lite and vega; the report is still usable, tests keep this empty. */
  warnings: string[];
}

/** Compiles a Vega-Lite spec and renders it to an SVG string, headless. */
export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
  const [vega, vl] = await loadLibs();
  const warnings: string[] = [];
  const logger = {
    level(): number {
      return 0;
    },
    error(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return this;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return this;
    },
    info() {
      return this;
    },
    debug() {
      return this;
    },
  };
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec, { logger: logger as never });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', loader: NO_LOADER, logger: logger as never, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    const refused = warnings.find((w) => w.includes(REFUSED));
    if (refused) throw new ChartLoadRefused(refused);
    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    return { svg, width: Number(m?.[1] ?? 0), height: Number(m?.[2] ?? 0), warnings };
  } finally {
    view.finalize();
  }
}

// ---------------------------------------------------------------- spec builders

const PCT_AXIS = { format: '.0%' };

/** The step between ticks d3 picks for [0, max] with about `count` ticks (1, 2 or 5 × a power of ten). */
export function tickStep(max: number, count = 5): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * power;
}

/**
 * A USD axis that reads right at every scale: as many decimals as its tick
 * step needs ($0.002 steps → "$0.004", $2 steps → "$4", $2,000 → "$4,000"),
 * never SI prefixes ("$5m" would read as millions). Five ticks, so the step
 * is the one computed here.
 */
export function moneyAxis(maxValue: number): { format: string; tickCount: number } {
  const step = tickStep(Math.abs(maxValue));
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
  return { format: `$,.${decimals}f`, tickCount: 5 };
}

function maxOf(values: number[]): number {
  return values.reduce((m, v) => (Number.isFinite(v) && Math.abs(v) > m ? Math.abs(v) : m), 0);
}

export interface DistributionBar {
  label: string;
  share: number;
  lo: number | null;
  hi: number | null;
  order: number;
  color: string;
  text: string;
}

/** Difficulty shares as bars with 95% CI error bars. */
export function distributionSpec(rows: DistributionBar[]): TopLevelSpec {
  const x = { field: 'label', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { labelAngle: 0, labelLimit: Math.floor(360 / Math.max(1, rows.length)) - 6 } };
  return {
    width: 360,
    height: 220,
    data: { values: rows },
    layer: [
      { mark: { type: 'bar', cornerRadiusEnd: 2 }, encoding: { x, y: { field: 'share', type: 'quantitative', title: 'Share of requests', axis: PCT_AXIS, scale: { domain: [0, 1] } }, color: { field: 'color', type: 'nominal', scale: null } } },
      { transform: [{ filter: 'datum.lo != null && datum.hi != null' }], mark: { type: 'errorbar', ticks: { width: 10 }, color: '#111827' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'Share of requests' }, y2: { field: 'hi' } } },
      { mark: { type: 'text', dy: -8, dx: 22, align: 'left' }, encoding: { x, y: { field: 'share', type: 'quantitative' }, text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

export interface WaterfallStep {
  step: string;
  start: number;
  end: number;
  kind: 'total' | 'decrease' | 'increase';
  order: number;
  text: string;
}

/** All-frontier → actual → routed ceiling as a waterfall. */
export function waterfallSpec(steps: WaterfallStep[]): TopLevelSpec {
  // Step names are ours (never from logs): '|' marks a line break in the axis label.
  const x = { field: 'step', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { labelAngle: 0, labelLimit: 120, labelExpr: "split(datum.label, '|')", labelPadding: 6 } };
  return {
    width: 420,
    height: 240,
    data: { values: steps.map((s) => ({ ...s, top: Math.max(s.start, s.end) })) },
    layer: [
      {
        mark: { type: 'bar', cornerRadius: 1 },
        encoding: {
          x,
          y: { field: 'start', type: 'quantitative', title: 'USD', axis: moneyAxis(maxOf(steps.flatMap((x) => [x.start, x.end]))) },
          y2: { field: 'end' },
          color: { field: 'kind', type: 'nominal', scale: { domain: ['total', 'decrease', 'increase'], range: [COLORS.total, COLORS.decrease, COLORS.increase] }, legend: null },
        },
      },
      { mark: { type: 'text', dy: -7 }, encoding: { x, y: { field: 'top', type: 'quantitative' }, text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

export interface NamedBar {
  name: string;
  value: number;
  order: number;
  text: string;
}

/** Horizontal bars of USD amounts, largest first (rows arrive sorted, `order` keeps it). */
export function spendBarsSpec(rows: NamedBar[], axisTitle: string, color: string = COLORS.bar): TopLevelSpec {
  const y = { field: 'name', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { labelLimit: 280 } };
  return {
    width: 300,
    height: { step: 22 },
    data: { values: rows },
    layer: [
      { mark: { type: 'bar', color, cornerRadiusEnd: 2 }, encoding: { y, x: { field: 'value', type: 'quantitative', title: axisTitle, axis: moneyAxis(maxOf(rows.map((r) => r.value))) } } },
      { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { y, x: { field: 'value', type: 'quantitative' }, text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

export interface PassRateBar {
  tier: string;
  passRate: number;
  lo: number | null;
  hi: number | null;
  order: number;
  color: string;
  text: string;
}

/** Pass rate per tier with its 95% interval. */
export function passRateSpec(rows: PassRateBar[]): TopLevelSpec {
  const x = { field: 'tier', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { labelAngle: 0, labelLimit: 140 } };
  return {
    width: Math.max(200, Math.min(480, rows.length * 90)),
    height: 220,
    data: { values: rows },
    layer: [
      { mark: { type: 'bar', cornerRadiusEnd: 2, width: { band: 0.6 } }, encoding: { x, y: { field: 'passRate', type: 'quantitative', title: 'Pass rate', axis: PCT_AXIS, scale: { domain: [0, 1] } }, color: { field: 'color', type: 'nominal', scale: null } } },
      { transform: [{ filter: 'datum.lo != null && datum.hi != null' }], mark: { type: 'errorbar', ticks: { width: 10 }, color: '#111827' }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'Pass rate' }, y2: { field: 'hi' } } },
      { mark: { type: 'text', dy: -8, dx: 24, align: 'left' }, encoding: { x, y: { field: 'passRate', type: 'quantitative' }, text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

export interface CurvePoint {
  pattern: string;
  /** Thresholds as shown, e.g. "0.35, 0.7". */
  thresholds: string;
  quality: number;
  costUsd: number;
}

export interface MarkedPoint {
  name: string;
  quality: number;
  costUsd: number;
  kind: 'pick' | 'baseline';
}

/**
 * The cost–quality curve: every candidate threshold as a faint point, the
 * best quality reachable at each cost (the Pareto front) as a line per
 * pattern, the baselines as labelled points, the random-routing line between
 * the cheapest tier and the frontier, and the pick.
 */
export function curveSpec(candidates: CurvePoint[], front: CurvePoint[], points: MarkedPoint[], randomLine: { costUsd: number; quality: number }[]): TopLevelSpec {
  const costs = [...candidates, ...front, ...points, ...randomLine].map((p) => p.costUsd);
  const x = { field: 'costUsd', type: 'quantitative' as const, title: 'Cost on the golden dataset (USD)', axis: { ...moneyAxis(maxOf(costs)), labelOverlap: true } };
  const y = { field: 'quality', type: 'quantitative' as const, title: 'Quality (pass rate)', axis: PCT_AXIS, scale: { zero: false } };
  const color = { field: 'pattern', type: 'nominal' as const, title: 'Pattern', scale: { scheme: 'tableau10' } };
  const layer: unknown[] = [];
  if (randomLine.length === 2) {
    layer.push({ data: { values: randomLine }, mark: { type: 'line', strokeDash: [4, 4], color: COLORS.muted, strokeWidth: 1, aria: false }, encoding: { x, y } });
  }
  if (candidates.length > 0) {
    layer.push({ data: { values: candidates }, mark: { type: 'circle', size: 9, opacity: 0.3, aria: false }, encoding: { x, y, color } });
  }
  if (front.length > 0) {
    layer.push({ data: { values: front }, mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.6, interpolate: 'step-after', aria: false }, encoding: { x, y, order: { field: 'costUsd', type: 'quantitative' }, color } });
  }
  const baselines = points.filter((p) => p.kind === 'baseline');
  const picks = points.filter((p) => p.kind === 'pick');
  if (baselines.length > 0) {
    layer.push({ data: { values: baselines }, mark: { type: 'point', filled: true, size: 60, color: COLORS.muted, shape: 'square' }, encoding: { x, y } });
    layer.push({ data: { values: baselines }, mark: { type: 'text', align: 'left', dx: 7, dy: 10, color: '#374151' }, encoding: { x, y, text: { field: 'name' } } });
  }
  if (picks.length > 0) {
    layer.push({ data: { values: picks }, mark: { type: 'point', filled: true, size: 140, color: COLORS.pick, shape: 'diamond' }, encoding: { x, y } });
    layer.push({ data: { values: picks }, mark: { type: 'text', align: 'left', dx: 9, dy: -9, fontWeight: 'bold' }, encoding: { x, y, text: { field: 'name' } } });
  }
  return { width: 460, height: 280, layer } as TopLevelSpec;
}

export interface PairedBar {
  name: string;
  series: 'Billed' | 'Explained by logs';
  value: number;
  order: number;
}

/** Billed vs log-explained spend, per model or in total. */
export function billedVsExplainedSpec(rows: PairedBar[]): TopLevelSpec {
  return {
    width: 300,
    height: { step: 14 },
    data: { values: rows },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      y: { field: 'name', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null, axis: { labelLimit: 280 } },
      yOffset: { field: 'series', type: 'nominal', sort: ['Billed', 'Explained by logs'] },
      x: { field: 'value', type: 'quantitative', title: 'USD', axis: moneyAxis(maxOf(rows.map((r) => r.value))) },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['Billed', 'Explained by logs'], range: [COLORS.billed, COLORS.explained] },
        legend: { orient: 'bottom' },
      },
    },
  } as TopLevelSpec;
}

export interface PeriodBar {
  period: string;
  value: number;
  order: number;
}

/** Billed spend per day or month (periods as ordered labels, no timezone parsing). */
export function periodSpec(rows: PeriodBar[]): TopLevelSpec {
  return {
    width: Math.max(240, Math.min(520, rows.length * 28)),
    height: 200,
    data: { values: rows },
    mark: { type: 'bar', color: COLORS.bar, cornerRadiusEnd: 2 },
    encoding: {
      x: { field: 'period', type: 'ordinal', sort: { field: 'order', op: 'min' }, title: null, axis: { labelAngle: rows.length > 8 ? -45 : 0, labelOverlap: true } },
      y: { field: 'value', type: 'quantitative', title: 'Billed USD', axis: moneyAxis(maxOf(rows.map((r) => r.value))) },
    },
  } as TopLevelSpec;
}
