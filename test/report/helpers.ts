/** Fixture loading and HTML checks shared by the report tests. */
import { parseCalibrateReportText, type CalibrateReportJson, type CalibrationReportJson } from '../../src/artifacts/calibrateReport.js';
import { readFileSync } from 'node:fs';
import { type AnalyzeReconciliation, type CostsReport, parseAnalyzeReconciliation, parseCostsReport } from '../../src/artifacts/costsReport.js';
import { type EvalSummaryJson, parseEvalSummary } from '../../src/artifacts/evalSummary.js';
import type { AnalyzeReportJson } from '../../src/artifacts/analyzeReport.js';
import { parseAnalyzeInput } from '../../src/artifacts/reportInputs.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'fixtures', 'report');

function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** An analyze fixture read through its contract (src/artifacts/analyzeReport.ts), as `tokor report --analyze` reads it. */
export function analyzeFixture(name: string): AnalyzeReportJson {
  return parseAnalyzeInput(fixtureText(name), name);
}

/** A costs fixture read through its contract (src/artifacts/costsReport.ts), as `tokor report --costs` reads it. */
export function costsFixture(name: string): CostsReport {
  return parseCostsReport(fixtureText(name), name);
}

/** An eval summary fixture read through its contract (src/artifacts/evalSummary.ts), as `tokor report --eval` reads it. */
export function evalSummaryFixture(name: string): EvalSummaryJson {
  return parseEvalSummary(fixture(name), { file: name, text: fixtureText(name) });
}

/** The reconciliation of an analyze fixture, checked as `tokor report --analyze` checks it. */
export function reconciliationOf(name: string): AnalyzeReconciliation {
  return parseAnalyzeReconciliation(fixture(name).reconciliation, { file: name, text: fixtureText(name) });
}

/** A calibrate report fixture, read as `tokor report --calibrate` reads it (checked with its schema). */
export function calibrateFixture(name: string): CalibrateReportJson {
  return parseCalibrateReportText(fixtureText(name), name);
}

/** A calibrate report fixture of a calibration (not an --apply). */
export function calibrationFixture(name: string): CalibrationReportJson {
  const c = calibrateFixture(name);
  if (c.kind !== 'calibrate') throw new Error(`${name} is not a calibration report`);
  return c;
}

/** The markers the hostile fixtures' payloads would set or show if they ever ran or became markup. */
export const PAYLOADS = [
  '<script>window.__tokorPwned=1;alert(1)</script>',
  '"><img src=x onerror="window.__tokorPwned=2;alert(2)">',
  '</svg><svg onload="window.__tokorPwned=3"><script>alert(3)</script>',
  "' onmouseover='window.__tokorPwned=4' x='",
  '</style><script>window.__tokorPwned=6</script><style>',
  '</title><iframe src="https://evil.example/x"></iframe>',
];

/** Elements the report may contain: page structure, tables and vega's SVG. */
const ALLOWED_TAGS = new Set(
  'html head meta link title style body main header h1 h2 h3 dl dt dd div p ul li strong code section figure table caption thead tbody tr th td footer details summary span svg g path rect line text defs clippath lineargradient stop circle tspan'.split(' '),
);

/**
 * Start tags and attribute names of an HTML string, found by a small tokenizer
 * that skips text, comments and quoted attribute values as browsers do.
 */
function scanTags(html: string): { tags: string[]; attributes: string[] } {
  const tags: string[] = [];
  const attributes: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const m = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(lt, lt + 64));
    if (!m) {
      i = lt + 1;
      continue;
    }
    const tag = m[1]!.toLowerCase();
    tags.push(tag);
    let j = lt + m[0].length;
    // Attributes until '>' (outside quotes).
    while (j < html.length && html[j] !== '>') {
      const a = /^[\s/]*([^\s"'>/=]+)(\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?/.exec(html.slice(j, j + 100000));
      if (!a || a[0].length === 0) {
        j++;
        continue;
      }
      attributes.push(a[1]!.toLowerCase());
      j += a[0].length;
    }
    i = j + 1;
    // Raw-text elements: skip to their end tag.
    if (tag === 'style' || tag === 'script' || tag === 'title') {
      const end = html.toLowerCase().indexOf(`</${tag}`, i);
      i = end < 0 ? html.length : end + 2;
    }
  }
  return { tags, attributes };
}

export function disallowedMarkup(html: string): string[] {
  const { tags, attributes } = scanTags(html);
  return [...tags.filter((t) => !ALLOWED_TAGS.has(t)).map((t) => `<${t}>`), ...attributes.filter((a) => a.startsWith('on') || a === 'src' || a === 'srcdoc' || a === 'formaction').map((a) => `@${a}`)];
}

/** The charts of the full-report fixture, in page order. */
export const FULL_REPORT_CHARTS = [
  'fig-distribution',
  'fig-waterfall',
  'fig-by-model',
  'fig-by-group-0',
  'fig-by-group-1',
  'fig-eval-0',
  'fig-eval-1',
  'fig-curve',
  'fig-reconciliation',
  'fig-costs-model',
  'fig-costs-kind',
  'fig-costs-period',
];
