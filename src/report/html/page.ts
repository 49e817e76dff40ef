/**
 * The page shell and its building blocks: sections, figures (chart + table +
 * one-line reading), tables. All text goes through the escaping `html` tag. Pure.
 */
import type { RenderedChart } from './charts.js';
import { FONT } from './charts.js';
import { html, join, prose, trusted, type SafeHtml } from './html.js';

/**
 * Nothing may load or run: no scripts at all, styles only inline, images only
 * as data: URIs. Even if escaping failed somewhere, injected markup could not
 * execute or phone home.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #e5e7eb; --panel: #f9fafb; --accent: #3d5a80; --warn: #b45309; --good: #047857; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: ${FONT}; color: var(--ink); background: #fff; font-size: 15px; line-height: 1.45; }
main { max-width: 1140px; margin: 0 auto; padding: 24px 28px 48px; }
header.report { border-bottom: 2px solid var(--ink); padding-bottom: 16px; margin-bottom: 8px; }
header.report h1 { font-size: 26px; margin: 0 0 6px; letter-spacing: -0.01em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0 0; font-size: 13px; color: var(--muted); }
dl.meta dt { font-weight: 600; color: var(--ink); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.headline { margin: 16px 0 4px; padding: 14px 18px; border-left: 6px solid var(--accent); background: var(--panel); }
.headline p.claim { font-size: 22px; font-weight: 700; margin: 0 0 4px; }
.headline p.detail { margin: 0; color: var(--muted); font-size: 14px; }
.headline.unproven { border-left-color: var(--warn); }
.headline.unproven p.claim { color: var(--warn); }
.headline ul.caveats { margin: 8px 0 0; padding-left: 18px; color: var(--warn); font-size: 14px; font-weight: 600; }
.badge { display: inline-block; vertical-align: middle; font-size: 13px; font-weight: 700; letter-spacing: 0.02em; text-transform: uppercase; color: #fff; background: var(--warn); border-radius: 4px; padding: 2px 8px; margin-right: 6px; }
details.sources { margin-top: 2px; }
details.sources summary { cursor: pointer; color: var(--accent); }
details.sources ul { margin: 4px 0 6px; padding-left: 18px; }
details.sources p { margin: 4px 0 0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin: 18px 0 4px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.kpi .v { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
.kpi .k { font-size: 12px; color: var(--muted); }
section.part { margin-top: 34px; }
section.part > h2 { font-size: 20px; margin: 0 0 4px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
section.part > p.intro { color: var(--muted); margin: 6px 0 0; font-size: 14px; }
figure.fig { margin: 22px 0 0; }
figure.fig h3 { font-size: 16px; margin: 0 0 2px; }
figure.fig p.reading { margin: 0 0 10px; font-size: 14px; }
.fig-body { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 18px; align-items: start; }
.fig-body.wide { grid-template-columns: minmax(0, 1fr); }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 0 24px; }
.chart svg { display: block; max-width: 100%; height: auto; }
.notes { font-size: 12px; color: var(--muted); margin: 8px 0 0; padding-left: 18px; }
table.data { border-collapse: collapse; width: 100%; margin-bottom: 10px; font-size: 13px; font-variant-numeric: tabular-nums; }
table.data caption { text-align: left; font-size: 12px; color: var(--muted); padding-bottom: 4px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
table.data td:not(.num) { min-width: 5.5em; }
table.data th { font-weight: 600; background: var(--panel); overflow-wrap: normal; }
table.data td.num, table.data th.num { text-align: right; }
table.data td.num, table.data td.nowrap { white-space: nowrap; }
table.data tr.more td { color: var(--muted); font-style: italic; }
table.data tr.em td { font-weight: 700; }
.warn { color: var(--warn); }
.callout { border: 1px solid #f3d19c; background: #fffbeb; padding: 8px 12px; border-radius: 6px; font-size: 14px; margin-top: 12px; }
footer.report { margin-top: 40px; border-top: 1px solid var(--line); padding-top: 10px; font-size: 12px; color: var(--muted); }
footer.report ul { padding-left: 18px; margin: 6px 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; overflow-wrap: anywhere; }
@media (max-width: 900px) { .fig-body { grid-template-columns: minmax(0, 1fr); } main { padding: 16px; } }
@page { margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  table.data { font-size: 8.5pt; }
  table.data th, table.data td { padding: 3px 5px; overflow-wrap: break-word; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .fig-body { grid-template-columns: minmax(0, 1fr); gap: 8px; }
  .chart svg { max-height: 120mm; width: auto; }
  section.part { break-before: page; margin-top: 0; }
  header.report + section.part { break-before: auto; margin-top: 24px; }
  figure.fig, .kpis, .headline, table.data tr { break-inside: avoid; }
  figure.fig h3, section.part > h2 { break-after: avoid; }
  table.data thead { display: table-header-group; }
  .headline { background: none; }
}
`;

export interface PageMeta {
  title: string;
  /** Label → value rows shown under the title (period, sources, catalog …). */
  meta: [string, string | SafeHtml][];
  headline?: SafeHtml;
  generator: string;
}

