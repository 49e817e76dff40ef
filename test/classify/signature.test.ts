/** Task signatures: what masking keeps and what it hides. */
import { describe, expect, it } from 'vitest';
import { MASKS, foldSpaces, mayHoldDigitRun, mayHoldUuid, maskVariable, promptHead, taskSignature } from '../../src/classify/signature.js';
import { fnv1a, fnv1aFinish, fnv1aState } from '../../src/classify/features.js';

describe('maskVariable', () => {
  it('masks e-mail addresses wherever they sit in a run of address characters', () => {
    expect(maskVariable('Mail first.last+tag@example.co.uk today')).toBe('mail <email> today');
    expect(maskVariable('(a@b.io)')).toBe('( <email> )');
    expect(maskVariable('Reply to x.y@z.org, then wait')).toBe('reply to <email> , then wait');
  });

  it('leaves a long word without @ as it is (one pass, not a retry from each of its characters)', () => {
    const word = 'z'.repeat(5000);
    expect(maskVariable(`say ${word} now`)).toBe(`say ${word} now`);
  });

  it('gives requests made from one template one signature, and another template another', () => {
    const a = taskSignature({ prompt: 'Summarize ticket 4411 from ann@corp.com for the support team: printer jams' });
    const b = taskSignature({ prompt: 'Summarize ticket 98 from bob.k@corp.io for the support team: VPN is down' });
    const c = taskSignature({ prompt: 'Translate this into French: hello' });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
  });
});

