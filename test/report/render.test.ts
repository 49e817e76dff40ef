import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { wilson } from '../../src/stats/interval.js';
import {
  CSP,
  buildHeadline,
  detectKind,
  escapeHtml,
  renderAnalyzeHtml,
  renderCalibrateHtml,
  renderCostsHtml,
  renderEvalHtml,
  renderReportHtml,
  summarizeEvalResults,
} from '../../src/report/html/index.js';
import { html, prose, trusted } from '../../src/report/html/html.js';
import type { AnalyzeReportJson } from '../../src/artifacts/analyzeReport.js';
import { parseAnalyzeInput, parseCalibrateInput, parseCostsInput, parseEvalInputs } from '../../src/artifacts/reportInputs.js';
import { paretoFront, readCurve } from '../../src/report/html/sections/calibrate.js';
import { readReconciliation } from '../../src/report/html/sections/costs.js';
import { fmtByKey, fmtPct, fmtShare, fmtShareInterval, fmtUsd } from '../../src/report/html/format.js';
import { FULL_REPORT_CHARTS, PAYLOADS, analyzeFixture, calibrateFixture, calibrationFixture, costsFixture, disallowedMarkup, evalSummaryFixture, fixture, fixtureText, reconciliationOf } from './helpers.js';
import { parseAnalyzeReconciliation, parseCostsReport } from '../../src/artifacts/costsReport.js';

/** Text of the element with this id: tags dropped, entities of the escaper decoded. */
function section(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  expect(start, `element #${id}`).toBeGreaterThan(0);
  const end = page.indexOf('</figure>', start);
  return page
    .slice(start, end)
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('escaping', () => {
  it('escapes markup, quotes and backticks and drops control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>\`&\u0000</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&#96;&amp;&lt;/a&gt;');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(12)).toBe('12');
  });

  it('the html tag escapes interpolations unless they are trusted, arrays included', () => {
    const bad = '<script>alert(1)</script>';
    expect(html`<p title="${bad}">${bad}</p>`.html).toBe('<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html`<ul>${['<b>', html`<li>${'&'}</li>`]}</ul>`.html).toBe('<ul>&lt;b&gt;<li>&amp;</li></ul>');
    expect(html`${trusted('<b>ok</b>')}`.html).toBe('<b>ok</b>');
  });
});

describe('prose', () => {
  it('escapes, then turns backticked spans into code', () => {
    expect(prose('run `tokor eval` on <b>x</b> & `a"b`').html).toBe('run <code>tokor eval</code> on &lt;b&gt;x&lt;/b&gt; &amp; <code>a&quot;b</code>');
    expect(prose('a lone ` stays').html).toBe('a lone &#96; stays');
  });
});

describe('formatting', () => {
  it('follows the key conventions: Usd dollars, Pct points, shares fractions', () => {
    expect(fmtUsd(1842.37)).toBe('$1,842.37');
    expect(fmtUsd(0.00011)).toBe('$0.000110');
    expect(fmtUsd(-3)).toBe('−$3.00');
    expect(fmtUsd('12.5')).toBe('$12.50');
    expect(fmtUsd(undefined)).toBe('—');
    expect(fmtPct(58.0898)).toBe('58.1%');
    expect(fmtShare(0.718067)).toBe('71.8%');
    expect(fmtShareInterval([0.705, 0.7311])).toBe('70.5–73.1%');
    expect(fmtByKey('costUsd', 3)).toBe('$3.00');
    expect(fmtByKey('savingsPct', 71.47)).toBe('71.5%');
    expect(fmtByKey('shareOfCost', 0.2)).toBe('20.0%');
    expect(fmtByKey('passRate', 0.5)).toBe('50.0%');
    expect(fmtByKey('items', 50)).toBe('50');
    expect(fmtByKey('latencyP50Ms', 1234.4)).toBe('1,234 ms');
    expect(fmtByKey('ci95', [0.1, 0.2])).toBe('10.0–20.0%');
  });
});

