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

describe('usage errors are one line, as every other error', () => {
  it.each([
    [['analyse'], "tokor: unknown command 'analyse'; did you mean analyze? (see tokor --help)"],
    [['help', 'analyse'], "tokor: unknown command 'analyse'; did you mean analyze? (see tokor --help)"],
    [['analyze', '--formt', 'json'], "tokor: unknown option '--formt'; did you mean --format? (see tokor analyze --help)"],
    [['analyze', '--format', 'xml'], "tokor: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv, markdown, html. (see tokor analyze --help)"],
    [['analyze', '--sample', 'abc'], "tokor: option '--sample <n>' argument 'abc' is invalid. expected a positive whole number (see tokor analyze --help)"],
    [['analyze', '--group-by'], "tokor: option '--group-by <dims>' argument missing (see tokor analyze --help)"],
    [['label'], "tokor: missing required argument 'paths' (see tokor label --help)"],
    [['prices', 'extra'], "tokor: too many arguments for 'prices'. Expected 0 arguments but got 1. (see tokor prices --help)"],
    [['config', 'chek'], "tokor: unknown command 'chek'; did you mean check? (see tokor config --help)"],
    [['athena', 'ddl', '--bucket', 'b', '--accounts', '123456789012'], "tokor: required option '--regions <names>' not specified (see tokor athena ddl --help)"],
    [['--bogus'], "tokor: unknown option '--bogus' (see tokor --help)"],
  ])('tokor %j', async (args, line) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${line}\n`);
  });
});
