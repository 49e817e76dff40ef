/**
 * tokor's HTML report: one self-contained page (no scripts, no network, charts
 * as inline SVG rendered at generation time) built from the JSON of analyze,
 * eval, calibrate and costs. Every renderer is pure and returns the HTML text.
 */
import type { AnalyzeCaches } from '../../artifacts/analyzeCaches.js';
import type { AnalyzeReconciliation, CostsReport } from '../../artifacts/costsReport.js';
import type { CalibrateReportJson } from '../../artifacts/calibrateReport.js';
import type { EvalSummaryJson } from '../../artifacts/evalSummary.js';
import { InputError } from '../../errors.js';
import { VERSION } from '../../version.js';
import { buildHeadline, isSample, type Headline } from './headline.js';
import { html, join, prose, type SafeHtml } from './html.js';
import { detectKind, type EvalInput, type InputKind } from './inputs.js';
import { page } from './page.js';
import { arr, firstStr, num, obj, str, type Obj } from './read.js';
import { fmtCount } from './format.js';
import { analyzeSection } from './sections/analyze.js';
import { calibrateSection } from './sections/calibrate.js';
import { RenderContext } from './sections/context.js';
import { billSection } from './sections/costs.js';
import { evalSection } from './sections/eval.js';

export { detectKind, summarizeEvalResults,   } from './inputs.js';
export { buildHeadline,  } from './headline.js';
export { escapeHtml } from './escape.js';
export { CSP } from './page.js';

export interface ReportInputs {
  /** `tokor analyze --format json`. */
  analyze?: unknown;
  /** Eval summaries (`tokor eval --format json`, checked: src/artifacts/evalSummary.ts), or summaries from summarizeEvalResults(). */
  eval?: EvalInput[];
  /** `tokor calibrate --format json` (a calibration, or an --apply result), checked with its schema (artifacts/calibrateReport.ts). */
  calibrate?: CalibrateReportJson;
  /** `tokor costs --format json`, checked (src/artifacts/costsReport.ts `parseCostsReport`). */
  costs?: CostsReport;
  /** analyze's `reconciliation`, checked (`parseAnalyzeReconciliation`); shown with the bill. */
  reconciliation?: AnalyzeReconciliation;
  /** analyze's sessions, cache-aware ceilings, scan and label sample, checked (`parseAnalyzeCaches`). */
  analyzeCaches?: AnalyzeCaches;
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

function expect(v: unknown, kinds: InputKind[], what: string): Obj {
  const k = detectKind(v);
  if (k && kinds.includes(k)) return v as Obj;
  throw new InputError(`not a tokor ${what} JSON${k ? ` (it looks like a ${k} JSON)` : ''}`);
}

function period(o: Obj | undefined): string | undefined {
  const p = obj(o?.period);
  if (!p) return undefined;
  // Timestamps read as their UTC day: a period is a range of days to a reader.
  const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}T/.test(v) ? v.slice(0, 10) : v);
  const start = day(firstStr(p, ['start', 'from']));
  const end = day(firstStr(p, ['end', 'to']));
  return start || end ? `${start ?? '?'} → ${end ?? '?'}` : undefined;
}

function sourceName(s: unknown): string | undefined {
  return str(s) ?? firstStr(obj(s), ['path', 'file', 'uri', 'name', 'location']);
}

/** analyze's sources ({files, paths, formats}) or a list of paths: how many files of which format, and their paths. */
function readSources(v: unknown): { files: number; formats: string; paths: string[] } {
  const o = obj(v);
  const paths = (o ? arr(o.paths) : arr(v)).map(sourceName).filter((s): s is string => Boolean(s));
  const files = num(o?.files) ?? paths.length;
  const formats = obj(o?.formats);
  const FORMAT_NAMES: Record<string, string> = { bedrock: 'Bedrock invocation logs', openai: 'OpenAI-style gateway logs', csv: 'CSV usage exports' };
  const fmt = formats ? Object.keys(formats).map((k) => FORMAT_NAMES[k] ?? k).join(', ') : '';
  return { files, formats: fmt, paths };
}

