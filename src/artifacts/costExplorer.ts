/**
 * A GetCostAndUsage response (`aws ce get-cost-and-usage --output json`, read
 * by `tokor costs --from-file`, and every page the live query returns): the
 * shape tokor relies on, with amounts parsed exactly. AWS's format, so not
 * versioned by tokor; unknown keys are ignored.
 */
import { z } from 'zod';
import { InputError, at } from '../errors.js';
import { parseDecimal, withinBillRange } from '../costs/decimal.js';
import type { Money } from '../pricing/types.js';
import { checkArtifact, keyPath, lineOfPath, parseJsonFile, readArtifactText, type ArtifactSpec } from './read.js';

const AmountSchema = z.union([z.string(), z.number()], { error: 'expected a decimal amount such as "12.34"' }).transform((raw, ctx): Money => {
  const value = parseDecimal(String(raw));
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: `is not a decimal amount such as "12.34" (got ${JSON.stringify(raw)})` });
    return z.NEVER;
  }
  if (!withinBillRange(value)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(raw)} is out of range (beyond ±10^15): not a real amount` });
    return z.NEVER;
  }
  return value;
});

const MetricValueSchema = z.looseObject({ Amount: AmountSchema, Unit: z.string().optional() });

const CostGroupSchema = z.looseObject({
  Keys: z.array(z.string(), { error: 'expected the SERVICE and USAGE_TYPE values (a list of strings)' }),
  Metrics: z.record(z.string(), MetricValueSchema, { error: 'expected the metrics of the group' }),
});

const ResultByTimeSchema = z.looseObject({
  TimePeriod: z.looseObject({ Start: z.string({ error: 'expected a date (YYYY-MM-DD)' }), End: z.string({ error: 'expected a date (YYYY-MM-DD)' }) }, { error: 'expected {Start, End}' }),
  Estimated: z.boolean().optional(),
  Groups: z.array(CostGroupSchema, { error: 'expected a list of groups' }).optional(),
  Total: z.record(z.string(), z.unknown()).optional(),
});

const CostExplorerPageSchema = z.looseObject({
  ResultsByTime: z.array(ResultByTimeSchema, { error: 'not a GetCostAndUsage response' }),
  GroupDefinitions: z.array(z.looseObject({ Type: z.string().optional(), Key: z.string().optional() }), { error: 'expected a list of {Type, Key}' }).optional(),
  NextPageToken: z.string().nullable().optional(),
});

export type CostExplorerPage = z.output<typeof CostExplorerPageSchema>;

const COST_EXPLORER_SPEC: ArtifactSpec<CostExplorerPage> = {
  name: 'Cost Explorer response',
  schema: CostExplorerPageSchema,
  hint: 'save the output of `aws ce get-cost-and-usage --output json` (docs/costs.md)',
};

/** One response page as read and where it came from: a file (with its text, to name lines), or "Cost Explorer page 3". */
export interface RawCostPage {
  source: string;
  body: unknown;
  /** The file and its text, and the page's index when the file holds an array of pages. */
  file?: { path: string; text: string; index?: number };
}

/** A page checked against the schema, with the means to point at a key inside it (what src/costs reads). */
export interface CostPage {
  source: string;
  body: CostExplorerPage;
  /** InputError `file:line: ResultsByTime[0]…: message` for a key path of this page. */
  problem(path: readonly (string | number)[], message: string): InputError;
}

/** "file:line" (or the source) of a key path inside a page. */
function pageWhere(page: RawCostPage, path: readonly PropertyKey[]): string {
  if (!page.file) return page.source;
  const full = page.file.index === undefined ? path : [page.file.index, ...path];
  return at(page.file.path, lineOfPath(page.file.text, full));
}

/** A page checked against the schema; InputError `file:line: ResultsByTime[0]…Amount: what; what to do`. */
export function parseCostPage(page: RawCostPage): CostPage {
  if (page.body === null || typeof page.body !== 'object' || Array.isArray(page.body)) {
    throw new InputError(`not a GetCostAndUsage response (expected a JSON object); ${COST_EXPLORER_SPEC.hint}`, page.source);
  }
  const r = checkArtifact(COST_EXPLORER_SPEC, page.body);
  if (!r.ok) throw new InputError(r.problem.message, pageWhere(page, r.problem.path));
  return {
    source: page.source,
    body: r.value,
    problem: (path, message) => new InputError(`${path.length ? `${keyPath(path)}: ` : ''}${message}`, pageWhere(page, path)),
  };
}

/** Reads saved responses: each file holds one response or a JSON array of pages. Returns the raw pages (checked by parseCostPage). */
export async function readCostExplorerFiles(files: string[]): Promise<RawCostPage[]> {
  const pages: RawCostPage[] = [];
  for (const file of files) {
    const text = await readArtifactText(file, 'Cost Explorer response');
    const body = parseJsonFile(text, file, `a saved GetCostAndUsage response; ${COST_EXPLORER_SPEC.hint}`);
    if (Array.isArray(body)) {
      if (body.length === 0) throw new InputError(`an empty list: expected GetCostAndUsage response pages; ${COST_EXPLORER_SPEC.hint}`, file);
      body.forEach((b, i) => {
        pages.push({ source: `${file} [${i}]`, body: b, file: { path: file, text, index: i } });
      });
    } else {
      pages.push({ source: file, body, file: { path: file, text } });
    }
  }
  return pages;
}
