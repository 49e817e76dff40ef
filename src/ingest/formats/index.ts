/**
 * The log-format registry. Adding a format = one file in this folder, its
 * name in names.ts and one line here; the compiler then names every place
 * that must handle it (readers keyed by `Record<LogFormatName, …>`).
 */
import { azureApim } from './azureApim.js';
import { bedrock } from './bedrock.js';
import { claudeCode } from './claudeCode.js';
import { cloudwatch } from './cloudwatch.js';
import { csv } from './csv.js';
import { litellm } from './litellm.js';
import type { LogFormatName } from './names.js';
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
} satisfies Record<LogFormatName, LogFormat>;

export { LOG_FORMAT_NAMES, type LogFormatName } from './names.js';
export type { ElementLines, EmitEvent,  LogFormat,  } from './types.js';
