/**
 * The names of the log formats tokor reads, in detection order (on a tie,
 * the earlier one wins). Each name has one file in this folder and one line
 * in the registry (index.ts), which `satisfies Record<LogFormatName, LogFormat>`:
 * a name without a reader does not compile. Kept apart from the registry so
 * that types.ts and the CLI's `--log-format` can name them without importing
 * any reader (importing the registry adds about 23 ms to every command's start).
 */
export const LOG_FORMAT_NAMES = ['bedrock', 'cloudwatch', 'openai', 'litellm', 'claude-code', 'otel', 'otel-metrics', 'vertex', 'azure-apim', 'csv'] as const;
export type LogFormatName = (typeof LOG_FORMAT_NAMES)[number];
