import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCostsReport } from '../../src/app/costs.js';
import { readCostExplorerFiles as readCostFiles } from '../../src/artifacts/costExplorer.js';
import { buildCostsReport } from '../../src/costs/report.js';
import { readCostPages } from '../../src/costs/response.js';
import { parseCostPage } from '../../src/artifacts/costExplorer.js';
import { InputError, UsageError } from '../../src/errors.js';
import { GROUP_DEFINITIONS, resultByTime } from '../helpers/cost-explorer-server.js';
import { describeCostExplorerResponse } from './costExplorerShape.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/costs/cost-explorer.json', import.meta.url));

describeCostExplorerResponse('a Cost Explorer response (fixtures/costs/cost-explorer.json), parsed exactly', FIXTURE, {
  totalUsd: 103.21,
  byTokenKind: { input: 54.6, output: 33.46, cacheRead: 12.15, cacheWrite5m: 3, cacheWrite1h: 0 },
  byTier: { global: 93, batch: 5.5, 'on-demand': 4.71 },
  byModel: [93, 5.5, 4.71],
  sonnet: { byTokenKind: { input: 48, output: 30, cacheRead: 12, cacheWrite5m: 3 }, tokens: { input: 16_000_000, output: 2_000_000, cacheRead: 40_000_000, cacheWrite5m: 800_000 } },
  haikuBatchUsd: 5.5,
  nova: { byTokenKind: { input: 3.6, output: 0.96, cacheRead: 0.15 }, tokens: { input: 60_000_000, output: 4_000_000, cacheRead: 10_000_000 } },
  byPeriod: [
    { totalUsd: 67.36, byModel: { 'anthropic.claude-sonnet-4-5': 58.5, 'anthropic.claude-haiku-4-5': 5.5, 'amazon.nova-lite': 3.36 } },
    { totalUsd: 35.85, byModel: { 'anthropic.claude-sonnet-4-5': 34.5, 'amazon.nova-lite': 1.35 } },
  ],
  firstRow: { costUsd: '30', quantity: '10', tokens: 10_000_000 },
  tableSonnet: /anthropic\.claude-sonnet-4-5\s+\$48\.00\s+\$30\.00\s+\$12\.00\s+\$3\.00\s+\$93\.00/,
  markdownHaiku: /\| anthropic\.claude-haiku-4-5 \| \$3\.00 \| \$2\.50 \|/,
});

