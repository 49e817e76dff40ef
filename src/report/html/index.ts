/**
 * tokor's HTML report: one self-contained page (no scripts, no network, charts
 * as inline SVG rendered at generation time) built from the JSON of analyze,
 * eval, calibrate and costs. Every renderer is pure and returns the HTML text.
 */
import type { AnalyzeReportJson } from '../../artifacts/analyzeReport.js';
import type { AnalyzeReconciliation, CostsReport } from '../../artifacts/costsReport.js';
import type { CalibrateReportJson } from '../../artifacts/calibrateReport.js';
import type { EvalSummaryJson } from '../../artifacts/evalSummary.js';
import { InputError } from '../../errors.js';
import { VERSION } from '../../version.js';
import { buildHeadline, isSample, type Headline } from './headline.js';
import { html, join, prose, type SafeHtml } from './html.js';
import type { EvalInput } from './inputs.js';
import { page } from './page.js';
import { obj, str, type Obj } from './read.js';
import { fmtCount } from './format.js';
import { analyzeSection } from './sections/analyze.js';
import { calibrateSection } from './sections/calibrate.js';
import { RenderContext } from './sections/context.js';
import { billSection } from './sections/costs.js';
import { costsView } from '../../costs/view.js';
import { evalSection } from './sections/eval.js';

export { detectKind, summarizeEvalResults,   } from './inputs.js';
export { buildHeadline,  } from './headline.js';
export { escapeHtml } from './escape.js';
export { CSP } from './page.js';

export interface ReportInputs {
  /** `tokor analyze --format json`, checked (src/artifacts/analyzeReport.ts `parseAnalyzeReport`). */
  analyze?: AnalyzeReportJson;
  /** Eval summaries (`tokor eval --format json`, checked: src/artifacts/evalSummary.ts), or summaries from summarizeEvalResults(). */
  eval?: EvalInput[];
  /** `tokor calibrate --format json` (a calibration, or an --apply result), checked with its schema (artifacts/calibrateReport.ts). */
  calibrate?: CalibrateReportJson;
  /** `tokor costs --format json`, checked (src/artifacts/costsReport.ts `parseCostsReport`). */
  costs?: CostsReport;
  /** analyze's `reconciliation`, checked (`parseAnalyzeReconciliation`); shown with the bill. */
  reconciliation?: AnalyzeReconciliation;
}

export interface RenderOptions {
  title?: string;
  /** Shown in the header; omitted when absent so that output is reproducible. */
  generatedAt?: string;
  /** The input files the page was built from, listed (folded) under Data sources. */
  inputFiles?: string[];
  /** Called with vega/vega-lite warnings (the page is still written). */
  onWarning?: (message: string) => void;
}

/** A period as a range of UTC days: timestamps read as their day. */
function period(p: { start: string; end: string } | null | undefined): string | undefined {
  if (!p) return undefined;
  const day = (v: string) => (/^\d{4}-\d{2}-\d{2}T/.test(v) ? v.slice(0, 10) : v);
  return `${day(p.start) || '?'} → ${day(p.end) || '?'}`;
}

const FORMAT_NAMES: Record<string, string> = { bedrock: 'Bedrock invocation logs', openai: 'OpenAI-style gateway logs', csv: 'CSV usage exports' };

/**
 * One line saying where the figures come from, the long list (log paths,
 * input files) folded below it.
 */
function dataSources(a: AnalyzeReportJson | undefined, evals: EvalInput[], calibrate: object | undefined, costs: CostsReport | undefined, opts: RenderOptions): SafeHtml {
  const parts: string[] = [];
  let paths: string[] = [];
  let files = 0;
  if (a) {
    ({ paths, files } = a.sources);
    const formats = Object.keys(a.sources.formats).map((k) => FORMAT_NAMES[k] ?? k).join(', ');
    parts.push(`${a.provenance.synthetic ? 'bundled sample traffic logs (synthetic)' : 'traffic logs'}: ${fmtCount(files)} file${files === 1 ? '' : 's'}${formats ? ` of ${formats}` : ''}`);
  }
  if (evals.length) parts.push(`golden-dataset evals (${evals.length} result set${evals.length === 1 ? '' : 's'}${evals.some(isSample) ? ', bundled sample recordings' : ''})`);
  if (calibrate) parts.push(`routing calibration${isSample(calibrate) ? ' (bundled sample recordings)' : ''}`);
  if (costs) {
    const sources = costsView(costs).sourcesText;
    parts.push(sources ? `bill (${sources})` : 'AWS Cost Explorer bill');
  }
  const line = parts.length ? `${parts.join('; ')}.` : '—';
  const inputs = opts.inputFiles ?? [];
  if (paths.length === 0 && inputs.length === 0) return html`${line}`;
  const listed = paths.length < files ? ` (the first ${paths.length} of ${fmtCount(files)})` : '';
  return html`${line}<details class="sources"><summary>Show the files</summary>${
    paths.length ? html`<p>Log files${listed}:</p><ul>${paths.map((p) => html`<li><code>${p}</code></li>`)}</ul>` : ''
  }${inputs.length ? html`<p>This page was built from:</p><ul>${inputs.map((f) => html`<li><code>${f}</code></li>`)}</ul>` : ''}</details>`;
}

