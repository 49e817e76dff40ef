/**
 * The provider registry: a tier's `provider` name → its client factory, loaded
 * when a tier uses it (the AWS SDK loads only for Bedrock tiers). A registry,
 * not a switch: a new provider is one file (a ClientFactory implementing the
 * eval domain's Provider port, src/eval/provider.ts) plus one line here. The
 * keys are the provider names: the config loader and the CLI's `--provider`
 * take them from here.
 */
import { UsageError } from '../errors.js';
import type { TierConfig } from '../config/schema.js';
import type { ModelClient } from '../eval/provider.js';
import type { ClientFactory, ClientOptions } from './types.js';

export const PROVIDER_REGISTRY = {
  bedrock: async () => (await import('./bedrock.js')).createBedrockClient,
  openai: async () => (await import('./openai.js')).createOpenAIClient,
  replay: async () => (await import('./replay.js')).createReplayClient,
} as const satisfies Record<string, () => Promise<ClientFactory>>;

export type ProviderName = keyof typeof PROVIDER_REGISTRY;
export const PROVIDERS = Object.freeze(Object.keys(PROVIDER_REGISTRY)) as readonly [ProviderName, ...ProviderName[]];

function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDER_REGISTRY, name);
}

/** The client for one tier, built by its provider's factory. */
export async function createClient(tier: TierConfig, opts: ClientOptions): Promise<ModelClient> {
  // Config files are checked against PROVIDERS when read; a tier built in code may still name anything.
  if (!isProviderName(tier.provider)) throw new UsageError(`tier "${tier.name}": unknown provider "${tier.provider}" (expected one of ${PROVIDERS.join(', ')})`);
  return (await PROVIDER_REGISTRY[tier.provider]())(tier, opts);
}

export type { ClientFactory, ClientOptions } from './types.js';
