/**
 * `tokor config check`: every problem of a config file, located. It takes no
 * Context: the file being checked may be the one a Context could not open.
 */
import { checkConfigFile } from '../config/check.js';
import type { ConfigProblem } from '../config/load.js';
import { describeConfig } from '../config/schema.js';

export type ConfigCheck = { ok: true; file: string; summary: string } | { ok: false; file: string; problems: ConfigProblem[] };

export async function checkConfig(file?: string, cwd?: string): Promise<ConfigCheck> {
  const checked = await checkConfigFile(file, cwd);
  if (!checked.config) return { ok: false, file: checked.file, problems: checked.problems };
  return { ok: true, file: checked.file, summary: describeConfig(checked.config) };
}