describe('inputs', () => {
  it('recognises each JSON by its keys', () => {
    expect(detectKind(fixture('analyze.json'))).toBe('analyze');
    expect(detectKind(fixture('analyze-v1.json'))).toBe('analyze');
    expect(detectKind(fixture('eval-summary.json'))).toBe('eval-summary');
    expect(detectKind(fixture('calibrate.json'))).toBe('calibrate');
    expect(detectKind(fixture('calibrate-nopick.json'))).toBe('calibrate');
    expect(detectKind(fixture('costs.json'))).toBe('costs');
    expect(detectKind({ kind: 'tokor-policy' })).toBe('policy');
    expect(detectKind({ hello: 1 })).toBeUndefined();
  });

  it('names the file and what it looks like when a file is not what its flag says', () => {
    expect(() => parseAnalyzeInput(fixtureText('costs.json'), 'costs.json')).toThrow(/^costs\.json: not a tokor analyze JSON \(it looks like a tokor costs JSON: give it to --costs\)/);
    expect(() => parseCostsInput(fixtureText('analyze.json'), 'a.json')).toThrow(InputError);
    expect(() => parseCalibrateInput('{"x": 1}', 'c.json')).toThrow(/^c\.json: not a tokor calibrate JSON;/);
    expect(() => parseAnalyzeInput('', 'empty.json')).toThrow(/^empty\.json: empty file/);
    expect(() => parseAnalyzeInput('{\n"a": 1,\n}', 'broken.json')).toThrow(/^broken\.json:3: not valid JSON/);
  });

  it('reads --eval files as summaries or results JSONL and reports bad lines as file:line', () => {
    const [fromResults, summary] = parseEvalInputs([
      { file: 'r.jsonl', text: fixtureText('eval-results.jsonl') },
      { file: 's.json', text: fixtureText('eval-summary.json') },
    ]);
    expect(fromResults!.computedFrom).toBe('results');
    expect(summary!.label).toBe('s.json');
    expect(() => parseEvalInputs([{ file: 'bad.jsonl', text: fixtureText('eval-results-bad.jsonl') }])).toThrow(/^bad\.jsonl:3: not valid JSON/);
    expect(() => parseEvalInputs([{ file: 'costs.json', text: fixtureText('costs.json') }])).toThrow(/^costs\.json: not a tokor eval summary JSON \(it looks like a tokor costs JSON: give it to --costs\)/);
    expect(() => parseEvalInputs([{ file: 'x.jsonl', text: '{"schemaVersion":1,"datasetId":"d","tier":"a","itemId":"1","pass":true}\n{"tier":"a"}\n' }])).toThrow(/^x\.jsonl:2: schemaVersion: missing/);
    expect(() => parseEvalInputs([{ file: 'x.jsonl', text: '{"schemaVersion":1,"datasetId":"d","tier":"a","itemId":"1","pass":true}\n{"kind":"tokor-costs"}\n' }])).toThrow(/^x\.jsonl:2: not a tokor eval result \(it looks like a tokor costs JSON: give it to --costs\)/);
  });
});

describe('summarizeEvalResults', () => {
  const line = (tier: string, itemId: string, pass: boolean, extra: Record<string, unknown> = {}) => ({ schemaVersion: 1, datasetId: 'd', itemId, tier, model: `m-${tier}`, pass, score: pass ? 1 : 0, costUsd: 0.01, latencyMs: 100, ...extra });

  it('computes pass rates with Wilson intervals, errors apart, the last line of a repeated item winning', () => {
    const rows = [
      line('frontier', '1', true),
      line('frontier', '2', true),
      line('cheap', '1', false),
      line('cheap', '1', true), // resumed: this line wins
      line('cheap', '2', false),
      line('cheap', '3', false, { error: 'ThrottlingException', costUsd: null }),
      line('cheap', '4', true, { costUsd: null }),
    ];
    const s = summarizeEvalResults(rows);
    const tiers = s.tiers as Record<string, unknown>[];
    expect(tiers.map((t) => t.tier)).toEqual(['cheap', 'frontier']);
    const cheap = tiers[0]!;
    expect(cheap).toMatchObject({ items: 3, passed: 2, errors: 1, unpriced: 1, model: 'm-cheap', costUsd: 0.02, costPerItemUsd: 0.01 });
    expect(cheap.passRate).toBeCloseTo(2 / 3, 12);
    expect(cheap.ci95).toEqual(wilson(2, 3));
    expect(tiers[1]!.ci95).toEqual(wilson(2, 2));
  });

  it('orders unknown tier names by cost per item, cheapest first', () => {
    const s = summarizeEvalResults([line('big', '1', true, { costUsd: 1 }), line('small', '1', true, { costUsd: 0.1 })]);
    expect((s.tiers as { tier: string }[]).map((t) => t.tier)).toEqual(['small', 'big']);
  });
});

