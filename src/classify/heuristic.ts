/**
 * The heuristic difficulty labeler: a documented, fixed linear score over cues
 * a reader can check, squashed to [0,1]. It needs no training data, so it is
 * what `tokor analyze` uses until `tokor calibrate --out-router` trains one on
 * the user's own eval results. See docs/labeling.md.
 *
 *   z = −1.7
 *       + 2.0 × length      (context size: 0 at ≤150 tokens, 1 at ≥8,000, log scale)
 *       + 1.3 × code        (code fences, stack traces, code keywords)
 *       + 1.7 × reasoning   (multi-step cues: prove, derive, step by step, trade-offs …; 0–1 by count)
 *       + 0.8 × longOutput  (asks for an essay/report/detailed analysis, or max tokens ≥ 4,000)
 *       + 0.6 × depth       (conversation depth: 0 for one turn, 1 at ≥ 11 messages)
 *       − 1.6 × routine     (classify, extract, label, translate, yes/no, one word …; 0–1 by count)
 *   score = 1 / (1 + e^−z);  easy < 0.35 ≤ moderate < 0.65 ≤ hard
 */
import type { Difficulty, DifficultyLabel } from '../types.js';
import type { LabelInput, Labeler } from './types.js';

const HEURISTIC_THRESHOLDS = { moderate: 0.35, hard: 0.65 } as const;

const WEIGHTS = { bias: -1.7, length: 2.0, code: 1.3, reasoning: 1.7, longOutput: 0.8, depth: 0.6, routine: -1.6 } as const;

// The cues, one regex alternative per entry, over lower-cased text. Word cues
// match between word boundaries; code marks match anywhere.
const REASONING_CUES = [
  'step[- ]by[- ]step', 'prove', 'proof', 'derive', 'derivation', 'reason(?:ing)? through', 'explain why', 'why does',
  'analy[sz]e', 'evaluate', 'compare', 'trade-?offs?', 'design (?:a|an|the)', 'architect', 'plan (?:a|an|the)',
  'optimi[sz]e', 'debug', 'root cause', 'calculate', 'compute', 'estimate', 'how many', 'probability', 'multi-step',
  'implications', 'strategy', 'refactor', 'implement',
];
const ROUTINE_CUES = [
  'classify', 'categori[sz]e', 'which category', 'label (?:this|the)', 'extract', 'sentiment', 'yes or no', 'one word',
  'single word', 'translate', 'tag (?:this|the)', 'fix (?:the )?typos?', 'spell(?:ing)?', 'rephrase', 'reword', 'tl;?dr',
  'one sentence', 'short answer', 'intent', 'is this (?:spam|positive|negative)',
];
const LONG_OUTPUT_CUES = ['essay', 'report', 'detailed', 'comprehensive', 'in[- ]depth', 'thorough', 'write a (?:long|full|complete)', 'full implementation'];
const CODE_CUES = [
  String.raw`def \w`, 'function', String.raw`class \w`, String.raw`import \w`, String.raw`const \w+ =`, 'select .{1,200}? from',
  String.raw`traceback \(most recent call last\)`, 'exception', 'stack trace',
];
const CODE_MARKS = ['```', '=>', '#include'];

// One regex finds every cue; the match's group sorts it into its family (one
// pass: four separate scans cost four times as much on GB-sized logs). It runs
// sticky, only where a cue can start (see scanCues).
const CUES_SOURCE = String.raw`\b(?:(${REASONING_CUES.join('|')})|(${ROUTINE_CUES.join('|')})|(${LONG_OUTPUT_CUES.join('|')})|(${CODE_CUES.join('|')}))\b|(${CODE_MARKS.join('|')})`;
const CUES = new RegExp(CUES_SOURCE, 'y');
/**
 * The same cues, ignoring case: on plain ASCII text this matches exactly where
 * CUES matches the lower-cased text (without the u flag, /i folds only the
 * ASCII letters here and leaves \w and \b alone), so the prompt need not be
 * lower-cased first (see promptCues).
 */