describe('signatures computed the short way', () => {
  /** maskVariable as defined: every mask (the module's own list), in order, whether or not the text could hold a match. */
  const maskAll = (text: string) => {
    let t = text.toLowerCase();
    for (const [re, ph] of MASKS) t = t.replace(re, ph);
    return t.replace(/\s+/g, ' ').trim();
  };
  /** taskSignature as defined: fnv1a over app, team, masked system and the prompt's first 8 masked words. */
  const signatureOf = (prompt: string, system: string, tags: Record<string, string>) => {
    const app = tags.app ?? tags.application ?? '';
    const team = tags.team ?? '';
    const sys = system ? maskAll(system.slice(0, 2000)) : '';
    const head = maskAll(prompt.slice(0, 600)).split(' ').filter(Boolean).slice(0, 8).join(' ');
    const systemKey = sys ? fnv1a(sys).toString(16).padStart(8, '0').slice(0, 4) : '';
    const key = fnv1a(`${app}\u0000${team}\u0000${sys}\u0000${head}`).toString(16).padStart(8, '0');
    const parts = [app || team ? [app, team].filter(Boolean).join('/') : '', systemKey ? `system#${systemKey}` : '', head ? `${head} …` : '(no prompt text)'].filter(Boolean);
    return { key, text: parts.join(' · ') };
  };
  const texts = [
    '',
    '   ',
    'Classify this ticket',
    'Summarize ticket 4411 from ann@corp.com: see https://x.io/a?b=1 and ```code\nx = 1``` then "quoted" 3.5% of $1,200',
    'id 123e4567-e89b-12d3-a456-426614174000 and abc12345xyz and - dashes - only',
    'ÜBER große Straße, 日本語 — 42 items\n\n\tnext',
    'one two three four five six seven eight nine ten eleven',
    `${'word '.repeat(200)}tail`,
  ];

  it('maskVariable skips the masks a text cannot match, with the same result', () => {
    for (const t of texts) expect(maskVariable(t)).toBe(maskAll(t));
  });

  it('the UUID and ID guards hold wherever their masks match (seeded random texts)', () => {
    let x = 12345;
    const rand = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const alphabet = '0123456789abcdefABCDEFxyz_- .@"\'\n';
    const uuid = MASKS[3]![0];
    const id = MASKS[4]![0];
    let uuids = 0;
    let ids = 0;
    for (let n = 0; n < 5000; n++) {
      let t = '';
      const len = 5 + rand(60);
      for (let i = 0; i < len; i++) t += alphabet[rand(alphabet.length)];
      if (rand(4) === 0) t = t.slice(0, rand(t.length)) + '1234abcd-ef01-2345-6789-abcdef012345' + t.slice(rand(t.length));
      const lower = t.toLowerCase();
      uuid.lastIndex = 0;
      id.lastIndex = 0;
      if (uuid.test(lower)) {
        uuids++;
        expect(mayHoldUuid(lower)).toBe(true);
      }
      if (id.test(lower)) {
        ids++;
        expect(mayHoldDigitRun(lower)).toBe(true);
      }
      expect(maskVariable(t)).toBe(maskAll(t));
    }
    expect(uuids).toBeGreaterThan(50);
    expect(ids).toBeGreaterThan(100);
    expect(mayHoldUuid('no dashes here')).toBe(false);
    expect(mayHoldDigitRun('short 1234567 words')).toBe(false);
  });

  it('foldSpaces is replace(/\\s+/g, " ") for every UTF-16 code unit, alone, between words and in runs', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const t of [ch, `a${ch}b`, ` ${ch}`, `${ch} `, `x ${ch}${ch} y`]) if (foldSpaces(t) !== t.replace(/\s+/g, ' ')) expect(foldSpaces(t)).toBe(t.replace(/\s+/g, ' '));
    }
    const same = 'words and single spaces only';
    expect(foldSpaces(same)).toBe(same);
    expect(foldSpaces(' a \t\n b\u00a0\u00a0c  ')).toBe(' a b c ');
  });

  it('taskSignature (memoized system prompt, continued hash) equals the definition', () => {
    const systems = ['', 'You are a support agent for ACME (ticket 12). Reply in one sentence.', 'x'.repeat(2500)];
    const tagSets: Record<string, string>[] = [{}, { app: 'a', team: 't' }, { application: 'b' }, { team: 't\u0000x' }];
    for (const prompt of texts) for (const system of systems) for (const tags of tagSets) {
      expect(taskSignature({ prompt, system, tags })).toEqual(signatureOf(prompt, system, tags));
      // Twice: the second comes from the memo.
      expect(taskSignature({ prompt, system, tags })).toEqual(signatureOf(prompt, system, tags));
    }
  });

  it('taskSignature (memoized by prompt head) equals the definition for prompts that share a head, where the head can tell the words and where it cannot', () => {
    // Heads cut at the first space from character 120: `open` leaves a quote open there, so the words depend on what follows.
    const filler = 'lorem ipsum dolor sit amet '.repeat(5);
    const tells = `Summarize the ticket below for the on-call engineer in two lines ${filler}`;
    const open = `Say "${filler}`;
    const tails = ['closing" then the rest', 'no closing quote at all', `and" 42 more ${filler}`];
    for (const system of ['', 'You are terse.']) {
      for (const start of [tells, open]) {
        for (const tail of tails) {
          const prompt = start + tail;
          expect(taskSignature({ prompt, system })).toEqual(signatureOf(prompt, system, {}));
        }
      }
    }
    expect(taskSignature({ prompt: open + tails[0] }).key).not.toBe(taskSignature({ prompt: open + tails[1] }).key);
  });

  it('promptHead, which masks as little of a long prompt as gives its first words, equals the definition (seeded random prompts)', () => {
    let x = 987654;
    const rand = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    // Pieces that masks match, that open or close quotes and code blocks, and that change length when lower-cased.
    const pieces = ['word', 'two words', ' ', ' ', ' ', '\n', '"', '“', '”', "'", '`', '```', 'https://x.io/a', 'a.b@c.de', 'ab12cd34ef', '42', '$1,200.50%', '123e4567-e89b-12d3-a456-426614174000', 'ΟΔΟΣ', 'İ', 'K'];
    let heads = 0;
    for (let n = 0; n < 3000; n++) {
      let prompt = '';
      const len = 100 + rand(500);
      while (prompt.length < len) prompt += pieces[rand(pieces.length)];
      const words = maskAll(prompt.slice(0, 600)).split(' ').filter(Boolean);
      if (words.length > 8) heads++;
      expect(promptHead(prompt)).toBe(words.slice(0, 8).join(' '));
      expect(taskSignature({ prompt })).toEqual(signatureOf(prompt, '', {}));
    }
    expect(heads).toBeGreaterThan(1000);
  });

  it('fnv1a continues from a state: fnv1a(a + b) = fnv1aFinish(fnv1aState(b, fnv1aState(a)))', () => {
    for (const [a, b] of [['', ''], ['abc', 'déf'], ['x'.repeat(100), '日本']]) {
      expect(fnv1aFinish(fnv1aState(b!, fnv1aState(a!)))).toBe(fnv1a(a! + b!));
      expect(fnv1a(a!, 7)).toBe(fnv1aFinish(fnv1aState(a!, 7)));
    }
  });
});
