/**
 * The provider registry: a tier's `provider` name → the factory of its client.
 * A registry, not a switch: a new provider is one file (a ClientFactory
 * implementing the eval domain's Provider port, src/eval/provider.ts) plus one
 * line here; `satisfies` makes the compiler name a provider without one.
 */
import type { ProviderName, TierConfig } from '../config/schema.js';
import type { ModelClient } from '../eval/provider.js';
import { createBedrockClient } from './bedrock.js';
import { createOpenAIClient } from './openai.js';
import { createReplayClient } from './replay.js';
import type { ClientFactory, ClientOptions } from './types.js';

export const PROVIDER_REGISTRY = {
  bedrock: createBedrockClient,
  openai: createOpenAIClient,
  replay: createReplayClient,
} as const satisfies Record<ProviderName, ClientFactory>;

/** The client for one tier, built by its provider's factory. */
export function createClient(tier: TierConfig, opts: ClientOptions): ModelClient {
  return PROVIDER_REGISTRY[tier.provider](tier, opts);
}

export type { ClientFactory, ClientOptions } from './types.js';
export { RecordingWriter } from './replay.js';
