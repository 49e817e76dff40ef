import { describe, expect, it } from 'vitest';
import { countCues, type CueCounts, heuristicFeatures } from '../../src/classify/heuristic.js';
import type { LabelInput } from '../../src/classify/types.js';
import { readTraffic } from '../../src/engines/index.js';
import { SAMPLE_LOGS } from '../../src/paths.js';

// The reference: the cue scan as it was before countCues, one global regex
// tried at every character. Copied here on purpose: countCues must count
// exactly what it counted, for every text.
const REASONING_CUES = `step[- ]by[- ]step|prove|proof|derive|derivation|reason(?:ing)? through|explain why|why does|analy[sz]e|evaluate|compare|trade-?offs?|design (?:a|an|the)|architect|plan (?:a|an|the)|optimi[sz]e|debug|root cause|calculate|compute|estimate|how many|probability|multi-step|implications|strategy|refactor|implement`;
const ROUTINE_CUES = `classify|categori[sz]e|which category|label (?:this|the)|extract|sentiment|yes or no|one word|single word|translate|tag (?:this|the)|fix (?:the )?typos?|spell(?:ing)?|rephrase|reword|tl;?dr|one sentence|short answer|intent|is this (?:spam|positive|negative)`;
const LONG_OUTPUT_CUES = `essay|report|detailed|comprehensive|in[- ]depth|thorough|write a (?:long|full|complete)|full implementation`;
const CODE_CUES = String.raw`def \w|function|class \w|import \w|const \w+ =|select .{1,200}? from|traceback \(most recent call last\)|exception|stack trace`;
const GLOBAL_CUES = new RegExp(String.raw`\b(?:(${REASONING_CUES})|(${ROUTINE_CUES})|(${LONG_OUTPUT_CUES})|(${CODE_CUES}))\b|(\x60\x60\x60|=>|#include)`, 'g');

function referenceCounts(text: string): CueCounts {
  let reasoning = 0;
  let routine = 0;
  let longOutput = false;
  let code = false;
  GLOBAL_CUES.lastIndex = 0;
  for (let m = GLOBAL_CUES.exec(text); m !== null; m = GLOBAL_CUES.exec(text)) {
    if (m[1] !== undefined) reasoning++;
    else if (m[2] !== undefined) routine++;
    else if (m[3] !== undefined) longOutput = true;
    else code = true;
  }
  return { reasoning, routine, longOutput, code };
}

/** heuristicFeatures as it was, over referenceCounts. */
function referenceFeatures(input: LabelInput) {
  const prompt = input.prompt ?? '';
  const text = (prompt.length > 1500 ? `${prompt.slice(0, 1200)}\n${prompt.slice(-300)}` : prompt).toLowerCase();
  const tokens = input.inputTokens && input.inputTokens > 0 ? input.inputTokens : Math.ceil((prompt.length + (input.system?.length ?? 0)) / 4);
  const c = referenceCounts(text);
  return {
    length: Math.min(Math.max(Math.log(Math.max(tokens, 1) / 150) / Math.log(8000 / 150), 0), 1),
    code: c.code || (prompt.length > 1500 && prompt.includes('```')) ? 1 : 0,
    reasoning: Math.min(c.reasoning, 3) / 3,
    longOutput: c.longOutput || (input.maxTokens ?? 0) >= 4000 ? 1 : 0,
    depth: Math.min(Math.max(((input.turns ?? 1) - 1) / 10, 0), 1),
    routine: Math.min(c.routine, 2) / 2,
  };
}

