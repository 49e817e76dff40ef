/**
 * `tokor athena ddl` as a function: the table definition users review and run
 * in Athena before `tokor analyze --engine athena`.
 */
import { athenaDdl as ddl, type DdlOptions } from '../engines/athena/index.js';

export function athenaDdl(opts: DdlOptions): string {
  return ddl(opts);
}
