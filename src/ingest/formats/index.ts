/**
 * The log-format registry: its keys are the format names, in detection order
 * (on a tie, the earlier one wins). Adding a format = one file in this folder
 * and one line here; the compiler then names every place that must handle it
 * (readers keyed by `Record<LogFormatName, …>`). The CLI defines only the
 * command being run, so the readers load only for the commands that read logs.
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

export type LogFormatName = keyof typeof LOG_FORMATS;
export const LOG_FORMAT_NAMES = Object.freeze(Object.keys(LOG_FORMATS)) as readonly [LogFormatName, ...LogFormatName[]];
export type { ElementLines, EmitEvent,  LogFormat,  } from './types.js';
