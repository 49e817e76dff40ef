/**
 * Prompt features for the trained difficulty router: hashed word n-grams and
 * character n-grams (the "hashing trick", signed to halve collision bias),
 * plus a few dense features (lengths, code, structure) and task/category
 * indicators. Pure and deterministic: the same input always gives the same
 * sparse vector, so a saved model scores identically anywhere.
 */
import type { LabelInput } from './types.js';

/** How text is turned into features; saved inside the model so scoring matches training. */
export interface FeatureSpec {
  /** Hashed text features live in [0, 2^hashBits). */
  hashBits: number;
  /** Word n-grams 1..wordNgrams. */
  wordNgrams: number;
  /** Character n-gram length (inside word boundaries); 0 disables. */
  charNgram: number;
  /** Only the first maxChars characters of the prompt are hashed (lengths still count all). */
  maxChars: number;
}

export const DEFAULT_FEATURE_SPEC: FeatureSpec = { hashBits: 16, wordNgrams: 2, charNgram: 3, maxChars: 4000 };

/** Dense features, in this order, appended after the hashed block (standardized by the model). */
export const DENSE_FEATURES = [
  'logChars',
  'logWords',
  'logLines',
  'digitRatio',
  'logNumbers',
  'hasCode',
  'codeSymbolRatio',
  'logQuestions',
  'logListItems',
  'upperRatio',
  'meanWordLength',
  'logMathOps',
  'logSystemChars',
  'logTurns',
  'logMaxTokens',
  'asksJson',
  'typeTokenRatio',
  'multipleChoice',
] as const;

/** A sparse feature vector: sorted, unique indices. */
export interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

/** Total input dimension: hashed block + dense block. */
export function featureDim(spec: FeatureSpec): number {
  return (1 << spec.hashBits) + DENSE_FEATURES.length;
}

/** FNV-1a 32-bit over a string's UTF-16 code units. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  return fnv1aFinish(fnv1aState(s, seed));
}

/** FNV-1a over `s` from state `h`, without the final avalanche: fnv1a(a + b) = fnv1aFinish(fnv1aState(b, fnv1aState(a))). */
export function fnv1aState(s: string, h = 0x811c9dc5): number {
  h >>>= 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The final avalanche of fnv1a (murmur3 fmix32), so that low bits are well mixed for masking. */
export function fnv1aFinish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const WORD_RE = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/** Lower-cased word and symbol tokens. */
function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD_RE) ?? [];
}

/**
 * The raw (unstandardized) dense features of an input, in DENSE_FEATURES order.
 */