export function page(m: PageMeta, body: SafeHtml, footer: SafeHtml): string {
  const doc = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${m.generator}">
<link rel="icon" href="data:,">
<title>${m.title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<main>
<header class="report">
<h1>${m.title}</h1>
<dl class="meta">${m.meta.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${m.headline}
</header>
${body}
<footer class="report">${footer}</footer>
</main>
</body>
</html>
`;
  return doc.html;
}

export function section(id: string, title: string, intro: string | undefined, parts: SafeHtml[]): SafeHtml {
  return html`<section class="part" id="${id}"><h2>${title}</h2>${intro ? html`<p class="intro">${intro}</p>` : ''}${join(parts, '\n')}</section>`;
}

export interface FigureParts {
  id: string;
  title: string;
  /** One line computed from the data. */
  reading: string;
  chart?: RenderedChart;
  table: SafeHtml;
  notes?: string[];
  /** Put the table under the chart instead of beside it. */
  wide?: boolean;
}

export function figure(f: FigureParts): SafeHtml {
  const chart = f.chart
    ? html`<div class="chart" role="img" aria-label="${f.title}" data-chart="${f.id}">${trusted(f.chart.svg)}</div>`
    : '';
  const notes = f.notes?.length ? html`<ul class="notes">${f.notes.map((n) => html`<li>${prose(n)}</li>`)}</ul>` : '';
  return html`<figure class="fig" id="${f.id}"><h3>${f.title}</h3><p class="reading">${f.reading}</p><div class="fig-body${f.wide || !f.chart ? ' wide' : ''}">${chart}<div class="table-wrap">${f.table}</div></div>${notes}</figure>`;
}

export type Cell = string | { text: string; num?: boolean };

export interface Column {
  label: string;
  num?: boolean;
  /** Short codes (Regions, dates): kept on one line. */
  nowrap?: boolean;
}

/** A data table; rows beyond `maxRows` are cut and counted in a last row. */
export function table(columns: Column[], rows: Cell[][], opts: { caption?: string; maxRows?: number; emphasize?: (rowIndex: number) => boolean } = {}): SafeHtml {
  const max = opts.maxRows ?? 25;
  const shown = rows.slice(0, max);
  const hidden = rows.length - shown.length;
  const body = shown.map(
    (r, i) =>
      html`<tr${opts.emphasize?.(i) ? trusted(' class="em"') : ''}>${r.map((c, j) => {
        const text = typeof c === 'string' ? c : c.text;
        const isNum = typeof c === 'string' ? columns[j]?.num : (c.num ?? columns[j]?.num);
        return isNum ? html`<td class="num">${text}</td>` : columns[j]?.nowrap ? html`<td class="nowrap">${text}</td>` : html`<td>${text}</td>`;
      })}</tr>`,
  );
  const more = hidden > 0 ? html`<tr class="more"><td colspan="${columns.length}">… ${hidden.toLocaleString('en-US')} more row${hidden === 1 ? '' : 's'} not shown</td></tr>` : '';
  return html`<table class="data">${opts.caption ? html`<caption>${opts.caption}</caption>` : ''}<thead><tr>${columns.map((c) => (c.num ? html`<th class="num" scope="col">${c.label}</th>` : html`<th scope="col">${c.label}</th>`))}</tr></thead><tbody>${body}${more}</tbody></table>`;
}

export function kpis(items: [string, string][]): SafeHtml {
  return html`<div class="kpis">${items.map(([k, v]) => html`<div class="kpi"><div class="v">${v}</div><div class="k">${k}</div></div>`)}</div>`;
}

export function callout(text: string): SafeHtml {
  return html`<p class="callout">${prose(text)}</p>`;
}
