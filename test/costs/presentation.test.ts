/**
 * What `tokor costs` shows (table, markdown, HTML) against its JSON, through the
 * built CLI: billed LLM spend of every source, by provider, with the grand total
 * the JSON's billed.totalUsd; and the one-line errors for files that are not bills.
 * Figures checked by hand from fixtures/costs/README.md.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** The help's example: a CUR 2.0 folder, a FOCUS file, an Azure export and an Anthropic cost report. */
const HELP_EXAMPLE = ['fixtures/costs/cur2', 'fixtures/costs/focus-1.2.csv', 'fixtures/costs/azure-actual-cost.csv', 'fixtures/costs/anthropic-cost-report.json'];

interface BilledJson {
  billed: {
    totalUsd: number;
    totalExact: string;
    unrecognizedUsd: number;
    byProvider: { provider: string; usd: number; tokenUsd: number; provisionedUsd: number; unrecognizedUsd: number }[];
    models: { provider: string; model: string; usd: number; byTokenClass: Record<string, number> }[];
    byPeriod: { start: string; usd: number; byProvider: Record<string, number> }[];
  };
  unrecognizedUsageTypes: { provider: string; usageType: string; costUsd: number }[];
}

async function run(args: string[], format: string): Promise<string> {
  const r = await runCli(['costs', '--from-file', ...args, '--format', format], { env: { COLUMNS: '80' } });
  expect(r.code).toBe(0);
  return r.stdout;
}

