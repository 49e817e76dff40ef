import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { accumulates } from '../../src/cli/flags.js';
import { buildProgram } from '../../src/cli/program.js';

/** Root help with every command defined in full: the terms and descriptions commander derives from the definitions. */
async function fullHelp(): Promise<string> {
  return (await buildProgram(() => {}, 'all')).helpInformation();
}

describe('the program defines only the command being run', () => {
  it('lists every command in `tokor --help` exactly as their full definitions do', async () => {
    const lazy = await buildProgram(() => {}, ['node', 'tokor', '--help']);
    expect(lazy.helpInformation()).toBe(await fullHelp());
    // Nothing was defined: the listed commands have no options.
    expect(lazy.commands.every((c) => c.options.length === 0)).toBe(true);
  });

  it('defines the invoked command (or the one `help` asks about) in full and keeps the listing', async () => {
    for (const argv of [
      ['node', 'tokor', '--debug', 'analyze', 'x.jsonl'],
      ['node', 'tokor', 'help', 'analyze'],
    ]) {
      const program = await buildProgram(() => {}, argv);
      const analyze = program.commands.find((c) => c.name() === 'analyze') as Command;
      expect(analyze.options.map((o) => o.long)).toContain('--log-format');
      expect(program.commands.filter((c) => c.options.length > 0).map((c) => c.name())).toEqual(['analyze']);
      expect(program.helpInformation()).toBe(await fullHelp());
    }
  });

  it('defines `init` with `config`, which share a file, once each', async () => {
    const program = await buildProgram(() => {}, ['node', 'tokor', 'init', '--force']);
    expect(program.commands.map((c) => c.name()).filter((n) => n === 'config' || n === 'init')).toEqual(['config', 'init']);
    expect(program.commands.find((c) => c.name() === 'init')?.options.map((o) => o.long)).toContain('--gateway');
    expect(program.helpInformation()).toBe(await fullHelp());
  });
});

describe('a repeated flag is never last-one-wins', () => {
  /** Every command and subcommand, defined in full. */
  const walk = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(walk)];

  /** A value the option's own parser accepts. */
  function validValue(o: Option): string {
    if (o.argChoices) return o.argChoices[0]!;
    for (const v of ['1', '0.5', 'cheap=a']) {
      try {
        o.parseArg?.(v, undefined);
        return v;
      } catch {}
    }
    throw new Error(`no valid value for ${o.long}`);
  }

  it('each flag that takes a value collects its repeats (and its help says so) or refuses a second one', async () => {
    const program = await buildProgram(() => {}, 'all');
    let refused = 0;
    for (const cmd of walk(program)) {
      for (const o of cmd.options) {
        if (!(o.required || o.optional) || o.variadic) continue;
        if (accumulates(o.parseArg)) {
          expect(o.description, `${cmd.name()} ${o.long}`).toMatch(/repeat/);
          continue;
        }
        const v = validValue(o);
        expect(() => cmd.parseOptions([o.long!, v, o.long!, v]), `${cmd.name()} ${o.long}`).toThrow(new UsageError(`${o.long} was given twice ("${v}", then "${v}"); it takes one value: give it once`));
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});
