/** The report's quality section reads eval's typed summary; results lines are summarized by eval's own code. */
import { describe, expect, it } from 'vitest';
import { openContext } from '../../src/app/context.js';
import { buildReport } from '../../src/app/report.js';
import { UsageError } from '../../src/errors.js';
import { summarize, type SummaryInput } from '../../src/eval/summary.js';
import { parseEvalInputs } from '../../src/artifacts/reportInputs.js';
import { renderEvalHtml, summarizeEvalResults } from '../../src/report/html/index.js';
import { fixtureText, ROOT } from './helpers.js';

const line = (tier: string, itemId: string, pass: boolean, extra: Partial<SummaryInput> = {}): SummaryInput => ({
  datasetId: 'd',
  itemId,
  tier,
  model: `m-${tier}`,
  pass,
  score: pass ? 1 : 0,
  costUsd: 0.01,
  latencyMs: 100,
  ...extra,
});

/** The cells of the tier table's row for `tier`. */
function tierRow(page: string, tier: string): string[] {
  const row = [...page.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1]!)).find((cells) => cells[0] === tier);
  if (!row) throw new Error(`no row for ${tier}`);
  return row;
}

describe('the quality section', () => {
  it('summarizes results lines with the tier statistics tokor eval computes', () => {
    const lines = [line('frontier', '1', true), line('frontier', '2', true, { score: 0.5 }), line('cheap', '1', false, { model: undefined, latencyMs: undefined }), line('cheap', '2', true, { costUsd: null })];
    const fromReport = summarizeEvalResults(lines);
    expect(fromReport.tiers).toEqual(summarize(lines, { tierOrder: ['cheap', 'frontier'] }).tiers);
  });

  it('shows a tier none of whose items ran as a dash, as tokor eval prints it, not as a 0% pass rate', async () => {
    const summary = summarize([line('cheap', '1', false, { error: 'ThrottlingException', costUsd: null }), line('frontier', '1', true)], { tierOrder: ['cheap', 'frontier'] });
    expect(summary.tiers[0]).toMatchObject({ tier: 'cheap', items: 0, passRate: 0 });
    const cells = tierRow(await renderEvalHtml(summary), 'cheap');
    expect(cells.slice(2, 6)).toEqual(['0', '—', '—', '—']);
  }, 60_000);

  it('reads an eval summary through its contract: a wrong value is refused at its line', () => {
    const text = fixtureText('eval-summary.json').replace('"passRate": 0.779592', '"passRate": "78%"');
    expect(() => parseEvalInputs([{ file: 's.json', text }])).toThrow(/^s\.json:\d+: tiers\[0\]\.passRate: /);
  });

  it('is an app function: the page from the files, a usage error without any', async () => {
    const ctx = await openContext({ cwd: ROOT });
    const page = await buildReport(ctx, { eval: ['fixtures/report/eval-summary.json'], title: 'eval' });
    expect(page).toContain('<title>eval</title>');
    expect(page).toContain('id="fig-eval-0"');
    await expect(buildReport(ctx, {})).rejects.toThrow(UsageError);
  }, 60_000);
});
