/**
 * The cost–quality curve as a plain-text chart (no colour, ≤ 80 columns):
 * savings on x, parity (or quality) on y, one mark per pattern, the bar as a
 * dashed line, baselines as letters. Pure.
 */
import type { Calibration } from './calibrate.js';

const MARKS: Record<string, string> = { classifier: '*', cascade: '+', confidence: 'o', 'scope-tier': '#', 'scope-classifier': '%' };

export interface ChartOptions {
  width?: number;
  height?: number;
}

export function renderChart(r: Calibration, opts: ChartOptions = {}): string {
  const width = Math.min(80, Math.max(40, opts.width ?? 80));
  const height = Math.max(8, opts.height ?? 16);
  const relative = r.barMode === 'relative';
  const yOf = (p: { quality: number; parity: number }): number => (relative ? p.parity : p.quality);
  const fq = r.baselines.frontier.quality;
  const toY = (quality: number): number => (relative ? (fq ? quality / fq : 0) : quality);

  type Pt = { x: number; y: number; mark: string };
  const pts: Pt[] = [];
  for (const p of r.patterns) for (const c of p.curve) pts.push({ x: c.savingsPct, y: yOf(c), mark: MARKS[p.pattern] ?? '.' });
  const base = r.baselines;
  const named: Pt[] = [
    { x: base.frontier.savingsPct, y: toY(base.frontier.quality), mark: 'F' },
    { x: base.cheapest.savingsPct, y: toY(base.cheapest.quality), mark: 'C' },
    { x: base.oracle.savingsPct, y: toY(base.oracle.quality), mark: 'O' },
  ];
  if (r.pick) named.push({ x: r.pick.savingsPct, y: yOf(r.pick), mark: '@' });
  const all = [...pts, ...named];
  const barY = relative ? r.bar : r.bar;
  let xMin = Math.min(0, ...all.map((p) => p.x));
  let xMax = Math.max(...all.map((p) => p.x), 1);
  let yMin = Math.min(barY, ...all.map((p) => p.y));
  let yMax = Math.max(barY, ...all.map((p) => p.y));
  if (yMax - yMin < 1e-6) {
    yMin -= 0.05;
    yMax += 0.05;
  }
  if (xMax - xMin < 1e-6) xMax = xMin + 1;
  // Round the y range outward to whole percents.
  yMin = Math.floor(yMin * 100) / 100;
  yMax = Math.ceil(yMax * 100) / 100;
  xMin = Math.floor(xMin);
  xMax = Math.ceil(xMax);

  const label = 7; // "100.0% "
  const plotW = width - label - 1;
  const grid: string[][] = Array.from({ length: height }, () => new Array<string>(plotW).fill(' '));
  const col = (x: number): number => Math.min(plotW - 1, Math.max(0, Math.round(((x - xMin) / (xMax - xMin)) * (plotW - 1))));
  const row = (y: number): number => Math.min(height - 1, Math.max(0, Math.round(((yMax - y) / (yMax - yMin)) * (height - 1))));

  const barRow = row(barY);
  for (let c = 0; c < plotW; c += 2) grid[barRow]![c] = '-';
  // Random routing between the frontier and the cheapest tier: a straight line (2 tiers: exact expectation).
  const f = named[0]!;
  const ch = named[1]!;
  for (let c = 0; c < plotW; c++) {
    const x = xMin + ((xMax - xMin) * c) / (plotW - 1);
    if ((x - f.x) * (x - ch.x) > 0) continue;
    const t = ch.x === f.x ? 0 : (x - f.x) / (ch.x - f.x);
    const r0 = row(f.y + t * (ch.y - f.y));
    if (grid[r0]![c] === ' ') grid[r0]![c] = '.';
  }
  for (const p of pts) grid[row(p.y)]![col(p.x)] = p.mark;
  for (const p of named) grid[row(p.y)]![col(p.x)] = p.mark;

  const lines: string[] = [];
  const yTitle = relative ? 'parity' : 'quality';
  lines.push(`${yTitle} vs savings`);
  for (let i = 0; i < height; i++) {
    const yv = yMax - ((yMax - yMin) * i) / (height - 1);
    const tick = i === barRow ? `${(barY * 100).toFixed(1)}%` : i === 0 || i === height - 1 || (i % 4 === 0 && Math.abs(i - barRow) > 1) ? `${(yv * 100).toFixed(1)}%` : '';
    lines.push(`${tick.padStart(label - 1)} |${grid[i]!.join('').trimEnd()}`);
  }
  lines.push(`${' '.repeat(label - 1)} +${'-'.repeat(plotW)}`);
  const left = `${xMin}%`;
  const mid = `${Math.round((xMin + xMax) / 2)}%`;
  const right = `${xMax}% savings`;
  const axis = new Array<string>(plotW + 1).fill(' ');
  const put = (s: string, at: number): void => {
    for (let i = 0; i < s.length && at + i < axis.length; i++) if (at + i >= 0) axis[at + i] = s[i]!;
  };
  put(left, 0);
  put(mid, Math.floor(plotW / 2) - Math.floor(mid.length / 2));
  put(right, plotW + 1 - right.length);
  lines.push(`${' '.repeat(label)}${axis.join('').trimEnd()}`);
  const legend = r.patterns
    .filter((p) => p.status === 'ok')
    .map((p) => `${MARKS[p.pattern]} ${p.pattern}`)
    .concat(['@ pick', 'F frontier', 'C cheapest', 'O oracle', '. random', `- bar ${(r.bar * 100).toFixed(0)}%`]);
  lines.push(wrap(legend.join('  '), width));
  return lines.join('\n');
}

function wrap(text: string, width: number): string {
  const words = text.split('  ');
  const out: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 2 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line}  ${w}` : w;
  }
  if (line) out.push(line);
  return out.join('\n');
}
