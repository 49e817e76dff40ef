/** The body of `tokor analyze`, loaded only when the command runs. */
import { openContext } from '../../app/context.js';
import { InputError } from '../../errors.js';
import { runAnalyze } from '../../analyze/index.js';
import { renderAnalyze } from '../../report/analyze.js';
import { SAMPLE_LOGS } from '../../paths.js';
import { parseCsvMap } from '../../ingest/index.js';
import { UNTAGGED } from '../../analyze/facts.js';
import { checkOutputs, emit, note, startProgress, terminalWidth } from '../output.js';
import { trapInterrupt } from '../interrupt.js';
import { parseTiersFlag } from '../flags.js';
import { analyzeProgressText } from '../progress.js';
import { openSkippedFile } from '../../artifacts/skipped.js';
import type { AnalyzeFlags } from './analyze.js';
import type { Outcome } from '../exit.js';

export async function analyzeCommand(paths: string[], flags: AnalyzeFlags): Promise<Outcome> {
  const ctx = await openContext({ config: flags.config, catalog: flags.catalog });
  const { config } = ctx;
  const catalog = await ctx.catalog();
  const tiers = ctx.tiers(flags.tiers ? parseTiersFlag(flags.tiers) : undefined);
  const inputs = paths.length ? paths : [SAMPLE_LOGS];
  await checkOutputs([{ file: flags.out, flag: '--out' }]);
  const skipped = flags.skipped ? await openSkippedFile(flags.skipped) : undefined;
  const progress = await startProgress('reading logs…', flags.format);
  // Ctrl-C stops reading; the scan throws Interrupted (exit 130). A second Ctrl-C exits at once.
  const interrupt = trapInterrupt({ stopping: 'stopping: no more reading', say: (line) => progress.note(line) });
  const started = Date.now();
  let report;
  try {
    report = await runAnalyze({
      paths: inputs,
      catalog,
      tiers,
      format: flags.logFormat,
      csvMap: flags.map ? parseCsvMap(flags.map) : undefined,
      strict: flags.strict,
      groupBy: flags.groupBy ?? (config.groupBy ? [config.groupBy] : ['team']),
      // A tag no record has is usually a typo; for the default (team) only say so when the logs have other tags.
      onUntaggedGroup: (dim, keys) => {
        if (!flags.groupBy && !config.groupBy && keys.length === 0) return;
        const seen = keys.length ? `tag keys seen: ${keys.join(', ')}` : 'the records carry no tags (requestMetadata)';
        note(`tokor: warning: --group-by ${dim}: no record has a "${dim}" tag, so every record is ${UNTAGGED}; ${seen}`);
      },
      labelsFile: flags.labels,
      classifierFile: flags.classifier,
      sample: flags.sample ? { size: flags.sample, seed: flags.seed } : undefined,
      workers: flags.workers,
      confidence: flags.confidence,
      signal: interrupt.signal,
      onProgress: (p) => progress.update(analyzeProgressText(p, Date.now() - started)),
      onSkip: skipped?.write,
    });
  } finally {
    progress.stop();
    interrupt.dispose();
    await skipped?.close();
  }
  if (flags.costExplorer) {
    const { attachReconciliation } = await import('./analyzeCosts.js');
    await attachReconciliation(report, flags);
  }
  if (flags.format === 'html') {
    const { renderAnalyzeHtml } = await import('../../report/html/index.js');
    await emit(await renderAnalyzeHtml(report), flags.out);
  } else {
    await emit(renderAnalyze(report, flags.format, { width: terminalWidth() }), flags.out);
  }
  if (report.records.invalid && flags.format !== 'json') note(`tokor: skipped ${report.records.invalid} invalid record(s); see the report for reasons`);
  const unpriced = nothingPriced(report);
  if (unpriced) throw new InputError(unpriced, inputs.map((p) => (p === '-' ? '<stdin>' : p)).join(', '));
  return 'ok';
}

/** The reason to exit 2 after the report: valid requests, none of them priced (so every figure is $0). */
export function nothingPriced(report: { records: { valid: number; priced: number }; unpricedModels: { model: string; requests: number }[] }): string | undefined {
  if (report.records.valid === 0 || report.records.priced > 0) return undefined;
  const names = report.unpricedModels.slice(0, 3).map((u) => u.model);
  const more = report.unpricedModels.length > 3 ? ` and ${report.unpricedModels.length - 3} more` : '';
  return `nothing could be priced: no price for ${names.join(', ')}${more}; add them with --catalog FILE or modelMap in tokor.config.yaml (\`tokor prices --model ID\` shows how an ID resolves)`;
}
