/**
 * How DuckDB reads a log's lines as text: its CSV reader with one VARCHAR
 * column, no quotes, no escapes and a delimiter no log holds. The reader's
 * buffer is also the longest line it takes, so a run reads with a buffer of
 * LINE_BYTES and, only when a line is longer, once more with LONG_LINE_BYTES.
 */
import { lit } from '../sql/dialect.js';

/**
 * The longest line of a first read, and the reader's buffer. Large buffers cost time of their own: on the 1.27 GB
 * bench log, splitting the lines took 0.55 s with 4 MiB buffers, 0.65 s with 8 MiB, 0.85 s with 16 MiB and
 * 1.4–2.2 s with 64 MiB (`node bench/duckdb-floors.mjs`, "lines"); tokor's whole staging pass 3.7–4.0 s with
 * 8 MiB against 4.8–5.4 s with 64 MiB. 8 MiB holds a request of a few million tokens of text.
 */
export const LINE_BYTES = 8 * 1024 * 1024;

/**
 * Lines longer than LINE_BYTES are read again with this (tokor's own limit, MAX_LINE_BYTES, 32 MiB, applies after:
 * such a line is reported as too long); a line longer than this stops DuckDB's reader. DuckDB's default buffer,
 * 16 times the longest line, would be 1 GB per scan here (measured: 1.3 GB peak RSS reading a 1.2 GB log).
 */
export const LONG_LINE_BYTES = 64 * 1024 * 1024;

/** `read_csv` over `files` (gzip by name), one row per line: `line` (a blank line NULL) and `filename`; lines of up to `lineBytes`. */
export function linesSql(files: readonly string[], lineBytes: number): string {
  return `read_csv([${files.map(lit).join(', ')}], columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false, auto_detect = false, filename = true, compression = 'auto', max_line_size = ${lineBytes}, buffer_size = ${lineBytes})`;
}

/**
 * Whether DuckDB's message (in full) says a line is longer than the reader's buffer: it names the size, or,
 * when a line spans more than one buffer, says its parallel reader cannot read the file.
 */
export function isLongLine(message: string): boolean {
  return /Maximum line size of \d+ bytes exceeded|does not support a full read on this file/.test(message);
}

/**
 * Whether the lines DuckDB read from a file, `lines` of them holding `bytes` of text (a blank line none; line
 * ends and a byte-order mark not counted), are all of its `size` bytes (decompressed): with LF or CRLF line ends,
 * the last perhaps missing, and a byte-order mark perhaps first. `modulo32`: the size is known only modulo 2^32
 * (a gzip member's trailer).
 *
 * DuckDB's reader can leave out a file's last line, without an error, when it is longer than the reader's
 * buffer (duckdb/duckdb#25825; here from about twice the buffer: a 17 MiB last line with 8 MiB buffers, with or
 * without a newline after it, in gzip too); a long line elsewhere stops it with an error. So what a file's size
 * does not account for is such a line.
 */
export function accountsFor(size: number, bytes: number, lines: number, modulo32 = false): boolean {
  return [1, 2].some((eol) => {
    let d = size - (bytes + eol * lines);
    if (modulo32) {
      d = ((d % 2 ** 32) + 2 ** 32) % 2 ** 32;
      if (d >= 2 ** 31) d -= 2 ** 32;
    }
    return d >= -eol && d <= 3;
  });
}
