/**
 * Task clusters: the template signature of a request, so that traffic can be
 * sampled per kind of task (tokor label), estimated per kind (analyze
 * --labels) and compared with a golden set (drift). Pure.
 *
 * A signature is what stays the same between two requests made from the same
 * prompt template: the system prompt and the first words of the prompt, with
 * numbers, IDs, e-mail addresses, URLs, quoted spans and code masked, plus the
 * app and team tags where the log has them. Free text further into the prompt
 * (the ticket, the document, the user's question) does not enter it.
 */
import { fnv1a, fnv1aFinish, fnv1aState } from './features.js';
import { TextKeyMap } from './textKeyMap.js';

/** How many masked words of the prompt's start name its template. */
const SIGNATURE_HEAD_WORDS = 8;
/** How much of the system prompt enters the signature (masked), in characters. */
const SYSTEM_CHARS = 2000;

export interface SignatureInput {
  prompt?: string | undefined;
  system?: string | undefined;
  /** requestMetadata / gateway tags: `app` and `team` (or `application`) enter the signature. */
  tags?: Readonly<Record<string, string>> | undefined;
}

export interface TaskSignature {
  /** Stable key: 8 hex digits of a hash over the readable parts. */
  readonly key: string;
  /** A readable rendering: "app/team · system#abcd · first words …". */
  readonly text: string;
}

/** The masks of variable parts, in the order they apply (exported for the test that recomputes signatures the long way). */
export const MASKS: readonly (readonly [RegExp, string])[] = [
  [/```[\s\S]*?(?:```|$)/g, ' <code> '],
  [/https?:\/\/\S+/gi, ' <url> '],
  // Starts only where a run of address characters starts: the same matches (a run's first character is its
  // leftmost start), without retrying every position of a long run (quadratic on a 900-character word).
  [/(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+/g, ' <email> '],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, ' <id> '],
  [/\b(?=[a-z]*\d)[a-z0-9_-]{8,}\b/gi, ' <id> '],
  [/"[^"\n]{0,400}"|“[^”\n]{0,400}”|'[^'\n]{2,400}'|`[^`\n]{0,400}`/g, ' <q> '],
  [/[-+]?\$?\d[\d,]*(?:\.\d+)?%?/g, ' <n> '],
];

/**
 * Which masks can match at all: each needs a character the text may lack (checked with a cheap scan first,
 * so a text without '@' never runs the e-mail pattern). The placeholders contain none of these characters,
 * so a check on the text as masked so far is exact.
 */
const NEEDS: (((t: string) => boolean) | undefined)[] = [
  (t) => t.includes('```'),
  (t) => t.includes('://'),
  (t) => t.includes('@'),
  mayHoldUuid,
  (t) => DIGIT.test(t) && mayHoldDigitRun(t),
  undefined,
  (t) => DIGIT.test(t),
];
const DIGIT = /\d/;
/** The masks of IDs with a digit and of numbers (indexes into MASKS). */
const ID_MASK = 4;
const NUMBER_MASK = 6;
/** Whether a UTF-16 code unit is what a regular expression's \s matches (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * `text.replace(/\s+/g, ' ')`, written out: a run that is already one space is left in place, so a text
 * of words and single spaces comes back as it is, without a match (and a piece of string) per word.
 */