const page = (results: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({ GroupDefinitions: GROUP_DEFINITIONS, ResultsByTime: results, ...extra });

describe('several pages and files', () => {
  it('merges pages of the same period, sums exactly and lists other services apart', () => {
    const p1 = page([resultByTime('2025-11-01', '2025-11-02', [['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '0.1', '1666.6666666667']])], { NextPageToken: 'abc' });
    const p2 = page([
      resultByTime('2025-11-01', '2025-11-02', [
        ['Amazon Bedrock', 'USE1-NovaLite-output-tokens', '0.2', '833.3333333333'],
        ['Amazon Simple Storage Service', 'USE1-TimedStorage-ByteHrs', '1.0000000001', '12'],
        ['Amazon Bedrock', 'USE1-Guardrail-TextUnitsConsumed', '0.0000000003', '3'],
      ]),
    ]);
    const read = readCostPages([{ source: 'a.json', body: p1 }, { source: 'b.json', body: p2 }].map(parseCostPage), 'UnblendedCost');
    const r = buildCostsReport(read, { source: { kind: 'file', files: ['a.json', 'b.json'], pages: 2 }, metric: 'UnblendedCost' });
    expect(r.bedrock.totalUsd).toBe(0.3000000003);
    expect(r.bedrock.tokenUsd).toBe(0.3);
    expect(r.bedrock.unrecognizedUsd).toBe(0.0000000003);
    expect(r.unrecognizedUsageTypes).toEqual([
      { service: 'Amazon Bedrock', usageType: 'USE1-Guardrail-TextUnitsConsumed', costUsd: 3e-10, quantity: 3, unit: 'N/A', reason: 'guardrails', provider: 'aws' },
    ]);
    expect(r.otherServices).toEqual([{ service: 'Amazon Simple Storage Service', costUsd: 1.0000000001 }]);
    expect(r.bedrock.byPeriod).toHaveLength(1);
    expect(r.notes.join('\n')).toMatch(/a\.json has a NextPageToken/);
  });

  it('reads a file holding an array of pages, filters to --start/--end and reports AmortizedCost on request', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/tokor-costs-`);
    const amortized = (cost: string, am: string) => ({
      TimePeriod: { Start: '2025-10-01', End: '2025-11-01' },
      Groups: [{ Keys: ['Amazon Bedrock', 'USE1-NovaPro-input-tokens'], Metrics: { UnblendedCost: { Amount: cost, Unit: 'USD' }, AmortizedCost: { Amount: am, Unit: 'USD' }, UsageQuantity: { Amount: '10', Unit: 'N/A' } } }],
      Estimated: false,
    });
    const file = `${dir}/pages.json`;
    await writeFile(file, JSON.stringify([page([amortized('8', '6')]), page([{ ...amortized('1', '1'), TimePeriod: { Start: '2025-11-01', End: '2025-12-01' } }])]));
    const r = await loadCostsReport({ files: [file], amortized: true, start: '2025-10-01', end: '2025-11-01' });
    expect(r.metric).toBe('AmortizedCost');
    expect(r.granularity).toBe('MONTHLY');
    expect(r.bedrock.totalUsd).toBe(6);
    expect(r.notes.join('\n')).toMatch(/1 period outside 2025-10-01\.\.2025-11-01/);
    expect(r.source.pages).toBe(2);
  });
});

describe('bad saved responses are input errors naming the file', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /x\.json \[0\]: not a GetCostAndUsage response/],
    ['no ResultsByTime', { Foo: 1 }, /^x\.json: ResultsByTime: missing \(not a GetCostAndUsage response\); save the output of `aws ce get-cost-and-usage --output json`/],
    ['grouped by service only', { GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }], ResultsByTime: [] }, /grouped by SERVICE: tokor needs/],
    ['ungrouped totals', { ResultsByTime: [{ TimePeriod: { Start: '2025-11-01', End: '2025-11-02' }, Total: { UnblendedCost: { Amount: '1', Unit: 'USD' } } }] }, /has totals but no Groups/],
    ['amount not a number', page([resultByTime('2025-11-01', '2025-11-02', [['Amazon Bedrock', 'USE1-NovaLite-input-tokens', 'abc', '1']])]), /^x\.json: ResultsByTime\[0\]\.Groups\[0\]\.Metrics\.UnblendedCost\.Amount: is not a decimal amount such as "12\.34" \(got "abc"\); save/],
    ['quantity not a number', page([resultByTime('2025-11-01', '2025-11-02', [['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '1', '']])]), /UsageQuantity\.Amount: is not a decimal amount/],
    ['bad date', page([resultByTime('2025-13-01', '2025-11-02', [])]), /is not YYYY-MM-DD/],
    ['hourly', page([resultByTime('2025-11-01T00:00:00Z', '2025-11-01T01:00:00Z', [])]), /hourly/],
    ['duplicate group', page([resultByTime('2025-11-01', '2025-11-02', [['Amazon Bedrock', 'U', '1', '1'], ['Amazon Bedrock', 'U', '1', '1']])]), /appears twice/],
    ['wrong currency', page([{ TimePeriod: { Start: '2025-11-01', End: '2025-11-02' }, Groups: [{ Keys: ['Amazon Bedrock', 'U'], Metrics: { UnblendedCost: { Amount: '1', Unit: 'CNY' } } }] }]), /UnblendedCost\.Unit: is CNY: tokor reports USD/],
    ['missing metric', page([{ TimePeriod: { Start: '2025-11-01', End: '2025-11-02' }, Groups: [{ Keys: ['Amazon Bedrock', 'U'], Metrics: { AmortizedCost: { Amount: '1', Unit: 'USD' } } }] }]), /has no UnblendedCost metric \(it has: AmortizedCost\); run with --amortized/],
  ];
  it.each(cases)('%s', (_name, body, message) => {
    const pages = Array.isArray(body) ? body.map((b, i) => ({ source: `x.json [${i}]`, body: b })) : [{ source: 'x.json', body }];
    let err: unknown;
    try {
      readCostPages(pages.map(parseCostPage), 'UnblendedCost');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
  });

  it('unreadable and non-JSON files', async () => {
    await expect(readCostFiles(['/nonexistent/ce.json'])).rejects.toThrow(/^\/nonexistent\/ce\.json: cannot read the Cost Explorer response \(no such file or directory\); check the path$/);
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/tokor-costs-`);
    await writeFile(`${dir}/bad.json`, '{"ResultsByTime": [');
    await expect(readCostFiles([`${dir}/bad.json`])).rejects.toThrow(/bad\.json(:\d+)?: not valid JSON/);
  });

  it('needs both dates and a real range', async () => {
    await expect(loadCostsReport({ files: [FIXTURE], start: '2025-11-03' })).rejects.toThrow(UsageError);
    await expect(loadCostsReport({ files: [FIXTURE], start: '2025-11-05', end: '2025-11-03' })).rejects.toThrow(/must be after/);
    await expect(loadCostsReport({})).rejects.toThrow(/give --start and --end/);
  });
});
