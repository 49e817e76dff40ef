/**
 * What tokor prints, through the built CLI: tables that fit $COLUMNS, the one
 * headline figure in every format, unpriced spend and bundled sample data said
 * beside it, and data from logs neutralized on its way to a terminal, a
 * spreadsheet or a Markdown comment (issues #11 and #12).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli.js';
import { GROUP_DEFINITIONS, resultByTime } from '../helpers/cost-explorer-server.js';

let dir: string;

/** One Bedrock invocation-log record (the shape AWS writes), with round token counts. */
function record(o: { id: string; modelId: string; team?: string; input?: number; output?: number; text?: string; day?: string; region?: string }): string {
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: `${o.day ?? '2025-11-03'}T10:00:00Z`,
    accountId: '123456789012',
    region: o.region ?? 'us-east-1',
    requestId: o.id,
    operation: 'Converse',
    modelId: o.modelId,
    input: {
      inputContentType: 'application/json',
      inputBodyJson: { messages: [{ role: 'user', content: [{ text: o.text ?? 'Classify this ticket: my card was charged twice. Answer with one word.' }] }] },
      inputTokenCount: o.input ?? 1000,
    },
    output: { outputContentType: 'application/json', outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: 'ok' }] } } }, outputTokenCount: o.output ?? 100 },
    requestMetadata: { team: o.team ?? 'support' },
  });
}

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Every line of `out` at most `cols` terminal columns wide. */
function expectFits(out: string, cols: number): void {
  const over = out.split('\n').filter((l) => stringWidth(l) > cols);
  expect(over, `lines wider than ${cols}`).toEqual([]);
}

