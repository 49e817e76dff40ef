import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor label`. */
export function defineLabel(_program: Command): void {}
