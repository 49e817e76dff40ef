import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor config`. */
export function defineConfig(_program: Command): void {}
