/**
 * The `tokor analyze --skipped FILE` artifact: every line analyze did not
 * count, with where it is and why — invalid lines, dropped duplicates, and
 * file-level breaks (a truncated gzip, trailing garbage, a file that is not
 * gzip). JSON lines by default, one `SkippedLine` per line; CSV (with a
 * header) when FILE ends in `.csv`. Written in input order.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { csv } from '../report/escape.js';

const SKIPPED_KINDS = ['invalid', 'duplicate', 'file'] as const;

const SkippedLineSchema = z.object({
  file: z.string(),
  /** 1-based line; for a file-level entry, the first line not read (0 when none was). */
  line: z.number().int().nonnegative(),
  kind: z.enum(SKIPPED_KINDS),
  reason: z.string(),
});
type SkippedLine = z.infer<typeof SkippedLineSchema>;

export interface SkippedWriter {
  write(entry: SkippedLine): void;
  /** Starts the file over, empty (the lines of a second reading replace the first's). */
  restart(): Promise<void>;
  /** Flushes and closes; resolves with the number of entries written. */
  close(): Promise<number>;
}

/** Opens FILE for writing (before any work, so a bad path fails fast with exit 2). */
export async function openSkippedFile(file: string): Promise<SkippedWriter> {
  const asCsv = /\.csv$/i.test(file);
  let failure: Error | undefined;
  const start = async (): Promise<WriteStream> => {
    const stream = createWriteStream(file);
    stream.on('error', (e) => (failure ??= e));
    await new Promise<void>((resolve) => {
      stream.once('open', () => resolve());
      stream.once('error', () => resolve());
    });
    if (failure) throw new InputError(`cannot write the --skipped file (${(failure as NodeJS.ErrnoException).code ?? failure.message}); check the path`, file);
    if (asCsv) stream.write('file,line,kind,reason\n');
    return stream;
  };
  const end = (stream: WriteStream) =>
    new Promise<void>((resolve, reject) => {
      stream.end(() => (failure ? reject(new InputError(`cannot write the --skipped file (${failure.message})`, file)) : resolve()));
    });
  let stream = await start();
  let n = 0;
  return {
    write(e) {
      n++;
      stream.write(asCsv ? `${csv([[e.file, e.line, e.kind, e.reason]])}\n` : `${JSON.stringify({ file: e.file, line: e.line, kind: e.kind, reason: e.reason })}\n`);
    },
    async restart() {
      await end(stream);
      n = 0;
      stream = await start();
    },
    close: async () => {
      await end(stream);
      return n;
    },
  };
}
