/**
 * The bill-format registry: each saved bill is read by the format that
 * recognizes it. Adding a source = one reader file + one line here (and its
 * name in src/costs/billFormats.ts); the compiler names every place to update.
 */
import { open } from 'node:fs/promises';
import { InputError, UsageError, at } from '../../errors.js';
import { fsFailure } from '../../io/fsErrors.js';
import { jsonSyntaxError, readArtifactText } from '../read.js';
import type { BillFormatName } from '../../costs/billFormats.js';
import type { CostPages } from '../../costs/response.js';
import { type BillPart, countBilledOnce } from '../../costs/countOnce.js';
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

/** Tried in this order; a file none recognizes is refused with the list of labels. */
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

/** The start of a file; a file that cannot be opened or read is an error naming it and why. */
async function readHead(file: string): Promise<BillFileHead> {
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
  } catch (e) {
    throw fsFailure(e, file, 'read', 'the bill');
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

/** What tokor reads, for messages: every registered format's label. */
function acceptedFormats(): string {
  return `tokor reads ${Object.values(BILL_FORMATS).map((f) => f.label).join('; ')} (docs/costs.md)`;
}

/** The first few names of a list, for a message. */
function listed(names: readonly string[]): string {
  return `${names.slice(0, 4).join(', ')}${names.length > 4 ? '…' : ''}`;
}

/** The first line of a text, shortened for a message. */
function firstLine(text: string): string {
  const line = (text.split(/\r?\n/, 1)[0] ?? '').trim();
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/**
 * The format of a file, from its content. A file no format recognizes is an
 * error naming the file (and the line, for broken JSON), what it looks like,
 * and the formats tokor reads.
 */
async function detectBillFormat(file: string): Promise<BillFormat> {
  const head = await readHead(file);
  const found = Object.values(BILL_FORMATS).find((f: BillFormat) => f.detect(head));
  if (found) return found;
  if (head.columns.length > 1) {
    const what = /^\s*\{/.test(head.text) ? 'JSON lines with keys' : 'columns';
    throw new InputError(`not a bill tokor reads (${what} ${listed(head.columns)}); ${acceptedFormats()}`, file);
  }
  if (!isParquet(head.bytes) && head.text.trim() === '') throw new InputError(`empty file, not a bill; ${acceptedFormats()}`, file);
  if (/^\s*[[{]/.test(head.text)) {
    const text = await readArtifactText(file, 'the bill');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const { line, reason } = jsonSyntaxError(text);
      throw new InputError(`not valid JSON (${reason}); ${acceptedFormats()}`, at(file, line));
    }
    if (Array.isArray(body) && body.length === 0) throw new InputError(`an empty JSON list, not a bill; ${acceptedFormats()}`, file);
    const first = Array.isArray(body) ? body[0] : body;
    const keys = first !== null && typeof first === 'object' && !Array.isArray(first) ? Object.keys(first) : [];
    throw new InputError(`not a bill tokor reads (JSON${keys.length ? ` with keys ${listed(keys)}` : ''}); ${acceptedFormats()}`, file);
  }
  throw new InputError(`not a bill tokor reads (it starts ${JSON.stringify(firstLine(head.text))}); ${acceptedFormats()}`, at(file, 1));
}

/** One bill file and the format it was read as; a usage report says which of its days a cost report bills instead. */
type BillSource = { file: string; kind: BillFormatName; leftOut?: { days: string[]; billedBy: string[]; all: boolean } };

/**
 * Reads saved bills of any registered format into one set of billed lines. A
 * vendor's usage report beside its cost report is counted once: the cost
 * report bills the days it covers (src/costs/countOnce.ts).
 */
export async function readBills(paths: string[], opts: BillReadOptions): Promise<{ lines: CostPages; pages: number; kinds: BillSource[] }> {
  const kinds: BillSource[] = [];
  const byFormat = new Map<BillFormat, string[]>();
  const files = (await Promise.all(paths.map(expandBillPaths))).flat();
  for (const file of files) {
    const format = await detectBillFormat(file);
    if (opts.net && !format.readsNet) throw new UsageError(`${file}: --net reads the net (after-discount) costs of AWS CUR 2.0 exports and Cost Explorer responses; this file is a ${format.label}${format.name === 'focus' ? ', whose BilledCost and EffectiveCost already include negotiated discounts' : ''}: run without --net`);
    kinds.push({ file, kind: format.name });
    byFormat.set(format, [...(byFormat.get(format) ?? []), file]);
  }
  const read: BillPart[] = [];
  let pages = 0;
  for (const [format, group] of byFormat) {
    const r = await format.read(group, opts);
    read.push({ kind: format.name, files: group, lines: r.lines, ...(format.billedBy ? { billedBy: format.billedBy } : {}) });
    pages += r.pages;
  }
  const once = countBilledOnce(read);
  for (const l of once.leftOut) {
    const source = kinds.find((k) => k.file === l.file);
    if (source) source.leftOut = { days: l.days, billedBy: l.billedBy, all: l.all };
  }
  const lines: CostPages = { groups: [], periods: [], notes: [] };
  for (const part of once.parts) {
    lines.groups.push(...part.lines.groups);
    lines.notes.push(...part.lines.notes);
    for (const p of part.lines.periods) {
      const same = lines.periods.find((q) => q.start === p.start && q.end === p.end);
      if (same) same.estimated ||= p.estimated;
      else lines.periods.push({ ...p });
    }
  }
  lines.notes.push(...once.notes);
  lines.periods.sort((a, b) => (a.start === b.start ? a.end.localeCompare(b.end) : a.start.localeCompare(b.start)));
  return { lines, pages, kinds };
}
