import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor report`. */
export function defineReport(_program: Command): void {}
