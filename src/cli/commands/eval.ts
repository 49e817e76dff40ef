import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor eval`. */
export function defineEval(_program: Command): void {}