function denseFeatures(input: LabelInput): number[] {
  const text = input.prompt ?? '';
  const chars = text.length;
  const words = text.split(/\s+/).filter(Boolean);
  const lines = chars ? text.split('\n').length : 0;
  let digits = 0;
  let upper = 0;
  let letters = 0;
  let codeSymbols = 0;
  let mathOps = 0;
  let questions = 0;
  for (let i = 0; i < chars; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) {
      upper++;
      letters++;
    } else if (c >= 97 && c <= 122) letters++;
    else if (c === 123 || c === 125 || c === 59 || c === 40 || c === 41 || c === 60 || c === 62 || c === 91 || c === 93) codeSymbols++;
    if (c === 43 || c === 42 || c === 47 || c === 94 || c === 61 || c === 37) mathOps++;
    if (c === 63) questions++;
  }
  const numbers = text.match(/\d+(?:[.,]\d+)*/g)?.length ?? 0;
  const hasCode = /```|\bdef |\bfunction\b|\bclass \w+|=>|#include|\bSELECT\b.*\bFROM\b|console\.log|\bimport \w+/s.test(text) ? 1 : 0;
  const listItems = text.match(/^\s*(?:[-*•]|\d+[.)])\s+/gm)?.length ?? 0;
  const meanWordLength = words.length ? words.reduce((s, w) => s + w.length, 0) / words.length : 0;
  const distinct = new Set(words.map((w) => w.toLowerCase())).size;
  const asksJson = /\bjson\b|\bschema\b|\byaml\b/i.test(text) || /\bjson\b/i.test(input.system ?? '') ? 1 : 0;
  const multipleChoice = /^\s*\(?[A-D][.)]\s+\S/m.test(text) && /^\s*\(?B[.)]\s+\S/m.test(text) ? 1 : 0;
  return [
    Math.log1p(chars),
    Math.log1p(words.length),
    Math.log1p(lines),
    chars ? digits / chars : 0,
    Math.log1p(numbers),
    hasCode,
    chars ? codeSymbols / chars : 0,
    Math.log1p(questions),
    Math.log1p(listItems),
    letters ? upper / letters : 0,
    meanWordLength,
    Math.log1p(mathOps),
    Math.log1p((input.system ?? '').length),
    Math.log1p(input.turns ?? 1),
    Math.log1p(input.maxTokens ?? 0),
    asksJson,
    words.length ? distinct / words.length : 0,
    multipleChoice,
  ];
}

/** Namespace seeds, so the same string hashes differently as a word, a bigram, a character gram… */
const NS = { word: 0x9e3779b1, bigram: 0x85ebca77, char: 0xc2b2ae3d, task: 0x27d4eb2f, category: 0x165667b1, system: 0xd3a2646c } as const;

/** fmix32 of a combination of two hashes (for word bigrams). */
function combine(a: number, b: number, seed: number): number {
  let h = (Math.imul(a, 0x01000193) ^ b ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over text[from, to) with avalanche, without building substrings. */
function hashRange(text: string, from: number, to: number, seed: number): number {
  let h = seed >>> 0;
  for (let i = from; i < to; i++) {
    h ^= i < 0 || i >= text.length ? 32 : text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The hashed block of an input. Word n-grams and character n-grams are each
 * L2-normalized as a block (log term frequencies), so prompt length is
 * carried by the dense features only.
 */
function hashedBlock(input: LabelInput, spec: FeatureSpec, acc: HashedCells): void {
  const text = (input.prompt ?? '').slice(0, spec.maxChars);
  const tokens = tokenize(text);
  const words: number[] = [];
  const th = tokens.map((t) => fnv1a(t, NS.word));
  for (let i = 0; i < th.length; i++) {
    words.push(th[i]!);
    for (let n = 2, h = th[i]!; n <= spec.wordNgrams && i + n <= th.length; n++) {
      h = combine(h, th[i + n - 1]!, NS.bigram + n);
      words.push(h);
    }
  }
  addBlock(acc, words);
  if (spec.charNgram > 0) {
    const grams: number[] = [];
    const n = spec.charNgram;
    for (const tok of tokens) {
      // " tok " with word boundaries; a token shorter than n−1 gives one gram.
      const last = Math.max(-1, tok.length + 1 - n);
      for (let i = -1; i <= last; i++) grams.push(hashRange(tok, i, Math.min(i + n, tok.length + 1), NS.char));
    }
    addBlock(acc, grams);
  }
  if (input.task) acc.add(fnv1a(input.task.toLowerCase(), NS.task), 1);
  if (input.category) acc.add(fnv1a(input.category.toLowerCase(), NS.category), 1);
  if (input.system) for (const t of new Set(tokenize(input.system.slice(0, spec.maxChars)))) acc.add(fnv1a(t, NS.system), 0.3);
}

/** Log term frequencies of a block of gram hashes, L2-normalized, added to the accumulator. */
function addBlock(acc: HashedCells, hashes: number[]): void {
  if (hashes.length === 0) return;
  const sorted = Uint32Array.from(hashes).sort();
  let norm = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    norm += Math.log1p(j - i) ** 2;
    i = j;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    acc.add(sorted[i]!, Math.log1p(j - i) * scale);
    i = j;
  }
}

/** Sums signed hashed values into a reusable dense scratch row, remembering which cells it touched. */
class HashedCells {
  private readonly cells: Float64Array;
  private touched: Int32Array;
  private count = 0;
  constructor(readonly hashBits: number) {
    this.cells = new Float64Array(1 << hashBits);
    this.touched = new Int32Array(1024);
  }
  add(h: number, value: number): void {
    const idx = h & ((1 << this.hashBits) - 1);
    // The top bit chooses the sign: colliding features tend to cancel instead of adding up.
    const v = h & 0x80000000 ? -value : value;
    if (this.cells[idx] === 0) {
      if (this.count === this.touched.length) {
        const t = new Int32Array(this.touched.length * 2);
        t.set(this.touched);
        this.touched = t;
      }
      this.touched[this.count++] = idx;
    }
    this.cells[idx]! += v;
    // A cell that sums to exactly 0 stays listed; it is dropped when drained.
    if (this.cells[idx] === 0) this.cells[idx] = Number.MIN_VALUE;
  }
  /** Sorted non-zero (index, value) pairs, and a reset scratch row. */
  drain(): { idx: Int32Array; val: Float64Array } {
    const t = this.touched.subarray(0, this.count).sort();
    const idx = new Int32Array(t.length);
    const val = new Float64Array(t.length);
    let m = 0;
    for (const i of t) {
      const v = this.cells[i]!;
      this.cells[i] = 0;
      if (v === Number.MIN_VALUE) continue;
      idx[m] = i;
      val[m++] = v;
    }
    this.count = 0;
    return { idx: idx.subarray(0, m), val: val.subarray(0, m) };
  }
}

const scratch = new Map<number, HashedCells>();

/**
 * The full sparse vector of an input: hashed block then raw dense features
 * (the model standardizes the dense part with its saved means and deviations).
 */
export function extractFeatures(input: LabelInput, spec: FeatureSpec = DEFAULT_FEATURE_SPEC): SparseVector {
  let acc = scratch.get(spec.hashBits);
  if (!acc) scratch.set(spec.hashBits, (acc = new HashedCells(spec.hashBits)));
  hashedBlock(input, spec, acc);
  const hashed = acc.drain();
  const base = 1 << spec.hashBits;
  const dense = denseFeatures(input);
  const m = hashed.idx.length;
  const idx = new Int32Array(m + dense.length);
  const val = new Float64Array(m + dense.length);
  idx.set(hashed.idx);
  val.set(hashed.val);
  dense.forEach((v, j) => {
    idx[m + j] = base + j;
    val[m + j] = v;
  });
  return { idx, val };
}