const CUES_ANY_CASE = new RegExp(CUES_SOURCE, 'iy');

// ---- Where a cue can start -------------------------------------------------
// A global scan with CUES tries the whole alternation at every character; that
// was most of the labeler's time. countCues finds the few places where a match
// can start with a byte loop and runs CUES (sticky) only there.

/**
 * The texts every match of a cue alternative starts with: its leading literal
 * characters and [classes], expanded, up to the first group, escape, wildcard
 * or repetition ('in[- ]depth' → 'in-depth', 'in depth'; 'tl;?dr' → 'tl;dr',
 * 'tldr'; 'design (?:a|an|the)' → 'design '; 'def \w' → 'def ').
 */
function cueHeads(alternative: string): string[] {
  let heads = [''];
  let i = 0;
  while (i < alternative.length) {
    let options: string;
    let next: number;
    if (alternative[i] === '[') {
      next = alternative.indexOf(']', i) + 1;
      options = alternative.slice(i + 1, next - 1);
      if (next === 0 || /[\\^]|.-./.test(options)) throw new Error(`cue ${alternative}: only plain [classes] are read`);
    } else if (alternative[i] === '|') throw new Error(`cue ${alternative}: one alternative per entry`);
    else if ('\\^$.?*+(){}]'.includes(alternative[i]!)) break;
    else {
      options = alternative[i]!;
      next = i + 1;
    }
    const quantifier = alternative[next];
    if (quantifier === '*' || quantifier === '+' || quantifier === '{') break;
    const choices = quantifier === '?' ? ['', ...options] : [...options];
    heads = heads.flatMap((head) => choices.map((c) => head + c));
    i = quantifier === '?' ? next + 1 : next;
  }
  return heads;
}

/** A byte's kind for the scan: part of a word (JavaScript's \w: ASCII letters, digits, '_'), the first byte of a code mark, or neither. */
const WORD = 1;
const MARK = 2;
const BYTE_KIND = new Uint8Array(256);
for (let c = 0; c < 128; c++) if (/\w/.test(String.fromCharCode(c))) BYTE_KIND[c] = WORD;

/**
 * The heads, as bytes, in groups: WORD_HEADS holds a group's number by a
 * word's first three bytes, MARK_HEADS by a mark's first byte; 0 is none. The
 * three-byte key keeps five bits of each byte (a 32 KB table, small enough to
 * stay in cache), so different bytes can share a key: headAt compares them all.
 */
const HEAD_GROUPS: Head[][] = [[]];
const WORD_HEADS = new Uint8Array(32 * 32 * 32);
const MARK_HEADS = new Uint8Array(256);

/**
 * A head: its bytes, and its first four (fewer if it is shorter) as one
 * little-endian number with a mask of the bytes it has, so headAt rejects most
 * places with one comparison.
 */
interface Head {
  bytes: Uint8Array;
  first: number;
  mask: number;
}

/** The key of a word that starts with the four bytes x (read little-endian): five bits of each of the first three. */
function wordKey(x: number): number {
  return ((x & 31) << 10) | ((x >> 3) & (31 << 5)) | ((x >> 16) & 31);
}

function addHeads(alternatives: readonly string[], table: Uint8Array, keyBytes: number, keyOf: (head: Uint8Array) => number): void {
  for (const alternative of alternatives) {
    for (const head of cueHeads(alternative)) {
      if (head.length < keyBytes || /[^\x00-\x7f]/.test(head)) throw new Error(`cue ${alternative}: needs ${keyBytes} plain ASCII characters first`);
      const bytes = Uint8Array.from(head, (c) => c.charCodeAt(0));
      const key = keyOf(bytes);
      if (table[key] === 0) table[key] = HEAD_GROUPS.push([]) - 1;
      let first = 0;
      let mask = 0;
      for (let k = 0; k < Math.min(bytes.length, 4); k++) {
        first |= bytes[k]! << (8 * k);
        mask |= 0xff << (8 * k);
      }
      HEAD_GROUPS[table[key]!]!.push({ bytes, first, mask });
    }
  }
}
addHeads([...REASONING_CUES, ...ROUTINE_CUES, ...LONG_OUTPUT_CUES, ...CODE_CUES], WORD_HEADS, 3, (head) => wordKey(head[0]! | (head[1]! << 8) | (head[2]! << 16)));
addHeads(CODE_MARKS, MARK_HEADS, 1, (head) => head[0]!);
for (const mark of CODE_MARKS) BYTE_KIND[mark.charCodeAt(0)] = MARK;
if (HEAD_GROUPS.length > 256) throw new Error('too many cue head groups for a byte');