describe('calibrate curve', () => {
  it('reads curves per pattern (thresholds per boundary) and keeps the best quality at each cost', () => {
    const curve = readCurve(calibrateFixture('calibrate-patterns.json'));
    expect(curve).toHaveLength(65);
    expect(curve[0]).toEqual({ pattern: 'classifier', thresholds: '1, 1', quality: expect.any(Number), costUsd: 0.0139 });
    const pts = [
      { pattern: 'p', thresholds: 'a', quality: 0.7, costUsd: 1 },
      { pattern: 'p', thresholds: 'b', quality: 0.6, costUsd: 2 },
      { pattern: 'p', thresholds: 'c', quality: 0.8, costUsd: 3 },
      { pattern: 'q', thresholds: 'd', quality: 0.5, costUsd: 0.5 },
      { pattern: 'p', thresholds: 'e', quality: 0.65, costUsd: 0.5 },
    ];
    expect(paretoFront(pts).map((p) => p.thresholds)).toEqual(['e', 'a', 'c', 'd']);
  });
});

describe('reconciliation', () => {
  it("reads billed vs explained per model from analyze's typed reconciliation, or from both reports", () => {
    const r = readReconciliation(reconciliationOf('analyze.json'), analyzeFixture('analyze.json'), undefined)!;
    expect(r).toMatchObject({ billed: 2118.4, explained: 1842.37, coverage: 0.869712, computed: false, ceilingUsd: 1230.54 });
    expect(r.rows[0]).toMatchObject({ name: 'anthropic.claude-sonnet-4-5', billed: 1490.22, explained: 1321.84 });
    expect(r.extra).toContainEqual(['Billed on models the logs cover', 2040.62, 'usd']);
    const computed = readReconciliation(undefined, analyzeFixture('analyze.json'), costsFixture('costs.json'))!;
    expect(computed).toMatchObject({ billed: 2118.4, explained: 1842.37, computed: true, rows: [] });
    expect(computed.coverage).toBeCloseTo(1842.37 / 2118.4, 12);
    expect(readReconciliation(undefined, analyzeFixture('analyze.json'), undefined)).toBeUndefined();
  });

  it('refuses a reconciliation or a costs report that breaks its contract, naming the key and line', () => {
    const text = fixtureText('analyze.json').replace('"billedUsd": 2118.4,', '"billedUsd": "2118.4",');
    expect(() => parseAnalyzeReconciliation(JSON.parse(text).reconciliation, { file: 'a.json', text })).toThrow(/^a\.json:\d+: reconciliation\.billedUsd: expected an amount in USD/);
    expect(() => parseCostsReport(fixtureText('costs.json').replace('"totalUsd": 2118.4', '"totalUsd": null'), 'c.json')).toThrow(/^c\.json:\d+: bedrock\.totalUsd: expected an amount in USD/);
  });
});

