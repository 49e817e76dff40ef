/** `tokor analyze --cost-explorer`: wired once src/costs lands. */
import type { AnalyzeReport } from '../../analyze/report.js';
import { UsageError } from '../../errors.js';
import type { AnalyzeFlags } from './analyze.js';

export async function attachReconciliation(_report: AnalyzeReport, _flags: AnalyzeFlags): Promise<void> {
  throw new UsageError('--cost-explorer is not available in this build yet');
}
