/**
 * The provider registry: a tier's `provider` name → the factory of its client.
 * A registry, not a switch, so a new provider is one entry.
 */
import type { ProviderName, TierConfig } from '../config/schema.js';
import { createBedrockClient } from './bedrock.js';
import { createOpenAIClient } from './openai.js';
import { createReplayClient } from './replay.js';
import type { ClientFactory, ClientOptions, ModelClient } from './types.js';

export const PROVIDER_REGISTRY: Record<ProviderName, ClientFactory> = {
  bedrock: createBedrockClient,
  openai: createOpenAIClient,
  replay: createReplayClient,
};

/** The client for one tier, built by its provider's factory. */
export function createClient(tier: TierConfig, opts: ClientOptions): ModelClient {
  return PROVIDER_REGISTRY[tier.provider](tier, opts);
}

export * from './types.js';
export { BedrockClient } from './bedrock.js';
export { OpenAIClient } from './openai.js';
export { ReplayClient, RecordingWriter, loadRecordings, type RecordingLine } from './replay.js';