/**
 * One line saying where the figures come from, the long list (log paths,
 * input files) folded below it.
 */
function dataSources(a: Obj | undefined, evals: EvalInput[], calibrate: Obj | undefined, costs: Obj | undefined, opts: RenderOptions): SafeHtml {
  const parts: string[] = [];
  let paths: string[] = [];
  let files = 0;
  if (a) {
    const src = readSources(a.sources);
    paths = src.paths;
    files = src.files;
    parts.push(`${isSample(a) ? 'bundled sample traffic logs (synthetic)' : 'traffic logs'}: ${fmtCount(src.files)} file${src.files === 1 ? '' : 's'}${src.formats ? ` of ${src.formats}` : ''}`);
  }
  if (evals.length) parts.push(`golden-dataset evals (${evals.length} result set${evals.length === 1 ? '' : 's'}${evals.some(isSample) ? ', bundled sample recordings' : ''})`);
  if (calibrate) parts.push(`routing calibration${isSample(calibrate) ? ' (bundled sample recordings)' : ''}`);
  if (costs) parts.push('AWS Cost Explorer bill');
  const line = parts.length ? `${parts.join('; ')}.` : '—';
  const inputs = opts.inputFiles ?? [];
  if (paths.length === 0 && inputs.length === 0) return html`${line}`;
  const listed = paths.length < files ? ` (the first ${paths.length} of ${fmtCount(files)})` : '';
  return html`${line}<details class="sources"><summary>Show the files</summary>${
    paths.length ? html`<p>Log files${listed}:</p><ul>${paths.map((p) => html`<li><code>${p}</code></li>`)}</ul>` : ''
  }${inputs.length ? html`<p>This page was built from:</p><ul>${inputs.map((f) => html`<li><code>${f}</code></li>`)}</ul>` : ''}</details>`;
}

function headerMeta(a: Obj | undefined, costs: Obj | undefined, evals: EvalInput[], calibrate: Obj | undefined, opts: RenderOptions): [string, string | SafeHtml][] {
  const meta: [string, string | SafeHtml][] = [];
  const traffic = period(a);
  const bill = period(costs);
  if (traffic && bill && traffic !== bill) meta.push(['Period', `logs ${traffic}; bill ${bill}`]);
  else meta.push(['Period', traffic ?? bill ?? 'not stated in the inputs']);
  meta.push(['Data sources', dataSources(a, evals, calibrate, costs, opts)]);
  const catalog = str(a?.catalogVersion) ?? str(calibrate?.catalogVersion) ?? str(obj(obj(calibrate?.policy)?.provenance)?.catalogVersion) ?? str(costs?.catalogVersion);
  meta.push(['Price list', catalog ?? 'not stated']);
  const tiers = arr(a?.tiers).map(obj).filter((t): t is Obj => t !== undefined);
  if (tiers.length) meta.push(['Model tiers', tiers.map((t) => `${firstStr(t, ['name', 'tier']) ?? '?'} = ${firstStr(t, ['model']) ?? '?'}`).join(' · ')]);
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
  const analyze = inputs.analyze === undefined ? undefined : expect(inputs.analyze, ['analyze'], 'analyze');
  const evals = inputs.eval ?? [];
  const calibrate = inputs.calibrate;
  const costs = inputs.costs;
  if (!analyze && evals.length === 0 && !calibrate && !costs) throw new InputError('nothing to report: give at least one of analyze, eval, calibrate or costs');
  const qualityProven = evals.length > 0 || calibrate !== undefined;
  const ctx = new RenderContext(qualityProven);
  const sections: SafeHtml[] = [];
  if (analyze) sections.push(await analyzeSection(analyze, ctx, inputs.analyzeCaches));
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
export function renderAnalyzeHtml(json: unknown, opts: RenderOptions = {}, checked: Pick<ReportInputs, 'reconciliation' | 'analyzeCaches'> = {}): Promise<string> {
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
