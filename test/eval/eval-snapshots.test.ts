/**
 * `tokor eval` on the bundled golden datasets, through the built CLI: stdout,
 * stderr and the exit code against snapshot files. The snapshots were written
 * by the build before the eval engine and `tokor eval` moved into
 * src/eval/engine and src/app/eval.ts (issue #13): every figure stays the same.
 */
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

describe('tokor eval on the bundled datasets (built CLI): snapshots', () => {
  it.each(['json', 'table'])('--format %s', async (format) => {
    const r = await runCli(['eval', '--format', format], { env: { COLUMNS: '100' } });
    const shown = `exit code: ${r.code}\n--- stderr\n${r.stderr}--- stdout\n${r.stdout.split(ROOT).join('<root>')}`;
    await expect(shown).toMatchFileSnapshot(`./__snapshots__/eval-bundled.${format}.txt`);
  });
});
