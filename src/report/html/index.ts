/**
 * tokor's HTML report: one self-contained page (no scripts, no network, charts
 * as inline SVG rendered at generation time) built from the JSON of analyze,
 * eval, calibrate and costs. Every renderer is pure and returns the HTML text.
 */
import { InputError } from '../../errors.js';
import { VERSION } from '../../version.js';
import { buildHeadline, type Headline } from './headline.js';
import { html, join, prose, type SafeHtml } from './html.js';
import { detectKind, type InputKind } from './inputs.js';
import { page } from './page.js';
import { arr, firstStr, num, obj, str, type Obj } from './read.js';
import { analyzeSection } from './sections/analyze.js';
import { calibrateSection } from './sections/calibrate.js';
import { RenderContext } from './sections/context.js';
import { billSection } from './sections/costs.js';
import { evalSection } from './sections/eval.js';

export { detectKind, parseAnalyzeInput, parseCalibrateInput, parseCostsInput, parseEvalInputs, summarizeEvalResults, type InputKind } from './inputs.js';
export { buildHeadline, type Headline } from './headline.js';
export { escapeHtml } from './escape.js';
export { CSP } from './page.js';

export interface ReportInputs {
  /** `tokor analyze --format json`. */
  analyze?: unknown;
  /** Eval summaries (`tokor eval --format json`), or summaries from summarizeEvalResults(). */
  eval?: unknown[];
  /** `tokor calibrate --format json` (a sweep with pick/baselines/curve, or an --apply result). */
  calibrate?: unknown;
  /** `tokor costs --format json`. */
  costs?: unknown;
}

export interface RenderOptions {
  title?: string;
  /** Shown in the header; omitted when absent so that output is reproducible. */
  generatedAt?: string;
  /** The input files the page was built from, listed in the footer. */
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
  const start = firstStr(p, ['start', 'from']);
  const end = firstStr(p, ['end', 'to']);
  return start || end ? `${start ?? '?'} → ${end ?? '?'}` : undefined;
}

function sourceName(s: unknown): string | undefined {
  return str(s) ?? firstStr(obj(s), ['path', 'file', 'uri', 'name', 'location']);
}

/** sources is a list of paths (or objects), or analyze's {files, paths, formats, bytesRead}. */
function describeSources(v: unknown): string {
  const o = obj(v);
  const paths = (o ? arr(o.paths) : arr(v)).map(sourceName).filter((s): s is string => Boolean(s));
  const files = num(o?.files) ?? paths.length;
  const formats = obj(o?.formats);
  const fmt = formats ? Object.entries(formats).map(([k, n]) => `${k} ${str(n) ?? '?'}`).join(', ') : '';
  if (files === 0 && !paths.length) return 'traffic logs (tokor analyze)';
  return `traffic logs: ${files} file${files === 1 ? '' : 's'}${fmt ? ` (${fmt})` : ''}${paths.length ? ` — ${listCapped(paths, 3)}` : ''}`;
}

