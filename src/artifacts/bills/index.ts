/**
 * The bill-format registry: each saved bill is read by the format that
 * recognizes it. Adding a source = one reader file + one line here (and its
 * name in src/costs/billFormats.ts); the compiler names every place to update.
 */
import { open } from 'node:fs/promises';
import { InputError, UsageError } from '../../errors.js';
import type { BillFormatName } from '../../costs/billFormats.js';
import type { CostPages } from '../../costs/response.js';
import { gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { azureBill } from './azure.js';
import { costExplorerBill } from './costExplorer.js';
import { curBill } from './cur.js';
import { focusBill } from './focus.js';
import type { BillFileHead, BillFormat, BillReadOptions } from './format.js';
import { gcpBill } from './gcp.js';
import { expandBillPaths, isGzip, isParquet } from './table.js';
import { anthropicUsageBill, openaiUsageBill } from './usageReports.js';
import { anthropicCostBill, openaiCostBill } from './vendorReports.js';

/** Tried in this order; Cost Explorer JSON is also the fallback (its reader says what is wrong with a file). */
const BILL_FORMATS = {
  'cost-explorer': costExplorerBill,
  'anthropic-cost': anthropicCostBill,
  'openai-cost': openaiCostBill,
  'anthropic-usage': anthropicUsageBill,
  'openai-usage': openaiUsageBill,
  'aws-cur': curBill,
  focus: focusBill,
  'gcp-billing': gcpBill,
  'azure-cost': azureBill,
} satisfies Record<BillFormatName, BillFormat>;

function columnsOf(text: string): string[] {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (/^\s*\{/.test(first)) {
    try {
      return Object.keys(JSON.parse(first) as object);
    } catch {
      return [];
    }
  }
  if (/^\s*[[{]/.test(text)) return [];
  return first.split(',').map((c) => c.trim().replace(/^"|"$/g, '').replace(/^\uFEFF/, ''));
}

const HEAD_BYTES = 64 * 1024;

/** The start of a file; undefined when it cannot be read (the reader then says why, in its words). */
async function readHead(file: string): Promise<BillFileHead | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    let bytes: Uint8Array = buf.subarray(0, bytesRead);
    if (isParquet(bytes)) {
      const schema = parquetSchema(await parquetMetadataAsync(await asyncBufferFromFile(file)));
      return { path: file, bytes, text: '', columns: schema.children.map((c) => c.element.name) };
    }
    if (isGzip(bytes)) bytes = gunzipPrefix(bytes);
    const text = Buffer.from(bytes).toString('utf8');
    return { path: file, bytes, text, columns: columnsOf(text) };
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}

/** As much of a gzip stream as its first bytes hold. */
function gunzipPrefix(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
  } catch {
    return new Uint8Array();
  }
}

/** The format of a file; Cost Explorer JSON when none recognizes it (its reader names what is wrong). */
async function detectBillFormat(file: string): Promise<BillFormat> {
  const head = await readHead(file);
  const formats: BillFormat[] = Object.values(BILL_FORMATS);
  const found = head && formats.find((f) => f.detect(head));
  if (found) return found;
  if (head && head.columns.length > 1) {
    throw new InputError(
      `not a bill tokor reads (columns ${head.columns.slice(0, 4).join(', ')}…): give ${formats.map((f) => f.label).join('; ')} (docs/costs.md)`,
      file,
    );
  }
  return BILL_FORMATS['cost-explorer'];
}

/** Reads saved bills of any registered format into one set of billed lines. */
export async function readBills(paths: string[], opts: BillReadOptions): Promise<{ lines: CostPages; pages: number; kinds: { file: string; kind: BillFormatName }[] }> {
  const kinds: { file: string; kind: BillFormatName }[] = [];
  const byFormat = new Map<BillFormat, string[]>();
  const files = (await Promise.all(paths.map(expandBillPaths))).flat();
  for (const file of files) {
    const format = await detectBillFormat(file);
    if (opts.net && !format.readsNet) throw new UsageError(`${file}: --net reads the net (after-discount) costs of AWS CUR 2.0 exports and Cost Explorer responses; this file is a ${format.label}${format.name === 'focus' ? ', whose BilledCost and EffectiveCost already include negotiated discounts' : ''}: run without --net`);
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