/** `$12.34`, as the renderers round an amount of a cent or more (the decimal's half up: $0.015 → $0.02). */
const cents = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('tokor costs shows billed LLM spend of every source (built CLI)', () => {
  it("the help's multi-source example: each provider and the grand total in the table and markdown equal the JSON", async () => {
    const j = JSON.parse(await run(HELP_EXAMPLE, 'json')) as BilledJson;
    // By hand: aws = CUR $14.505 (Sonnet 13.50 + Nova Lite 0.255 + guardrail 0.75) + FOCUS's AWS lines $7.62;
    // azure = the export's $28.38 (gpt-4o 4.05, gpt-4o-mini 0.33, PTU 24) + FOCUS's Azure line $2.50;
    // anthropic = the cost report's $9.25345 (web search 0.05 of it); gcp = FOCUS's Vertex line $0.625.
    expect(j.billed.totalExact).toBe('62.88345');
    expect(j.billed.totalUsd).toBe(62.88345);
    expect(j.billed.byProvider).toEqual([
      { provider: 'azure', usd: 30.88, tokenUsd: 6.88, provisionedUsd: 0, unrecognizedUsd: 24 },
      { provider: 'aws', usd: 22.125, tokenUsd: 21.375, provisionedUsd: 0, unrecognizedUsd: 0.75 },
      { provider: 'anthropic', usd: 9.25345, tokenUsd: 9.20345, provisionedUsd: 0, unrecognizedUsd: 0.05 },
      { provider: 'gcp', usd: 0.625, tokenUsd: 0.625, provisionedUsd: 0, unrecognizedUsd: 0 },
    ]);
    expect(j.billed.unrecognizedUsd).toBe(24.8);
    expect(j.unrecognizedUsageTypes.map((u) => [u.provider, u.usageType, u.costUsd])).toEqual([
      ['azure', 'Provisioned Managed Global Unit', 24],
      ['aws', 'USE1-Guardrail-TextUnitsConsumed', 0.75],
      ['anthropic', 'web_search', 0.05],
    ]);
    // Nova Lite: CUR input $0.09 + output $0.165, FOCUS output $0.12 → $0.375, shown $0.38 (not 0.09 + 0.285 in floating point, $0.37).
    expect(j.billed.models.find((m) => m.model === 'amazon.nova-lite')).toEqual({ provider: 'aws', model: 'amazon.nova-lite', usd: 0.375, byTokenClass: { output: 0.285, input: 0.09 } });

    const table = await run(HELP_EXAMPLE, 'table');
    expect(table).toMatch(/^Billed LLM spend 2025-11-01 → 2025-11-03 \(end exclusive\), DAILY, UnblendedCost,\n {2}from 5 files: AWS CUR 2\.0 \(2\), FOCUS export, Azure cost export, Anthropic cost\n {2}report\nTotal \$62\.88 from 4 providers: tokens \$38\.08, not attributed to a model \$24\.80;/);
    expect(table).toMatch(/^azure +2 +\$6\.88 +\$24\.00 +\$30\.88$/m);
    expect(table).toMatch(/^aws +2 +\$21\.38 +\$0\.75 +\$22\.13$/m);
    expect(table).toMatch(/^anthropic +2 +\$9\.20 +\$0\.05 +\$9\.25$/m);
    expect(table).toMatch(/^gcp +1 +\$0\.63 +\$0\.63$/m);
    expect(table).toMatch(/^Total +7 +\$38\.08 +\$24\.80 +\$62\.88$/m);
    expect(table).toContain(`Total ${cents(j.billed.totalUsd)} from 4 providers`);
    expect(table).toMatch(/^aws +nova-lite +\$0\.09 +\$0\.29 +\$0\.38$/m);
    expect(table).toMatch(/^2025-11-01 +\$36\.35 +aws \$22\.05, anthropic \$8\.00, azure \$6\.30$/m);
    expect(table).toContain('LLM usage types and meters not attributed to a model:');
    expect(table).not.toContain('No Bedrock model spend');
    for (const line of table.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);

    const md = await run(HELP_EXAMPLE, 'markdown');
    expect(md).toMatch(/^## Billed LLM spend\n/);
    expect(md).toContain('Total $62.88 from 4 providers: tokens $38.08, not attributed to a model $24.80');
    expect(md).toContain(
      [
        '| Provider | Models | Tokens | Not attributed | Total |',
        '| --- | ---: | ---: | ---: | ---: |',
        '| azure | 2 | $6.88 | $24.00 | $30.88 |',
        '| aws | 2 | $21.38 | $0.75 | $22.13 |',
        '| anthropic | 2 | $9.20 | $0.05 | $9.25 |',
        '| gcp | 1 | $0.63 |  | $0.63 |',
        `| Total | 7 | $38.08 | $24.80 | ${cents(j.billed.totalUsd)} |`,
      ].join('\n'),
    );
    expect(md).toContain('| aws | anthropic.claude-sonnet-4-5 | $15.00 | $6.00 |  |  |  | $21.00 |');
    expect(md).toContain('| anthropic | anthropic/claude-sonnet-4-5-20250929 | $3.00 | $4.51 | $0.12 | $0.38 |  | $8.00 |');
    expect(md).toContain('| azure | azure-openai/gpt-4o | $5.00 | $1.00 | $0.55 |  |  | $6.55 |');

    const page = await run(HELP_EXAMPLE, 'html');
    expect(page).toContain('<div class="v">$62.88</div><div class="k">Billed LLM spend</div>');
    expect(page).toContain('id="fig-costs-provider"');
  }, 60_000);

  it.each([
    // [file, provider, total, tokens, not attributed]; totals from fixtures/costs/README.md
    ['azure-actual-cost.csv', 'azure', '$28.38', '$4.38', '$24.00'],
    ['anthropic-cost-report.json', 'anthropic', '$9.25', '$9.20', '$0.05'],
    ['openai-costs.json', 'openai', '$8.04', '$7.79', '$0.25'],
    ['gcp-billing.csv', 'gcp', '$4.17', '$3.77', '$0.40'],
  ])('%s alone: its billed total and its models, not "$0.00" Bedrock spend', async (file, provider, total, tokens, unattributed) => {
    const j = JSON.parse(await run([`fixtures/costs/${file}`], 'json')) as BilledJson;
    expect(cents(j.billed.totalUsd)).toBe(total);
    const table = await run([`fixtures/costs/${file}`], 'table');
    expect(table).toMatch(/^Billed LLM spend /);
    expect(table).toContain(`Total ${total} (${provider}): tokens ${tokens}, not attributed to a model ${unattributed}`);
    expect(table).not.toMatch(/No \w+ model spend|Total \$0\.00/);
    // At 80 columns a model ID may lose its date stamp (src/report/table.ts shortenModelIds), never more here.
    for (const m of j.billed.models) expect(table).toMatch(new RegExp(`^${literal(m.model.replace(/-20\d{6}$/, ''))}(-20\\d{6})? .* ${literal(cents(m.usd))}$`, 'm'));
    const md = await run([`fixtures/costs/${file}`], 'markdown');
    expect(md).toMatch(/^## Billed LLM spend\n/);
    expect(md).toContain(`Total ${total} (${provider})`);
  }, 60_000);

  it('usage reports stay marked as priced at list, not invoiced', async () => {
    const table = await run(['fixtures/costs/openai-usage-completions.json'], 'table');
    expect(table).toContain('from 1 file: OpenAI usage (priced at list)');
    expect(table).toMatch(/Total \$11\.70 \(openai\): tokens \$11\.70; usage reports priced at list, not\s+invoiced/);
  }, 60_000);

  it('a Bedrock-only bill keeps its Bedrock wording and no provider table', async () => {
    const table = await run(['fixtures/costs/cost-explorer.json'], 'table');
    expect(table).toMatch(/^Billed Bedrock spend 2025-11-03 → 2025-11-05 \(end exclusive\), DAILY,\n {2}UnblendedCost, from 1 file: AWS Cost Explorer\nTotal \$103\.21: tokens \$103\.21/);
    expect(table).not.toMatch(/^Provider/m);
  }, 60_000);
});

describe('a file that is not a bill: one line naming it and the formats tokor reads (built CLI)', () => {
  it.each([
    ['empty.json', '', /^tokor: \S+empty\.json: empty file, not a bill; tokor reads AWS Cost Explorer GetCostAndUsage response \(JSON\); .*Azure Cost Management export/],
    ['notes.txt', 'hello\n', /^tokor: \S+notes\.txt:1: not a bill tokor reads \(it starts "hello"\); tokor reads AWS Cost Explorer/],
    ['page.json', '{\n  "data": [],\n  "has_more": false\n}\n', /^tokor: \S+page\.json: not a bill tokor reads \(JSON with keys data, has_more\); tokor reads AWS Cost Explorer/],
    ['cut.json', '[\n  {"a": 1},\n  {"b":\n', /^tokor: \S+cut\.json:4: not valid JSON \(.*\); tokor reads AWS Cost Explorer/],
    ['other.json', '{"data": [], "has_more": false}\n', /^tokor: \S+other\.json: not a bill tokor reads \(JSON lines with keys data, has_more\); tokor reads AWS Cost Explorer/],
  ])('%s', async (name, text, pattern) => {
    const dir = await mkdtemp(`${tmpdir()}/tokor-costs-notabill-`);
    await writeFile(`${dir}/${name}`, text);
    const r = await runCli(['costs', '--from-file', `${dir}/${name}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  });
});