/** Byte maps for headAt: SAME compares bytes as they are, LOWER as lower-case (for a text scanned without lower-casing it). */
const SAME = Uint8Array.from({ length: 256 }, (_, c) => c);
const LOWER = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c));

/**
 * Whether one of the heads starts at `at`; `x` is the four bytes from `at`
 * (read little-endian, lower-cased as `fold` does). A head that would run past
 * `end` never matches: the byte at `end` is 0, which no head has.
 */
function headAt(bytes: Uint8Array, x: number, at: number, end: number, heads: readonly Head[], fold: Uint8Array): boolean {
  for (let i = 0; i < heads.length; i++) {
    const head = heads[i]!;
    if ((x & head.mask) !== head.first) continue;
    const h = head.bytes;
    if (at + h.length > end) continue;
    let k = 4;
    while (k < h.length && fold[bytes[at + k]!] === h[k]) k++;
    if (k >= h.length) return true;
  }
  return false;
}

/**
 * The four bytes x with 'A'…'Z' made lower-case: b + 0x3f reaches 0x80 from
 * b = 0x41, and b + 0x25 stays below it up to b = 0x5a; that top bit, shifted
 * to 0x20, is the case bit. Bytes below 0x80 carry into no other byte (stale
 * bytes past the text's 0 can, but only into bytes further on).
 */
function lowerCaseFour(x: number): number {
  return x | (((x + 0x3f3f3f3f) & ~(x + 0x25252525) & ALL_FOUR) >>> 2);
}

/** How much of the prompt the cue scan reads: instructions sit at the start and the end. */
const HEAD_CHARS = 1200;
const TAIL_CHARS = 300;

const ENCODER = new TextEncoder();
/**
 * The text as bytes, one per UTF-16 unit: ASCII as itself, anything else 128
 * (neither a word byte nor in any head), then a 0 that ends the last word.
 * Reused; the bytes after that 0 are stale (what the lookahead of a key or of
 * wordEnd reads at the very end; it never decides anything past the 0).
 */
let scratch = new Uint8Array(4096);
let scratchView = new DataView(scratch.buffer);
/** scratch from the prompt's tail on (see promptCues): a view made once, not per prompt. */
let scratchTail = scratch.subarray(HEAD_CHARS + 1);

function asciiBytes(text: string): Uint8Array {
  const n = text.length;
  if (scratch.length < n + 4) {
    scratch = new Uint8Array(2 * n + 4);
    scratchView = new DataView(scratch.buffer);
    scratchTail = scratch.subarray(HEAD_CHARS + 1);
  }
  // UTF-8 is the ASCII bytes themselves exactly when the text is all ASCII
  // (the common case, and the encoder is native); otherwise one unit at a time.
  if (!writeAscii(text, scratch)) {
    for (let i = 0; i < n; i++) scratch[i] = Math.min(text.charCodeAt(i), 128);
  }
  scratch[n] = 0;
  return scratch;
}

/** Writes the text into `into` as UTF-8; true when all of it fit at one byte per unit (it is all ASCII), else fall back. */
function writeAscii(text: string, into: Uint8Array): boolean {
  const { read, written } = ENCODER.encodeInto(text, into);
  return read === text.length && written === read;
}

/**
 * Where the word running through `at` ends: four letters at a time (most of a
 * word), then byte by byte. Setting 0x20 in each byte makes 'A'…'Z' into
 * 'a'…'z' and no other byte into a letter ('@' and '['…'_' land outside
 * 'a'…'z'), so capitals stay on the fast path in a text that was not lower-cased.
 */
