import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor costs`. */
export function defineCosts(_program: Command): void {}
