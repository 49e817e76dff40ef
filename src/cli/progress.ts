/** The analyze spinner's text: where it is, how fast, and — when the input size is known — how far and how long to go. Pure. */
import type { ReadProgress as ScanProgress } from '../engines/index.js';

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * "logs/a.json.gz: 42% · 1,234 records · 5,000 records/s · 38 MB/s · ETA 1m 05s".
 * The percentage and ETA come from the bytes read as stored against the
 * inputs' total size, so they are shown only when that size is known (not
 * for stdin) and, for the ETA, after a second of reading.
 */
export function analyzeProgressText(p: ScanProgress, elapsedMs: number): string {
  const s = Math.max(elapsedMs / 1000, 0.001);
  const parts = [`${p.lines.toLocaleString('en-US')} records`, `${Math.round(p.lines / s).toLocaleString('en-US')} records/s`, `${(p.bytes / 1e6 / s).toFixed(0)} MB/s`];
  if (p.totalBytes !== undefined && p.totalBytes > 0) {
    const done = Math.min(1, p.inputBytes / p.totalBytes);
    parts.unshift(`${Math.min(99, Math.floor(done * 100))}%`);
    if (s >= 1 && p.inputBytes > 0 && done < 1) parts.push(`ETA ${formatDuration(((p.totalBytes - p.inputBytes) / p.inputBytes) * s)}`);
  }
  return `${p.file}: ${parts.join(' · ')}`;
}
