/**
 * A new user's audit of reports and flags, through the built bin: a model
 * named one way in every table of a report, the HTML by-model tables showing
 * what the text tables show, a vendor's cost and usage reports counted once,
 * and a flag that needs another refused instead of ignored. Each case was a
 * defect of the CLI as users met it.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('a flag that needs another is refused, never ignored', () => {
  it('gate --map without --traffic: one line naming both flags, exit 2', async () => {
    const r = await runCli(['gate', '--map', 'model=model_id']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('tokor: --map needs --traffic: it maps the columns of CSV traffic logs (give them with --traffic FILE…, or drop --map)\n');
  });
});

/** The model column of the table headed `head` in a text report: the first word of each row, up to the blank line. */
function modelColumn(text: string, head: RegExp): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => head.test(l));
  expect(start, `no table after ${head}`).toBeGreaterThanOrEqual(0);
  const rule = lines.findIndex((l, i) => i > start && /^─+$/.test(l));
  const out: string[] = [];
  for (const l of lines.slice(rule + 1)) {
    if (l.trim() === '' || l.startsWith('(')) break;
    out.push(l.split(/\s{2,}/)[0]!);
  }
  return out;
}

describe('one report names a model the same way in every table', () => {
  it.each(['80', '90', '100', '120'])('analyze at COLUMNS=%s: the by-model and top-waste tables give each model ID one name', async (columns) => {
    const [text, json] = await Promise.all([runCli(['analyze'], { env: { COLUMNS: columns } }), runCli(['analyze', '--format', 'json'])]);
    expect(text.code, text.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { byModel: { model: string }[]; topWaste: { model: string }[] };
    const byModel = modelColumn(text.stdout, /^By model/);
    const waste = modelColumn(text.stdout, /^Top waste/);
    expect(byModel.length).toBeGreaterThan(0);
    expect(waste.length).toBeGreaterThan(0);
    const names = new Map<string, Set<string>>();
    const shown = (id: string, name: string) => {
      names.set(id, (names.get(id) ?? new Set()).add(name));
    };
    byModel.forEach((name, i) => {
      shown(report.byModel[i]!.model, name);
    });
    waste.forEach((name, i) => {
      shown(report.topWaste[i]!.model, name);
    });
    for (const [id, set] of names) expect([...set], id).toHaveLength(1);
    // And two IDs never share a name.
    const all = [...names.values()].map((s) => [...s][0]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('analyze --format html: the chart names models the page-wide way and says which ID each short name is', async () => {
    const r = await runCli(['analyze', '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    const figure = r.stdout.slice(r.stdout.indexOf('id="fig-by-model"'));
    expect(figure.slice(0, figure.indexOf('</figure>'))).toContain('us.claude-sonnet-4-5 is us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });
});

/** The column heads of the table in the figure `id` of an HTML page. */
function figureHeads(page: string, id: string): string[] {
  const start = page.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThanOrEqual(0);
  const figure = page.slice(start, page.indexOf('</figure>', start));
  const table = figure.slice(figure.indexOf('<table'), figure.indexOf('</table>'));
  return [...table.matchAll(/<th[^>]*>(.*?)<\/th>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
}

describe('the HTML by-model tables show what the text tables show', () => {
  it('costs: every token class and the total, however many providers and classes', async () => {
    const bills = ['fixtures/costs/cost-explorer.json', 'fixtures/costs/anthropic-cost-report.json', 'fixtures/costs/focus-1.2.csv', 'fixtures/costs/openai-costs.json'];
    const [text, page] = await Promise.all([runCli(['costs', '--from-file', ...bills], { env: { COLUMNS: '200' } }), runCli(['costs', '--from-file', ...bills, '--format', 'html'])]);
    expect(page.code, page.stderr).toBe(0);
    const textHeads = modelColumnHeads(text.stdout);
    expect(textHeads).toEqual(['Provider', 'Model', 'Input', 'Output', 'Cache read', 'Cache write 5m', 'Cache write 1h', 'Total']);
    const heads = figureHeads(page.stdout, 'fig-costs-model');
    expect(heads).toEqual(['Provider', 'Model name', 'Model', 'Input (USD)', 'Output (USD)', 'Cache read (USD)', 'Cache write 5m (USD)', 'Cache write 1h (USD)', 'Total (USD)']);
  });

  it('analyze: the easy share and the routed figure too', async () => {
    const r = await runCli(['analyze', '--format', 'html']);
    expect(figureHeads(r.stdout, 'fig-by-model')).toEqual(['Model', 'Region', 'Requests', 'Easy share', 'Cost (USD)', 'Share of cost', 'Best case with routing (USD)', 'Labels']);
  });
});

/** The heads of the costs text report's by-model table (the line above its rule that starts with Provider or Model). */
function modelColumnHeads(text: string): string[] {
  const lines = text.split('\n');
  const head = lines.findIndex((l, i) => /^(Provider\s+Model|Model)\s/.test(l) && /^─+$/.test(lines[i + 1] ?? ''));
  expect(head).toBeGreaterThanOrEqual(0);
  return lines[head]!.trim().split(/\s{2,}/);
}
