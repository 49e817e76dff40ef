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

  it('gate --max-psi without --traffic: the same', async () => {
    const r = await runCli(['gate', '--max-psi', '0.3']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe('tokor: --max-psi needs --traffic: it is a threshold of the drift check on production traffic (give it with --traffic FILE…, or drop it)\n');
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

  it('analyze: the Markdown table has the text table’s columns', async () => {
    const [text, markdown] = await Promise.all([runCli(['analyze'], { env: { COLUMNS: '200' } }), runCli(['analyze', '--format', 'markdown'])]);
    const textHead = text.stdout.split('\n').find((l) => /^model\s+region\s+requests/.test(l))!.trim().split(/\s{2,}/);
    const mdHead = markdown.stdout.split('\n').find((l) => l.startsWith('| model | region | requests'))!.split('|').map((c) => c.trim()).filter(Boolean);
    expect(textHead).toEqual(['model', 'region', 'requests', 'easy', 'cost', 'share', 'if routed']);
    expect(mdHead).toEqual(textHead);
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

interface CostsJson {
  billed: { totalExact: string; byPeriod: { start: string; usd: number }[] };
  sources: { file: string; kind: string; leftOut?: { days: string[]; billedBy: string[]; all: boolean } }[];
  notes: string[];
}

describe('a vendor’s cost report and usage report together count billed spend once', () => {
  const costsJson = async (...files: string[]) => {
    const r = await runCli(['costs', '--from-file', ...files, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as CostsJson;
  };

  it('OpenAI costs + OpenAI usage of the same day: the costs alone ($8.0375), the usage named as left out', async () => {
    const alone = await costsJson('fixtures/costs/openai-costs.json');
    const both = await costsJson('fixtures/costs/openai-costs.json', 'fixtures/costs/openai-usage-completions.json');
    expect(alone.billed.totalExact).toBe('8.0375');
    expect(both.billed.totalExact).toBe(alone.billed.totalExact);
    expect(both.sources[1]).toEqual({ file: 'fixtures/costs/openai-usage-completions.json', kind: 'openai-usage', leftOut: { days: ['2025-11-01'], billedBy: ['fixtures/costs/openai-costs.json'], all: true } });
    expect(both.notes).toContain(
      'OpenAI usage fixtures/costs/openai-usage-completions.json: 2025-11-01 left out ($11.70 at list prices): OpenAI costs fixtures/costs/openai-costs.json bills that day, so billed spend is counted once',
    );
    // The usage report's note about list prices goes with its lines.
    expect(both.notes.join('\n')).not.toContain('OpenAI usage: tokens priced at');
  });

  it('Anthropic cost report + usage report: $9.25345 billed, not $22.95', async () => {
    const both = await costsJson('fixtures/costs/anthropic-cost-report.json', 'fixtures/costs/anthropic-usage-report.json');
    expect(both.billed.totalExact).toBe('9.25345');
  });

  it('a usage report over more days than the cost report adds the days the cost report lacks, priced at list', async () => {
    const both = await costsJson('fixtures/costs/openai-costs.json', 'fixtures/costs/once/openai-usage-3-days.json');
    // $8.0375 billed on Nov 1–2, plus Nov 3 from the usage report: 400k input + 100k output of gpt-4o at $2.50/$10 per 1M.
    expect(both.billed.totalExact).toBe('10.0375');
    expect(both.billed.byPeriod.map((p) => [p.start, p.usd])).toEqual([
      ['2025-11-01', 3.7875],
      ['2025-11-02', 4.25],
      ['2025-11-03', 2],
    ]);
    expect(both.sources[1]!.leftOut).toEqual({ days: ['2025-11-01', '2025-11-02'], billedBy: ['fixtures/costs/openai-costs.json'], all: false });
  });

  it('the table says it in the sources line, and drops "priced at list" when nothing of the usage report is counted', async () => {
    const r = await runCli(['costs', '--from-file', 'fixtures/costs/openai-costs.json', 'fixtures/costs/openai-usage-completions.json'], { env: { COLUMNS: '200' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('from 2 files: OpenAI costs, OpenAI usage (left out: the cost report bills its days)');
    expect(r.stdout).toContain('Total $8.04 (openai)');
    expect(r.stdout).not.toContain('usage reports priced at list');
  });

  it('analyze --bill with both reports reconciles against the billed spend once', async () => {
    const r = await runCli(['analyze', 'fixtures/costs/window/logs.jsonl', '--bill', 'fixtures/costs/window/bill/openai-costs.json', 'fixtures/costs/once/openai-usage-3-days.json', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rec = (JSON.parse(r.stdout) as { reconciliation: { billedUsd: number; notes: string[] } }).reconciliation;
    const alone = await runCli(['analyze', 'fixtures/costs/window/logs.jsonl', '--bill', 'fixtures/costs/window/bill/openai-costs.json', '--format', 'json']);
    const billedAlone = (JSON.parse(alone.stdout) as { reconciliation: { billedUsd: number } }).reconciliation.billedUsd;
    // The window's OpenAI costs bill Nov 1–3: the usage report's Nov 1–3 lines are left out, nothing is added.
    expect(rec.billedUsd).toBe(billedAlone);
  });
});