export function foldSpaces(text: string): string {
  let out = '';
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (!isSpace(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (c !== 32 || j !== i + 1) {
      out += `${text.slice(from, i)} `;
      from = j;
    }
    i = j;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Whether some '-' has 8 hex digits before it and another '-' 5 characters after (what every UUID has). */
export function mayHoldUuid(t: string): boolean {
  for (let i = t.indexOf('-', 8); i !== -1; i = t.indexOf('-', i + 1)) {
    if (t.charCodeAt(i + 5) !== 45) continue;
    let k = 1;
    while (k <= 8 && isHex(t.charCodeAt(i - k))) k++;
    if (k > 8) return true;
  }
  return false;
}

/** Whether a run of at least 8 of [A-Za-z0-9_-] holds a digit (what every match of the ID mask is). */
export function mayHoldDigitRun(t: string): boolean {
  let run = 0;
  let digit = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digit = true;
      run++;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 45) run++;
    else {
      run = 0;
      digit = false;
      continue;
    }
    if (digit && run >= 8) return true;
  }
  return false;
}

/** Masks the parts of a text that vary between uses of one template, lower-cased, whitespace folded. */
export function maskVariable(text: string): string {
  return foldSpaces(applyMasks(text.toLowerCase(), false)!).trim();
}

/** The mask of quoted spans (an index into MASKS), and the characters its matches open with. */
const QUOTE_MASK = 5;
const QUOTE_OPENER = /["“'`]/;

/**
 * MASKS applied in order to a lower-cased text. With `head`, the text is the head of a longer one, cut at a
 * space, and undefined says that the longer text's masking may differ within the head: an opening quote
 * left unmatched in the head (its match may close past the cut).
 */
function applyMasks(lower: string, head: boolean): string | undefined {
  let t = lower;
  // The digit masks need a digit; masking only takes characters away (placeholders have none): test once.
  const digits = DIGIT.test(t);
  for (let i = 0; i < MASKS.length; i++) {
    if (!digits && (i === ID_MASK || i === NUMBER_MASK)) continue;
    const need = NEEDS[i];
    if (need !== undefined && !need(t)) continue;
    const [re, ph] = MASKS[i]!;
    t = t.replace(re, ph);
    if (head && i === QUOTE_MASK && QUOTE_OPENER.test(t)) return undefined;
  }
  return t;
}

/** How much of the prompt the signature's words are taken from, in characters. */
const PROMPT_CHARS = 600;
/** Where promptHead first tries to cut the prompt (at the first space from here on). */
const HEAD_CUT_CHARS = 120;

/**
 * The first SIGNATURE_HEAD_WORDS words of maskVariable(prompt.slice(0, PROMPT_CHARS)), from as little of
 * the prompt as gives them: masking 600 characters to keep eight words was most of a signature's cost.
 *
 * The prompt is cut at a space; the masks of the head alone are those of the whole text within the head
 * when no match of the whole text spans the cut. No mask but two matches a space: a code block (the head
 * must hold no backtick, so none opens before the cut) and a quoted span (every quote the head opens must
 * close in it, checked after that mask). Every other mask stops at a space, looks at most one character
 * around its match, and a space there reads as the end of the text does (a non-word character). Lower-casing
 * the head gives the head of the lower-cased text (a final sigma is final before a space as at the end).
 * When a head has the words, they are the whole text's first words; otherwise the whole text is masked.
 */
export function promptHead(prompt: string): string {
  const text = promptText(prompt);
  const head = rawHead(text);
  const words = head === undefined ? undefined : headWords(head);
  return words ?? wholeWords(text);
}

/** The part of the prompt the signature's words are taken from. */
function promptText(prompt: string): string {
  return prompt.length > PROMPT_CHARS ? prompt.slice(0, PROMPT_CHARS) : prompt;
}

/** The text up to its first space from HEAD_CUT_CHARS on; undefined when there is none. */
function rawHead(text: string): string | undefined {
  const cut = text.length > HEAD_CUT_CHARS ? text.indexOf(' ', HEAD_CUT_CHARS) : -1;
  return cut === -1 ? undefined : text.slice(0, cut);
}

/**
 * The signature's words from a head alone (promptHead); undefined when the head cannot tell them. A
 * function of the head only: the memo of signatures by head (taskSignature) rests on that.
 */
function headWords(head: string): string | undefined {
  if (head.includes('`')) return undefined;
  const masked = applyMasks(head.toLowerCase(), true);
  if (masked === undefined) return undefined;
  const folded = foldSpaces(masked).trim();
  // Enough words: the head's own words end before its last space.
  const words = firstWords(folded, SIGNATURE_HEAD_WORDS);
  return words.length < folded.length ? words : undefined;
}

/** The signature's words from the whole text (when the head cannot tell them). */
function wholeWords(text: string): string {
  return firstWords(maskVariable(text), SIGNATURE_HEAD_WORDS);
}

/** The signature's parts that do not depend on the prompt, for one (app, team, system prompt). */
interface SignaturePrefix {
  /** fnv1a state (unfinished) over `app NUL team NUL masked-system NUL`. */
  state: number;
  /** The readable rendering's start: "app/team · system#abcd", the empty parts left out ('' when all are). */
  text: string;
  /**
   * The signatures of this prefix by the raw prompt head they come from (rawHead), null for a head that
   * cannot tell its words (headWords): a template's prompts open with the same words, and masking them
   * again on every request was most of what a signature cost.
   */
  byHead: TextKeyMap<TaskSignature | null>;
}

/**
 * Masking a system prompt (up to SYSTEM_CHARS) and a prompt's head is most of a signature's cost, and a
 * template's system prompt and opening words are the same on every request: memoized per (app, team,
 * system) and then per prompt head, MAX_MEMO entries of both kinds together per thread (all dropped when full).
 * Keyed by texts each request carries its own copy of: TextKeyMaps, which do not hash them.
 */
const PREFIXES = new TextKeyMap<Map<string, SignaturePrefix>>();
let memoEntries = 0;
const MAX_MEMO = 16384;

/** Counts one more memo entry; false when the memo was full and has been emptied (the entry is not kept). */
function roomInMemo(): boolean {
  if (memoEntries < MAX_MEMO) {
    memoEntries++;
    return true;
  }
  PREFIXES.clear();
  memoEntries = 0;
  return false;
}

function signaturePrefix(app: string, team: string, rawSystem: string): SignaturePrefix {
  // Keyed by the system text itself, then by app and team (length-prefixed: no app or team can pass for
  // another split of the same characters): no per-request copy of a system prompt into a longer key.
  const bySystem = PREFIXES.get(rawSystem);
  const tagKey = `${app.length}:${app}${team}`;
  let p = bySystem?.get(tagKey);
  if (p === undefined) {
    const system = rawSystem ? maskVariable(rawSystem) : '';
    const systemKey = system ? fnv1a(system).toString(16).padStart(8, '0').slice(0, 4) : '';
    // "app/team · system#abcd" (written out: the prefix is built once per template).
    let text = app && team ? `${app}/${team}` : app || team;
    if (systemKey) text = text ? `${text} · system#${systemKey}` : `system#${systemKey}`;
    p = { state: fnv1aState(`${app}\u0000${team}\u0000${system}\u0000`), text, byHead: new TextKeyMap() };
    if (roomInMemo()) {
      if (bySystem === undefined) PREFIXES.set(rawSystem, new Map([[tagKey, p]]));
      else bySystem.set(tagKey, p);
    }
  }
  return p;
}

/**
 * A copy of `s` that holds no reference to a longer string: a slice (a head of a prompt) kept as a memo key
 * would keep the whole prompt alive in V8. Concatenation then slicing flattens into a new string of s's
 * length + 1, which the result is then a slice of.
 */
function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}

/** The first `n` words of a masked text (words there are separated by single spaces, none at either end). */
function firstWords(masked: string, n: number): string {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = masked.indexOf(' ', at + 1);
    if (at === -1) return masked;
  }
  return masked.slice(0, at);
}