function wordEnd(bytes: Uint8Array, view: DataView, at: number): number {
  for (;;) {
    const letters = lowerCaseLetters(view.getInt32(at, true) | 0x20202020);
    if (letters !== ALL_FOUR) {
      // Little-endian: the byte at `at` is the lowest; count the letters before the first other byte.
      const other = ~letters & ALL_FOUR;
      at += (31 - Math.clz32(other & -other)) >> 3;
      break;
    }
    at += 4;
  }
  while (BYTE_KIND[bytes[at]!] === WORD) at++;
  return at;
}

const ALL_FOUR = 0x80808080 | 0;

/**
 * The top bit of each of four bytes that is 'a'…'z': b + 0x1f reaches 0x80
 * from b = 0x61, and b + 0x05 stays below it up to b = 0x7a. The text's bytes
 * are at most 128, so their sums carry into no other byte; the stale bytes
 * after its 0 can carry, but only into bytes further on, past the word's end.
 */
function lowerCaseLetters(x: number): number {
  return (x + 0x1f1f1f1f) & ~(x + 0x05050505) & ALL_FOUR;
}

export interface CueCounts {
  reasoning: number;
  routine: number;
  longOutput: boolean;
  code: boolean;
}

/**
 * Counts the cues in lower-cased text exactly as the global scan
 * `for (m = re.exec(text); m; m = re.exec(text))` with CUES did: the leftmost
 * match from where the last one ended, matches never overlapping.
 */
export function countCues(text: string): CueCounts {
  asciiBytes(text);
  return scanCues(text.length, false, text, text, text.length);
}

/**
 * The cue scan over scratch[0, n) (bytes from asciiBytes or promptCues).
 *
 * A match can start only (a) at a word's first character, for a word cue (it
 * starts with \b and a letter), or (b) at a code mark's first character
 * ('`', '=', '#'), and in either case only where the text goes on with one of
 * the cues' heads. So the loop walks the bytes, skips each word after its first
 * byte, and runs `cues` (sticky) at those places only; after a match it goes on
 * from the match's end, as the global scan does.
 *
 * The regex runs on `head` for places before `tailAt` and on `tail` (which
 * starts at `tailAt`) from there on; for one whole text both are the text. Two
 * pieces match as their join with a '\n' between would: no cue matches a '\n',
 * and \b sees the end (or start) of a piece as it sees a '\n'.
 */
function scanCues(n: number, anyCase: boolean, head: string, tail: string, tailAt: number): CueCounts {
  const fold = anyCase ? LOWER : SAME;
  const cues = anyCase ? CUES_ANY_CASE : CUES;
  let reasoning = 0;
  let routine = 0;
  let longOutput = false;
  let code = false;
  const bytes = scratch;
  let at = 0;
  while (at < n) {
    const kind = BYTE_KIND[bytes[at]!]!;
    if (kind === 0) {
      at++;
      continue;
    }
    // Here `at` is a word's first byte or a mark (a match's end inside a word skips the word's rest below).
    const four = scratchView.getInt32(at, true);
    const group = kind === WORD ? WORD_HEADS[wordKey(four)]! : MARK_HEADS[bytes[at]!]!;
    if (group !== 0 && headAt(bytes, anyCase ? lowerCaseFour(four) : four, at, n, HEAD_GROUPS[group]!, fold)) {
      const offset = at < tailAt ? 0 : tailAt;
      cues.lastIndex = at - offset;
      const m = cues.exec(offset === 0 ? head : tail);
      if (m !== null) {
        if (m[1] !== undefined) reasoning++;
        else if (m[2] !== undefined) routine++;
        else if (m[3] !== undefined) longOutput = true;
        else code = true;
        at = cues.lastIndex + offset;
        if (BYTE_KIND[bytes[at - 1]!] === WORD) at = wordEnd(bytes, scratchView, at);
        continue;
      }
    }
    at = kind === WORD ? wordEnd(bytes, scratchView, at + 1) : at + 1;
  }
  return { reasoning, routine, longOutput, code };
}

