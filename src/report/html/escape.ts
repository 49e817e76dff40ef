/**
 * HTML escaping for everything that comes from logs or input files: prompts,
 * model IDs, tags, team names, file names. Pure.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes a value for HTML text and for double- or single-quoted attribute
 * values alike, so one function serves both and no call site has to choose.
 * Control characters (except tab/newline) are dropped: they have no business
 * in a report and some break XML-ish consumers of the page.
 */
export function escapeHtml(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}
