/** The shared layout and escaping helpers: src/report/table.ts and src/report/escape.ts. */
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { csv, csvCell, mdCode, mdText, termSafe, termSafeText } from '../../src/report/escape.js';
import { DEFAULT_WIDTH, fitTable, modelColumnWidth, modelIdForms, nameModels, resolveWidth, shortenModelIds, wrapText } from '../../src/report/table.js';

describe('resolveWidth', () => {
  it('takes $COLUMNS, else the terminal, else a default; never below 40', () => {
    expect(resolveWidth('80', 200)).toBe(80);
    expect(resolveWidth(undefined, 132)).toBe(132);
    expect(resolveWidth(undefined, undefined)).toBe(DEFAULT_WIDTH);
    expect(resolveWidth('wide', undefined)).toBe(DEFAULT_WIDTH);
    expect(resolveWidth('10', undefined)).toBe(40);
  });
});

describe('wrapText', () => {
  it('never drops, cuts or reorders a word, and keeps every line within the width', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9$%./:()-]{1,60}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), fc.integer({ min: 12, max: 120 }), (words, width) => {
        const lines = wrapText(words.join(' '), width, '  ');
        for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
        // Joined back (continuation indents removed), the text is whole: long words are broken, never cut.
        expect(lines.map((l, i) => (i === 0 ? l : l.slice(2))).join('').replace(/ /g, '')).toBe(words.join(''));
      }),
    );
  });

  it('keeps runs of spaces inside a line (aligned labels)', () => {
    expect(wrapText('Records  read 5 · priced 4', 80)).toEqual(['Records  read 5 · priced 4']);
  });

  it('breaks a path longer than a line on the line it starts, after a slash where one is in the latter half', () => {
    expect(wrapText('[6] github.com/a/very/long/path/that/does/not/fit.md', 24, '    ')).toEqual(['[6] github.com/a/very/', '    long/path/that/does/', '    not/fit.md']);
    // A list after its comma (the report's catalog line), not inside a name.
    expect(wrapText('Catalog  builtin(bedrock@2026-12-07.4,anthropic@2026-12-07.5)', 48, '         ')).toEqual(['Catalog  builtin(bedrock@2026-12-07.4,', '         anthropic@2026-12-07.5)']);
    // No break point in the latter half: broken where the line ends, as before.
    expect(wrapText('abcde/ghijklmnopqrstuvwxyz0123456789', 20, '')).toEqual(['abcde/ghijklmnopqrst', 'uvwxyz0123456789']);
  });
});

describe('model IDs', () => {
  it('drop the version, the vendor, then the date — never the cross-Region prefix', () => {
    expect(modelIdForms('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual([
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929',
      'us.claude-sonnet-4-5-20250929',
      'us.claude-sonnet-4-5',
    ]);
    expect(modelIdForms('mistral.mistral-large-2407-v1:0').at(-1)).toBe('mistral-large-2407');
    expect(modelIdForms('arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0').at(-1)).toBe('eu-west-1:eu.claude-haiku-4-5');
  });

  it('shortens a column alike, keeps different IDs different, and fits the width', () => {
    const ids = ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'us.amazon.nova-pro-v1:0'];
    const short = shortenModelIds(ids, 22);
    expect(short).toEqual(['us.claude-sonnet-4-5', 'eu.claude-sonnet-4-5', 'us.claude-sonnet-4', 'us.nova-pro']);
    // Two IDs that differ only by date keep their dates.
    expect(shortenModelIds(['us.anthropic.claude-a-20250101-v1:0', 'us.anthropic.claude-a-20250202-v1:0'], 22)).toEqual(['us.claude-a-20250101', 'us.claude-a-20250202']);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^(us\.|eu\.)?[a-z]{2,8}\.[a-z0-9-]{1,30}(-v1:0)?$/), { minLength: 1, maxLength: 8 }), fc.integer({ min: 8, max: 50 }), (list, max) => {
        const out = shortenModelIds(list, max);
        for (const s of out) expect(stringWidth(s)).toBeLessThanOrEqual(max);
        const wide = shortenModelIds(list, 200);
        expect(wide).toEqual(list);
      }),
    );
  });
});

