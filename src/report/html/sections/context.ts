import { renderChart, type RenderedChart } from '../charts.js';
import type { TopLevelSpec } from 'vega-lite';

/** Shared state of one report render. */
export class RenderContext {
  readonly warnings: string[] = [];
  constructor(
    /** Whether an eval or calibrate input backs the savings with measured quality. */
    readonly qualityProven: boolean,
  ) {}

  async chart(id: string, spec: TopLevelSpec): Promise<RenderedChart> {
    const c = await renderChart(spec);
    for (const w of c.warnings) this.warnings.push(`${id}: ${w}`);
    return { ...c, svg: localizeIds(c.svg, id) };
  }
}

/**
 * vega numbers clip paths from a process-wide counter (clip239…): renamed per
 * chart so that pages are reproducible and ids stay unique within the page.
 */
export function localizeIds(svg: string, chartId: string): string {
  const ids = new Map<string, string>();
  const prefix = chartId.replace(/[^a-zA-Z0-9_-]/g, '_');
  const rename = (old: string) => {
    if (!ids.has(old)) ids.set(old, `${prefix}-clip${ids.size + 1}`);
    return ids.get(old)!;
  };
  return svg.replace(/id="(clip\d+)"/g, (_m, old: string) => `id="${rename(old)}"`).replace(/url\(#(clip\d+)\)/g, (_m, old: string) => `url(#${rename(old)})`);
}
