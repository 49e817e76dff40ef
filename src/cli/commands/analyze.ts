import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor analyze`. */
export function defineAnalyze(_program: Command): void {}
