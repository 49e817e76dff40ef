import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

/** 400 items: the cheap model scores 0.9 on routine prompts and fails half of the reasoning ones. */
function writeCsv(): string {
  const rows = ['prompt,small,small_cost,big,big_cost'];
  for (let i = 0; i < 400; i++) {
    const hard = i % 4 === 0;
    rows.push(`"item ${i}: ${hard ? 'prove and derive it step by step' : 'classify this ticket'}",${hard ? (i % 8 === 0 ? 0.3 : 0.6) : 0.9},0.0001,${hard ? 0.95 : 1},0.003`);
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokor-csv-')), 'scores.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

describe('tokor calibrate --results-csv with score and cost columns (built CLI)', () => {
  it('picks a route whose bound holds, priced from the per-item cost columns', async () => {
    const csv = writeCsv();
    const args = ['calibrate', '--results-csv', csv, '--prompt-column', 'prompt', '--tier-column', 'cheap=small', '--tier-column', 'frontier=big', '--cost-column', 'cheap=small_cost', '--cost-column', 'frontier=big_cost', '--format', 'json'];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // 400 items, about 30% held out by default; all-frontier costs n × $0.003 on the calibration items.
    expect(j.n + j.holdout.items).toBe(400);
    expect(j.holdout.items).toBeGreaterThan(80);
    expect(j.baselines.frontier.costUsd).toBeCloseTo(j.n * 0.003, 9);
    expect(j.pick.savingsPct).toBeGreaterThan(0);
    expect(j.pick.savingsPct).toBeLessThanOrEqual(j.baselines.oracle.savingsPct);
    // A threshold above every cheap score leaves nothing to route cheaply: no pick, exit 1.
    const strict = await runCli([...args.slice(0, -2), '--pass-threshold', '0.99']);
    expect(strict.code).toBe(1);
  });
});
