/**
 * A pseudo-terminal nobody sized (0 columns: `script` in a pipeline, some CI runners) used to send the
 * spinner into an endless loop of line clears — hundreds of megabytes of escape codes, Ctrl-C unanswered.
 * There the spinner stays off; the report prints as usual.
 */
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { requireScript, runInPty } from '../helpers/pty.js';

describe('a terminal with no size', () => {
  it('gets no spinner: analyze prints its report and exits 0, with a screenful of output', async () => {
    requireScript();
    const run = runInPty(['analyze'], { cwd: ROOT, size: 'unsized' });
    const timer = setTimeout(() => run.kill(), 25_000);
    const code = await run.exit;
    clearTimeout(timer);
    expect(code).toBe(0);
    const screen = run.screen();
    // Without measured labels the savings block leads with the range over the easy share (issue #14).
    expect(screen).toContain('If easy');
    expect(screen).toContain('Against paid');
    expect(screen.length).toBeLessThan(100_000);
  });
});