describe('fitTable', () => {
  const rows = [
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us-east-1', '2,086', 'implied input rate $3/1M billed vs $3.3/1M in the logs (-9%): price change, regional or cross-region price difference, or another tier'],
    ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu-central-1', '616', '—'],
  ];
  const columns = [{ head: 'model', fit: 'model' as const }, { head: 'region' }, { head: 'requests', align: 'right' as const }, { head: 'likely causes', fit: 'wrap' as const }];

  it('fits the width: models shortened, prose wrapped whole, numbers and Regions untouched', () => {
    for (const width of [70, 80, 120]) {
      const out = fitTable(columns, rows, { width });
      for (const l of out.split('\n')) expect(stringWidth(l), l).toBeLessThanOrEqual(width);
      expect(out).toContain('us-east-1');
      expect(out).toContain('eu-central-1');
      expect(out).toMatch(/2,086/);
      expect(out.replace(/\s+/g, ' ')).toContain('price change, regional or cross-region price difference, or another tier');
      expect(out).not.toContain('…');
    }
    // Narrower than the minimums: model IDs get an ellipsis, prose still wraps whole.
    const narrow = fitTable(columns, rows, { width: 50 });
    for (const l of narrow.split('\n')) expect(stringWidth(l), l).toBeLessThanOrEqual(50);
    expect(narrow.replace(/\s+/g, ' ')).toContain('or another tier');
  });

  it('leaves droppable columns out, and says so, only when the narrowest layout does not fit', () => {
    const cols = [{ head: 'name' }, { head: 'a', align: 'right' as const }, { head: 'bbbbbbbbbbbb', align: 'right' as const, drop: 1 }];
    expect(fitTable(cols, [['x', '1', '2']], { width: 80 })).not.toContain('left out');
    const narrow = fitTable(cols, [['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '1', '2']], { width: 40 });
    expect(narrow).toContain('(left out at this width: bbbbbbbbbbbb');
    for (const l of narrow.split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(40);
  });

  it('shows control characters in cells as escapes and leaves no trailing spaces', () => {
    const out = fitTable([{ head: 'model' }, { head: 'n', align: 'right' }], [['a\u001b[2Jb\nc', '1']], { width: 80 });
    expect(out).toContain('a\\x1b[2Jb\\nc');
    expect(out).not.toMatch(/[\u0000-\u001f](?<!\n)/);
    for (const l of out.split('\n')) expect(l).toBe(l.trimEnd());
  });
});

describe('one name per model for a whole report', () => {
  const sonnet = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
  const haiku = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
  const model = { head: 'model', fit: 'model' as const, min: 14 };

  it('nameModels: one name per distinct ID, unique, whatever the order or repeats', () => {
    const names = nameModels([sonnet, haiku, sonnet], 22);
    expect([...names]).toEqual([
      [haiku, 'us.claude-haiku-4-5'],
      [sonnet, 'us.claude-sonnet-4-5'],
    ]);
    expect(nameModels([haiku, sonnet], 22)).toEqual(names);
  });

  it('modelColumnWidth: the narrowest model column of the tables at that width', () => {
    const wide = { columns: [model, { head: 'n', align: 'right' as const }], rows: [[sonnet, '1']] };
    const narrow = { columns: [model, { head: 'a long figure', align: 'right' as const }, { head: 'another one', align: 'right' as const }], rows: [[sonnet, '1', '2']] };
    const alone = modelColumnWidth([wide], { width: 60 })!;
    const both = modelColumnWidth([wide, narrow], { width: 60 })!;
    expect(alone).toBe(sonnet.length);
    expect(both).toBeLessThan(alone);
    expect(modelColumnWidth([{ columns: [{ head: 'n' }], rows: [['1']] }], { width: 60 })).toBeUndefined();
  });

  it('fitTable shows the given names, so two tables of different widths name a model alike', () => {
    const wide = { columns: [model, { head: 'n', align: 'right' as const }], rows: [[sonnet, '1']] };
    const narrow = { columns: [model, { head: 'a long figure', align: 'right' as const }, { head: 'another one', align: 'right' as const }], rows: [[sonnet, '1', '2']] };
    const width = 60;
    // Each table on its own: two different names for one ID.
    const own = [wide, narrow].map((t) => fitTable(t.columns, t.rows, { width }).split('\n')[2]!.split('  ')[0]);
    expect(own[0]).not.toBe(own[1]);
    const modelNames = nameModels([sonnet], modelColumnWidth([wide, narrow], { width })!);
    const shared = [wide, narrow].map((t) => fitTable(t.columns, t.rows, { width, modelNames }).split('\n')[2]!.split('  ')[0]);
    expect(shared[0]).toBe(shared[1]);
    expect(shared[0]).toBe(modelNames.get(sonnet));
  });
});

describe('escaping', () => {
  it('terminal: C0, DEL, C1 and bidi controls become visible escapes', () => {
    expect(termSafe('a\u001b]8;;http://x\u0007b')).toBe('a\\x1b]8;;http://x\\x07b');
    expect(termSafe('\u009b31m \u202e evil')).toBe('\\x9b31m \\u202e evil');
    expect(termSafeText('line one\nline\u0000two')).toBe('line one\nline\\x00two');
  });

  it('CSV: formula cells get an apostrophe, numbers (negative too) do not', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('-4.75')).toBe('-4.75');
    expect(csvCell(-4.75)).toBe('-4.75');
    expect(csvCell('1e-5')).toBe('1e-5');
    expect(csvCell(null)).toBe('');
    expect(csv([['a,b', 'c"d'], [1, true]])).toBe('"a,b","c""d"\n1,true');
  });

  it('Markdown: text cannot split a cell, start a link or emphasis, or break the line', () => {
    expect(mdText('a | b\n*c* [d](e) <b>')).toBe('a \\| b \\*c\\* \\[d\\](e) &lt;b&gt;');
    expect(mdCode('x`y')).toBe('``x`y``');
    expect(mdCode('a|b', { inTable: true })).toBe('`a\\|b`');
    expect(mdCode('a\nb')).toBe('`a b`');
  });
});

describe('compact numbers', () => {
  it('reads at every scale, and past a thousand billion as an exponent, not a run of digits', async () => {
    const { compact } = await import('../../src/report/format.js');
    expect(compact(9_999)).toBe('9,999');
    expect(compact(12_345)).toBe('12.3k');
    expect(compact(12_345_678)).toBe('12.3M');
    expect(compact(2_500_000_000)).toBe('2.50B');
    expect(compact(18_014_398_509_481_982)).toBe('1.80e+16');
  });
});
