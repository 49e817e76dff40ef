/** The analyze application function is callable from tests, and analyze and label read traffic through one reader. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/app/analyze.js';
import { openContext } from '../../src/app/context.js';
import { ENGINES, readTraffic } from '../../src/engines/index.js';
import { ROOT } from '../helpers/cli.js';

describe('analyze(ctx, request)', () => {
  it('returns the report without printing or exiting; notes go to the hook', async () => {
    const ctx = await openContext({ cwd: ROOT });
    const notes: string[] = [];
    const run = await analyze(ctx, { paths: ['fixtures/analyze/mixed'], groupBy: ['nosuchtag'], workers: 0 }, { onNote: (l) => notes.push(l) });
    expect(run.report.kind).toBe('tokor-analyze');
    expect(run.report.records.valid).toBeGreaterThan(0);
    expect(run.unusable).toBeUndefined();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/--group-by nosuchtag: no record has a "nosuchtag" tag/);
  });

  it('reads the same records as readTraffic (tokor label’s reader), skips included', async () => {
    const paths = ['fixtures/ingest/gateway.jsonl', 'fixtures/ingest/bad-lines.jsonl', 'fixtures/ingest/truncated.jsonl.gz', 'fixtures/ingest/usage.csv'].map((p) => `${ROOT}/${p}`);
    let records = 0;
    let skipped = 0;
    for await (const ev of readTraffic(paths)) {
      if (ev.kind === 'record') records++;
      else skipped++;
    }
    const scan = await ENGINES.inprocess.scan({ paths, groupBy: [], workers: 0 });
    expect(records).toBe(scan.acc.valid + scan.acc.failed + scan.acc.duplicates);
    // Invalid lines plus the one truncated file.
    expect(skipped).toBe(scan.acc.invalid + scan.acc.fileIssues.filter((f) => f.kind === 'truncated').length);
  });
});
