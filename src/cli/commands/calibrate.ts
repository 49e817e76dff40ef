import type { Command } from 'commander';

/** Not built yet: see the open issue for `tokor calibrate`. */
export function defineCalibrate(_program: Command): void {}
