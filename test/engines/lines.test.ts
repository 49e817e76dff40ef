/**
 * What a file's size must account for once DuckDB has read its lines (src/engines/duckdb/lines.ts): LF or CRLF
 * line ends, the last perhaps missing, a byte-order mark; a gzip trailer's size modulo 2^32; and a last line
 * left out, which it does not account for.
 */
import { describe, expect, it } from 'vitest';
import { accountsFor, isLongLine } from '../../src/engines/duckdb/lines.js';

/** A file's size, and what DuckDB reads of it: lines (a blank one '') and their bytes of text. */
function read(text: string): { size: number; bytes: number; lines: number } {
  const body = text.replace(/^\uFEFF/, '');
  const parts = body.split(/\r?\n/);
  if (parts.at(-1) === '') parts.pop();
  return { size: Buffer.byteLength(text), bytes: parts.reduce((n, l) => n + Buffer.byteLength(l), 0), lines: parts.length };
}

describe('accountsFor', () => {
  it('accounts for LF and CRLF files, a missing last line end, a byte-order mark, blank lines and an empty file', () => {
    for (const text of ['{"a":1}\n{"a":2}\n', '{"a":1}\n{"a":2}', '{"a":1}\r\n{"a":2}\r\n', '{"a":1}\r\n\r\n{"a":2}', '\uFEFF{"a":1}\n', '\uFEFF{"a":1}\r\n{"é":2}', '\n\n  \n', '']) {
      const { size, bytes, lines } = read(text);
      expect(accountsFor(size, bytes, lines), JSON.stringify(text)).toBe(true);
    }
  });

  it('does not account for a last line left out, nor for lines counted twice', () => {
    const whole = read(`${'{"a":1}\n'.repeat(100)}${'x'.repeat(40)}\n`);
    const without = read('{"a":1}\n'.repeat(100));
    expect(accountsFor(whole.size, without.bytes, without.lines)).toBe(false);
    expect(accountsFor(whole.size, without.bytes, without.lines + 1)).toBe(false);
    expect(accountsFor(without.size, whole.bytes, whole.lines)).toBe(false);
    // A lost line as short as 4 bytes is seen; one of 3 (a byte-order mark's length) is not.
    expect(accountsFor(read('{"a":1}\nabcd\n').size, read('{"a":1}\n').bytes, 1)).toBe(false);
  });

  it('compares modulo 2^32 when the size is a gzip trailer', () => {
    const lines = 3_000_000;
    const bytes = 2 ** 32 + 5_000_000 - lines;
    expect(accountsFor((bytes + lines) % 2 ** 32, bytes, lines, true)).toBe(true);
    expect(accountsFor((bytes + lines) % 2 ** 32, bytes, lines)).toBe(false);
    expect(accountsFor((bytes + lines + 20_000_000) % 2 ** 32, bytes, lines, true)).toBe(false);
  });
});

describe('isLongLine', () => {
  it("knows DuckDB's two messages for a line longer than its buffer, and no other", () => {
    expect(isLongLine('Invalid Input Error: CSV Error on Line: 12\nOriginal Line: {}\nMaximum line size of 8388608 bytes exceeded. Actual Size:9437200 bytes.')).toBe(true);
    expect(isLongLine('Not implemented Error: The Parallel CSV Reader currently does not support a full read on this file.\nTo correctly parse this file, please run with the single threaded error')).toBe(true);
    expect(isLongLine('Invalid Input Error: CSV Error on Line: 3\nExpected Number of Columns: 1 Found: 2')).toBe(false);
  });
});