function listCapped(items: string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function headerMeta(a: Obj | undefined, costs: Obj | undefined, evals: Obj[], calibrate: Obj | undefined, opts: RenderOptions): [string, string][] {
  const meta: [string, string][] = [];
  const traffic = period(a);
  const bill = period(costs);
  if (traffic && bill && traffic !== bill) meta.push(['Period', `logs ${traffic}; bill ${bill}`]);
  else meta.push(['Period', traffic ?? bill ?? 'not stated in the inputs']);
  const inputs: string[] = [];
  if (a) inputs.push(describeSources(a.sources));
  if (evals.length) inputs.push(`golden-dataset evals (${evals.length} result set${evals.length === 1 ? '' : 's'})`);
  if (calibrate) inputs.push('routing calibration');
  if (costs) inputs.push('AWS Cost Explorer');
  meta.push(['Data sources', inputs.join('; ') || '—']);
  const catalog = str(a?.catalogVersion) ?? str(calibrate?.catalogVersion) ?? str(obj(obj(calibrate?.policy)?.provenance)?.catalogVersion) ?? str(costs?.catalogVersion);
  meta.push(['Price catalog', catalog ?? 'not stated']);
  const tiers = arr(a?.tiers).map(obj).filter((t): t is Obj => t !== undefined);
  if (tiers.length) meta.push(['Tier ladder', tiers.map((t) => `${firstStr(t, ['name', 'tier']) ?? '?'} = ${firstStr(t, ['model']) ?? '?'}`).join(' · ')]);
  if (opts.generatedAt) meta.push(['Generated', `${opts.generatedAt} by tokor ${VERSION}`]);
  return meta;
}

function headlineHtml(h: Headline): SafeHtml {
  const cls = h.kind === 'proven' ? 'headline' : 'headline unproven';
  return html`<div class="${cls}" data-headline="${h.kind}"><p class="claim">${h.claim}</p><p class="detail">${prose(h.detail)}</p></div>`;
}

function footer(opts: RenderOptions, qualityProven: boolean): SafeHtml {
  return html`<ul>
<li>Prices per 1M tokens from the price catalog named above; models without a price are listed, never priced at $0.</li>
<li>Intervals are 95% confidence intervals (Wilson for proportions unless the input says otherwise).</li>
${qualityProven ? '' : html`<li><strong>Quality unproven:</strong> no eval or calibration results were included, so savings figures are ceilings, not promises.</li>`}
${opts.inputFiles?.length ? html`<li>Built from: ${opts.inputFiles.map((f, i) => html`${i ? ', ' : ''}<code>${f}</code>`)}.</li>` : ''}
</ul>
<p>Generated by tokor — a self-contained page: no scripts, no network access, charts drawn at generation time.</p>`;
}

/** The whole report from any subset of the four inputs (at least one). */
export async function renderReportHtml(inputs: ReportInputs, opts: RenderOptions = {}): Promise<string> {
  const analyze = inputs.analyze === undefined ? undefined : expect(inputs.analyze, ['analyze'], 'analyze');
  const evals = (inputs.eval ?? []).map((e) => expect(e, ['eval-summary'], 'eval summary'));
  const calibrate = inputs.calibrate === undefined ? undefined : expect(inputs.calibrate, ['calibrate', 'calibrate-apply'], 'calibrate');
  const costs = inputs.costs === undefined ? undefined : expect(inputs.costs, ['costs'], 'costs');
  if (!analyze && evals.length === 0 && !calibrate && !costs) throw new InputError('nothing to report: give at least one of analyze, eval, calibrate or costs');
  const qualityProven = evals.length > 0 || calibrate !== undefined;
  const ctx = new RenderContext(qualityProven);
  const sections: SafeHtml[] = [];
  if (analyze) sections.push(await analyzeSection(analyze, ctx));
  if (evals.length) sections.push(await evalSection(evals, ctx));
  if (calibrate) sections.push(await calibrateSection(calibrate, ctx));
  const bill = await billSection(analyze, costs, ctx);
  if (bill) sections.push(bill);
  for (const w of ctx.warnings) opts.onWarning?.(w);
  const headline = buildHeadline({ analyze, evals, calibrate, costs });
  return page(
    { title: opts.title ?? 'tokor report', meta: headerMeta(analyze, costs, evals, calibrate, opts), headline: headlineHtml(headline), generator: `tokor ${VERSION}` },
    join(sections, '\n'),
    footer(opts, qualityProven),
  );
}

/** A page of `tokor analyze` alone (for `analyze --format html`). */
export function renderAnalyzeHtml(json: unknown, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml({ analyze: json }, { title: 'tokor analyze', ...opts });
}

/** A page of `tokor eval` alone (for `eval --format html`). */
export function renderEvalHtml(json: unknown, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml({ eval: [json] }, { title: 'tokor eval', ...opts });
}

/** A page of `tokor calibrate` alone (for `calibrate --format html`). */
export function renderCalibrateHtml(json: unknown, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml({ calibrate: json }, { title: 'tokor calibrate', ...opts });
}

/** A page of `tokor costs` alone (for `costs --format html`). */
export function renderCostsHtml(json: unknown, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml({ costs: json }, { title: 'tokor costs', ...opts });
}
