import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor prices`. */
export function definePrices(_program: Command): void {}