/**
 * The template signature of a request. Requests of one template get the same object (memoized): it is
 * shared, never to be changed.
 */
export function taskSignature(input: SignatureInput): TaskSignature {
  const tags = input.tags ?? {};
  const app = tags.app ?? tags.application ?? '';
  const team = tags.team ?? '';
  const prefix = signaturePrefix(app, team, input.system ? input.system.slice(0, SYSTEM_CHARS) : '');
  const text = promptText(input.prompt ?? '');
  const head = rawHead(text);
  if (head === undefined) return signatureOf(prefix, wholeWords(text));
  let sig = prefix.byHead.get(head);
  if (sig === undefined) {
    const words = headWords(head);
    sig = words === undefined ? null : signatureOf(prefix, words);
    if (roomInMemo()) prefix.byHead.set(ownCopy(head), sig);
  }
  // What promptHead gives: the head's words, else the whole text's.
  return sig ?? signatureOf(prefix, wholeWords(text));
}

/** The signature of a prefix and the prompt's words (promptHead). */
function signatureOf(prefix: SignaturePrefix, head: string): TaskSignature {
  // fnv1a(`${app}\0${team}\0${system}\0${head}`), continued from the memoized prefix.
  const key = fnv1aFinish(fnv1aState(head, prefix.state)).toString(16).padStart(8, '0');
  const tail = head ? `${head} …` : '(no prompt text)';
  return { key, text: prefix.text ? `${prefix.text} · ${tail}` : tail };
}