/** A sentence found in wrapped output: its words in order, any whitespace (line breaks, cell padding) between them. */
function wrappedSentence(sentence: string): RegExp {
  return new RegExp(
    sentence
      .split(/\s+/)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\s+'),
  );
}

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
let costExplorer: string;
let unpricedAll: string;
let unpricedSome: string;
let hostile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-output-'));
  // A bill for the bundled sample's first days: the reconciliation has long "likely causes".
  costExplorer = path.join(dir, 'ce.json');
  writeFileSync(
    costExplorer,
    JSON.stringify({
      GroupDefinitions: GROUP_DEFINITIONS,
      ResultsByTime: [
        resultByTime('2025-11-03', '2025-11-04', [
          ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount_Global-Units', '40.5', '13.5'],
          ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_OutputTokenCount_Global-Units', '30', '2'],
          ['Claude Haiku 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount_Batch-Units', '5.5', '11'],
          ['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '2.7', '45000'],
        ]),
      ],
    }),
  );
  unpricedAll = write('unpriced-all.jsonl', [record({ id: 'a1', modelId: 'acme.no-such-model-v1:0' }), record({ id: 'a2', modelId: 'acme.no-such-model-v1:0', input: 5000 })]);
  // 2 of 3 requests priced; the unpriced one carries 10,000 of 12,200 tokens (82%).
  unpricedSome = write('unpriced-some.jsonl', [record({ id: 's1', modelId: SONNET }), record({ id: 's2', modelId: SONNET }), record({ id: 's3', modelId: 'acme.no-such-model-v1:0', input: 9000, output: 1000 })]);
  hostile = write('hostile.jsonl', [
    record({ id: 'h1', modelId: SONNET, team: '@SUM(1+1)' }),
    record({ id: 'h2', modelId: '=HYPERLINK("http://evil.example/","x")', team: '-2+3' }),
    record({ id: 'h3', modelId: 'evil\u001b[2J\u001b]8;;http://evil.example/\u0007x', team: 'ok' }),
    record({ id: 'h4', modelId: 'line\nbreak | pipe `tick`', team: 'ok' }),
    '\u001b[31mnot json at all',
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tables fit $COLUMNS (#11.7)', () => {
  const commands: [string, () => string[]][] = [
    ['analyze', () => ['analyze']],
    ['analyze --cost-explorer', () => ['analyze', '--cost-explorer', costExplorer]],
    ['costs', () => ['costs', '--from-file', costExplorer]],
    ['prices', () => ['prices']],
    ['eval', () => ['eval']],
    ['calibrate', () => ['calibrate', '--pattern', 'confidence']],
    ['gate', () => ['gate']],
  ];
  for (const cols of [80, 120]) {
    for (const [name, args] of commands) {
      it(`${name} at COLUMNS=${cols}: every line within ${cols} columns`, async () => {
        const r = await runCli(args(), { env: { COLUMNS: String(cols) } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.split('\n').length).toBeGreaterThan(5);
        expectFits(r.stdout, cols);
      });
    }
  }

  it('shortens model IDs keeping the cross-Region prefix and family, and wraps "likely causes" instead of cutting them', async () => {
    const json = await runCli(['analyze', '--cost-explorer', costExplorer, '--format', 'json']);
    const causes = (JSON.parse(json.stdout) as { reconciliation: { byModel: { likelyCauses: string[] }[] } }).reconciliation.byModel.flatMap((m) => m.likelyCauses);
    expect(causes.length).toBeGreaterThan(0);
    const r = await runCli(['analyze', '--cost-explorer', costExplorer], { env: { COLUMNS: '80' } });
    for (const c of causes) expect(r.stdout).toMatch(wrappedSentence(c));
    expect(r.stdout).not.toMatch(/\w…\w/);
    // us. and eu. profiles of the same model stay apart; the Region column is whole.
    expect(r.stdout).toMatch(/^us\.claude-sonnet-4-5 +us-east-1 /m);
    expect(r.stdout).toMatch(/^eu\.claude-sonnet-4-5 +eu-central-1 /m);
  });

  it('a wider terminal shows the full model IDs', async () => {
    const r = await runCli(['analyze'], { env: { COLUMNS: '160' } });
    expect(r.stdout).toMatch(/^us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 +us-east-1 /m);
  });
});

describe('one headline figure, its baseline named (#11.6)', () => {
  it('the bundled analyze (no measured labels) leads every format with the range over the easy share, never the prior’s 76.4%; the other figures say what they measure', async () => {
    const [table, json, md, csvOut, html] = await Promise.all(
      (['table', 'json', 'markdown', 'csv', 'html'] as const).map((f) => runCli(['analyze', '--format', f], { env: { COLUMNS: '100' } })),
    );
    const report = JSON.parse(json!.stdout) as { headline: { savingsPct: number | null; savingsRangePct: [number, number]; baseline: string; text: string }; savings: { ceilingPct: number; ceilingVsActualPct: number; formulaPct: number } };
    // Issue #14: the labeler's mix is a prior, so no figure resting on it is the headline.
    expect(report.headline).toMatchObject({ savingsPct: null, baseline: 'all-frontier' });
    expect(report.headline.savingsRangePct.map((x) => x.toFixed(1))).toEqual(['39.4', '88.6']);
    // The figures on the prior, unchanged, are still reported (not headlined).
    expect([report.savings.ceilingPct, report.savings.ceilingVsActualPct, report.savings.formulaPct].map((x) => x.toFixed(1))).toEqual(['76.4', '80.1', '90.9']);
    expect(report.headline.text).toContain('If 40%–90% of requests are easy, routing by difficulty could cut this traffic\'s cost by 39.4–88.6% against all-frontier ($11.12)');
    // The headline comes first in the table, Markdown and CSV.
    expect(table!.stdout.split('\n').slice(1, 3).join(' ')).toContain('39.4–88.6%');
    expect(table!.stdout.split('\n').slice(1, 4).join(' ')).not.toContain('76.4%');
    expect(md!.stdout).toContain(`**${report.headline.text}**`);
    expect(csvOut!.stdout.split('\n')[1]).toBe(`headline,"${report.headline.text.replace(/"/g, '""')}"${','.repeat(12)}`);
    expect(html!.stdout).toMatch(/<span class="figure">39\.4%–88\.6% cheaper than all-frontier if 40–90% of requests are easy — the easy share is not measured, quality unproven<\/span>/);
    // 80.1% and 90.9% appear only with what they are measured against.
    for (const out of [table!.stdout, md!.stdout]) {
      const flat = out.replace(/\s+/g, ' ');
      expect(flat).toMatch(/80\.1% against what was actually paid/);
      expect(flat).toMatch(/90\.9% = Σ share × \(1 − rate\(tier\)\/rate\(frontier\)\), a cross-check/);
      expect(flat).not.toMatch(/80\.1% vs actual paid; today/);
    }
    // On a prior the HTML shows the range, not the prior's figure against actual spend.
    expect(html!.stdout).toContain('If 40% of requests are easy</td><td class="num">39.4%');
    // The team table says what its savings are measured against, and that its rows rest on the prior.
    expect(table!.stdout.replace(/\n\s+/g, ' ')).toContain("By team (savings: routed ceiling against all-frontier; easy and routed figures on the heuristic labeler's prior labels, not measured)");
    expect(md!.stdout).toContain('savings vs all-frontier |');
  });
});

describe('spend without a price (#11.4)', () => {
  it('exits 2 when nothing could be priced, after printing what was read', async () => {
    const r = await runCli(['analyze', unpricedAll]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('No cost or savings figure: no request could be priced.');
    expect(r.stdout).toContain('Nothing could be priced');
    expect(r.stdout).not.toContain('Savings ceiling 0.0%');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `tokor: ${unpricedAll}: nothing could be priced: no price for acme.no-such-model-v1:0; add them with --catalog FILE or modelMap in tokor.config.yaml (\`tokor prices --model ID\` shows how an ID resolves)`,
    );
    const json = await runCli(['analyze', unpricedAll, '--format', 'json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).headline).toMatchObject({ savingsPct: null, baseline: 'all-frontier' });
  });

  it('says so in the headline of every format when unpriced requests carry over 5% of tokens', async () => {
    const caveat = /82\.0% of tokens \(1 requests on 1 model\) have no price and are in no figure/;
    const json = await runCli(['analyze', unpricedSome, '--format', 'json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as { unpricedTokenShare: number; headline: { caveats: string[] } };
    expect(r.unpricedTokenShare).toBeCloseTo(10000 / 12200, 5);
    expect(r.headline.caveats.join(' ')).toMatch(caveat);
    const table = await runCli(['analyze', unpricedSome], { env: { COLUMNS: '200' } });
    expect(table.stdout.split('\n').slice(0, 4).join('\n')).toMatch(caveat);
    const md = await runCli(['analyze', unpricedSome, '--format', 'markdown']);
    expect(md.stdout).toMatch(new RegExp(`^> ⚠️ ${caveat.source}`, 'm'));
    const csvOut = await runCli(['analyze', unpricedSome, '--format', 'csv']);
    // Every row as wide as the header: a strict CSV reader takes it.
    const rows = parse(csvOut.stdout) as string[][];
    expect(new Set(rows.map((r) => r.length))).toEqual(new Set([rows[0]!.length]));
    expect(rows[1]![0]).toBe('headline');
    expect(rows[2]![0]).toBe('caveat');
    expect(rows[2]![1]).toMatch(caveat);
    const html = await runCli(['analyze', unpricedSome, '--format', 'html']);
    expect(html.stdout).toMatch(new RegExp(`<ul class="caveats"><li>${caveat.source}`));
  });
});

describe('bundled sample data is marked where figures are shared (#11.5)', () => {
  const SAMPLE = /Sample data/;

  it('analyze on the bundled logs says so in every format, and records provenance in its JSON', async () => {
    const [table, json, md, csvOut, html] = await Promise.all((['table', 'json', 'markdown', 'csv', 'html'] as const).map((f) => runCli(['analyze', '--format', f])));
    expect(table!.stdout.split('\n').slice(0, 6).join(' ')).toMatch(/synthetic sample data, not real\s+traffic/);
    expect(JSON.parse(json!.stdout).provenance).toEqual({ synthetic: true, what: 'the bundled synthetic Bedrock invocation logs (fixtures/sample), written by tokor' });
    expect(md!.stdout).toMatch(/^> ⚠️ Sample data: the bundled synthetic Bedrock invocation logs/m);
    expect((parse(csvOut!.stdout) as string[][])[2]!.slice(0, 2).join(',')).toMatch(/^caveat,Sample data: /);
    expect(html!.stdout).toContain('<span class="badge" data-sample="true">Sample data</span>');
  });

  it('analyze on your own logs carries no sample mark', async () => {
    const json = await runCli(['analyze', unpricedSome, '--format', 'json']);
    expect(JSON.parse(json.stdout).provenance).toEqual({ synthetic: false });
    const table = await runCli(['analyze', unpricedSome]);
    expect(table.stdout).not.toMatch(SAMPLE);
  });

  it('eval, calibrate and gate on the bundled recordings say so; calibrate on the saved results still knows', async () => {
    const results = path.join(dir, 'bundled-results.jsonl');
    const ev = await runCli(['eval', '--out', results]);
    expect(ev.code).toBe(0);
    expect(ev.stdout.split('\n')[0]).toMatch(/^⚠ Sample data: every pass rate, cost and latency below is graded from/);
    const evJson = await runCli(['eval', '--format', 'json']);
    expect(JSON.parse(evJson.stdout).provenance).toMatchObject({ synthetic: true });
    const evMd = await runCli(['eval', '--format', 'markdown']);
    expect(evMd.stdout).toMatch(/^> ⚠️ \*\*Sample data/m);

    const cal = await runCli(['calibrate', '--results', results, '--pattern', 'confidence', '--format', 'json']);
    expect(cal.code).toBe(0);
    expect(JSON.parse(cal.stdout).provenance).toMatchObject({ synthetic: true });
    const calTable = await runCli(['calibrate', '--results', results, '--pattern', 'confidence'], { env: { COLUMNS: '200' } });
    expect(calTable.stdout.split('\n').slice(0, 5).join('\n')).toMatch(/cheaper than all-frontier at [\d.]+% parity[\s\S]*⚠ Sample data: calibrated on/);
    const calMd = await runCli(['calibrate', '--results', results, '--pattern', 'confidence', '--format', 'markdown']);
    expect(calMd.stdout).toMatch(/^> ⚠️ \*\*Sample data/m);

    const mdFile = path.join(dir, 'gate.md');
    const junit = path.join(dir, 'gate.xml');
    const gate = await runCli(['gate', '--markdown', mdFile, '--junit', junit, '--format', 'json']);
    expect(gate.code).toBe(0);
    expect(JSON.parse(gate.stdout).provenance).toMatchObject({ synthetic: true });
    const comment = readFileSync(mdFile, 'utf8');
    expect(comment.split('\n').slice(0, 4).join('\n')).toMatch(/^> ⚠️ \*\*Sample data: gated on the bundled golden datasets/m);
    expect(comment).toContain('Savings vs all-frontier (sample data)');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="tokor gate: bundled default policy (sample data)"');
    expect(xml).toMatch(/<property name="sample-data" value="Sample data: /);

    // A report built from the saved files still knows.
    const analyzeJson = path.join(dir, 'analyze.json');
    await runCli(['analyze', '--format', 'json', '--out', analyzeJson]);
    const page = await runCli(['report', '--analyze', analyzeJson, '--eval', results]);
    expect(page.code).toBe(0);
    expect(page.stdout).toContain('<span class="badge" data-sample="true">Sample data</span>');
    expect(page.stdout).toMatch(/<ul class="caveats"><li>Sample data: the traffic figures come from the bundled synthetic Bedrock invocation logs \(fixtures\/sample\), written by tokor; the quality figures come from the bundled golden datasets(&#39;|')s? synthetic recorded answers/);
  });

  it('gate on results you measured carries no sample mark', async () => {
    const gate = await runCli(['gate', '--policy', 'fixtures/gate/pass.tokor.config.yaml', '--results', 'fixtures/gate/results.jsonl', '--format', 'markdown']);
    expect(gate.stdout).not.toMatch(SAMPLE);
  });
});

describe('output neutralization (#12.15)', () => {
  it('CSV: cells a spreadsheet would run as formulas are prefixed with an apostrophe', async () => {
    const r = await runCli(['analyze', hostile, '--format', 'csv', '--tiers', `cheap=us.amazon.nova-lite-v1:0,frontier=${SONNET}`]);
    const rows = parse(r.stdout) as string[][];
    const cells = rows.flat();
    expect(cells).toContain(`'=HYPERLINK("http://evil.example/","x")`);
    expect(cells).toContain("'@SUM(1+1)");
    expect(cells).toContain("'-2+3");
    expect(cells.filter((c) => /^[=+@]/.test(c) || /^-(?![\d.]+$)/.test(c))).toEqual([]);
  });

  it('terminal: control characters from model IDs and bad lines are shown as escapes, on stdout and stderr', async () => {
    const r = await runCli(['analyze', hostile, '--tiers', `cheap=us.amazon.nova-lite-v1:0,frontier=${SONNET}`], { env: { COLUMNS: '200' } });
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('\\x1b[2J');
    expect(r.stdout).toContain('\\x07');
    expect(r.stdout).toContain('line\\nbreak');
    // A file of nothing but such a line: the one-line error is safe too.
    const bad = write('bad-only.jsonl', ['\u001b[2J\u001b[31mnot json']);
    const e = await runCli(['analyze', bad]);
    expect(e.code).toBe(2);
    expect(e.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('Markdown: a model ID with a line break, pipes or backticks stays inside its table cell', async () => {
    const r = await runCli(['analyze', hostile, '--format', 'markdown', '--tiers', `cheap=us.amazon.nova-lite-v1:0,frontier=${SONNET}`]);
    // After the heading and the line saying what the rows rest on: the table.
    const byModel = r.stdout.split('## By model')[1]!.split('\n\n')[2]!.split('\n');
    const cellsOf = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    expect(byModel.length).toBeGreaterThan(3);
    for (const line of byModel) {
      expect(line.startsWith('| ')).toBe(true);
      expect(cellsOf(line)).toBe(cellsOf(byModel[0]!));
    }
    expect(r.stdout).toContain('`` line break \\| pipe `tick` ``');
  });
});

describe('HTML report (#11.11)', () => {
  it('money axes read right on small totals; bars keep model and Region apart; sources in one line, files folded', async () => {
    const small = write('small.jsonl', [
      record({ id: 'm1', modelId: SONNET, region: 'us-east-1' }),
      record({ id: 'm2', modelId: SONNET, region: 'us-west-2', input: 500 }),
      record({ id: 'm3', modelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0', region: 'eu-central-1', input: 300, team: 'growth' }),
    ]);
    const r = await runCli(['analyze', small, '--format', 'html']);
    expect(r.code).toBe(0);
    const axisLabels = (id: string) => [...r.stdout.split(`data-chart="${id}"`)[1]!.split('</svg>')[0]!.matchAll(/role-axis-label[^>]*>([\s\S]*?)<\/g>/g)].flatMap((m) => [...m[1]!.matchAll(/>([^<>]+)<\/text>/g)].map((t) => t[1]!));
    for (const id of ['fig-waterfall', 'fig-by-model', 'fig-by-group-0']) {
      const money = axisLabels(id).filter((l) => l.startsWith('$'));
      expect(money.length, id).toBeGreaterThan(2);
      // Distinct ticks, in dollars with decimals: never "$0 $0 $0", never "$5m" for $0.005.
      expect(new Set(money).size, `${id}: ${money.join(' ')}`).toBe(money.length);
      for (const l of money) expect(l).toMatch(/^\$\d[\d,]*(\.\d+)?$/);
      expect(money.some((l) => /^\$0\.0\d*[1-9]/.test(l)), money.join(' ')).toBe(true);
    }
    const bars = axisLabels('fig-by-model').filter((l) => !l.startsWith('$'));
    expect(bars).toEqual(expect.arrayContaining(['us.claude-sonnet-4-5 · us-east-1', 'us.claude-sonnet-4-5 · us-west-2', 'eu.claude-sonnet-4-5 · eu-central-1']));
    expect(r.stdout).toMatch(/<dt>Data sources<\/dt><dd>traffic logs: 1 file of Bedrock invocation logs\.<details class="sources"><summary>Show the files<\/summary>/);
  });

  it('thresholds read as three significant digits', async () => {
    const r = await runCli(['report', '--calibrate', 'fixtures/report/calibrate-patterns.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('threshold 0.167, 0.267');
    expect(r.stdout).not.toMatch(/0\.1666/);
  });
});

describe('what to do, said plainly (#11.12)', () => {
  it('"an application-inference-profile ARN"', async () => {
    const r = await runCli(['prices', '--model', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('an application-inference-profile ARN names no model');
    expect(r.stderr).not.toContain('a application');
  });

  it('report names the right flag or command for a results file, a log or a bill given to the wrong flag', async () => {
    const results = await runCli(['report', '--analyze', 'fixtures/report/eval-results.jsonl']);
    expect(results.code).toBe(2);
    expect(results.stderr).toBe('tokor: fixtures/report/eval-results.jsonl: --analyze expects one JSON document, but this file holds tokor eval results (JSON lines, `tokor eval --out`); give it to --eval\n');
    const log = await runCli(['report', '--analyze', 'fixtures/analyze/mixed/invocations.jsonl']);
    expect(log.code).toBe(2);
    expect(log.stderr).toMatch(/looks like a Bedrock invocation log: run `tokor analyze FILE --format json --out analyze\.json`/);
    const bill = await runCli(['report', '--costs', costExplorer]);
    expect(bill.code).toBe(2);
    expect(bill.stderr).toMatch(/looks like a Cost Explorer response: run `tokor costs --from-file FILE --format json --out costs\.json`/);
    const summary = await runCli(['report', '--calibrate', 'fixtures/report/analyze.json']);
    expect(summary.stderr).toMatch(/it looks like a tokor analyze JSON: give it to --analyze/);
  });
});
