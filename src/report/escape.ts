/**
 * Neutralizing data on its way out: text from logs, bills and results (model
 * IDs, team names, file names, reasons quoting a bad line) is untrusted. Every
 * renderer passes it through the one escaper of its format:
 * - terminal (table output, stderr notes): control characters and bidi
 *   overrides shown as visible escapes, so nothing moves the cursor, clears the
 *   screen, sets a hyperlink or reorders text;
 * - CSV: RFC 4180 quoting, and cells that a spreadsheet would run as a formula
 *   (=, +, -, @, tab, CR first) prefixed with an apostrophe;
 * - Markdown: pipes, emphasis, links, HTML and line breaks escaped.
 * Pure.
 */

// C0 controls, DEL, C1 controls; bidi embeddings/overrides/isolates; line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text safe to print on a terminal: every control character becomes a visible escape (ESC → \x1b, newline → \n). */
export function termSafe(s: string): string {
  return s.replace(UNSAFE_TERMINAL, visible);
}

/** A multi-line text safe to print: line breaks (and tabs) kept, every other control character made visible. */
export function termSafeText(s: string): string {
  return s.replace(UNSAFE_TERMINAL, (ch) => (ch === '\n' || ch === '\t' ? ch : visible(ch)));
}

// ---------------------------------------------------------------- CSV

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * One CSV cell (RFC 4180). Text a spreadsheet would evaluate (`=HYPERLINK(…)`,
 * `@SUM(…)`, `+1+1`, `-1+1`) gets a leading apostrophe, the OWASP advice;
 * plain numbers, including negative ones, are left as they are.
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of cells as CSV text (no trailing newline). */
export function csv(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n');
}

// ---------------------------------------------------------------- Markdown

/**
 * Text safe inside a Markdown paragraph, list item or table cell: one line,
 * no pipes that split a cell, no emphasis, links, headings or HTML from data.
 */
export function mdText(s: string): string {
  return termSafe(s.replace(/\r\n|\r|\n/g, ' ')).replace(/[\\`*_[\]<>|#~!]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

/**
 * Text as an inline code span: one line, fenced with more backticks than it
 * contains. In a table cell (`inTable`) pipes are escaped: GFM splits cells on
 * them even inside code, and unescapes `\|` there.
 */
export function mdCode(s: string, opts: { inTable?: boolean } = {}): string {
  let one = termSafe(s.replace(/\r\n|\r|\n/g, ' '));
  if (opts.inTable) one = one.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}