function headerMeta(a: AnalyzeReportJson | undefined, costs: CostsReport | undefined, evals: EvalInput[], calibrate: Obj | undefined, opts: RenderOptions): [string, string | SafeHtml][] {
  const meta: [string, string | SafeHtml][] = [];
  const traffic = period(a?.period);
  const bill = period(costs?.period);
  if (traffic && bill && traffic !== bill) meta.push(['Period', `logs ${traffic}; bill ${bill}`]);
  else meta.push(['Period', traffic ?? bill ?? 'not stated in the inputs']);
  meta.push(['Data sources', dataSources(a, evals, calibrate, costs, opts)]);
  const catalog = a?.catalogVersion ?? str(calibrate?.catalogVersion) ?? str(obj(obj(calibrate?.policy)?.provenance)?.catalogVersion);
  meta.push(['Price list', catalog ?? 'not stated']);
  if (a?.tiers.length) meta.push(['Model tiers', a.tiers.map((t) => `${t.name} = ${t.model}`).join(' · ')]);
  if (opts.generatedAt) meta.push(['Generated', `${opts.generatedAt} by tokor ${VERSION}`]);
  return meta;
}

function headlineHtml(h: Headline): SafeHtml {
  const cls = h.kind === 'proven' ? 'headline' : 'headline unproven';
  const badge = h.sample ? html`<span class="badge" data-sample="true">Sample data</span> ` : '';
  const caveats = h.caveats.length ? html`<ul class="caveats">${h.caveats.map((c) => html`<li>${prose(c)}</li>`)}</ul>` : '';
  return html`<div class="${cls}" data-headline="${h.kind}"><p class="claim">${badge}<span class="figure">${h.claim}</span></p><p class="detail">${prose(h.detail)}</p>${caveats}</div>`;
}

function footer(_opts: RenderOptions, qualityProven: boolean): SafeHtml {
  return html`<ul>
<li>Prices per 1M tokens from the price list named above; models without a price are listed, never priced at $0.</li>
<li>Savings are measured against <strong>all-frontier</strong>: the same requests all sent to the most capable (frontier) tier.</li>
<li>Intervals are 95% confidence intervals (Wilson for proportions unless the input says otherwise).</li>
${qualityProven ? '' : html`<li><strong>Quality unproven:</strong> no eval or calibration results were included, so savings figures are ceilings, not promises.</li>`}
</ul>
<p>Generated by tokor — a self-contained page: no scripts, no network access, charts drawn at generation time.</p>`;
}

/** The whole report from any subset of the four inputs (at least one). */
export async function renderReportHtml(inputs: ReportInputs, opts: RenderOptions = {}): Promise<string> {
  const analyze = inputs.analyze;
  const evals = inputs.eval ?? [];
  const calibrate = inputs.calibrate;
  const costs = inputs.costs;
  if (!analyze && evals.length === 0 && !calibrate && !costs) throw new InputError('nothing to report: give at least one of analyze, eval, calibrate or costs');
  const qualityProven = evals.length > 0 || calibrate !== undefined;
  const ctx = new RenderContext(qualityProven);
  const sections: SafeHtml[] = [];
  if (analyze) sections.push(await analyzeSection(analyze, ctx));
  if (evals.length) sections.push(await evalSection(evals, ctx));
  if (calibrate) sections.push(await calibrateSection(calibrate, ctx));
  const bill = await billSection(analyze, costs, inputs.reconciliation, ctx);
  if (bill) sections.push(bill);
  for (const w of ctx.warnings) opts.onWarning?.(w);
  const headline = buildHeadline({ analyze, evals, calibrate, costs });
  return page(
    { title: opts.title ?? 'tokor report', meta: headerMeta(analyze, costs, evals, calibrate, opts), headline: headlineHtml(headline), generator: `tokor ${VERSION}` },
    join(sections, '\n'),
    footer(opts, qualityProven),
  );
}

/** A page of `tokor analyze` alone (for `analyze --format html`), with its reconciliation when it has one. */
export function renderAnalyzeHtml(json: AnalyzeReportJson, opts: RenderOptions = {}, checked: Pick<ReportInputs, 'reconciliation'> = {}): Promise<string> {
  return renderReportHtml({ analyze: json, ...checked }, { title: 'tokor analyze', ...opts });
}

/** A page of `tokor eval` alone (for `eval --format html`). */
export function renderEvalHtml(json: EvalSummaryJson, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml({ eval: [json] }, { title: 'tokor eval', ...opts });
}

/** A page of `tokor calibrate` alone (for `calibrate --format html`). */
export function renderCalibrateHtml(json: CalibrateReportJson, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml({ calibrate: json }, { title: 'tokor calibrate', ...opts });
}

/** A page of `tokor costs` alone (for `costs --format html`). */
export function renderCostsHtml(report: CostsReport, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml({ costs: report }, { title: 'tokor costs', ...opts });
}
