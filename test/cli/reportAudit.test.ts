/**
 * A new user's audit of reports and flags, through the built bin: a model
 * named one way in every table of a report, the HTML by-model tables showing
 * what the text tables show, a vendor's cost and usage reports counted once,
 * and a flag that needs another refused instead of ignored. Each case was a
 * defect of the CLI as users met it.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('a flag that needs another is refused, never ignored', () => {
  it('gate --map without --traffic: one line naming both flags, exit 2', async () => {
    const r = await runCli(['gate', '--map', 'model=model_id']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('tokor: --map needs --traffic: it maps the columns of CSV traffic logs (give them with --traffic FILE…, or drop --map)\n');
  });
});
