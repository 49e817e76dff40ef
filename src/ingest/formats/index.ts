/**
 * The log-format registry. Adding a format = one file in this folder and one
 * line here: its key is its name (`--log-format`), the keys' order is the
 * detection order (on a tie, the earlier one wins), and the compiler names
 * every place that must handle it (readers keyed by `Record<LogFormatName, …>`).
 */
import { azureApim } from './azureApim.js';
import { bedrock } from './bedrock.js';
import { claudeCode } from './claudeCode.js';
import { cloudwatch } from './cloudwatch.js';
import { csv } from './csv.js';
import { litellm } from './litellm.js';
import { openai } from './openai.js';
import { otel } from './otel.js';
import { otelMetrics } from './otelMetrics.js';
import type { LogFormat } from './types.js';
import { vertex } from './vertex.js';

export const LOG_FORMATS = {
  bedrock,
  cloudwatch,
  openai,
  litellm,
  'claude-code': claudeCode,
  otel,
  'otel-metrics': otelMetrics,
  vertex,
  'azure-apim': azureApim,
  csv,
} satisfies Record<string, LogFormat>;

/** A log format's name: a key of the registry. */
export type LogFormatName = keyof typeof LOG_FORMATS;
/** The names, in detection order. */
export const LOG_FORMAT_NAMES = Object.keys(LOG_FORMATS) as LogFormatName[];
export type { ElementLines, EmitEvent,  LogFormat,  } from './types.js';
