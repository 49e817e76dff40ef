/** Text helpers shared by the grader families. Pure. */

/**
 * Normalized form for loose comparisons: Unicode NFKC, lower case, curly
 * quotes straightened, punctuation and symbols removed (letters, digits and
 * spaces kept; `-`, `_` and `/` become spaces), whitespace collapsed.
 */
export function normalizeText(s: string): string {
  // Already normal (a label such as `billing`, an expected answer once per item): as it is, no regex run.
  if (isNormalAscii(s)) return s;
  // Plain ASCII (most answers) takes the short road: NFKC leaves it as it is,
  // and its letters and digits are exactly [a-z0-9] once lower-cased.
  if (ASCII.test(s)) {
    return s
      .toLowerCase()
      .replace(/[-_/]/g, ' ')
      .replace(/[^a-z0-9\s]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  }
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’ʼ]/g, "'")
    .replace(/[-_/]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const ASCII = /^[\x00-\x7f]*$/;

/** Whether `s` is words of [a-z0-9] between single spaces, which normalizeText leaves as they are. */
function isNormalAscii(s: string): boolean {
  let afterSpace = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) afterSpace = false;
    else return false;
  }
  return s.length === 0 || !afterSpace;
}

/** The text form of an expected value: strings as-is, numbers/booleans via String, objects as JSON. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** An expected value that may be one answer or a list of acceptable answers. */
export function answersOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(textOf) : [textOf(v)];
}

/** Short quoted form for reasons. */
export function show(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > max ? `${one.slice(0, max - 1)}…` : one);
}

/** Word tokens for overlap metrics (normalized, articles kept unless asked). */
export function tokensOf(s: string, dropArticles = false): string[] {
  const t = normalizeText(s).split(' ').filter(Boolean);
  return dropArticles ? t.filter((w) => w !== 'a' && w !== 'an' && w !== 'the') : t;
}
