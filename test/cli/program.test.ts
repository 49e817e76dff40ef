import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
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
