/**
 * What a provider factory gets. The client interface and its errors are the
 * eval domain's Provider port (src/eval/provider.ts), implemented here.
 */
import type { TierConfig } from '../config/schema.js';
import type { ModelClient } from '../eval/provider.js';

/** What a provider factory gets besides the tier. */
export interface ClientOptions {
  /** Sizes the connection pool: the most requests in flight at once. */
  concurrency: number;
  /** Environment for keys and base URLs (process.env by default in the CLI). */
  env?: Record<string, string | undefined>;
  /** replay: read recordings from <dir>/<datasetId>/recordings/<tier>.jsonl instead of next to the dataset. */
  recordingsDir?: string;
}

export type ClientFactory = (tier: TierConfig, opts: ClientOptions) => ModelClient;
