/**
 * tokor's programmatic API: the same functions the CLI calls, without the
 * CLI's printing. Everything here returns data; renderers return strings.
 */
export * from './types.js';
export { EXIT, TokorError, UsageError, InputError, RuntimeFailure } from './errors.js';

export { loadConfig, parseConfigText } from './config/load.js';
export { ConfigSchema, DEFAULT_TIERS, validateConfig, tiersOf, type TokorConfig, type TierConfig } from './config/schema.js';

export { readTraffic, listInputs } from './engines/index.js';
export { parseJsonLine, parseBedrockRecord, parseOpenAIRecord, parseCsvMap, detectFormat } from './ingest/index.js';

export { loadCatalog } from './config/catalog.js';
export { builtinCatalog, resolvePrice, canonicalModelKey, costOf, priceTokens, moneyToUsd, type Catalog, type ModelPrice, type Money } from './pricing/index.js';

export { heuristicLabeler } from './classify/heuristic.js';
export type { Labeler, LabelInput } from './classify/types.js';

export { analyze, runAnalyze, type AnalyzeRequest, type AnalyzeOptions, type AnalyzeReport } from './app/analyze.js';
export { renderAnalyze } from './report/analyze.js';

export * from './eval/types.js';
export { loadDataset, bundledDatasets } from './io/goldenDatasets.js';
export { gradeCase, GRADER_NAMES } from './eval/graders/index.js';

export { wilson, wilsonLower } from './stats/interval.js';
