/** What every bill reader provides (the registry is ./index.ts). */
import type { BillFormatName } from '../../costs/billFormats.js';
import type { BaseCostMetric, CostPages } from '../../costs/response.js';
import type { Catalog } from '../../pricing/types.js';

/** The start of a file, for detection: its path, first bytes (decompressed when gzip) and its columns when it is a table. */
export interface BillFileHead {
  path: string;
  bytes: Uint8Array;
  /** The bytes as UTF-8 text. */
  text: string;
  /** Column names: the CSV header, the keys of the first JSON line, or the Parquet schema; [] for JSON documents. */
  columns: string[];
}

export interface BillReadOptions {
  /** Unblended (default) or amortized cost. */
  metric: BaseCostMetric;
  /** --net: costs after discounts (CUR's net_ columns, Cost Explorer's Net metrics); other formats refuse it. */
  net?: boolean;
  /** Prices for usage (token) reports, which carry no amounts; the built-in catalog when absent. */
  catalog?: Catalog;
}

export interface BillFormat {
  name: BillFormatName;
  /** What the user exported, for messages and docs ("AWS Cost Explorer GetCostAndUsage response (JSON)"). */
  label: string;
  /** Whether the format carries after-discount costs that --net reads. */
  readsNet?: boolean;
  /**
   * A usage report: its vendor's cost report format. Given together, the cost report's amounts are the billed
   * spend on the days it covers and the usage report's lines on those days are left out (src/costs/countOnce.ts).
   */
  billedBy?: BillFormatName;
  /** Whether a file is of this format, from its start. */
  detect(head: BillFileHead): boolean;
  /** Reads every file of this format into billed lines; `pages` counts the units read (pages, files). */
  read(files: string[], opts: BillReadOptions): Promise<{ lines: CostPages; pages: number }>;
}