describe('headline', () => {
  const analyze = analyzeFixture('analyze.json');
  it('states savings at quality parity with the paired parity interval calibrate certified', () => {
    const h = buildHeadline({ analyze, calibrate: calibrateFixture('calibrate.json') });
    const pick = calibrationFixture('calibrate.json').pick!;
    expect(h.kind).toBe('proven');
    expect(h.claim).toBe(`${fmtPct(pick.savingsPct, 1)} cheaper than all-frontier at ${fmtShare(pick.parity)} quality parity (95% CI ${fmtShareInterval(pick.parityCi95)})`);
    // Not the quality interval divided by the frontier's quality (an unpaired interval calibrate does not certify).
    const unpaired = fmtShareInterval([pick.qualityCi95[0] / pick.frontier.quality, pick.qualityCi95[1] / pick.frontier.quality]);
    expect(unpaired).not.toBe(fmtShareInterval(pick.parityCi95));
    expect(h.claim).not.toContain(unpaired);
    expect(h.detail).toContain('58.1%');
  });

  it('says in the headline when the held-out result breaks the bar', () => {
    const c = calibrationFixture('calibrate.json');
    expect(buildHeadline({ calibrate: c }).caveats.join(' ')).not.toMatch(/held-out/);
    c.holdout = { ...c.holdout!, parity: 0.931, meetsBar: false };
    expect(buildHeadline({ calibrate: c }).caveats[0]).toBe('On 210 held-out items the pick breaks the bar: 93.1% parity (one-sided 95% lower bound 92.5%), 61.2% savings.');
  });

  it('prefers the parity interval the calibrate JSON gives', () => {
    const c = calibrationFixture('calibrate.json');
    c.pick!.parity = 0.97;
    c.pick!.parityCi95 = [0.95, 0.99];
    expect(buildHeadline({ calibrate: c }).claim).toMatch(/at 97\.0% quality parity \(95% CI 95\.0–99\.0%\)$/);
  });

  it('reads the pick of the per-pattern calibrate shape, with its own parity interval', () => {
    const c = calibrationFixture('calibrate-patterns.json');
    expect(buildHeadline({ calibrate: c }).claim).toBe(`${fmtPct(c.pick!.savingsPct, 1)} cheaper than all-frontier at ${fmtShare(c.pick!.parity)} quality parity (95% CI ${fmtShareInterval(c.pick!.parityCi95)})`);
  });

  it('says quality is unproven when only the traffic analysis is given', () => {
    const h = buildHeadline({ analyze });
    expect(h.kind).toBe('unproven');
    // The headline figure is the ceiling against all-frontier (savings.ceilingPct); against actual spend is said beside it.
    expect(h.claim).toBe('Up to 68.0% cheaper than all-frontier — quality unproven');
    expect(h.detail).toContain('cost up to 68.0% less than sending all of it to the frontier tier ($2,410.62 → $772.15); against what was actually paid ($1,842.37) that is 58.1% less.');
    expect(h.detail).toMatch(/quality is unproven until `tokor eval`/);
  });

  it('does not claim parity from eval results alone, nor when no threshold met the bar', () => {
    expect(buildHeadline({ analyze, evals: [fixture('eval-summary.json')] }).kind).toBe('eval-only');
    expect(buildHeadline({ analyze, evals: [fixture('eval-summary.json')] }).claim).toMatch(/not yet shown/);
    const h = buildHeadline({ analyze, calibrate: calibrateFixture('calibrate-nopick.json') });
    expect(h.kind).toBe('bar-not-met');
    expect(h.claim).toBe('No routing threshold met the quality bar');
    expect(buildHeadline({ costs: fixture('costs.json') }).claim).toBe('Quality unproven');
  });
});

describe('sessions, caches and how the traffic was read', () => {
  const base = analyzeFixture('analyze.json');
  const analyze: AnalyzeReportJson = {
    ...base,
    distributionSource: 'prior',
    sessions: { count: 1200, keyedBy: 'sessionId', requestsBy: { sessionId: 4808, requestMetadata: 0, conversation: 0, none: 0 }, turnsMedian: 8, turnsP90: 31, cacheReadShareMedian: 0.82, cacheReadShareP90: 0.93, keptShare: 0.5, coldTurns: 40, simulatedTurns: 900 },
    savings: { ...base.savings, ceilingPct: 61.2, ceilingPerRequestPct: 48.3, ceilingSessionPinnedPct: 55.1, ceilingRouting: 'session-pinned' },
    cost: { ...base.cost, routedCeiling: 38.8, routedPerRequestUsd: 51.7, routedSessionPinnedUsd: 44.9, fragmentationLossUsd: 12.9 },
    scan: { engine: 'athena', queries: 2, bytesScanned: 52_428_800, costUsd: 0.00025, price: { usdPerTB: '5', source: 'https://aws.amazon.com/athena/pricing/', asOf: '2026-11-21' } },
    labelSample: { size: 400, of: 90_000, seed: 1 },
  };

  it('an analyze JSON of an older tokor (before sessions) is refused in one line naming the file and line', () => {
    expect(() => parseAnalyzeInput(fixtureText('analyze-v1.json'), 'analyze-v1.json')).toThrow(/^analyze-v1\.json:2: schemaVersion: 1 is an analyze JSON of an older tokor \(this one reads 3\); give the output of `tokor analyze --format json`/);
    const { sessions: _drop, ...noSessions } = base;
    expect(() => parseAnalyzeInput(JSON.stringify(noSessions, null, 2), 'a.json')).toThrow(/^a\.json:1: sessions: missing/);
  });

  it('draws the cache-aware ceilings, says they rest on the prior, and notes the scan and the label sample', async () => {
    const page = await renderAnalyzeHtml(analyze);
    const fig = section(page, 'fig-sessions');
    expect(fig).toContain("1,200 sessions, keyed by the log's session ID; 8 turns per session at the median, 31 at p90");
    expect(fig).toContain('Routing per request loses $12.90 to cold caches on the labeler’s prior labels (not measured); the better routing is each session pinned to one tier');
    expect(fig).toContain('40 of 900 turns find their prefix cold');
    expect(fig).toContain('50.0% of sessions were kept');
    const records = section(page, 'fig-records');
    expect(records).toContain('Scanned by Athena: 52,428,800 bytes in 2 queries');
    expect(records).toContain('Labeled from a stratified sample: 400 of 90,000 records (seed 1)');
  });
});

