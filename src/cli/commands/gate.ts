import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor gate`. */
export function defineGate(_program: Command): void {}
