/**
 * The bill-format registry: each saved bill is read by the format that
 * recognizes it. Adding a source = one reader file + one line here (and its
 * name in src/costs/billFormats.ts); the compiler names every place to update.
 */
import { open } from 'node:fs/promises';
import type { BillFormatName } from '../../costs/billFormats.js';
import type { CostPages } from '../../costs/response.js';
import { costExplorerBill } from './costExplorer.js';
import type { BillFileHead, BillFormat, BillReadOptions } from './format.js';

export const BILL_FORMATS = {
  'cost-explorer': costExplorerBill,
} satisfies Record<BillFormatName, BillFormat>;

const HEAD_BYTES = 64 * 1024;

/** The start of a file; undefined when it cannot be read (the reader then says why, in its words). */
async function readHead(file: string): Promise<BillFileHead | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    const bytes = buf.subarray(0, bytesRead);
    return { path: file, bytes, text: bytes.toString('utf8') };
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}

/** The format of a file; Cost Explorer JSON when none recognizes it (its reader names what is wrong). */
export async function detectBillFormat(file: string): Promise<BillFormat> {
  const head = await readHead(file);
  const formats: BillFormat[] = Object.values(BILL_FORMATS);
  return (head && formats.find((f) => f.detect(head))) || BILL_FORMATS['cost-explorer'];
}

/** Reads saved bills of any registered format into one set of billed lines. */
export async function readBills(files: string[], opts: BillReadOptions): Promise<{ lines: CostPages; pages: number; kinds: { file: string; kind: BillFormatName }[] }> {
  const kinds: { file: string; kind: BillFormatName }[] = [];
  const byFormat = new Map<BillFormat, string[]>();
  for (const file of files) {
    const format = await detectBillFormat(file);
    kinds.push({ file, kind: format.name });
    byFormat.set(format, [...(byFormat.get(format) ?? []), file]);
  }
  const lines: CostPages = { groups: [], periods: [], notes: [] };
  let pages = 0;
  for (const [format, group] of byFormat) {
    const read = await format.read(group, opts);
    lines.groups.push(...read.lines.groups);
    lines.notes.push(...read.lines.notes);
    for (const p of read.lines.periods) {
      const same = lines.periods.find((q) => q.start === p.start && q.end === p.end);
      if (same) same.estimated ||= p.estimated;
      else lines.periods.push({ ...p });
    }
    pages += read.pages;
  }
  lines.periods.sort((a, b) => (a.start === b.start ? a.end.localeCompare(b.end) : a.start.localeCompare(b.start)));
  return { lines, pages, kinds };
}