describe('renderReportHtml', () => {
  let full: string;
  let hostile: string;
  let warnings: string[];
  beforeAll(async () => {
    warnings = [];
    const evals = parseEvalInputs([
      { file: 'eval-results.jsonl', text: fixtureText('eval-results.jsonl') },
      { file: 'eval-summary.json', text: fixtureText('eval-summary.json') },
    ]);
    full = await renderReportHtml(
      { analyze: analyzeFixture('analyze.json'), reconciliation: reconciliationOf('analyze.json'), eval: evals, calibrate: calibrateFixture('calibrate.json'), costs: costsFixture('costs.json') },
      { generatedAt: '2025-11-01T09:00:00Z', inputFiles: ['analyze.json'], onWarning: (w) => warnings.push(w) },
    );
    hostile = await renderReportHtml(
      {
        analyze: analyzeFixture('hostile/analyze.json'),
        reconciliation: reconciliationOf('hostile/analyze.json'),
        eval: parseEvalInputs([{ file: '<b>x</b>.jsonl', text: fixtureText('hostile/eval-results.jsonl') }]),
        calibrate: calibrateFixture('hostile/calibrate.json'),
        costs: costsFixture('hostile/costs.json'),
      },
      { inputFiles: ['"><script>alert(9)</script>.json'], title: '</title><script>alert(8)</script>', onWarning: (w) => warnings.push(w) },
    );
  }, 120_000);

  it('is one self-contained page: CSP, no scripts, no external URLs, no vega warnings', () => {
    for (const page of [full, hostile]) {
      expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`);
      expect(page).not.toMatch(/<script/i);
      const urls = [...page.matchAll(/(?:https?|ftp):\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
      // Only XML namespaces; the hostile fixture's evil.example URL appears escaped inside text, never as an attribute.
      expect(urls.filter((u) => !u.startsWith('http://www.w3.org/') && !u.startsWith('https://evil.example/'))).toEqual([]);
      expect(page).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
    }
    expect(warnings).toEqual([]);
    expect(CSP).toMatch(/default-src 'none'; style-src 'unsafe-inline'; img-src data:/);
  });

  it('draws every chart as inline SVG', () => {
    const charts = [...full.matchAll(/data-chart="([^"]+)"><svg[^>]*width="(\d+(?:\.\d+)?)"[^>]*height="(\d+(?:\.\d+)?)"/g)];
    expect(charts.map((m) => m[1])).toEqual(FULL_REPORT_CHARTS);
    for (const m of charts) {
      expect(Number(m[2])).toBeGreaterThan(100);
      expect(Number(m[3])).toBeGreaterThan(50);
    }
  });

  it('puts the numbers of each chart in its table and reads them in one line', () => {
    const dist = section(full, 'fig-distribution');
    expect(dist).toContain('72% of requests are easy (95% CI 71–73%), 19% moderate and 9% hard; sending each to its tier would cost up to 68.0% less than all-frontier.');
    expect(dist).toMatch(/easy 3,418 71\.8% 70\.5–73\.1%/);
    expect(dist).toMatch(/hard 440 9\.2% 8\.5–10\.1%/);
    const waterfall = section(full, 'fig-waterfall');
    expect(waterfall).toContain('All on the frontier tier (what-if) $2,410.62 131%');
    expect(waterfall).toContain('Best case with routing $772.15 42%');
    // The headline figure first, named as such; the others each say what they measure.
    expect(waterfall).toContain('Savings vs all-frontier (headline) 68.0% each request on its difficulty’s tier, against all of them on the frontier tier');
    expect(waterfall).toContain('Savings vs actual spend 58.1% the same best case, against what was actually paid');
    expect(waterfall).toContain('Formula cross-check 64.8%');
    expect(waterfall).toMatch(/frontier us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 \$4\.21/);
    const byModel = section(full, 'fig-by-model');
    expect(byModel).toContain('us.anthropic.claude-sonnet-4-5-20250929-v1:0 in us-east-1 takes 72% of spend ($1,321.84) for 37% of requests; 6 models in all.');
    // The text table's columns: requests, easy share, cost, share, the routed figure (and the label counts).
    expect(byModel).toMatch(/1,796 62\.4% \$1,321\.84 71\.7% \$402\.17 easy 1,120/);
    expect(section(full, 'fig-by-group-0')).toContain('team “payments” spends the most: $812.40, 44% of spend across 4 values.');
    expect(section(full, 'fig-by-group-1')).toMatch(/^ ?fig-by-group-1" class="fig"|Spend by app/);
    const evalFromResults = section(full, 'fig-eval-0');
    const summary = parseEvalInputs([{ file: 'r', text: fixtureText('eval-results.jsonl') }])[0]!;
    const cheap = (summary.tiers as { passRate: number; ci95: [number, number] }[])[0]!;
    expect(evalFromResults).toContain(`cheap passes ${fmtShare(cheap.passRate)} (95% CI ${fmtShareInterval(cheap.ci95)})`);
    expect(section(full, 'fig-eval-1')).toContain('The cheapest tier that clears the bar (≥ 95% of frontier) is mid.');
    expect(section(full, 'fig-eval-1')).toMatch(/frontier us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 490 94\.1% 91\.6–95\.8%/);
    const curve = section(full, 'fig-curve');
    const cal = calibrationFixture('calibrate.json') as { pick: { quality: number; savingsPct: number }; baselines: Record<string, { quality: number; savingsPct: number }> };
    expect(curve).toContain(
      `The pick (classifier, threshold 0.35, 0.7) keeps ${fmtShare(cal.pick.quality)} quality (all-frontier ${fmtShare(cal.baselines.frontier!.quality)}) at ${fmtPct(cal.pick.savingsPct, 1)} lower cost than all-frontier; ` +
        `the oracle would save ${fmtPct(cal.baselines.oracle!.savingsPct, 0)}, so the pick captures ${fmtPct((cal.pick.savingsPct / cal.baselines.oracle!.savingsPct) * 100, 0)} of the achievable savings.`,
    );
    expect(curve).toContain('keeps 90.2% quality (all-frontier 94.1%) at 63.7% lower cost than all-frontier; the oracle would save 80%, so the pick captures 79%');
    expect(curve).toMatch(/Oracle 96\.5% — \$0\.6113 80\.5%/);
    // The pick against random routing at its own shares, and on the held-out items, from the report.
    expect(curve).toMatch(/Random routing at the pick’s shares 88\.9% 63\.7% pick \+7\.0 pts/);
    expect(curve).toMatch(/Held out \(210 items\) 95\.1% \(≥ 92\.5%\) 61\.2% bar holds/);
    const rec = section(full, 'fig-reconciliation');
    expect(rec).toContain('The logs explain 87% of billed Bedrock spend ($1,842.37 of $2,118.40); $276.03 is unexplained; in billed dollars, the routing ceiling is worth up to $1,230.54 (58% of the bill).');
    expect(section(full, 'fig-costs-model')).toContain('Claude Sonnet 4.5 is 70% of billed Bedrock spend ($1,490.22 of $2,118.40).');
    expect(section(full, 'fig-costs-period')).toContain('31 periods; the largest is');
  });

  it('shows the header: period, sources, catalog and the headline', () => {
    expect(full).toMatch(/<dt>Period<\/dt><dd>logs 2025-10-01 → 2025-10-31; bill 2025-10-01 → 2025-11-01<\/dd>/);
    expect(full).toMatch(/<dt>Price list<\/dt><dd>builtin-2025-10-15<\/dd>/);
    // One line of sources; the files folded below it.
    expect(full).toMatch(/<dt>Data sources<\/dt><dd>traffic logs: 96 files of Bedrock invocation logs; golden-dataset evals \(2 result sets\); routing calibration; AWS Cost Explorer bill\.<details class="sources"><summary>/);
    expect(full).toMatch(/<p class="claim"><span class="figure">63\.7% cheaper than all-frontier at 95\.9% quality parity \(95% CI 93\.7–97\.9%\)<\/span><\/p>/);
    expect(full).toContain('<dt>Generated</dt><dd>2025-11-01T09:00:00Z by tokor');
  });

  it('shows hostile text as text: no markup, no handlers, every payload present escaped', () => {
    expect(disallowedMarkup(hostile)).toEqual([]);
    expect(disallowedMarkup(full)).toEqual([]);
    for (const p of PAYLOADS) {
      // Quotes alone are harmless in text; anything with a tag must never appear raw.
      if (p.includes('<')) expect(hostile, p).not.toContain(p);
      expect(hostile, p).toContain(escapeHtml(p));
    }
    // Vega drew the hostile model IDs inside the SVG, escaped by vega itself.
    const svgs = hostile.match(/<svg[\s\S]*?<\/svg>/g)!.join('');
    expect(svgs).toContain('&lt;/svg&gt;&lt;svg onload=');
    expect(svgs).not.toContain('<svg onload');
    expect(hostile).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(8)&lt;/script&gt;</title>');
  });

  it('draws the analyze JSON alone from its typed fields', async () => {
    const page = await renderAnalyzeHtml(analyzeFixture('analyze.json'));
    expect(page).toContain('traffic logs: 96 files of Bedrock invocation logs.<details class="sources"><summary>Show the files</summary><p>Log files (the first 2 of 96):</p><ul><li><code>fixtures/sample/AWSLogs/');
    expect(section(page, 'fig-by-group-0')).toMatch(/team “payments” spends the most: \$812\.40/);
    expect(section(page, 'fig-distribution')).toContain('Shares estimated from measured labels');
    expect(section(page, 'fig-waterfall')).toMatch(/cheap us\.amazon\.nova-lite-v1:0 \$0\.0913/);
    expect(section(page, 'fig-sessions')).toContain('Routing per request loses $29.25 to cold caches; the better routing is each request on its own tier.');
    expect(page).toMatch(/data-headline="unproven"><p class="claim"><span class="figure">Up to 68\.0% cheaper than all-frontier — quality unproven/);
    expect(page).not.toContain('id="fig-reconciliation"');
  }, 60_000);

  it('renders each command alone and refuses a JSON of another command', async () => {
    expect(await renderEvalHtml(evalSummaryFixture('eval-summary.json'))).toContain('<title>tokor eval</title>');
    const cal = await renderCalibrateHtml(calibrateFixture('calibrate-nopick.json'));
    expect(cal).toContain('data-headline="bar-not-met"');
    expect(cal).toContain('No threshold kept the quality bar of 95.0%');
    expect(await renderCostsHtml(costsFixture('costs.json'))).toContain('1 Bedrock usage type was not attributed to a model; it is listed here, not dropped.');
    const patterns = await renderCalibrateHtml(calibrateFixture('calibrate-patterns.json'));
    expect(section(patterns, 'fig-curve')).toMatch(/The pick \(confidence, threshold 0\.167, 0\.267\) keeps [\d.]+% quality \(all-frontier 92\.5%\) at 14\.3% lower cost than all-frontier; the oracle would save 91%/);
    expect(section(patterns, 'fig-curve')).toContain('(65 thresholds tried)');
    await expect(renderReportHtml({})).rejects.toThrow(/nothing to report/);
  }, 60_000);

  it('is reproducible: the same inputs give the same page', async () => {
    const a = await renderCostsHtml(costsFixture('costs.json'));
    const b = await renderCostsHtml(costsFixture('costs.json'));
    expect(a).toBe(b);
  }, 60_000);
});
