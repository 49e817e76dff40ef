import { describe, expect, it } from 'vitest';
import { ChartLoadRefused, measureText, renderChart, spendBarsSpec } from '../../src/report/html/charts.js';
import { localizeIds } from '../../src/report/html/sections/context.js';

describe('charts', () => {
  it('renders a Vega-Lite spec to an SVG string headless, drawing data text escaped', async () => {
    const c = await renderChart(spendBarsSpec([{ name: '<b>"x"</b> & y', value: 12, order: 0, text: '$12.00' }], 'Spend (USD)'));
    expect(c.warnings).toEqual([]);
    expect(c.svg.startsWith('<svg')).toBe(true);
    expect(c.width).toBeGreaterThan(100);
    expect(c.height).toBeGreaterThan(20);
    expect(c.svg).toContain('&lt;b&gt;"x"&lt;/b&gt; &amp; y');
    expect(c.svg).not.toContain('<b>');
  });

  it('never loads data: a spec with a URL fails instead of fetching', async () => {
    const spec = { data: { url: 'https://example.com/data.csv' }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' } } };
    await expect(renderChart(spec as never)).rejects.toThrow(ChartLoadRefused);
    await expect(renderChart({ ...spec, data: { url: 'file:///etc/passwd' } } as never)).rejects.toThrow(/refused to load file:\/\/\/etc\/passwd/);
  });

  it('measures text by glyph widths and reports truncated text at its limit', () => {
    const narrow = measureText({ fontSize: 11 }, 'iiiiiiii');
    const wide = measureText({ fontSize: 11 }, 'MMMMMMMM');
    expect(wide).toBeGreaterThan(narrow * 3);
    expect(measureText({ fontSize: 22 }, 'abc')).toBeCloseTo(2 * measureText({ fontSize: 11 }, 'abc'), 9);
    expect(measureText({ fontSize: 11, limit: 30 }, 'a long label that is cut')).toBe(30);
    expect(measureText({ fontSize: 11 }, null)).toBe(0);
  });

  it('renames vega clip ids per chart so pages are reproducible and ids unique', () => {
    const svg = '<clipPath id="clip12"></clipPath><g clip-path="url(#clip12)"></g><clipPath id="clip13"></clipPath><g clip-path="url(#clip13)">';
    expect(localizeIds(svg, 'fig-a')).toBe('<clipPath id="fig-a-clip1"></clipPath><g clip-path="url(#fig-a-clip1)"></g><clipPath id="fig-a-clip2"></clipPath><g clip-path="url(#fig-a-clip2)">');
  });
});
