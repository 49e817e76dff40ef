import type { Done } from '../exit.js';
import { type Command, Option } from 'commander';
import { GATEWAYS, type Gateway } from '../../gate/types.js';

/** `tokor config check [file]` and `tokor init`. */
export function defineConfig(program: Command, done: Done): void {
  const config = program
    .command('config')
    .addHelpText('after', '\nExamples:\n  $ tokor config check\n  $ tokor init --gateway bedrock   # a commented starter file');
  config
    .command('check')
    .description('validate a config file: OK and a summary, or every problem with file:line:col (exit 2)')
    .argument('[file]', 'the config file (default: ./tokor.config.yaml)')
    .addHelpText('after', '\nExamples:\n  $ tokor config check\n  $ tokor config check policies/default.tokor.config.yaml   # the bundled policy')
    .exitOverride()
    .action(async (file: string | undefined) => {
      const { checkConfig } = await import('../../app/config.js');
      const { note, emit, terminalWidth } = await import('../output.js');
      const { wrapText } = await import('../../report/table.js');
      const checked = await checkConfig(file);
      if (!checked.ok) {
        for (const p of checked.problems) note(`tokor: ${p.where}: ${p.keyPath}: ${p.message}`);
        return done('unusable-input');
      }
      // The summary wraps to the terminal; its first line still starts `FILE: OK`.
      await emit(wrapText(`${checked.file}: OK — ${checked.summary}`, terminalWidth()).join('\n'));
      done('ok');
    });

  program
    .command('init')
    .addOption(new Option('--gateway <gateway>', 'where your models are served').choices(GATEWAYS).default('bedrock'))
    .option('--out <file>', 'where to write it', 'tokor.config.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExamples:\n  $ tokor init\n  $ tokor init --gateway litellm\n  $ tokor init --gateway openai --out ci/tokor.config.yaml --force')
    .action(async (opts: { gateway: Gateway; out: string; force?: boolean }) => {
      const { runInit, renderInit } = await import('../../app/init.js');
      const { emit } = await import('../output.js');
      await emit(renderInit(await runInit(opts)));
      done('ok');
    });
}