/**
 * countCues of the lower-cased head + '\n' + tail of the prompt (all of it
 * when short), without building that text: when the prompt's part is plain
 * ASCII, its bytes go straight into scratch and the scan folds case itself
 * (anyCase: LOWER, lowerCaseFour, CUES_ANY_CASE). Otherwise lower-casing can change the text's length
 * ('İ' becomes two units), so such a prompt takes the exact way.
 */
function promptCues(prompt: string): CueCounts {
  if (prompt.length <= HEAD_CHARS + TAIL_CHARS) {
    const n = prompt.length;
    if (writeAscii(prompt, scratch)) {
      scratch[n] = 0;
      return scanCues(n, true, prompt, prompt, n);
    }
    return countCues(prompt.toLowerCase());
  }
  const head = prompt.slice(0, HEAD_CHARS);
  const tail = prompt.slice(-TAIL_CHARS);
  if (writeAscii(head, scratch) && writeAscii(tail, scratchTail)) {
    const n = HEAD_CHARS + 1 + TAIL_CHARS;
    scratch[HEAD_CHARS] = 0x0a; // the '\n' between head and tail
    scratch[n] = 0;
    return scanCues(n, true, head, tail, HEAD_CHARS + 1);
  }
  return countCues(`${head}\n${tail}`.toLowerCase());
}

export interface HeuristicFeatures {
  length: number;
  code: number;
  reasoning: number;
  longOutput: number;
  depth: number;
  routine: number;
}

export function heuristicFeatures(input: LabelInput): HeuristicFeatures {
  const prompt = input.prompt ?? '';
  // Without a token count (bodies only), ~4 characters per token.
  const tokens = input.inputTokens && input.inputTokens > 0 ? input.inputTokens : Math.ceil((prompt.length + (input.system?.length ?? 0)) / 4);
  const length = clamp01(Math.log(Math.max(tokens, 1) / 150) / Math.log(8000 / 150));
  const cues = promptCues(prompt);
  const longOutput = cues.longOutput || (input.maxTokens ?? 0) >= 4000 ? 1 : 0;
  const code = cues.code || (prompt.length > HEAD_CHARS + TAIL_CHARS && prompt.includes('```')) ? 1 : 0;
  return {
    length,
    code,
    reasoning: Math.min(cues.reasoning, 3) / 3,
    longOutput,
    depth: clamp01(((input.turns ?? 1) - 1) / 10),
    routine: Math.min(cues.routine, 2) / 2,
  };
}

export function heuristicScore(f: HeuristicFeatures): number {
  const z =
    WEIGHTS.bias +
    WEIGHTS.length * f.length +
    WEIGHTS.code * f.code +
    WEIGHTS.reasoning * f.reasoning +
    WEIGHTS.longOutput * f.longOutput +
    WEIGHTS.depth * f.depth +
    WEIGHTS.routine * f.routine;
  return 1 / (1 + Math.exp(-z));
}

export function labelForScore(score: number): Difficulty {
  if (score >= HEURISTIC_THRESHOLDS.hard) return 'hard';
  if (score >= HEURISTIC_THRESHOLDS.moderate) return 'moderate';
  return 'easy';
}

export const heuristicLabeler: Labeler = {
  name: 'heuristic',
  label(input: LabelInput): DifficultyLabel {
    const score = heuristicScore(heuristicFeatures(input));
    return { label: labelForScore(score), score };
  },
  labelWithOneTurnScore(input: LabelInput): { label: DifficultyLabel; oneTurnScore: number } {
    // The cue scan once: without turns, only the depth feature changes (to 0).
    const f = heuristicFeatures(input);
    const score = heuristicScore(f);
    return { label: { label: labelForScore(score), score }, oneTurnScore: f.depth === 0 ? score : heuristicScore({ ...f, depth: 0 }) };
  },
};

function clamp01(x: number): number {
  return x < 0 ? 0 : Math.min(x, 1);
}
