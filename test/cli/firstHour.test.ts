/**
 * What a FinOps analyst and an ML engineer meet in their first hour with tokor,
 * through the built bin: every help page on an 80-column terminal, usage errors
 * as one line, sample data named wherever its figures appear, advice that names
 * only flags the command has. Each case was a defect of the CLI as users met it.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Every help page a user can ask for. */
const HELP_PAGES: string[][] = [
  ['--help'],
  ...['analyze', 'prices', 'eval', 'label', 'calibrate', 'gate', 'config', 'init', 'costs', 'report', 'drift', 'athena'].map((c) => [c, '--help']),
  ['config', 'check', '--help'],
  ['athena', 'ddl', '--help'],
  ['help', 'analyze'],
];

describe('help pages fit an 80-column terminal', () => {
  it.each(HELP_PAGES.map((args) => [args.join(' '), args]))('tokor %s: no line is wider than 80 columns', async (_name, args) => {
    const r = await runCli(args as string[], { env: { COLUMNS: '80' } });
    expect(r.code, r.stderr).toBe(0);
    const wide = r.stdout.split('\n').filter((line) => stringWidth(line) > 80);
    expect(wide).toEqual([]);
  });
});