// Pieces of text near the cues: whole cues, their heads and near misses,
// overlapping cues, word characters and boundaries of every kind, non-ASCII
// letters (JavaScript's \b is ASCII-only), case variants.
const FRAGMENTS = [
  ...'step-by-step|step by step|step-by step|step by-step|steps|prove|proof|proven|derive|derivation|reason through|reasoning through|reasonable|explain why|explain|why does|analyze|analyse|analyzed|evaluate|compare|compared|tradeoff|trade-off|trade-offs|tradeoffs|trade|design a|design an|design the|designer|architect|architecture|plan a|plan the|planet|optimize|optimise|debug|debugger|root cause|calculate|compute|computer|estimate|how many|probability|multi-step|implications|strategy|refactor|implement|implementation|implements'.split('|'),
  ...'classify|categorize|categorise|which category|label this|label the|labels|extract|sentiment|yes or no|one word|single word|translate|tag this|tag the|fix typo|fix typos|fix the typo|fix the typos|fix the|spell|spelling|spells|rephrase|reword|tl;dr|tldr|tl;|tl|one sentence|short answer|intent|intention|is this spam|is this positive|is this negative|is this|is th'.split('|'),
  ...'essay|report|reports|detailed|comprehensive|in-depth|in depth|in depths|in|thorough|write a long|write a full|write a complete|write a|full implementation|full'.split('|'),
  ...'def f|def |def|function|functional|class x|class |classes|import os|import |const x =|const xs =|const  =|const x=|select a from|select a, b from t|select from|select|from|traceback (most recent call last)|traceback|exception|exceptions|stack trace'.split('|'),
  '```',
  '``',
  '`',
  '=>',
  '=',
  '>',
  '#include',
  '#includes',
  '#',
  'the',
  'then',
  'and',
  'a',
  'x',
  '_',
  '0',
  '9',
  'é',
  'ß',
  'ſ',
  'K',
  'İ',
  'ü',
  '日本',
  '😀',
  '\u00a0',
  'Prove',
  'STEP BY STEP',
  'Select',
];
const SEPARATORS = ['', '', '', ' ', ' ', ' ', '  ', '\n', '-', '.', ',', ';', ':', '(', ')', '"', "'", '/', '_', '1', 'a', 'é', '日', '=', '`', '#', '\t'];

