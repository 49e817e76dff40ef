/**
 * CSV usage exports with one row per request, mapped by column names
 * (`--map field=COLUMN`). Read by the CSV reader (../csv.ts), not per JSON value;
 * CSV exports of other formats (Logs Insights `@message`, LiteLLM SpendLogs,
 * API Management LLM logs) are recognised by their header and parsed by that format.
 */
import { RecordError } from '../fields.js';
import type { LogFormat } from './types.js';

export const csv: LogFormat = {
  title: 'CSV usage exports (columns mapped with --map)',
  inputTokens: 'excludes-cache',
  inputField: 'the input_tokens column (uncached input; map cache columns apart)',
  detect: () => 0,
  parse: () => {
    throw new RecordError('CSV rows are read by the CSV reader');
  },
};
