/** AWS Cost Explorer: saved `aws ce get-cost-and-usage --output json` responses (one page or an array of pages). */
import { costMetricOf, readCostPages } from '../../costs/response.js';
import { parseCostPage, readCostExplorerFiles } from '../costExplorer.js';
import type { BillFormat } from './format.js';

export const costExplorerBill: BillFormat = {
  name: 'cost-explorer',
  readsNet: true,
  label: 'AWS Cost Explorer GetCostAndUsage response (JSON)',
  detect: (head) => /^\s*[[{]/.test(head.text) && head.text.includes('"ResultsByTime"'),
  async read(files, opts) {
    const pages = await readCostExplorerFiles(files);
    return { lines: readCostPages(pages.map(parseCostPage), costMetricOf({ amortized: opts.metric === 'AmortizedCost', net: opts.net === true })), pages: pages.length };
  },
};
