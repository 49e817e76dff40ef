/**
 * One Cost Explorer response of the shape both hand-written fixtures share (three Bedrock models over
 * two days, the second estimated), checked exactly against its own figures: npm test runs it on
 * fixtures/costs/cost-explorer.json, npm run test:data on the real-shaped example in ../shared/datasets.
 */
import { describe, expect, it } from 'vitest';
import { loadCostsReport } from '../../src/app/costs.js';
import { renderCosts } from '../../src/costs/render.js';

type KindUsd = Record<string, number>;

/** The figures a response of this shape must give, to the cent. */
export interface CostExplorerFigures {
  totalUsd: number;
  byTokenKind: KindUsd;
  byTier: KindUsd;
  /** Sonnet, Haiku and Nova Lite, in that order (by cost). */
  byModel: [number, number, number];
  sonnet: { byTokenKind: KindUsd; tokens: KindUsd };
  haikuBatchUsd: number;
  nova: { byTokenKind: KindUsd; tokens: KindUsd };
  byPeriod: [{ totalUsd: number; byModel: KindUsd }, { totalUsd: number; byModel: KindUsd }];
  /** The first row (Sonnet's global input on day one): cost, quantity (millions), tokens. */
  firstRow: { costUsd: string; quantity: string; tokens: number };
  /** What the table and the Markdown print: Sonnet's row and Haiku's first two cells. */
  tableSonnet: RegExp;
  markdownHaiku: RegExp;
}

export function describeCostExplorerResponse(title: string, file: string, f: CostExplorerFigures): void {
  describe(title, () => {
    it('totals billed Bedrock spend by model, token kind, tier and period', async () => {
      const r = await loadCostsReport({ files: [file] });
      expect(r.schemaVersion).toBe(1);
      expect(r.period).toEqual({ start: '2025-11-03', end: '2025-11-05' });
      expect(r.granularity).toBe('DAILY');
      expect(r.metric).toBe('UnblendedCost');
      expect(r.bedrock.totalUsd).toBe(f.totalUsd);
      expect(r.bedrock.tokenUsd).toBe(f.totalUsd);
      expect(r.bedrock.provisionedUsd).toBe(0);
      expect(r.bedrock.byTokenKind).toEqual(f.byTokenKind);
      expect(r.bedrock.byTier).toEqual(f.byTier);
      expect(r.bedrock.byRegion).toEqual({ 'us-east-1': f.totalUsd });
      expect(r.bedrock.byModel.map((m) => [m.model, m.costUsd])).toEqual([
        ['anthropic.claude-sonnet-4-5', f.byModel[0]],
        ['anthropic.claude-haiku-4-5', f.byModel[1]],
        ['amazon.nova-lite', f.byModel[2]],
      ]);
      const [sonnet, haiku, nova] = r.bedrock.byModel;
      expect(sonnet!.byTokenKind).toEqual(f.sonnet.byTokenKind);
      expect(sonnet!.tokens).toEqual(f.sonnet.tokens);
      expect(sonnet!.modelName).toBe('Claude Sonnet 4.5');
      expect(haiku!.byTier).toEqual({ batch: f.haikuBatchUsd });
      expect(nova!.byTokenKind).toEqual(f.nova.byTokenKind);
      expect(nova!.tokens).toEqual(f.nova.tokens);
      expect(r.bedrock.byPeriod).toEqual([
        { start: '2025-11-03', end: '2025-11-04', estimated: false, ...f.byPeriod[0] },
        { start: '2025-11-04', end: '2025-11-05', estimated: true, ...f.byPeriod[1] },
      ]);
      expect(r.estimated).toBe(true);
      expect(r.estimatedPeriods).toEqual(['2025-11-04']);
      expect(r.unrecognizedUsageTypes).toEqual([]);
      expect(r.otherServices).toEqual([]);
      expect(r.rows).toHaveLength(13);
      expect(r.rows[0]).toMatchObject({ ...f.firstRow, unit: 'N/A', tokenKind: 'input', tier: 'global' });
      expect(r.notes.join('\n')).toMatch(/1 period is estimated/);
    });

    it('renders every format from the same report', async () => {
      const r = await loadCostsReport({ files: [file] });
      const json = JSON.parse(renderCosts(r, 'json')) as typeof r;
      expect(Object.keys(json)).toEqual(expect.arrayContaining(['schemaVersion', 'period', 'bedrock', 'unrecognizedUsageTypes', 'otherServices', 'estimated']));
      expect(Object.keys(json.bedrock)).toEqual(expect.arrayContaining(['totalUsd', 'byModel', 'byTokenKind', 'byPeriod']));
      const csv = renderCosts(r, 'csv').split('\n');
      expect(csv).toHaveLength(14);
      expect(csv[0]).toMatch(/^period_start,period_end,estimated,service,usage_type/);
      expect(csv[1]).toBe(
        `2025-11-03,2025-11-04,false,Claude Sonnet 4.5 (Amazon Bedrock Edition),USE1-MP:USE1_InputTokenCount_Global-Units,tokens,anthropic.claude-sonnet-4-5,Claude Sonnet 4.5,us-east-1,input,global,true,${f.firstRow.costUsd},${f.firstRow.quantity},N/A,${f.firstRow.tokens},,aws`,
      );
      const table = renderCosts(r, 'table');
      expect(table).toContain(`Total $${f.totalUsd.toFixed(2)}`);
      expect(table).toMatch(f.tableSonnet);
      expect(renderCosts(r, 'markdown')).toMatch(f.markdownHaiku);
    });
  });
}