/** A small seeded generator (mulberry32), so the texts are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generatedTexts(count: number, seed: number): string[] {
  const random = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const pieces = 1 + Math.floor(random() * 40);
    for (let p = 0; p < pieces; p++) {
      text += pick(SEPARATORS) + pick(FRAGMENTS);
      // Long gaps, so 'select … from' is tried at both sides of its 200-character limit.
      if (random() < 0.03) text += ' '.repeat(150 + Math.floor(random() * 100));
    }
    texts.push(random() < 0.7 ? text.toLowerCase() : text);
  }
  return texts;
}

describe('countCues', () => {
  it('counts exactly what the global scan counted, on generated texts around every cue', () => {
    const texts = generatedTexts(6000, 17);
    let seen = 0;
    for (const text of texts) {
      const expected = referenceCounts(text);
      seen += expected.reasoning + expected.routine;
      expect(countCues(text), JSON.stringify(text)).toEqual(expected);
    }
    expect(seen).toBeGreaterThan(10_000); // the texts do hold cues
  });

  it('handles the edge cases one by one', () => {
    const cases = [
      '',
      'a',
      'prove',
      'xprove',
      'prove_',
      'prove1',
      'éprove',
      'proveé',
      'step-by-step',
      'step-by-steps',
      'multi-step-by-step',
      'select a from b select c from d',
      `select ${'x'.repeat(199)} from`,
      `select ${'x'.repeat(200)} from`,
      `select ${'x'.repeat(201)} from`,
      'select prove from',
      'select step by step from x, then prove',
      'tl;dr tldr tl;;dr',
      'in-depth in depth in--depth',
      '=>=>==>',
      '```````',
      '#include#include',
      'const x = const y =z',
      'const x =1',
      'def f def  g',
      'a=>b',
      'x#include',
      'traceback (most recent call last) traceback (most recent call last',
      'class \u00e9',
      'İprove',
      'K prove',
      'PROVE prove',
    ];
    for (const text of cases) expect(countCues(text), JSON.stringify(text)).toEqual(referenceCounts(text));
  });

  it('counts the same on long texts (the scan buffer grows)', () => {
    const long = generatedTexts(40, 5).join(' ').repeat(20);
    expect(long.length).toBeGreaterThan(20_000);
    expect(countCues(long)).toEqual(referenceCounts(long));
    expect(countCues('prove it')).toEqual(referenceCounts('prove it'));
  });

  it('is not misled by what an earlier text left in its scan buffer', () => {
    // A non-ASCII text leaves UTF-8 bytes past the end of the next, shorter one.
    const texts = ['日本語のテキスト'.repeat(40), 'prove', 'ü'.repeat(300), 'debugs', 'step by', 'éééé', 'tl;d', 'in-dep', 'x =', 'select a'];
    for (const text of [...texts, ...texts.reverse()]) expect(countCues(text), JSON.stringify(text)).toEqual(referenceCounts(text));
  });
});

describe('heuristicFeatures', () => {
  it('gives the same features as before on every prompt of the bundled sample', async () => {
    let prompts = 0;
    for await (const ev of readTraffic([SAMPLE_LOGS], {})) {
      if (ev.kind !== 'record') continue;
      const r = ev.record;
      const input = { prompt: r.prompt, system: r.system, turns: r.turns, maxTokens: r.maxTokens, inputTokens: r.tokens.input };
      expect(heuristicFeatures(input)).toEqual(referenceFeatures(input));
      if (r.prompt) {
        prompts++;
        const text = r.prompt.toLowerCase();
        expect(countCues(text)).toEqual(referenceCounts(text));
      }
    }
    expect(prompts).toBeGreaterThan(1000);
  });

  it('gives the same features as before with cues at and across the cut between head and tail, in any case', () => {
    // The prompt's head (1,200 characters) and tail (300) are scanned as two
    // pieces: a cue just before, on or after either cut must count as in the joined text.
    const cues = ['prove', 'Prove', 'STEP BY STEP', 'step-by-step', 'const x =', 'const Xs =', 'tl;dr', 'TLDR', 'in depth', 'In-Depth', '=>', '```', '#INCLUDE', 'Traceback (most recent call last)', 'design the', 'Is This Spam', 'classify', 'select a from', 'def f'];
    const fillers = [' ', 'k', '\n', '_', '-', '='];
    let seen = 0;
    for (const length of [1501, 1600, 2400]) {
      for (const cut of [1200, length - 300]) {
        for (const cue of cues) {
          for (let at = cut - cue.length - 1; at <= cut + 1; at++) {
            for (const fill of fillers) {
              const prompt = fill.repeat(at) + cue + fill.repeat(length - at - cue.length);
              const expected = referenceFeatures({ prompt });
              seen += expected.reasoning + expected.routine + expected.code + expected.longOutput;
              expect(heuristicFeatures({ prompt }), JSON.stringify([length, at, cue, fill])).toEqual(expected);
            }
          }
        }
      }
    }
    // A 'select … from' that the cut ends (no cue matches its '\n'), and one wholly in the head.
    for (const [select, from] of [[1100, 1250], [1190, 1300], [1000, 1150]] as const) {
      const prompt = `${'x '.repeat(select / 2)}SELECT a${' '.repeat(from - select - 8)}FROM t${' '.repeat(2000 - from - 6)}`;
      expect(heuristicFeatures({ prompt }), JSON.stringify([select, from])).toEqual(referenceFeatures({ prompt }));
    }
    expect(seen).toBeGreaterThan(500); // the cues are found, not all cut away
  });

  it('gives the same features as before on generated prompts, short and long', () => {
    for (const prompt of generatedTexts(500, 99)) {
      const input = { prompt: prompt.length > 1500 ? prompt : `${prompt} ${prompt.repeat(3)}`, maxTokens: 100 };
      expect(heuristicFeatures(input)).toEqual(referenceFeatures(input));
      expect(heuristicFeatures({ prompt })).toEqual(referenceFeatures({ prompt }));
    }
  });
});
