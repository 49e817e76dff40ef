import { describe, expect, it } from 'vitest';
import { analyzeProgressText, formatDuration } from '../../src/cli/progress.js';
import { scanTraffic, type ScanProgress } from '../../src/engines/inprocess/scan.js';

describe('analyze progress', () => {
  const p = (over: Partial<ScanProgress>): ScanProgress => ({ bytes: 50e6, lines: 10_000, file: 'logs/a.json.gz', inputBytes: 25e6, ...over });

  it('shows a percentage and an ETA when the input size is known', () => {
    expect(analyzeProgressText(p({ totalBytes: 100e6 }), 10_000)).toBe('logs/a.json.gz: 25% · 10,000 records · 1,000 records/s · 5 MB/s · ETA 30s');
    expect(analyzeProgressText(p({ totalBytes: 100e6, inputBytes: 1e6 }), 100_000)).toBe('logs/a.json.gz: 1% · 10,000 records · 100 records/s · 1 MB/s · ETA 2h 45m');
  });

  it('no ETA in the first second, nor past the end; never 100% while running', () => {
    expect(analyzeProgressText(p({ totalBytes: 100e6 }), 500)).not.toMatch(/ETA/);
    expect(analyzeProgressText(p({ totalBytes: 25e6 }), 5_000)).toBe('logs/a.json.gz: 99% · 10,000 records · 2,000 records/s · 10 MB/s');
  });

  it('without a known size (stdin): no percentage, no ETA', () => {
    expect(analyzeProgressText(p({}), 10_000)).toBe('logs/a.json.gz: 10,000 records · 1,000 records/s · 5 MB/s');
  });

  it('formats durations', () => {
    expect([0, 59.4, 60, 3599, 3600, 7380].map(formatDuration)).toEqual(['0s', '59s', '1m 00s', '59m 59s', '1h 00m', '2h 03m']);
  });

  it('the scan reports bytes read as stored against the total size of its inputs', async () => {
    const seen: ScanProgress[] = [];
    await scanTraffic({ paths: ['fixtures/sample'], groupBy: [], workers: 0, onProgress: (x) => seen.push({ ...x }) });
    const last = seen[seen.length - 1]!;
    expect(last.totalBytes).toBeGreaterThan(0);
    expect(last.inputBytes).toBe(last.totalBytes);
    expect(seen.every((x, i) => i === 0 || x.inputBytes >= seen[i - 1]!.inputBytes)).toBe(true);
  });
});
