/**
 * The label run analyze suggests is priced as `tokor label --dry-run` prices it (the same allocation over task
 * clusters, the same replay and judge costs per request): on the bundled sample the two agree within 2%. They
 * differ by the requests tokor label cannot measure (no prompt body), which analyze's clusters still count.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('the suggested label run’s price', () => {
  it('is within 2% of what tokor label --dry-run says the same sample costs', async () => {
    const [analyze, label] = await Promise.all([runCli(['analyze', '--format', 'json']), runCli(['label', 'fixtures/sample', '--sample', '400', '--dry-run', '--format', 'json'])]);
    expect(analyze.code).toBe(0);
    expect(label.code).toBe(0);
    const suggested = JSON.parse(analyze.stdout).toMeasure as { sample: number; expectedCostUsd: number };
    const dryRun = JSON.parse(label.stdout) as { sampleSize: number; totalUsd: number };
    expect(suggested.sample).toBe(dryRun.sampleSize);
    expect(Math.abs(suggested.expectedCostUsd / dryRun.totalUsd - 1)).toBeLessThan(0.02);
  });
});
