import { fileURLToPath } from 'node:url';
import type { TrafficEvent, TrafficRecord, SkippedRecord } from '../../src/types.js';

/** A path inside the repository. */
export const repoPath = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
export const fixture = (name: string): string => repoPath(`fixtures/ingest/${name}`);

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export const recordsOf = (evs: TrafficEvent[]): TrafficRecord[] => evs.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
export const skipsOf = (evs: TrafficEvent[]): SkippedRecord[] => evs.flatMap((e) => (e.kind === 'skipped' ? [e.skipped] : []));

export function byRequestId(records: TrafficRecord[], id: string): TrafficRecord {
  const r = records.find((x) => x.requestId === id);
  if (r === undefined) throw new Error(`no record ${id}`);
  return r;
}
