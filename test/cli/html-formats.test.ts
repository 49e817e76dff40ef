import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const CE = 'fixtures/costs/cost-explorer.json';

describe('--format html on each command (built CLI)', () => {
  it.each([
    ['analyze', ['analyze', '--format', 'html']],
    ['eval', ['eval', '--format', 'html']],
    ['calibrate', ['calibrate', '--format', 'html']],
    ['costs', ['costs', '--from-file', CE, '--format', 'html']],
  ])('%s writes one self-contained page with its charts', async (_name, args) => {
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout).toMatch(/<svg/);
    expect(r.stdout).not.toMatch(/<script/i);
    expect(r.stdout).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});
