/**
 * A tagged template that escapes every interpolated value unless it is
 * already SafeHtml. Everything in the page is built with it, so text from logs
 * cannot become markup by forgetting to escape it at one call site. Pure.
 */
import { escapeHtml } from './escape.js';

export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

function part(v: unknown): string {
  if (v instanceof SafeHtml) return v.html;
  if (Array.isArray(v)) return v.map(part).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(v);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/**
 * Marks trusted markup: only for our own constants and for SVG produced by
 * vega, which escapes the text it draws.
 */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export function join(parts: readonly SafeHtml[], sep = ''): SafeHtml {
  return new SafeHtml(parts.map((p) => p.html).join(sep));
}

/** Escaped text in which `backticked` spans become <code>, for our own sentences that name commands. */
export function prose(text: string): SafeHtml {
  return new SafeHtml(escapeHtml(text).replace(/&#96;(.*?)&#96;/g, '<code>$1</code>'));
}
